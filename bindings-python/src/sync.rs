//! `halo_core.LeadSync` and its report.

use std::time::Duration;

use halo_core::sync as core;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::sync_error;
use crate::halo::HaloClient;
use crate::lead::ValidLead;
use crate::masking::Masker;
use crate::runtime::{block_on, spawn};

/// Puts validated leads into HaloPSA as opportunities, exactly once.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct LeadSync {
    inner: core::LeadSync,
}

/// What one sync did. `failed` lists `(input index, code)`, never lead data.
#[pyclass(module = "halo_core", frozen, get_all)]
pub(crate) struct SyncReport {
    received: usize,
    created: usize,
    updated: usize,
    unchanged: usize,
    synced: usize,
    duplicates: Vec<usize>,
    failed: Vec<(usize, &'static str)>,
    clients_created: usize,
    users_created: usize,
    audit_failures: usize,
    reconciled: usize,
    requests: u64,
    retries: u64,
    elapsed: Duration,
}

#[pymethods]
impl LeadSync {
    /// A sync over `client`; every option left out takes the core's default.
    /// `lookup` is `"auto"`, `"per_lead"` or `"snapshot"`.
    #[new]
    #[pyo3(signature = (
        client, *, clients = None, users = None, batch_size = None, concurrency = None,
        lookup = None, reconcile_rounds = None, actor = None, masker = None, audit = None,
    ))]
    #[allow(
        clippy::too_many_arguments,
        reason = "keyword arguments of the options"
    )]
    fn new(
        client: PyRef<'_, HaloClient>,
        clients: Option<bool>,
        users: Option<bool>,
        batch_size: Option<usize>,
        concurrency: Option<usize>,
        lookup: Option<&str>,
        reconcile_rounds: Option<u32>,
        actor: Option<String>,
        masker: Option<PyRef<'_, Masker>>,
        audit: Option<PyRef<'_, crate::audit::AuditLog>>,
    ) -> PyResult<Self> {
        let mut o = core::SyncOptions::default();
        o.clients = clients.unwrap_or(o.clients);
        o.users = users.unwrap_or(o.users);
        o.batch_size = batch_size.unwrap_or(o.batch_size);
        o.concurrency = concurrency.unwrap_or(o.concurrency);
        if let Some(lookup) = lookup {
            o.lookup = match lookup {
                "auto" => core::Lookup::Auto,
                "per_lead" => core::Lookup::PerLead,
                "snapshot" => core::Lookup::Snapshot,
                _ => {
                    return Err(PyValueError::new_err(
                        "lookup must be `auto`, `per_lead` or `snapshot`",
                    ));
                }
            };
        }
        o.reconcile_rounds = reconcile_rounds.unwrap_or(o.reconcile_rounds);
        o.actor = actor.unwrap_or(o.actor);
        o.validate().map_err(|e| sync_error(&e))?;
        let mut inner = core::LeadSync::new(client.inner.clone()).with_options(o);
        if let Some(masker) = masker {
            inner = inner.with_masker(masker.inner.clone());
        }
        if let Some(audit) = audit {
            inner = inner.with_audit(audit.shared());
        }
        Ok(Self { inner })
    }

    /// Syncs `leads` (from `LeadSchema.validate`) with the GIL released.
    fn sync(&self, py: Python<'_>, leads: Vec<PyRef<'_, ValidLead>>) -> PyResult<SyncReport> {
        let leads: Vec<_> = leads.iter().map(|l| l.inner.clone()).collect();
        let sync = self.inner.clone();
        let report = block_on(py, async move { sync.sync(&leads).await })?;
        report.map(SyncReport::from).map_err(|e| sync_error(&e))
    }

    /// `sync`, awaitable.
    async fn sync_async(&self, leads: Vec<Py<ValidLead>>) -> PyResult<SyncReport> {
        let leads: Vec<_> = leads.iter().map(|l| l.get().inner.clone()).collect();
        let sync = self.inner.clone();
        let report = spawn(async move { sync.sync(&leads).await })?.await?;
        report.map(SyncReport::from).map_err(|e| sync_error(&e))
    }

    fn __repr__(&self) -> String {
        let o = self.inner.options();
        format!(
            "LeadSync(clients={}, users={}, batch_size={}, concurrency={})",
            o.clients, o.users, o.batch_size, o.concurrency
        )
    }
}

#[pymethods]
impl SyncReport {
    fn __repr__(&self) -> String {
        format!(
            "SyncReport(received={}, created={}, updated={}, unchanged={}, duplicates={}, failed={})",
            self.received,
            self.created,
            self.updated,
            self.unchanged,
            self.duplicates.len(),
            self.failed.len()
        )
    }
}

impl From<core::SyncReport> for SyncReport {
    fn from(r: core::SyncReport) -> Self {
        Self {
            synced: r.synced(),
            received: r.received,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            duplicates: r.duplicates,
            failed: r.failed.iter().map(|f| (f.index, f.code)).collect(),
            clients_created: r.clients_created,
            users_created: r.users_created,
            audit_failures: r.audit_failures,
            reconciled: r.reconciled,
            requests: r.requests,
            retries: r.retries,
            elapsed: r.elapsed,
        }
    }
}
