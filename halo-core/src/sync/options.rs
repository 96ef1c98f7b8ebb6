//! What [`LeadSync`](super::LeadSync) creates and how it goes about it.

use crate::halo::MAX_PAGE_SIZE;

use super::SyncError;

/// How records already in HaloPSA are found before anything is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Lookup {
    /// One search per distinct lead (`search_oppemailaddress` for
    /// opportunities, `search` for contacts and clients): cheap for a few
    /// leads against a large tenant.
    PerLead,
    /// One paged read of every record of the resource before the run: cheap
    /// for many leads (10 000 leads against 10 000 opportunities cost 100
    /// page reads instead of 10 000 searches).
    Snapshot,
    /// Counts the resource's records first (one request) and takes
    /// [`Lookup::Snapshot`] when reading them all costs fewer requests than
    /// searching for each lead, [`Lookup::PerLead`] otherwise. The default.
    #[default]
    Auto,
}

/// Settings of a [`LeadSync`](super::LeadSync).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOptions {
    /// Find or create a Client for each lead's company and link the
    /// opportunity to it. Default `false`.
    pub clients: bool,
    /// Find or create a Users contact for each lead (under its Client when
    /// `clients` is on) and link the opportunity to it. Default `false`.
    pub users: bool,
    /// Records per `POST`, from 1 to 100 (Halo's page cap, also a sensible
    /// request size). Default 50.
    pub batch_size: usize,
    /// Requests in flight at once, from 1 to 64. Default 4.
    pub concurrency: usize,
    /// How existing records are found. Default [`Lookup::Auto`].
    pub lookup: Lookup,
    /// How many times a create whose outcome is unknown is looked up and
    /// sent again for the records not found. Default 3.
    pub reconcile_rounds: u32,
    /// The actor named in audit events. Default `lead-sync`.
    pub actor: String,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            clients: false,
            users: false,
            batch_size: 50,
            concurrency: 4,
            lookup: Lookup::Auto,
            reconcile_rounds: 3,
            actor: "lead-sync".to_owned(),
        }
    }
}

impl SyncOptions {
    /// Checks the ranges documented on each field.
    pub fn validate(&self) -> Result<(), SyncError> {
        let max_batch = MAX_PAGE_SIZE as usize;
        if !(1..=max_batch).contains(&self.batch_size) {
            return Err(SyncError::InvalidOption {
                name: "batch_size",
                reason: "must be between 1 and 100",
            });
        }
        if !(1..=64).contains(&self.concurrency) {
            return Err(SyncError::InvalidOption {
                name: "concurrency",
                reason: "must be between 1 and 64",
            });
        }
        if self.actor.trim().is_empty() {
            return Err(SyncError::InvalidOption {
                name: "actor",
                reason: "must not be blank",
            });
        }
        Ok(())
    }
}
