//! Verifying and signing inbound webhooks.
//!
//! One [`WebhookVerifier`] checks deliveries from every sender an
//! integration meets, each configured as a [`Provider`]: HaloPSA itself
//! (HTTP Basic), lead sources with the guide's generic HMAC or an API key,
//! Standard Webhooks senders (svix and many SaaS), and Stripe- and
//! GitHub-style senders. See [`Scheme`] for the layouts.
//!
//! A delivery is checked in this order: source address against CIDR
//! allow-lists (v4 and v6), user agent, body size (before any hashing),
//! header presence and format, timestamp within tolerance in both
//! directions, signature in constant time against every active secret and
//! every signature in the header, then the [`ReplayGuard`]. Anything that
//! weakens a check is a separately named method
//! ([`WebhookVerifier::verify_ignoring_timestamp`],
//! [`Provider::dangerous_accept_unauthenticated`],
//! [`WebhookVerifierBuilder::dangerous_without_replay_guard`]).
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//!
//! use halo_core::SecretString;
//! use halo_core::webhook::{Provider, Scheme, Signature, WebhookRequest, WebhookVerifier};
//!
//! // The example published with the Standard Webhooks specification.
//! let secret = SecretString::from("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
//! let signature = Signature::standard_webhooks().secret(&secret)?;
//! let verifier = WebhookVerifier::builder()
//!     .provider("billing", Provider::new().signature(signature))
//!     .build();
//!
//! let headers = [
//!     ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
//!     ("webhook-timestamp", "1614265330"),
//!     ("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
//! ];
//! let body = br#"{"test": 2432232314}"#;
//! let request = WebhookRequest::from_pairs(&headers, body).provider("billing");
//!
//! let now = UNIX_EPOCH + Duration::from_secs(1614265330 + 60);
//! let verified = verifier.verify_at(&request, now)?;
//! assert_eq!(verified.scheme, Some(Scheme::StandardWebhooks));
//! assert_eq!(verified.id.as_deref(), Some("msg_p5jXN8AQM9LWM0D4loKWxJek"));
//!
//! // The same delivery again is a replay.
//! let again = verifier.verify_at(&request, now).unwrap_err();
//! assert_eq!(again.code(), "webhook.replayed");
//! # Ok::<(), halo_core::webhook::WebhookError>(())
//! ```
//!
//! Limits, stated plainly:
//!
//! - Only HMAC-SHA256 is supported; Standard Webhooks `v1a` (Ed25519)
//!   signatures and Stripe `v0` signatures are skipped, never verified.
//! - The generic scheme reads one encoding, chosen by configuration (hex by
//!   default, or padded standard base64); URL-safe base64 is not read.
//! - Timestamps are Unix seconds; millisecond timestamps are refused.
//! - The caller decides which address a delivery came from; behind a proxy
//!   that is only as trustworthy as the proxy.
//! - API-key and Basic deliveries are not bound to their body and cannot be
//!   guarded against replay (see [`ReplayGuard`]).
//! - The user-agent check is an exact comparison and only a filter: senders
//!   choose their user agent.

mod configure;
mod error;
mod keys;
mod parse;
mod provider;
mod replay;
mod request;
mod signature;
mod signer;
mod verifier;

pub use crate::config::{SignatureEncoding, SignatureScheme};
pub use error::WebhookError;
pub use parse::{MAX_ID_BYTES, MAX_SIGNATURES};
pub use provider::{DEFAULT_TOLERANCE, Provider};
pub use replay::{Claim, DEFAULT_REPLAY_CAPACITY, MemoryReplayGuard, ReplayGuard};
pub use request::{MAX_HEADER_BYTES, WebhookRequest};
pub use signature::Signature;
pub use signer::WebhookSigner;
pub use verifier::{WebhookVerifier, WebhookVerifierBuilder};

/// How a delivery authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// The guide's generic HMAC: one hex or base64 HMAC-SHA256 in
    /// `X-Webhook-Signature` (optionally after `sha256=`), over the body, or
    /// over `{timestamp}.{body}` when a timestamp header is configured.
    Generic,
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp` and
    /// `webhook-signature` (space-separated `v1,<base64>` entries) over
    /// `{id}.{timestamp}.{body}`, keyed by the base64-decoded `whsec_`
    /// secret. The `svix-` prefixed headers are read when the `webhook-`
    /// ones are absent.
    StandardWebhooks,
    /// Stripe style: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`
    /// over `{t}.{body}`, keyed by the secret string as given.
    Stripe,
    /// GitHub style: `X-Hub-Signature-256: sha256=<hex>` over the body.
    Github,
    /// HTTP Basic credentials in `Authorization` (what HaloPSA sends).
    Basic,
    /// A shared key in a header (the guide's `api_key` method, `X-API-Key`
    /// by default).
    ApiKey,
}

/// What a successful verification establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The provider the delivery was checked against; `None` for the default.
    pub provider: Option<String>,
    /// How the delivery authenticated; `None` only for a provider that
    /// accepts unauthenticated deliveries.
    pub scheme: Option<Scheme>,
    /// The delivery id claimed in the replay guard: the Standard Webhooks
    /// `webhook-id`, or for other signature schemes `sig_` and 32 hex digits
    /// derived from the verified signature. `None` for Basic and API-key
    /// deliveries.
    pub id: Option<String>,
    /// The signed timestamp in Unix seconds, for schemes that sign one.
    pub timestamp: Option<u64>,
}

impl Scheme {
    /// The scheme's stable name: `generic`, `standard_webhooks`, `stripe`,
    /// `github`, `basic` or `api_key`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::StandardWebhooks => "standard_webhooks",
            Self::Stripe => "stripe",
            Self::Github => "github",
            Self::Basic => "basic",
            Self::ApiKey => "api_key",
        }
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
