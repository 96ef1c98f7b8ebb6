//! Why a rate-limit check or a limiter's construction failed.

/// Why a rate-limit check or a limiter's construction failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RateLimitError {
    /// `check` named a rule the limiter does not have.
    #[error("no rate-limit rule is named `{name}`")]
    UnknownRule {
        /// The rule name asked for.
        name: String,
    },
    /// Two rules share one name.
    #[error("rate-limit rule `{name}` is defined twice")]
    DuplicateRule {
        /// The repeated name.
        name: String,
    },
    /// A rule cannot be enforced as written.
    #[error("rate-limit rule `{name}` is invalid: {reason}")]
    InvalidRule {
        /// The rule's name.
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The key is longer than [`MAX_KEY_BYTES`](super::MAX_KEY_BYTES).
    #[error("rate-limit key is {len} bytes, more than the limit of {limit}")]
    KeyTooLong {
        /// The key's length in bytes.
        len: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The store could not be reached in time (connection refused, timed
    /// out, dropped). The limiter's [`FailureMode`](super::FailureMode)
    /// decides what a check does then.
    #[error("rate-limit store is unavailable")]
    StoreUnavailable {
        /// The underlying failure.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The store answered, but not as expected (a script error, a reply of
    /// the wrong shape). Treated like [`StoreUnavailable`](Self::StoreUnavailable)
    /// by the failure mode.
    #[error("rate-limit store failed: {reason}")]
    StoreFailed {
        /// What went wrong, without keys or values.
        reason: String,
    },
    /// The store's address could not be used.
    #[error("rate-limit store address is invalid")]
    InvalidStoreUrl {
        /// The underlying failure.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl RateLimitError {
    /// The stable code, such as `ratelimit.unknown_rule`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownRule { .. } => "ratelimit.unknown_rule",
            Self::DuplicateRule { .. } => "ratelimit.duplicate_rule",
            Self::InvalidRule { .. } => "ratelimit.invalid_rule",
            Self::KeyTooLong { .. } => "ratelimit.key_too_long",
            Self::StoreUnavailable { .. } => "ratelimit.store_unavailable",
            Self::StoreFailed { .. } => "ratelimit.store_failed",
            Self::InvalidStoreUrl { .. } => "ratelimit.invalid_store_url",
        }
    }

    /// Whether the error comes from the store rather than from the request
    /// or the configuration: these are the errors a
    /// [`FailureMode`](super::FailureMode) applies to.
    pub fn is_store_failure(&self) -> bool {
        matches!(
            self,
            Self::StoreUnavailable { .. } | Self::StoreFailed { .. }
        )
    }
}
