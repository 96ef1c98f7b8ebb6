//! halo-core: the security and integration core for connecting B2B lead
//! sources (Apollo.io, ZoomInfo, web forms, CSV exports) to HaloPSA.
//!
//! Everything starts from one configuration document in the format of the
//! security guide the project comes from; see [`config`]. Secrets are never
//! written in that document; see [`secret`].
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

pub mod config;
pub mod ratelimit;
pub mod secret;

pub use config::{Config, ConfigError, Finding};
pub use ratelimit::{RateDecision, RateLimitError, RateLimiter, RateStore, Rule};
pub use secret::{SecretRef, SecretSource, SecretString};
