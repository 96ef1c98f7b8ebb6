//! What a check decided, and the response headers that say so.

use std::time::{Duration, SystemTime};

/// The outcome of [`RateLimiter::check`](super::RateLimiter::check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateDecision {
    /// The request is allowed and was counted.
    Allowed {
        /// The rule's burst: requests allowed at once from an idle key.
        limit: u32,
        /// Requests the key may still make right now.
        remaining: u32,
        /// Time until the key's whole burst is available again.
        reset: Duration,
    },
    /// The request is refused: the key is over its rate.
    Limited {
        /// The rule's burst.
        limit: u32,
        /// Time until the next request is allowed.
        retry_after: Duration,
    },
    /// The request is refused: the key is blocked, by an earlier refusal or
    /// by this request's.
    Blocked {
        /// The rule's burst.
        limit: u32,
        /// When the block ends.
        until: SystemTime,
        /// Time left until the block ends.
        retry_after: Duration,
    },
    /// The request comes from an allow-listed network or user agent; it was
    /// not counted.
    Exempt,
    /// The rule is switched off in the configuration; nothing was counted.
    Unlimited,
    /// The store failed and the limiter fails open
    /// ([`FailureMode::Open`](super::FailureMode::Open)): the request is
    /// allowed without being counted.
    Unchecked {
        /// The store error's code, such as `ratelimit.store_unavailable`.
        code: &'static str,
    },
}

impl RateDecision {
    /// Whether the request may proceed.
    pub fn is_allowed(&self) -> bool {
        !matches!(self, Self::Limited { .. } | Self::Blocked { .. })
    }

    /// A stable name for the outcome: `allowed`, `limited`, `blocked`,
    /// `exempt`, `unlimited` or `unchecked`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Allowed { .. } => "allowed",
            Self::Limited { .. } => "limited",
            Self::Blocked { .. } => "blocked",
            Self::Exempt => "exempt",
            Self::Unlimited => "unlimited",
            Self::Unchecked { .. } => "unchecked",
        }
    }

    /// How long to wait before retrying, for a refused request.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Limited { retry_after, .. } | Self::Blocked { retry_after, .. } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }

    /// The response headers for this decision: `RateLimit-Limit`,
    /// `RateLimit-Remaining` and `RateLimit-Reset` for a counted request,
    /// plus `Retry-After` for a refused one. Times are whole seconds rounded
    /// up (so a client never retries too early), at least 1 for a refusal.
    /// Exempt, unlimited and unchecked requests get no header.
    ///
    /// The names are those of the IETF HTTPAPI draft's first versions
    /// (`draft-ietf-httpapi-ratelimit-headers-03`), which most clients read;
    /// the limit is the burst.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        match *self {
            Self::Allowed {
                limit,
                remaining,
                reset,
            } => vec![
                ("RateLimit-Limit", limit.to_string()),
                ("RateLimit-Remaining", remaining.to_string()),
                ("RateLimit-Reset", ceil_seconds(reset).to_string()),
            ],
            Self::Limited {
                limit, retry_after, ..
            }
            | Self::Blocked {
                limit, retry_after, ..
            } => {
                let seconds = ceil_seconds(retry_after).max(1).to_string();
                vec![
                    ("RateLimit-Limit", limit.to_string()),
                    ("RateLimit-Remaining", "0".to_owned()),
                    ("RateLimit-Reset", seconds.clone()),
                    ("Retry-After", seconds),
                ]
            }
            Self::Exempt | Self::Unlimited | Self::Unchecked { .. } => Vec::new(),
        }
    }
}

fn ceil_seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}
