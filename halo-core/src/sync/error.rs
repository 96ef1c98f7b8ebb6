//! Why a sync could not run at all. Failures of single leads are not errors:
//! they are listed in the [`SyncReport`](super::SyncReport).

use crate::halo::HaloError;

/// Why [`LeadSync::sync`](super::LeadSync::sync) stopped before syncing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// An option is out of range.
    #[error("sync option `{name}` {reason}")]
    InvalidOption {
        /// The option's field name in [`SyncOptions`](super::SyncOptions).
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Reading the records already in HaloPSA failed, so nothing could be
    /// created safely.
    #[error("could not read the existing {resource} records from halopsa")]
    Lookup {
        /// The resource path (`Opportunities`).
        resource: &'static str,
        /// The client's error.
        #[source]
        source: HaloError,
    },
}

impl SyncError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidOption { .. } => "sync.invalid_option",
            Self::Lookup { .. } => "sync.lookup_failed",
        }
    }
}
