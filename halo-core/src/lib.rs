//! halo-core: the security and integration core for connecting B2B lead
//! sources (Apollo.io, ZoomInfo, web forms, CSV exports) to HaloPSA.
//!
//! Everything starts from one configuration document in the format of the
//! security guide the project comes from; see [`config`]. Secrets are never
//! written in that document; see [`secret`]. Inbound webhooks are verified
//! by [`webhook`].
//!
//! [`lead`] validates and normalises leads against the guide's schema and
//! maps Apollo.io, ZoomInfo and CSV records into them.
//!
//! [`audit`] keeps a tamper-evident, HMAC-chained audit trail with
//! verification, retention and shipping to a SIEM.
//!
//! [`halo`] is the HaloPSA client (its HTTP parts need the default `client`
//! feature); `sandbox` (feature `sandbox`) is an in-process HaloPSA simulator
//! with fault injection for offline tests. [`sync`] (feature `client`) puts
//! validated leads into HaloPSA exactly once.
//!
//! [`compliance`] holds the GDPR and HIPAA helpers: retention periods with
//! legal holds, a consent ledger, subject data exports and erasure by
//! crypto-shredding.
//!
//! ```
//! use halo_core::config::{Config, Severity};
//!
//! let config = Config::default();
//! let high = config.posture().into_iter().filter(|f| f.severity == Severity::High).count();
//! assert_eq!(high, 0);
//! ```

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod access;
pub mod audit;
mod bytes;
pub mod compliance;
pub mod config;
pub mod crypto;
pub mod halo;
pub mod lead;
pub mod masking;
pub mod ratelimit;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod secret;
#[cfg(feature = "client")]
pub mod sync;
pub mod webhook;

pub use access::AccessError;
pub use audit::{AuditError, AuditEvent, AuditLog, AuditSink};
pub use compliance::{ComplianceError, ConsentLedger, Exporter, RetentionPolicy};
pub use config::{Config, ConfigError, Finding};
pub use crypto::{BlindIndex, CryptoError, FieldCipher, KeyId, KeyProvider, Keyring, SubjectKeys};
pub use halo::{Client, HaloError, Opportunity, Site, Ticket, User};
#[cfg(feature = "client")]
pub use halo::{HaloClient, HaloClientBuilder};
pub use lead::{Lead, LeadError, LeadSchema, ValidLead, Violation};
pub use masking::{Masker, MaskingError};
pub use ratelimit::{RateDecision, RateLimitError, RateLimiter, RateStore, Rule};
pub use secret::{SecretRef, SecretSource, SecretString};
pub use webhook::{WebhookError, WebhookVerifier};
