//! Finding or creating the records of one resource, exactly once.
//!
//! Records are looked up before they are created. A create whose outcome is
//! unknown (`halo.outcome_unknown`: sent, no reply) is never sent again
//! blindly: each record of the batch is looked up, the ones found count as
//! created, and only the others are sent again, for at most
//! [`SyncOptions::reconcile_rounds`](super::SyncOptions::reconcile_rounds).

use std::collections::HashMap;

use futures_util::stream::{self, StreamExt};

use super::options::Lookup;
use super::target::Target;
use super::{LeadSync, SyncError};
use crate::halo::{HaloError, MAX_PAGE_SIZE};

/// Where one record of a resource stands after its phase.
#[derive(Debug, Clone)]
pub(crate) enum Settled<R> {
    /// It was already in HaloPSA.
    Existing(R),
    /// It was created with this id.
    Created(i64),
    /// It could not be found or created.
    Failed(&'static str),
}

/// The settled records of one phase, by key, and how many creates needed
/// reconciling.
pub(crate) struct Phase<R> {
    pub(crate) settled: HashMap<String, Settled<R>>,
    pub(crate) reconciled: usize,
}

/// What is known before the batches run: the whole resource (snapshot), or
/// nothing, in which case each batch searches for its own keys.
enum Known<R> {
    All(HashMap<String, R>),
    Search,
}

impl LeadSync {
    /// Settles every `(key, record)`: found, or created, or failed.
    pub(crate) async fn settle<R: Target>(
        &self,
        wanted: Vec<(String, R)>,
        mut progress: impl FnMut(usize),
    ) -> Result<Phase<R>, SyncError> {
        let known = self.known::<R>(wanted.len()).await?;
        let known = &known;
        let mut batches = Vec::new();
        let mut rest = wanted.into_iter().peekable();
        while rest.peek().is_some() {
            batches.push(
                rest.by_ref()
                    .take(self.options.batch_size)
                    .collect::<Vec<_>>(),
            );
        }
        let mut runs = stream::iter(batches)
            .map(|batch| self.settle_batch(batch, known))
            .buffer_unordered(self.options.concurrency);
        let mut phase = Phase {
            settled: HashMap::new(),
            reconciled: 0,
        };
        while let Some((settled, reconciled)) = runs.next().await {
            progress(settled.len());
            phase.reconciled += reconciled;
            phase.settled.extend(settled);
        }
        Ok(phase)
    }

    /// Decides the lookup for `count` distinct keys and, for a snapshot,
    /// reads the whole resource.
    async fn known<R: Target>(&self, count: usize) -> Result<Known<R>, SyncError> {
        let handler = R::handler(&self.client);
        let lookup_error = |source: HaloError| SyncError::Lookup {
            resource: R::PATH,
            source,
        };
        let snapshot = match self.options.lookup {
            Lookup::PerLead => false,
            Lookup::Snapshot => true,
            Lookup::Auto if count == 0 => false,
            Lookup::Auto => {
                let total = handler.count(R::every()).await.map_err(lookup_error)?;
                if total == Some(0) {
                    return Ok(Known::All(HashMap::new()));
                }
                let pages = total.map(|t| t.div_ceil(u64::from(MAX_PAGE_SIZE)));
                pages.is_some_and(|p| p < count as u64)
            }
        };
        if !snapshot {
            return Ok(Known::Search);
        }
        let records = handler.list_all(R::every()).await.map_err(lookup_error)?;
        let mut all = HashMap::new();
        for record in records {
            if let Some(key) = record.key() {
                keep_oldest(&mut all, key, record);
            }
        }
        tracing::debug!(
            resource = R::PATH,
            records = all.len(),
            "halo snapshot read"
        );
        Ok(Known::All(all))
    }

    /// Looks up and creates one batch; returns its settled records and the
    /// number of reconciliations.
    async fn settle_batch<R: Target>(
        &self,
        batch: Vec<(String, R)>,
        known: &Known<R>,
    ) -> (Vec<(String, Settled<R>)>, usize) {
        let mut settled = Vec::with_capacity(batch.len());
        let mut missing = Vec::new();
        for (key, record) in batch {
            let found = match known {
                Known::All(all) => Ok(all.get(&key).cloned()),
                Known::Search => self.find::<R>(&key).await,
            };
            match found {
                Ok(Some(existing)) => settled.push((key, Settled::Existing(existing))),
                Ok(None) => missing.push((key, record)),
                Err(err) => settled.push((key, Settled::Failed(err.code()))),
            }
        }
        let reconciled = self.create::<R>(missing, &mut settled).await;
        (settled, reconciled)
    }

    /// Creates `pending`, reconciling unknown outcomes; returns how many
    /// reconciliations were needed.
    async fn create<R: Target>(
        &self,
        mut pending: Vec<(String, R)>,
        settled: &mut Vec<(String, Settled<R>)>,
    ) -> usize {
        let handler = R::handler(&self.client);
        let mut reconciled = 0;
        let mut rounds = 0;
        while !pending.is_empty() {
            let records: Vec<R> = pending.iter().map(|(_, r)| r.clone()).collect();
            match handler.upsert(&records).await {
                Ok(created) => {
                    self.confirm(pending, created, settled).await;
                    return reconciled;
                }
                Err(HaloError::OutcomeUnknown { .. }) if rounds < self.options.reconcile_rounds => {
                    rounds += 1;
                    reconciled += 1;
                    tracing::debug!(
                        resource = R::PATH,
                        count = pending.len(),
                        "reconciling create"
                    );
                    pending = self.reconcile(pending, settled).await;
                }
                Err(err) => {
                    let code = err.code();
                    tracing::warn!(
                        resource = R::PATH,
                        code,
                        count = pending.len(),
                        "create failed"
                    );
                    settled.extend(pending.into_iter().map(|(k, _)| (k, Settled::Failed(code))));
                    return reconciled;
                }
            }
        }
        reconciled
    }

    /// Looks up each record of a create that may have been applied: found
    /// ones are settled as created, the rest returned to be sent again.
    async fn reconcile<R: Target>(
        &self,
        pending: Vec<(String, R)>,
        settled: &mut Vec<(String, Settled<R>)>,
    ) -> Vec<(String, R)> {
        let mut again = Vec::new();
        for (key, record) in pending {
            match self.find::<R>(&key).await {
                Ok(Some(found)) => match found.id() {
                    Some(id) => settled.push((key, Settled::Created(id))),
                    None => settled.push((key, Settled::Failed("halo.decode"))),
                },
                Ok(None) => again.push((key, record)),
                Err(err) => settled.push((key, Settled::Failed(err.code()))),
            }
        }
        again
    }

    /// Matches the records Halo sent back to the ones sent; a record missing
    /// from the reply is looked up.
    async fn confirm<R: Target>(
        &self,
        sent: Vec<(String, R)>,
        reply: Vec<R>,
        settled: &mut Vec<(String, Settled<R>)>,
    ) {
        let mut ids = HashMap::new();
        for record in reply {
            if let (Some(key), Some(id)) = (record.key(), record.id()) {
                ids.entry(key).or_insert(id);
            }
        }
        for (key, _) in sent {
            let outcome = match ids.get(&key) {
                Some(id) => Settled::Created(*id),
                None => match self.find::<R>(&key).await {
                    Ok(Some(found)) => found
                        .id()
                        .map_or(Settled::Failed("halo.decode"), Settled::Created),
                    Ok(None) => Settled::Failed("sync.not_confirmed"),
                    Err(err) => Settled::Failed(err.code()),
                },
            };
            settled.push((key, outcome));
        }
    }

    /// The oldest record whose key is exactly `key`, searched for.
    pub(crate) async fn find<R: Target>(&self, key: &str) -> Result<Option<R>, HaloError> {
        let rows = R::handler(&self.client).list_all(R::search(key)).await?;
        let mut found: Option<R> = None;
        for row in rows {
            if row.key().as_deref() == Some(key) && is_older(&row, found.as_ref()) {
                found = Some(row);
            }
        }
        Ok(found)
    }
}

/// Keeps the record with the lowest id under each key, so that a tenant that
/// already holds duplicates always resolves to the same record.
fn keep_oldest<R: Target>(all: &mut HashMap<String, R>, key: String, record: R) {
    let older = is_older(&record, all.get(&key));
    if older {
        all.insert(key, record);
    }
}

fn is_older<R: Target>(record: &R, than: Option<&R>) -> bool {
    match than {
        None => true,
        Some(other) => record.id().unwrap_or(i64::MAX) < other.id().unwrap_or(i64::MAX),
    }
}
