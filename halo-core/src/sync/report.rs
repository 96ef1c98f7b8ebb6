//! What a sync did: counts, failures by input index and code, timing.

use std::time::Duration;

/// A lead that could not be synced.
///
/// Only the lead's position in the input and a stable code are kept, never
/// its data, so a report can be logged and stored as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncFailure {
    /// The lead's index in the input slice.
    pub index: usize,
    /// Why: the `halo.*` code of the call that failed
    /// (`halo.outcome_unknown` when a create could not be settled either way
    /// after every reconciliation round, `halo.decode` when Halo sent a
    /// record without an id), or `sync.not_confirmed` when a create
    /// succeeded but neither its reply nor a lookup shows the record.
    pub code: &'static str,
}

/// The outcome of one [`LeadSync::sync`](super::LeadSync::sync).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncReport {
    /// Leads in the input.
    pub received: usize,
    /// Opportunities created.
    pub created: usize,
    /// Existing opportunities whose contact fields were updated.
    pub updated: usize,
    /// Existing opportunities that already held the lead's values.
    pub unchanged: usize,
    /// Input indices of leads whose `dedupe_key` appeared earlier in the
    /// input; they were skipped.
    pub duplicates: Vec<usize>,
    /// Leads that could not be synced, by input index.
    pub failed: Vec<SyncFailure>,
    /// Clients created (with [`SyncOptions::clients`](super::SyncOptions::clients)).
    pub clients_created: usize,
    /// Contacts created (with [`SyncOptions::users`](super::SyncOptions::users)).
    pub users_created: usize,
    /// Audit events that could not be written (with
    /// [`LeadSync::with_audit`](super::LeadSync::with_audit)).
    pub audit_failures: usize,
    /// Creates whose outcome was unknown and were settled by looking the
    /// records up.
    pub reconciled: usize,
    /// API requests sent by the client during the sync, retries included.
    /// Counts every request of the client, so concurrent use of the same
    /// client by other code is included.
    pub requests: u64,
    /// Of those, repeats after a 429, a 5xx, a broken connection or an
    /// expired token.
    pub retries: u64,
    /// Wall time of the sync.
    pub elapsed: Duration,
}

impl SyncReport {
    /// Leads that ended up in HaloPSA: created, updated or unchanged.
    pub fn synced(&self) -> usize {
        self.created + self.updated + self.unchanged
    }
}

/// Which step a [`Progress`] report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// Finding and creating clients.
    Clients,
    /// Finding and creating contacts.
    Users,
    /// Finding, creating and updating opportunities.
    Opportunities,
}

/// Progress through one phase, passed to the progress callback after each
/// batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The phase.
    pub phase: Phase,
    /// Records of the phase settled so far.
    pub done: usize,
    /// Records of the phase in all.
    pub total: usize,
}
