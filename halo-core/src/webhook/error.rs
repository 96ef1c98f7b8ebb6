//! Why a webhook delivery was refused, or a verifier could not be built.

use crate::secret::SecretError;

/// Why a webhook delivery was refused, or a verifier or signer could not be
/// built.
///
/// Messages say which check failed and never include a signature, a key, a
/// body, a user agent or an address.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The request names a provider that is not configured.
    #[error("no webhook provider is named `{name}`")]
    UnknownProvider {
        /// The provider's name (`(default)` for the unnamed one).
        name: String,
    },
    /// A header the scheme needs is absent.
    #[error("header `{header}` is missing")]
    MissingHeader {
        /// The header's name.
        header: String,
    },
    /// A header is present but cannot be read: repeated, not ASCII, too long
    /// or not in the scheme's format.
    #[error("header `{header}` is malformed: {reason}")]
    MalformedHeader {
        /// The header's name.
        header: String,
        /// What is wrong with it, without its value.
        reason: &'static str,
    },
    /// The delivery's timestamp is too far from now, in either direction.
    #[error("timestamp is more than {tolerance_secs} s away from now")]
    TimestampOutOfTolerance {
        /// The allowed distance in seconds.
        tolerance_secs: u64,
    },
    /// No signature in the header matches the body under any active secret.
    #[error("no signature matches the body")]
    SignatureMismatch,
    /// An API key or HTTP Basic credentials do not match.
    #[error("credentials do not match")]
    CredentialsRejected,
    /// The delivery was already accepted and not released.
    #[error("delivery was already received")]
    Replayed,
    /// The source address is missing or outside the allowed networks.
    #[error("source address is not allowed")]
    IpNotAllowed,
    /// The `User-Agent` is missing or not the expected one.
    #[error("user agent is not the expected one")]
    UserAgentRejected,
    /// The body is larger than the provider accepts.
    #[error("body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The provider requires authentication but has no secret, key or
    /// password for any of its methods.
    #[error("no secret is configured for any allowed method")]
    NoSecret,
    /// A setting given to a builder or found in the configuration cannot be
    /// used (a header name, a Standard Webhooks secret that does not decode).
    #[error("invalid webhook setting: {reason}")]
    InvalidSetting {
        /// What is wrong, without any secret value.
        reason: String,
    },
    /// A secret reference of the configuration could not be resolved.
    #[error("webhook secret `{path}` cannot be resolved")]
    SecretUnavailable {
        /// The JSON path of the reference in the configuration.
        path: String,
        /// Why it could not be resolved.
        #[source]
        source: SecretError,
    },
    /// The replay guard could not record the delivery, which is refused.
    #[error("replay guard unavailable: {reason}")]
    ReplayGuardUnavailable {
        /// What went wrong.
        reason: String,
        /// The store's own error, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl WebhookError {
    /// The stable code of this error, shared by every language binding.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownProvider { .. } => "webhook.unknown_provider",
            Self::MissingHeader { .. } => "webhook.missing_header",
            Self::MalformedHeader { .. } => "webhook.malformed_header",
            Self::TimestampOutOfTolerance { .. } => "webhook.timestamp_out_of_tolerance",
            Self::SignatureMismatch => "webhook.signature_mismatch",
            Self::CredentialsRejected => "webhook.credentials_rejected",
            Self::Replayed => "webhook.replayed",
            Self::IpNotAllowed => "webhook.ip_not_allowed",
            Self::UserAgentRejected => "webhook.user_agent_rejected",
            Self::BodyTooLarge { .. } => "webhook.body_too_large",
            Self::NoSecret => "webhook.no_secret",
            Self::InvalidSetting { .. } => "webhook.invalid_setting",
            Self::SecretUnavailable { .. } => "webhook.secret_unavailable",
            Self::ReplayGuardUnavailable { .. } => "webhook.replay_guard_unavailable",
        }
    }

    /// The HTTP status a receiver should answer a refused delivery with:
    /// 400 for missing or malformed headers, 401 when the signature,
    /// timestamp or credentials fail, 403 for a refused address or user
    /// agent, 404 for an unknown provider, 409 for a replay, 413 for a body
    /// over the limit, 500 for a verifier that is set up wrongly and 503
    /// when the replay guard cannot be reached (the sender should retry).
    pub fn http_status(&self) -> u16 {
        match self {
            Self::MissingHeader { .. } | Self::MalformedHeader { .. } => 400,
            Self::TimestampOutOfTolerance { .. }
            | Self::SignatureMismatch
            | Self::CredentialsRejected => 401,
            Self::IpNotAllowed | Self::UserAgentRejected => 403,
            Self::UnknownProvider { .. } => 404,
            Self::Replayed => 409,
            Self::BodyTooLarge { .. } => 413,
            Self::NoSecret | Self::InvalidSetting { .. } | Self::SecretUnavailable { .. } => 500,
            Self::ReplayGuardUnavailable { .. } => 503,
        }
    }

    pub(crate) fn malformed(header: &str, reason: &'static str) -> Self {
        Self::MalformedHeader {
            header: header.to_owned(),
            reason,
        }
    }

    pub(crate) fn missing(header: &str) -> Self {
        Self::MissingHeader {
            header: header.to_owned(),
        }
    }

    pub(crate) fn setting(reason: impl Into<String>) -> Self {
        Self::InvalidSetting {
            reason: reason.into(),
        }
    }
}
