//! Why an access check, a policy or a credential operation failed.

use std::time::Duration;

/// Why an access-control operation failed. Every variant has a stable
/// [`code`](AccessError::code); messages never contain a code, key, token or
/// secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccessError {
    /// A role inherits from a role that the policy does not define.
    #[error("role `{role}` inherits from `{parent}`, which is not a role")]
    UnknownParentRole {
        /// The inheriting role.
        role: String,
        /// The missing role.
        parent: String,
    },
    /// Roles inherit from each other in a loop.
    #[error("roles inherit in a cycle: {}", cycle.join(" -> "))]
    InheritanceCycle {
        /// The roles of the cycle, the first repeated at the end.
        cycle: Vec<String>,
    },
    /// A permission is not dotted words, `prefix.*` or `*`.
    #[error("role `{role}` has a malformed permission name")]
    InvalidPermission {
        /// The role holding it.
        role: String,
    },
    /// A role name is empty or defined twice.
    #[error("role name is empty or defined twice")]
    InvalidRole,
    /// The configuration turns role checks off; see
    /// [`Policy::from_config`](super::Policy::from_config).
    #[error("role-based access control is disabled in the configuration")]
    RbacDisabled,
    /// The TOTP or one-time code settings are out of range.
    #[error("invalid one-time password settings: {0}")]
    InvalidOtpSettings(&'static str),
    /// A base32 secret cannot be decoded.
    #[error("the secret is not valid base32")]
    InvalidSecret,
    /// The presented code is wrong or has expired.
    #[error("the code is not valid")]
    CodeMismatch,
    /// The presented code was valid but its time step was already used.
    #[error("the code was already used")]
    CodeReused,
    /// Too many failed attempts; try again later.
    #[error("too many failed attempts; retry in {} s", retry_after.as_secs())]
    Throttled {
        /// How long until attempts are accepted again.
        retry_after: Duration,
    },
    /// No one-time code is pending for the account, or it has expired.
    #[error("no code is pending for this account")]
    NoPendingCode,
    /// The MFA method is not allowed by the policy.
    #[error("the MFA method `{0}` is not allowed")]
    MethodNotAllowed(&'static str),
    /// The system random number generator failed.
    #[error("the system random number generator is unavailable")]
    RandomUnavailable,
    /// The presented API key is not in the expected format or its checksum
    /// does not match.
    #[error("the API key is malformed")]
    ApiKeyMalformed,
    /// No key has the presented key's id, or its secret part does not match.
    #[error("the API key is not recognised")]
    ApiKeyUnknown,
    /// The key was rotated and its grace period is over.
    #[error("the API key has expired")]
    ApiKeyExpired,
    /// The key was revoked.
    #[error("the API key was revoked")]
    ApiKeyRevoked,
    /// The key is already retiring or revoked and cannot be rotated.
    #[error("the API key `{0}` is not active")]
    ApiKeyNotActive(String),
    /// The key store could not be read or written.
    #[error("the API key store cannot be used: {message}")]
    Store {
        /// What failed, without key material.
        message: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A secret reference of the configuration did not resolve.
    #[error(transparent)]
    Secret(#[from] crate::secret::SecretError),
    /// The token is not a well-formed JWT, or its header or claims are not
    /// what a bearer token must carry.
    #[error("the bearer token is malformed")]
    TokenMalformed,
    /// The token's `alg` is not one of the accepted algorithms.
    #[error("the bearer token's algorithm is not accepted")]
    TokenAlgorithm,
    /// No key of the key set has the token's `kid`, even after a refresh.
    #[error("no key matches the bearer token's key id")]
    TokenUnknownKey,
    /// The signature does not verify.
    #[error("the bearer token's signature does not verify")]
    TokenSignature,
    /// `exp` is in the past beyond the leeway.
    #[error("the bearer token has expired")]
    TokenExpired,
    /// `nbf` is in the future beyond the leeway.
    #[error("the bearer token is not valid yet")]
    TokenNotYetValid,
    /// `exp` is absent.
    #[error("the bearer token has no `exp` claim")]
    TokenMissingExpiry,
    /// `iss` is absent or not the configured issuer.
    #[error("the bearer token's issuer is not accepted")]
    TokenIssuer,
    /// `aud` is absent or does not include the configured audience.
    #[error("the bearer token's audience is not accepted")]
    TokenAudience,
    /// The token lacks a required scope.
    #[error("the bearer token lacks the `{0}` scope")]
    TokenMissingScope(String),
    /// The validator settings are inconsistent (no key source, no algorithm).
    #[error("invalid token validation settings: {0}")]
    InvalidTokenSettings(&'static str),
    /// The JSON Web Key Set could not be fetched or parsed.
    #[error("the JSON web key set cannot be loaded: {0}")]
    Jwks(String),
}

impl AccessError {
    /// The stable code of this error, shared with the Python and Node
    /// bindings.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownParentRole { .. } => "access.rbac_unknown_role",
            Self::InheritanceCycle { .. } => "access.rbac_cycle",
            Self::InvalidPermission { .. } => "access.rbac_invalid_permission",
            Self::InvalidRole => "access.rbac_invalid_role",
            Self::RbacDisabled => "access.rbac_disabled",
            Self::InvalidOtpSettings(_) => "access.otp_invalid_settings",
            Self::InvalidSecret => "access.otp_invalid_secret",
            Self::CodeMismatch => "access.otp_mismatch",
            Self::CodeReused => "access.otp_reused",
            Self::Throttled { .. } => "access.otp_throttled",
            Self::NoPendingCode => "access.otp_no_pending_code",
            Self::MethodNotAllowed(_) => "access.mfa_method_not_allowed",
            Self::RandomUnavailable => "access.random_unavailable",
            Self::ApiKeyMalformed => "access.api_key_malformed",
            Self::ApiKeyUnknown => "access.api_key_unknown",
            Self::ApiKeyExpired => "access.api_key_expired",
            Self::ApiKeyRevoked => "access.api_key_revoked",
            Self::ApiKeyNotActive(_) => "access.api_key_not_active",
            Self::Store { .. } => "access.store",
            Self::Secret(e) => e.code(),
            Self::TokenMalformed => "access.token_malformed",
            Self::TokenAlgorithm => "access.token_algorithm",
            Self::TokenUnknownKey => "access.token_unknown_key",
            Self::TokenSignature => "access.token_signature",
            Self::TokenExpired => "access.token_expired",
            Self::TokenNotYetValid => "access.token_not_yet_valid",
            Self::TokenMissingExpiry => "access.token_missing_exp",
            Self::TokenIssuer => "access.token_issuer",
            Self::TokenAudience => "access.token_audience",
            Self::TokenMissingScope(_) => "access.token_missing_scope",
            Self::InvalidTokenSettings(_) => "access.token_invalid_settings",
            Self::Jwks(_) => "access.jwks_unavailable",
        }
    }

    pub(crate) fn store(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Store {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}
