//! `AuditLog` over the core's HMAC-chained file log, and `verifyAudit`.
//!
//! Errors are thrown as `Error` objects with the core's `code`
//! (`audit.invalid_chain_key`, `audit.io`, `audit.no_log`, ...). Writes are
//! synchronous and block the JavaScript thread for the fsync the policy
//! asks for. Times are RFC 3339 strings in UTC (`Date.prototype.toISOString`
//! gives one).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;

use halo_core::audit::{
    self as core, AuditAction, AuditCategory, AuditEvent, AuditOutcome, ChainKey, FileSink,
    FsyncPolicy, Recorded,
};
use halo_core::secret::{MemorySource, SecretSource, SystemSource};
use napi::bindgen_prelude::Either;
use napi::{Env, Result};
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::config::Config;
use crate::errors::{throw_audit_error, throw_invalid_argument};

/// Where and how a file audit log is written.
#[napi(object)]
pub struct AuditLogOptions {
    /// The log directory (created when missing). One writer per directory.
    pub dir: String,
    /// The chain key: 32 bytes in standard base64. Keep it apart from the
    /// log: whoever holds it can rewrite the chain.
    pub chain_key: String,
    /// `'every_entry'` (default: a recorded entry survives a crash),
    /// `'never'`, or a number n for every n entries.
    #[napi(ts_type = "'every_entry' | 'never' | number")]
    pub fsync: Option<Either<String, u32>>,
    /// The size at which a segment file is closed. Default 64 MiB.
    pub max_segment_bytes: Option<i64>,
    /// How long entries are kept by `prune`, as a period such as
    /// `'7_years'` or `'90_days'`. Default 7 years, or the configuration's.
    pub retention: Option<String>,
    /// Encrypts event details under these keys (key id to 32 bytes in
    /// standard base64). Default: details in clear.
    pub encryption_keys: Option<HashMap<String, String>>,
    /// The key id that encrypts; may be left out with one key.
    pub encryption_primary: Option<String>,
}

/// An event to record; only `category` and `action` are required.
#[napi(object)]
#[derive(Debug)]
pub struct AuditEventInput {
    /// `authentication`, `data_access`, `configuration_change` or `security`.
    pub category: String,
    /// A built-in action (`login_attempt`, `login_failed`,
    /// `password_changed`, `read`, `write`, `export`, `config_update`,
    /// `permission_change`, `erase`, `prune`) or a custom name of `a-z`,
    /// `0-9`, `_`, `.` and `-`.
    pub action: String,
    /// `success`, `failure` or `denied`.
    pub outcome: Option<String>,
    /// Who did it: a user or service id, written as given.
    pub actor: Option<String>,
    /// What it was done to (`opportunity/42`), written as given.
    pub resource: Option<String>,
    /// The client's IP address.
    pub source_ip: Option<String>,
    /// The client's `User-Agent`.
    pub user_agent: Option<String>,
    /// Anything else; masked before it is written.
    pub details: Option<Map<String, Value>>,
    /// When it happened (RFC 3339). Default now.
    pub time: Option<String>,
}

/// Where a chain first breaks.
#[napi(object)]
#[derive(Debug)]
pub struct AuditDamage {
    /// `edited`, `deleted`, `inserted`, `reordered`, `truncated` or
    /// `torn_line`.
    pub kind: String,
    /// The file inside the log directory.
    pub file: String,
    /// The 1-based line; 0 for the file as a whole.
    pub line: u32,
    /// The sequence number expected there, when there is one.
    pub seq: Option<i64>,
}

/// What `verifyAudit` found.
#[napi(object)]
#[derive(Debug)]
pub struct AuditVerifyReport {
    /// No damage found.
    pub intact: bool,
    /// Segment files checked.
    pub segments: u32,
    /// Entries whose MAC and link were checked.
    pub entries: i64,
    /// The first sequence number kept.
    pub first_seq: Option<i64>,
    /// The last sequence number found.
    pub last_seq: Option<i64>,
    /// Intact entries written after the head checkpoint was last replaced.
    pub unanchored: i64,
    /// The first damage, if any.
    pub damage: Option<AuditDamage>,
}

/// What `prune` removed.
#[napi(object)]
#[derive(Debug)]
pub struct AuditPruned {
    /// Segment files removed.
    pub segments: u32,
    /// The last sequence number removed, when any entry was.
    pub through_seq: Option<i64>,
}

/// The tamper-evident audit trail: events masked, then appended to JSON
/// Lines segment files under one HMAC-SHA256 chain.
#[napi]
#[derive(Debug)]
pub struct AuditLog {
    inner: Arc<core::AuditLog>,
}

impl AuditLog {
    /// The core log, shared.
    pub(crate) fn shared(&self) -> Arc<core::AuditLog> {
        Arc::clone(&self.inner)
    }
}

#[napi]
impl AuditLog {
    /// A file log in `options.dir`; throws `audit.invalid_chain_key` for a bad
    /// chain key and `audit.io` when the directory cannot be used. With
    /// `config`, it records the events `security.auditing` turns on, masks
    /// details with the configuration's masker (its secrets resolved from
    /// `secrets`, else the environment) and keeps entries for its retention.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        options: AuditLogOptions,
        config: Option<&Config>,
        secrets: Option<HashMap<String, String>>,
    ) -> Result<Self> {
        let key = ChainKey::from_base64(&options.chain_key);
        let key = key.map_err(|e| throw_audit_error(&env, &e))?;
        let mut sink = FileSink::builder(&options.dir, key);
        match options.fsync {
            None => {}
            Some(Either::A(name)) => {
                sink = sink.fsync(match name.as_str() {
                    "every_entry" => FsyncPolicy::EveryEntry,
                    "never" => FsyncPolicy::Never,
                    _ => return Err(throw_invalid_argument(&env, "unknown fsync policy")),
                });
            }
            Some(Either::B(n)) => {
                let n = NonZeroU32::new(n)
                    .ok_or_else(|| throw_invalid_argument(&env, "fsync every 0 entries"))?;
                sink = sink.fsync(FsyncPolicy::EveryN(n));
            }
        }
        if let Some(bytes) = options.max_segment_bytes {
            let bytes = u64::try_from(bytes)
                .map_err(|_| throw_invalid_argument(&env, "maxSegmentBytes is negative"))?;
            sink = sink.max_segment_bytes(bytes);
        }
        if let Some(keys) = options.encryption_keys {
            let keyring = crate::crypto::keyring(keys, options.encryption_primary);
            let keyring = keyring.map_err(|e| crate::errors::throw_crypto_error(&env, &e))?;
            sink = sink.cipher(halo_core::FieldCipher::new(keyring));
        }
        let mut builder = core::AuditLog::builder();
        if let Some(config) = config.map(Config::inner) {
            let auditing = &config.security.auditing;
            let masker = halo_core::Masker::from_config_with(config, &*source(secrets));
            let masker = masker.map_err(|e| crate::errors::throw_masking_error(&env, &e))?;
            builder = builder
                .masker(masker)
                .enabled(auditing.enabled)
                .events(auditing.events.clone())
                .retention(core::retention_of(config));
        }
        if let Some(text) = options.retention {
            let period = text
                .parse()
                .map_err(|_| throw_invalid_argument(&env, "retention is not a period"))?;
            builder = builder.retention(period);
        }
        let sink = sink.open().map_err(|e| throw_audit_error(&env, &e))?;
        let log = builder.sink(sink).build();
        Ok(Self {
            inner: Arc::new(log.map_err(|e| throw_audit_error(&env, &e))?),
        })
    }

    /// The log of `security.auditing` in `dir`: its events, masking,
    /// encryption and retention. Secret references resolve from `secrets`
    /// (variable name to value) when given, else the environment and files.
    #[napi(factory)]
    pub fn from_config(
        env: Env,
        config: &Config,
        dir: String,
        secrets: Option<HashMap<String, String>>,
    ) -> Result<Self> {
        let log = core::AuditLog::from_config(config.inner(), dir, &*source(secrets));
        Ok(Self {
            inner: Arc::new(log.map_err(|e| throw_audit_error(&env, &e))?),
        })
    }

    /// Records an event; returns its sequence number, or `null` when the
    /// configuration turns such events off.
    #[napi]
    pub fn record(&self, env: Env, event: AuditEventInput) -> Result<Option<i64>> {
        let event = core_event(event).map_err(|m| throw_invalid_argument(&env, m))?;
        match self.inner.record(event) {
            Ok(Recorded::Written { seq }) => Ok(Some(i64::try_from(seq).unwrap_or(i64::MAX))),
            Ok(_) => Ok(None),
            Err(e) => Err(throw_audit_error(&env, &e)),
        }
    }

    /// Writes out and syncs whatever the fsync policy left pending.
    #[napi]
    pub fn flush(&self, env: Env) -> Result<()> {
        self.inner.flush().map_err(|e| throw_audit_error(&env, &e))
    }

    /// Removes the segments whose every entry is older than the retention
    /// at `now` (RFC 3339, default now), and records the pruning.
    #[napi]
    pub fn prune(&self, env: Env, now: Option<String>) -> Result<AuditPruned> {
        let now = timestamp(now.as_deref()).map_err(|m| throw_invalid_argument(&env, m))?;
        let pruned = self
            .inner
            .prune(now)
            .map_err(|e| throw_audit_error(&env, &e))?;
        Ok(AuditPruned {
            segments: u32::try_from(pruned.segments).unwrap_or(u32::MAX),
            through_seq: pruned.through_seq.and_then(|s| i64::try_from(s).ok()),
        })
    }
}

/// Checks the log in `dir` with its chain key (standard base64): every
/// MAC and link, the segments' order and the head checkpoint. Damage is
/// reported, not thrown; throws `audit.no_log`, `audit.io` or
/// `audit.invalid_chain_key`.
#[napi]
pub fn verify_audit(env: Env, dir: String, chain_key: String) -> Result<AuditVerifyReport> {
    let key = ChainKey::from_base64(&chain_key).map_err(|e| throw_audit_error(&env, &e))?;
    let report = core::verify(&dir, &key).map_err(|e| throw_audit_error(&env, &e))?;
    let opt = |n: Option<u64>| n.and_then(|n| i64::try_from(n).ok());
    Ok(AuditVerifyReport {
        intact: report.is_intact(),
        segments: u32::try_from(report.segments).unwrap_or(u32::MAX),
        entries: i64::try_from(report.entries).unwrap_or(i64::MAX),
        first_seq: opt(report.first_seq),
        last_seq: opt(report.last_seq),
        unanchored: i64::try_from(report.unanchored).unwrap_or(i64::MAX),
        damage: report.damage.map(|d| AuditDamage {
            kind: d.kind.as_str().to_owned(),
            file: d.file,
            line: u32::try_from(d.line).unwrap_or(u32::MAX),
            seq: opt(d.seq),
        }),
    })
}

/// The entries of a verified log as `{ seq, event }`, events as written
/// (details of an encrypted log left out). Throws `audit.chain_broken`
/// (or the code of the damage) when the log is not intact.
#[napi(ts_return_type = "Array<{ seq: number, event: Record<string, unknown> }>")]
pub fn read_audit(env: Env, dir: String, chain_key: String) -> Result<Value> {
    let key = ChainKey::from_base64(&chain_key).map_err(|e| throw_audit_error(&env, &e))?;
    let entries = core::read_log(&dir, &key).map_err(|e| throw_audit_error(&env, &e))?;
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let event = entry
            .event
            .to_json()
            .map_err(|e| throw_audit_error(&env, &e))?;
        out.push(serde_json::json!({"seq": entry.seq, "event": event}));
    }
    Ok(Value::Array(out))
}

/// The core event of `input`; a name that does not parse is reported.
pub(crate) fn core_event(input: AuditEventInput) -> std::result::Result<AuditEvent, &'static str> {
    let category: AuditCategory = serde_json::from_value(Value::String(input.category))
        .map_err(|_| "unknown audit category")?;
    let action = AuditAction::from_name(&input.action).map_err(|_| "invalid audit action")?;
    let mut event = AuditEvent::new(category, action);
    if let Some(outcome) = input.outcome {
        let outcome: AuditOutcome =
            serde_json::from_value(Value::String(outcome)).map_err(|_| "unknown audit outcome")?;
        event = event.outcome(outcome);
    }
    if let Some(actor) = input.actor {
        event = event.actor(actor);
    }
    if let Some(resource) = input.resource {
        event = event.resource(resource);
    }
    if let Some(ip) = input.source_ip {
        event = event.source_ip(ip.parse().map_err(|_| "sourceIp is not an IP address")?);
    }
    if let Some(agent) = input.user_agent {
        event = event.user_agent(agent);
    }
    for (key, value) in input.details.unwrap_or_default() {
        event = event.detail(key, value);
    }
    if let Some(time) = input.time {
        event = event.at(time
            .parse()
            .map_err(|_| "time is not an RFC 3339 instant")?);
    }
    Ok(event)
}

/// An RFC 3339 instant, or now.
pub(crate) fn timestamp(text: Option<&str>) -> std::result::Result<jiff::Timestamp, &'static str> {
    match text {
        None => Ok(jiff::Timestamp::now()),
        Some(text) => text.parse().map_err(|_| "not an RFC 3339 instant"),
    }
}

/// `secrets` as a source, or the process environment and files.
fn source(secrets: Option<HashMap<String, String>>) -> Box<dyn SecretSource> {
    match secrets {
        None => Box::new(SystemSource),
        Some(secrets) => {
            let mut source = MemorySource::new();
            for (name, value) in secrets {
                source = source.with_env(name, &value);
            }
            Box::new(source)
        }
    }
}

// The chain key never shows in `Debug`.
impl std::fmt::Debug for AuditLogOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLogOptions")
            .field("dir", &self.dir)
            .field("chain_key", &"[REDACTED]")
            .field("max_segment_bytes", &self.max_segment_bytes)
            .field("retention", &self.retention)
            .field(
                "encryption_keys",
                &self
                    .encryption_keys
                    .as_ref()
                    .map(|k| format!("[REDACTED; {}]", k.len())),
            )
            .finish_non_exhaustive()
    }
}
