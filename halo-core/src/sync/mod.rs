//! The lead pipeline's last step: validated leads into HaloPSA, exactly once
//! (feature `client`).
//!
//! [`LeadSync`] turns each [`ValidLead`](crate::lead::ValidLead) into an
//! Opportunity (Halo has no lead resource: its CRM leads are opportunities
//! with `opp*` contact fields) and, when asked, a Client for the company and
//! a Users contact, linked to the opportunity.
//!
//! - **De-duplication.** Within the input by
//!   [`dedupe_key`](crate::lead::ValidLead::dedupe_key) (the first lead of a
//!   key wins, later ones are listed in [`SyncReport::duplicates`]); against
//!   HaloPSA by looking each record up before creating it: opportunities by
//!   `oppemailaddress`, contacts by `emailaddress`, clients by `name`, all
//!   compared trimmed and without regard to case. Halo's searches match
//!   substrings, so only exact matches count; when a tenant already holds
//!   several matches, the one with the lowest id is used. Running the same
//!   input twice creates nothing the second time.
//! - **Lookups.** [`Lookup::Auto`] (the default) counts the records of each
//!   resource first and reads them all page by page when that costs fewer
//!   requests than one search per lead; see [`Lookup`].
//! - **Exactly once under faults.** Creates are sent in batches of
//!   [`SyncOptions::batch_size`]. The client never repeats a create that may
//!   have been applied: it fails with `halo.outcome_unknown`. The sync then
//!   looks each record of the batch up, counts the ones found as created and
//!   sends only the others again, for at most
//!   [`SyncOptions::reconcile_rounds`] rounds. Reads and updates are retried
//!   by the client's own [`RetryPolicy`](crate::halo::RetryPolicy).
//! - **Updates.** An existing opportunity whose contact fields
//!   (`oppcompanyname`, `oppcontactname`, `opptel`, `oppjobtitle`,
//!   `oppcountry`, and the client and contact links) differ from the lead's
//!   is updated with only the fields that differ; fields the lead lacks are
//!   left alone.
//! - **Reports and logs.** [`SyncReport`] counts what happened and lists
//!   failures by input index and code, never a lead's data. Logs carry counts
//!   and codes; a failed lead's email is logged (at debug level) only
//!   through the [`Masker`](crate::masking::Masker) given with
//!   [`LeadSync::with_masker`]. Audit events (one `data_access`/`write`
//!   event per lead) come with [`LeadSync::with_audit`].
//!
//! Limits: de-duplication against HaloPSA holds for one sync at a time. Two
//! processes syncing the same new lead at the same moment can both find
//! nothing and both create it; run one sync per tenant, or give each
//! process its own leads. Contacts are created without a site (Halo puts
//! them on the client's default site where the tenant has one).

mod engine;
mod error;
mod options;
mod report;
mod settle;
mod target;

pub use engine::LeadSync;
pub use error::SyncError;
pub use options::{Lookup, SyncOptions};
pub use report::{Phase, Progress, SyncFailure, SyncReport};
