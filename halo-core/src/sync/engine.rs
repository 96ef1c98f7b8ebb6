//! [`LeadSync`]: leads in, opportunities (and clients and contacts) out.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use futures_util::stream::{self, StreamExt};
use serde_json::json;

use super::report::{Phase, Progress, SyncFailure, SyncReport};
use super::settle::Settled;
use super::target::{Target, key_of};
use super::{SyncError, SyncOptions};
use crate::audit::{AuditAction, AuditCategory, AuditEvent, AuditLog, AuditOutcome};
use crate::halo::{Client, HaloClient, Opportunity, User};
use crate::lead::ValidLead;
use crate::masking::Masker;

type ProgressFn = dyn Fn(Progress) + Send + Sync;

/// Syncs validated leads into HaloPSA as opportunities, exactly once.
///
/// For each distinct lead (by [`ValidLead::dedupe_key`]) it finds the
/// opportunity whose `oppemailaddress` is the lead's email, or creates one;
/// an existing opportunity whose contact fields differ from the lead's is
/// updated, one that holds them already is left alone. With
/// [`SyncOptions::clients`] and [`SyncOptions::users`] it first finds or
/// creates the company's Client (matched by name) and the lead's Users
/// contact (matched by email) and links the opportunity to them.
///
/// Running the same input twice creates nothing the second time. A create
/// whose outcome is unknown is settled by looking the records up before
/// anything is sent again (see the module docs).
///
/// ```no_run
/// # async fn run(halo: halo_core::HaloClient, leads: Vec<halo_core::ValidLead<'_>>)
/// # -> Result<(), halo_core::sync::SyncError> {
/// use halo_core::sync::{LeadSync, SyncOptions};
///
/// let options = SyncOptions { clients: true, ..Default::default() };
/// let sync = LeadSync::new(halo).with_options(options);
/// let report = sync.sync(&leads).await?;
/// println!("{} created, {} failed", report.created, report.failed.len());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct LeadSync {
    pub(crate) client: HaloClient,
    pub(crate) options: SyncOptions,
    masker: Option<Arc<Masker>>,
    audit: Option<Arc<AuditLog>>,
    progress: Option<Arc<ProgressFn>>,
}

/// One distinct lead and where it is in the input.
struct Entry<'l, 'a> {
    index: usize,
    key: String,
    lead: &'l ValidLead<'a>,
}

/// The outcome of one lead's opportunity, with its id.
enum Outcome {
    Created(i64),
    Updated(i64),
    Unchanged(i64),
    Failed(&'static str),
}

impl LeadSync {
    /// A sync over `client` with the default [`SyncOptions`].
    pub fn new(client: HaloClient) -> Self {
        Self {
            client,
            options: SyncOptions::default(),
            masker: None,
            audit: None,
            progress: None,
        }
    }

    /// Replaces the options.
    pub fn with_options(mut self, options: SyncOptions) -> Self {
        self.options = options;
        self
    }

    /// Logs failed leads (at debug level) with their email masked by
    /// `masker`. Without a masker nothing about a lead but its input index
    /// is ever logged.
    pub fn with_masker(mut self, masker: Arc<Masker>) -> Self {
        self.masker = Some(masker);
        self
    }

    /// Records one `data_access`/`write` event per distinct lead in `audit`:
    /// actor [`SyncOptions::actor`], resource `opportunity/<id>` (or
    /// `opportunity` when it failed), outcome success or failure, and
    /// details `input_index`, `result` (`created`, `updated`, `unchanged`,
    /// `failed`) and, for a failure, `code`. No lead data goes into an
    /// event. An event that cannot be written is counted in
    /// [`SyncReport::audit_failures`] and logged with its code. Events are
    /// written on the task running the sync, after the HaloPSA calls; with
    /// a sink that fsyncs every entry that is one fsync per lead.
    pub fn with_audit(mut self, audit: Arc<AuditLog>) -> Self {
        self.audit = Some(audit);
        self
    }

    /// Calls `progress` after each batch of each phase.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// The options in force.
    pub fn options(&self) -> &SyncOptions {
        &self.options
    }

    /// Syncs `leads`; see the type's docs. Fails as a whole only for a bad
    /// option or when a snapshot of existing records cannot be read; every
    /// other failure is one lead's, listed in [`SyncReport::failed`].
    pub async fn sync(&self, leads: &[ValidLead<'_>]) -> Result<SyncReport, SyncError> {
        self.options.validate()?;
        let started = Instant::now();
        let before = self.client.stats();
        let mut report = SyncReport {
            received: leads.len(),
            ..SyncReport::default()
        };

        let entries = distinct(leads, &mut report.duplicates);
        let mut failed: HashMap<usize, &'static str> = HashMap::new();
        let clients = self.clients(&entries, &mut failed, &mut report).await?;
        let users = self
            .users(&entries, &clients, &mut failed, &mut report)
            .await?;
        let outcomes = self
            .opportunities(&entries, &clients, &users, &failed, &mut report)
            .await?;

        for (entry, outcome) in entries.iter().zip(outcomes) {
            if !self.audit_write(entry, &outcome) {
                report.audit_failures += 1;
            }
            match outcome {
                Outcome::Created(_) => report.created += 1,
                Outcome::Updated(_) => report.updated += 1,
                Outcome::Unchanged(_) => report.unchanged += 1,
                Outcome::Failed(code) => {
                    self.log_failure(entry, code);
                    report.failed.push(SyncFailure {
                        index: entry.index,
                        code,
                    });
                }
            }
        }
        report.failed.sort_by_key(|f| f.index);
        let stats = self.client.stats().since(before);
        report.requests = stats.requests;
        report.retries = stats.retries;
        report.elapsed = started.elapsed();
        tracing::info!(
            received = report.received,
            created = report.created,
            updated = report.updated,
            unchanged = report.unchanged,
            duplicates = report.duplicates.len(),
            failed = report.failed.len(),
            requests = report.requests,
            elapsed_ms = u64::try_from(report.elapsed.as_millis()).unwrap_or(u64::MAX),
            "lead sync finished"
        );
        Ok(report)
    }

    /// Finds or creates the Client of every company; returns client ids by
    /// company key.
    async fn clients(
        &self,
        entries: &[Entry<'_, '_>],
        failed: &mut HashMap<usize, &'static str>,
        report: &mut SyncReport,
    ) -> Result<HashMap<String, i64>, SyncError> {
        if !self.options.clients {
            return Ok(HashMap::new());
        }
        let mut wanted: HashMap<String, Client> = HashMap::new();
        for entry in entries {
            let lead = entry.lead;
            wanted
                .entry(key_of(lead.company()))
                .or_insert_with(|| Client {
                    name: Some(lead.company().to_owned()),
                    website: lead.website().map(str::to_owned),
                    ..Client::default()
                });
        }
        let ids = self.settle_ids(wanted, Phase::Clients, report, |r| &mut r.clients_created);
        let ids = ids.await?;
        Ok(link(entries, &ids, failed, |e| key_of(e.lead.company())))
    }

    /// Finds or creates the contact of every lead; returns user ids by lead
    /// key.
    async fn users(
        &self,
        entries: &[Entry<'_, '_>],
        clients: &HashMap<String, i64>,
        failed: &mut HashMap<usize, &'static str>,
        report: &mut SyncReport,
    ) -> Result<HashMap<String, i64>, SyncError> {
        if !self.options.users {
            return Ok(HashMap::new());
        }
        let mut wanted = HashMap::new();
        for entry in entries.iter().filter(|e| !failed.contains_key(&e.index)) {
            let lead = entry.lead;
            let user = User {
                name: Some(format!("{} {}", lead.first_name(), lead.last_name())),
                firstname: Some(lead.first_name().to_owned()),
                surname: Some(lead.last_name().to_owned()),
                emailaddress: Some(lead.email().to_owned()),
                phonenumber: lead.phone().map(str::to_owned),
                jobtitle: lead.title().map(str::to_owned),
                client_id: clients.get(&key_of(lead.company())).copied(),
                ..User::default()
            };
            wanted.insert(entry.key.clone(), user);
        }
        let ids = self.settle_ids(wanted, Phase::Users, report, |r| &mut r.users_created);
        let ids = ids.await?;
        Ok(link(entries, &ids, failed, |e| e.key.clone()))
    }

    /// Settles clients or users and returns their ids (or failure codes) by
    /// key, counting creations into the report field `created`.
    async fn settle_ids<R: Target>(
        &self,
        wanted: HashMap<String, R>,
        phase: Phase,
        report: &mut SyncReport,
        created: impl Fn(&mut SyncReport) -> &mut usize,
    ) -> Result<HashMap<String, Result<i64, &'static str>>, SyncError> {
        let total = wanted.len();
        let mut done = 0;
        let settled = self
            .settle(wanted.into_iter().collect(), |n| {
                done += n;
                self.report_progress(phase, done, total);
            })
            .await?;
        report.reconciled += settled.reconciled;
        let mut ids = HashMap::with_capacity(settled.settled.len());
        for (key, outcome) in settled.settled {
            let id = match outcome {
                Settled::Existing(record) => record.id().ok_or("halo.decode"),
                Settled::Created(id) => {
                    *created(report) += 1;
                    Ok(id)
                }
                Settled::Failed(code) => Err(code),
            };
            ids.insert(key, id);
        }
        Ok(ids)
    }

    /// Finds, creates or updates the opportunity of every lead.
    async fn opportunities(
        &self,
        entries: &[Entry<'_, '_>],
        clients: &HashMap<String, i64>,
        users: &HashMap<String, i64>,
        failed: &HashMap<usize, &'static str>,
        report: &mut SyncReport,
    ) -> Result<Vec<Outcome>, SyncError> {
        let mut wanted = HashMap::new();
        for entry in entries.iter().filter(|e| !failed.contains_key(&e.index)) {
            let client_id = clients.get(&key_of(entry.lead.company())).copied();
            let user_id = users.get(&entry.key).copied();
            let record = opportunity(entry.lead, client_id, user_id);
            wanted.insert(entry.key.clone(), record);
        }
        let total = wanted.len();
        let mut done = 0;
        let wanted_list: Vec<(String, Opportunity)> =
            wanted.iter().map(|(k, r)| (k.clone(), r.clone())).collect();
        let settled = self
            .settle(wanted_list, |n| {
                done += n;
                self.report_progress(Phase::Opportunities, done, total);
            })
            .await?;
        report.reconciled += settled.reconciled;

        let mut changes = Vec::new();
        let mut outcomes: HashMap<String, Outcome> = HashMap::new();
        for (key, state) in settled.settled {
            let outcome = match state {
                Settled::Created(id) => Outcome::Created(id),
                Settled::Failed(code) => Outcome::Failed(code),
                Settled::Existing(existing) => {
                    let change = wanted.get(&key).and_then(|w| changed(&existing, w));
                    match (existing.id, change) {
                        (None, _) => Outcome::Failed("halo.decode"),
                        (Some(id), Some(change)) => {
                            changes.push((key.clone(), change));
                            Outcome::Updated(id)
                        }
                        (Some(id), None) => Outcome::Unchanged(id),
                    }
                }
            };
            outcomes.insert(key, outcome);
        }
        for (key, code) in self.update(changes).await {
            outcomes.insert(key, Outcome::Failed(code));
        }
        Ok(entries
            .iter()
            .map(|e| match failed.get(&e.index) {
                Some(code) => Outcome::Failed(code),
                None => outcomes
                    .remove(&e.key)
                    .unwrap_or(Outcome::Failed("sync.not_confirmed")),
            })
            .collect())
    }

    /// Sends updates in batches (retried by the client like reads); returns
    /// the keys whose update failed, with the code.
    async fn update(&self, changes: Vec<(String, Opportunity)>) -> Vec<(String, &'static str)> {
        let handler = self.client.opportunities();
        let batches: Vec<Vec<(String, Opportunity)>> = changes
            .chunks(self.options.batch_size)
            .map(<[_]>::to_vec)
            .collect();
        let results = stream::iter(batches)
            .map(|batch| {
                let handler = handler.clone();
                async move {
                    let records: Vec<Opportunity> = batch.iter().map(|(_, r)| r.clone()).collect();
                    match handler.upsert(&records).await {
                        Ok(_) => Vec::new(),
                        Err(err) => {
                            let code = err.code();
                            batch.into_iter().map(|(k, _)| (k, code)).collect()
                        }
                    }
                }
            })
            .buffer_unordered(self.options.concurrency)
            .collect::<Vec<_>>()
            .await;
        results.into_iter().flatten().collect()
    }

    /// Writes the audit event of one lead; `false` when it could not be
    /// written.
    fn audit_write(&self, entry: &Entry<'_, '_>, outcome: &Outcome) -> bool {
        let Some(audit) = &self.audit else {
            return true;
        };
        let (result, id, code) = match outcome {
            Outcome::Created(id) => ("created", Some(*id), None),
            Outcome::Updated(id) => ("updated", Some(*id), None),
            Outcome::Unchanged(id) => ("unchanged", Some(*id), None),
            Outcome::Failed(code) => ("failed", None, Some(*code)),
        };
        let mut event = AuditEvent::new(AuditCategory::DataAccess, AuditAction::Write)
            .actor(self.options.actor.clone())
            .resource(id.map_or_else(
                || "opportunity".to_owned(),
                |id| format!("opportunity/{id}"),
            ))
            .outcome(if code.is_some() {
                AuditOutcome::Failure
            } else {
                AuditOutcome::Success
            })
            .detail("input_index", json!(entry.index))
            .detail("result", json!(result));
        if let Some(code) = code {
            event = event.detail("code", json!(code));
        }
        match audit.record(event) {
            Ok(_) => true,
            Err(err) => {
                tracing::warn!(
                    code = err.code(),
                    index = entry.index,
                    "audit event not written"
                );
                false
            }
        }
    }

    fn report_progress(&self, phase: Phase, done: usize, total: usize) {
        if let Some(progress) = &self.progress {
            progress(Progress { phase, done, total });
        }
    }

    fn log_failure(&self, entry: &Entry<'_, '_>, code: &'static str) {
        match &self.masker {
            Some(masker) => {
                let email = masker.mask_text(entry.lead.email());
                tracing::debug!(index = entry.index, code, email = %email, "lead not synced");
            }
            None => tracing::debug!(index = entry.index, code, "lead not synced"),
        }
    }
}

/// The first lead of each dedupe key; the indices of the others go to
/// `duplicates`.
fn distinct<'l, 'a>(leads: &'l [ValidLead<'a>], duplicates: &mut Vec<usize>) -> Vec<Entry<'l, 'a>> {
    let mut seen = std::collections::HashSet::new();
    let mut entries = Vec::with_capacity(leads.len());
    for (index, lead) in leads.iter().enumerate() {
        let key = lead.dedupe_key().into_owned();
        if seen.insert(key.clone()) {
            entries.push(Entry { index, key, lead });
        } else {
            duplicates.push(index);
        }
    }
    entries
}

/// Ids by the entry's key; an entry whose record failed is marked failed.
fn link(
    entries: &[Entry<'_, '_>],
    ids: &HashMap<String, Result<i64, &'static str>>,
    failed: &mut HashMap<usize, &'static str>,
    key: impl Fn(&Entry<'_, '_>) -> String,
) -> HashMap<String, i64> {
    let mut linked = HashMap::new();
    for entry in entries {
        let k = key(entry);
        match ids.get(&k) {
            Some(Ok(id)) => {
                linked.insert(k, *id);
            }
            Some(Err(code)) => {
                failed.entry(entry.index).or_insert(code);
            }
            None => {}
        }
    }
    linked
}

/// The opportunity a lead becomes.
fn opportunity(lead: &ValidLead<'_>, client_id: Option<i64>, user_id: Option<i64>) -> Opportunity {
    Opportunity {
        summary: Some(format!("Lead: {}", lead.company())),
        oppcompanyname: Some(lead.company().to_owned()),
        oppcontactname: Some(format!("{} {}", lead.first_name(), lead.last_name())),
        oppemailaddress: Some(lead.email().to_owned()),
        opptel: lead.phone().map(str::to_owned),
        oppjobtitle: lead.title().map(str::to_owned),
        oppcountry: lead.country().map(str::to_owned),
        client_id,
        user_id,
        ..Opportunity::default()
    }
}

/// The update that brings `existing` to the lead's contact fields, holding
/// only the fields that differ; `None` when nothing differs. Fields the lead
/// does not have are left as they are in HaloPSA.
fn changed(existing: &Opportunity, wanted: &Opportunity) -> Option<Opportunity> {
    let mut update = Opportunity {
        id: existing.id,
        ..Opportunity::default()
    };
    let mut any = false;
    let mut text = |have: &Option<String>, want: &Option<String>, out: &mut Option<String>| {
        if want.is_some() && have != want {
            out.clone_from(want);
            any = true;
        }
    };
    text(
        &existing.oppcompanyname,
        &wanted.oppcompanyname,
        &mut update.oppcompanyname,
    );
    text(
        &existing.oppcontactname,
        &wanted.oppcontactname,
        &mut update.oppcontactname,
    );
    text(&existing.opptel, &wanted.opptel, &mut update.opptel);
    text(
        &existing.oppjobtitle,
        &wanted.oppjobtitle,
        &mut update.oppjobtitle,
    );
    text(
        &existing.oppcountry,
        &wanted.oppcountry,
        &mut update.oppcountry,
    );
    let mut id = |have: Option<i64>, want: Option<i64>, out: &mut Option<i64>| {
        if want.is_some() && have != want {
            *out = want;
            any = true;
        }
    };
    id(existing.client_id, wanted.client_id, &mut update.client_id);
    id(existing.user_id, wanted.user_id, &mut update.user_id);
    (any && update.id.is_some()).then_some(update)
}

impl fmt::Debug for LeadSync {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeadSync")
            .field("options", &self.options)
            .field("masker", &self.masker.is_some())
            .field("audit", &self.audit.is_some())
            .field("progress", &self.progress.is_some())
            .finish_non_exhaustive()
    }
}
