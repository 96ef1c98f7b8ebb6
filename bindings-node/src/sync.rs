//! `LeadSync`: validated leads into HaloPSA as opportunities, exactly once.
//!
//! De-duplication (within the input and against HaloPSA), reconciliation of
//! creates whose outcome is unknown, batching and the report are the
//! core's (`halo_core::sync`). The binding validates the lead objects with
//! a `LeadSchema` first, because the core syncs validated leads only.

use std::sync::Arc;

use halo_core::lead::{LeadSchema as CoreSchema, ValidLead};
use halo_core::sync::{self as core, Lookup, SyncOptions};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;
use serde_json::Value;

use crate::audit::AuditLog;
use crate::errors::{Rejection, promise, throw_invalid_argument};
use crate::halo::HaloClient;
use crate::lead::LeadSchema;
use crate::masking::Masker;

/// Settings of a `LeadSync`; each left out keeps the core's default.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct LeadSyncOptions {
    /// Find or create a Client per company and link it. Default `false`.
    pub clients: Option<bool>,
    /// Find or create a contact per lead and link it. Default `false`.
    pub users: Option<bool>,
    /// Records per `POST`, 1 to 100. Default 50.
    pub batch_size: Option<u32>,
    /// Requests in flight, 1 to 64. Default 4.
    pub concurrency: Option<u32>,
    /// How existing records are found: `'auto'` (default: counts first and
    /// reads everything when that is cheaper), `'per_lead'` or `'snapshot'`.
    pub lookup: Option<String>,
    /// Rounds of looking up creates whose outcome is unknown. Default 3.
    pub reconcile_rounds: Option<u32>,
    /// The actor named in audit events. Default `lead-sync`.
    pub actor: Option<String>,
}

/// A lead that could not be synced: its input index and a stable code.
#[napi(object)]
#[derive(Debug)]
pub struct SyncFailure {
    /// The lead's index in the input array.
    pub index: u32,
    /// A `halo.*` code, or `halo.outcome_unknown` when a create could not
    /// be confirmed either way.
    pub code: String,
}

/// What one `sync` did. It holds counts and input indices, never lead data.
#[napi(object)]
#[derive(Debug)]
pub struct SyncReport {
    /// Leads in the input.
    pub received: u32,
    /// Opportunities created.
    pub created: u32,
    /// Existing opportunities whose contact fields were updated.
    pub updated: u32,
    /// Existing opportunities that already held the lead's values.
    pub unchanged: u32,
    /// Leads now in HaloPSA: created, updated or unchanged.
    pub synced: u32,
    /// Input indices of leads whose de-duplication key appeared earlier.
    pub duplicates: Vec<u32>,
    /// Leads that could not be synced.
    pub failed: Vec<SyncFailure>,
    /// Clients created (option `clients`).
    pub clients_created: u32,
    /// Contacts created (option `users`).
    pub users_created: u32,
    /// Audit events that could not be written.
    pub audit_failures: u32,
    /// Creates whose unknown outcome was settled by looking them up.
    pub reconciled: u32,
    /// API requests sent by the client during the sync, retries included.
    pub requests: i64,
    /// Of those, repeats after a 429, a 5xx, a broken connection or an
    /// expired token.
    pub retries: i64,
    /// Wall time in milliseconds.
    pub elapsed_ms: f64,
}

/// Syncs leads into HaloPSA through a `HaloClient`.
#[napi]
#[derive(Debug)]
pub struct LeadSync {
    inner: Arc<core::LeadSync>,
    schema: CoreSchema,
}

#[napi]
impl LeadSync {
    /// A sync over `client`. Leads are validated with `schema` (default the
    /// guide's); with `audit`, one `data_access`/`write` event per distinct
    /// lead is recorded (input index, result and id; no lead data); with
    /// `masker`, a failed lead's email is logged (`tracing`, debug level)
    /// masked by it, and without one nothing of a lead is logged. Throws
    /// `sync.invalid_option` for an option out of range.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        client: &HaloClient,
        options: Option<LeadSyncOptions>,
        schema: Option<&LeadSchema>,
        audit: Option<&AuditLog>,
        masker: Option<&Masker>,
    ) -> Result<Self> {
        let options = core_options(options.unwrap_or_default())
            .map_err(|m| throw_invalid_argument(&env, m))?;
        if let Err(err) = options.validate() {
            return Err(crate::errors::throw_sync_error(&env, &err));
        }
        let mut inner = core::LeadSync::new(client.inner().clone()).with_options(options);
        if let Some(audit) = audit {
            inner = inner.with_audit(audit.shared());
        }
        if let Some(masker) = masker {
            inner = inner.with_masker(masker.shared());
        }
        Ok(Self {
            inner: Arc::new(inner),
            schema: schema.map_or_else(CoreSchema::default, |s| s.inner().clone()),
        })
    }

    /// Syncs lead objects (as `LeadSchema.validate` returns them, or raw).
    /// Rejects with the lead's `lead.*` code and `index` when one is
    /// invalid (nothing is sent then), and with `sync.*` when the sync
    /// cannot run; single leads that fail are listed in `failed`.
    #[napi(ts_return_type = "Promise<SyncReport>")]
    pub fn sync<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "Array<Record<string, unknown>>")] leads: Vec<Value>,
    ) -> Result<PromiseRaw<'env, SyncReport>> {
        let valid = validated(&self.schema, &leads);
        let sync = Arc::clone(&self.inner);
        let run = async move {
            let leads = valid?;
            let report = sync.sync(&leads).await;
            report.map_err(|e| Rejection::new(e.code(), e.to_string()))
        };
        promise(env, run, |_, report| Ok(report_out(&report)))
    }
}

fn validated(
    schema: &CoreSchema,
    leads: &[Value],
) -> std::result::Result<Vec<ValidLead<'static>>, Rejection> {
    leads
        .iter()
        .enumerate()
        .map(|(index, lead)| match schema.validate_value(lead) {
            Ok(valid) => Ok(valid.into_owned()),
            Err(e) => Err(Rejection::new(e.code(), e.to_string()).at(index)),
        })
        .collect()
}

fn core_options(o: LeadSyncOptions) -> std::result::Result<SyncOptions, &'static str> {
    let mut out = SyncOptions::default();
    out.clients = o.clients.unwrap_or(out.clients);
    out.users = o.users.unwrap_or(out.users);
    out.batch_size = o.batch_size.map_or(out.batch_size, |n| n as usize);
    out.concurrency = o.concurrency.map_or(out.concurrency, |n| n as usize);
    out.reconcile_rounds = o.reconcile_rounds.unwrap_or(out.reconcile_rounds);
    out.actor = o.actor.unwrap_or(out.actor);
    out.lookup = match o.lookup.as_deref() {
        None | Some("auto") => Lookup::Auto,
        Some("per_lead") => Lookup::PerLead,
        Some("snapshot") => Lookup::Snapshot,
        Some(_) => return Err("lookup must be auto, per_lead or snapshot"),
    };
    Ok(out)
}

fn report_out(r: &core::SyncReport) -> SyncReport {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    SyncReport {
        received: count(r.received),
        created: count(r.created),
        updated: count(r.updated),
        unchanged: count(r.unchanged),
        synced: count(r.synced()),
        duplicates: r.duplicates.iter().map(|&i| count(i)).collect(),
        failed: r
            .failed
            .iter()
            .map(|f| SyncFailure {
                index: count(f.index),
                code: f.code.to_owned(),
            })
            .collect(),
        clients_created: count(r.clients_created),
        users_created: count(r.users_created),
        audit_failures: count(r.audit_failures),
        reconciled: count(r.reconciled),
        requests: i64::try_from(r.requests).unwrap_or(i64::MAX),
        retries: i64::try_from(r.retries).unwrap_or(i64::MAX),
        elapsed_ms: r.elapsed.as_secs_f64() * 1000.0,
    }
}
