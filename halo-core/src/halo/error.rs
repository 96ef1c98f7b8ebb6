//! The errors of the HaloPSA client, each with a stable code.

use std::error::Error as StdError;
use std::time::Duration;

/// A boxed underlying cause (an HTTP library error), kept as the error source.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// The longest Halo error message kept, in characters.
const MAX_MESSAGE_CHARS: usize = 300;

/// Why a HaloPSA call failed.
///
/// Messages never contain the client secret, the access token, request bodies
/// or query strings. The message Halo itself returned is kept (truncated),
/// because it is what explains a rejected update.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HaloError {
    /// The token endpoint rejected the client credentials, or a fresh token
    /// was refused again.
    #[error("halopsa rejected the client credentials: {description}")]
    AuthFailed {
        /// Halo's `error_description` (or `error`), when it sent one.
        description: String,
    },
    /// The call was understood but refused (HTTP 403).
    #[error(
        "halopsa refused `{route}`: check the application's scopes and the role of the agent it acts as"
    )]
    Forbidden {
        /// The route template, such as `/api/Client/{id}`.
        route: String,
        /// Halo's message, when it sent one.
        message: Option<String>,
    },
    /// The record does not exist (HTTP 404).
    #[error("halopsa has no record at `{route}`")]
    NotFound {
        /// The route template.
        route: String,
    },
    /// HTTP 429 persisted through every allowed retry.
    #[error("halopsa rate limit still exceeded after {attempts} attempts")]
    RateLimited {
        /// Attempts made.
        attempts: u32,
        /// The last `Retry-After`, when Halo sent one.
        retry_after: Option<Duration>,
    },
    /// Any other failure reported by Halo, including HTTP 200 replies whose
    /// body is an error.
    #[error("halopsa answered {status} on `{route}`: {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The route template.
        route: String,
        /// The message parsed from Halo's error body (any of its shapes).
        message: String,
    },
    /// The connection failed or broke.
    #[error("request to halopsa failed on `{route}`")]
    Transport {
        /// The route template.
        route: String,
        /// The HTTP library's error.
        #[source]
        source: BoxError,
    },
    /// No reply within the request timeout.
    #[error("request to halopsa timed out on `{route}`")]
    Timeout {
        /// The route template.
        route: String,
    },
    /// The reply was not shaped as expected.
    #[error("could not decode halopsa's reply: {reason}")]
    Decode {
        /// What was wrong, without echoing the body.
        reason: String,
    },
    /// A create may or may not have been applied: the request was sent but no
    /// reply came back (broken connection, timeout, 5xx). It is never retried
    /// automatically; look the record up before trying again.
    #[error("the outcome of the create on `{route}` is unknown: it may have been applied")]
    OutcomeUnknown {
        /// The route template.
        route: String,
        /// What happened to the request.
        #[source]
        source: Option<BoxError>,
    },
    /// The client was configured wrongly.
    #[error("invalid halopsa client setting: {reason}")]
    Config {
        /// Which setting and why.
        reason: String,
    },
}

impl HaloError {
    /// The stable code shared with the Python and Node bindings.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AuthFailed { .. } => "halo.auth_failed",
            Self::Forbidden { .. } => "halo.forbidden",
            Self::NotFound { .. } => "halo.not_found",
            Self::RateLimited { .. } => "halo.rate_limited",
            Self::Api { .. } => "halo.api",
            Self::Transport { .. } => "halo.transport",
            Self::Timeout { .. } => "halo.timeout",
            Self::Decode { .. } => "halo.decode",
            Self::OutcomeUnknown { .. } => "halo.outcome_unknown",
            Self::Config { .. } => "halo.config",
        }
    }

    /// Whether the failure may go away by itself (rate limit, transport,
    /// timeout, or a 5xx from Halo).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Transport { .. } | Self::Timeout { .. } => true,
            Self::Api { status, .. } => *status >= 500,
            _ => false,
        }
    }

    pub(crate) fn decode(err: &serde_json::Error) -> Self {
        // serde_json's own message can quote the offending value (personal
        // data); keep only its category and position.
        let kind = match err.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "invalid json",
            serde_json::error::Category::Data => "unexpected shape",
            serde_json::error::Category::Eof => "truncated json",
        };
        Self::Decode {
            reason: format!("{kind} at line {} column {}", err.line(), err.column()),
        }
    }
}

/// Trims a Halo message to a bounded length.
pub(crate) fn bounded(message: &str) -> String {
    let trimmed = message.trim();
    match trimmed.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}...", &trimmed[..cut]),
        None => trimmed.to_owned(),
    }
}
