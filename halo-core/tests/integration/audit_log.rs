//! The audit log through its public API: reopening, concurrency, filtering
//! by the configuration, masking, encryption and pruning, on real files.

use std::sync::Arc;

use halo_core::Config;
use halo_core::audit::{
    ANCHOR_FILE, AuditAction, AuditCategory, AuditEvent, AuditLog, AuditOutcome, DamageKind,
    FileSink, FsyncPolicy, Recorded, read_log, verify,
};
use halo_core::config::Period;
use halo_core::crypto::{FieldCipher, KeyId, KeyMaterial, Keyring};
use halo_core::secret::MemorySource;
use serde_json::json;

use crate::audit_files::{KEY, TempDir, event, key, segments, small_sink};

const CIPHER_KEY: &str = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

fn cipher(base64: &str) -> FieldCipher {
    FieldCipher::new(Keyring::new(
        KeyId::new("a1").unwrap(),
        KeyMaterial::from_base64(base64).unwrap(),
    ))
}

fn config(doc: serde_json::Value) -> Config {
    Config::from_json_str(&doc.to_string()).unwrap()
}

fn source() -> MemorySource {
    MemorySource::new()
        .with_env("AUDIT_KEY", KEY)
        .with_env("DATA_KEY", CIPHER_KEY)
}

#[test]
fn a_reopened_log_continues_its_chain() {
    let dir = TempDir::new("reopen");
    let log = AuditLog::builder()
        .sink(small_sink(dir.path(), 700))
        .build()
        .unwrap();
    for i in 1..=3 {
        assert_eq!(log.record(event(i)).unwrap(), Recorded::Written { seq: i });
    }
    drop(log);

    let log = AuditLog::builder()
        .sink(small_sink(dir.path(), 700))
        .build()
        .unwrap();
    for i in 4..=5 {
        assert_eq!(log.record(event(i)).unwrap(), Recorded::Written { seq: i });
    }
    let report = verify(dir.path(), &key()).unwrap();
    assert!(report.is_intact(), "{:?}", report.damage);
    assert_eq!(report.entries, 5);
    let actors: Vec<String> = read_log(dir.path(), &key())
        .unwrap()
        .into_iter()
        .map(|e| e.event.actor.unwrap())
        .collect();
    assert_eq!(actors, ["svc-1", "svc-2", "svc-3", "svc-4", "svc-5"]);
}

#[test]
fn records_from_many_threads_form_one_chain() {
    let dir = TempDir::new("threads");
    let sink = FileSink::builder(dir.path(), key())
        .fsync(FsyncPolicy::EveryN(std::num::NonZeroU32::new(16).unwrap()))
        .max_segment_bytes(8_000)
        .open()
        .unwrap();
    let log = Arc::new(AuditLog::builder().sink(sink).build().unwrap());
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for i in 0..50 {
                    log.record(event(t * 1_000 + i)).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    log.flush().unwrap();

    let report = verify(dir.path(), &key()).unwrap();
    assert!(report.is_intact(), "{:?}", report.damage);
    assert_eq!(report.entries, 200);
    let events = read_log(dir.path(), &key()).unwrap();
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=200).collect::<Vec<_>>());
    let mut actors: Vec<String> = events.into_iter().map(|e| e.event.actor.unwrap()).collect();
    actors.sort();
    actors.dedup();
    assert_eq!(actors.len(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_from_tokio_tasks_form_one_chain() {
    let dir = TempDir::new("tasks");
    let log = Arc::new(
        AuditLog::builder()
            .sink(small_sink(dir.path(), 4_000))
            .build()
            .unwrap(),
    );
    let tasks: Vec<_> = (0..8u64)
        .map(|t| {
            let log = Arc::clone(&log);
            tokio::task::spawn_blocking(move || {
                for i in 0..10 {
                    log.record(event(t * 100 + i)).unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let report = verify(dir.path(), &key()).unwrap();
    assert!(report.is_intact(), "{:?}", report.damage);
    assert_eq!(report.entries, 80);
}

#[test]
fn the_configuration_decides_which_events_are_recorded() {
    let dir = TempDir::new("filter");
    let doc = json!({"security": {"auditing": {
        "events": {"authentication": {"login_attempts": false},
                   "data_access": {"read_operations": false}},
        "storage": {"chain_key": {"env": "AUDIT_KEY"}, "encryption": false}}}});
    let log = AuditLog::from_config(&config(doc), dir.path(), &source()).unwrap();
    let cases = [
        (
            AuditCategory::Authentication,
            AuditAction::LoginAttempt,
            false,
        ),
        (
            AuditCategory::Authentication,
            AuditAction::LoginFailed,
            true,
        ),
        (AuditCategory::DataAccess, AuditAction::Read, false),
        (AuditCategory::DataAccess, AuditAction::Write, true),
        (AuditCategory::Security, AuditAction::Read, true),
        (
            AuditCategory::DataAccess,
            AuditAction::custom("lead.merge").unwrap(),
            true,
        ),
    ];
    for (category, action, recorded) in &cases {
        let outcome = log
            .record(AuditEvent::new(*category, action.clone()))
            .unwrap();
        assert_eq!(
            matches!(outcome, Recorded::Written { .. }),
            *recorded,
            "{action}"
        );
    }
    let written: Vec<String> = read_log(dir.path(), &key())
        .unwrap()
        .into_iter()
        .map(|e| e.event.action.to_string())
        .collect();
    assert_eq!(written, ["login_failed", "write", "read", "lead.merge"]);
}

#[test]
fn a_disabled_log_still_records_security_erasure_and_pruning() {
    let dir = TempDir::new("disabled");
    let doc = json!({"security": {"auditing": {"enabled": false,
        "storage": {"chain_key": {"env": "AUDIT_KEY"}, "encryption": false}}}});
    let log = AuditLog::from_config(&config(doc), dir.path(), &source()).unwrap();
    let write = AuditEvent::new(AuditCategory::DataAccess, AuditAction::Write);
    assert_eq!(log.record(write).unwrap(), Recorded::Skipped);
    let erase = AuditEvent::new(AuditCategory::DataAccess, AuditAction::Erase);
    assert_eq!(log.record(erase).unwrap(), Recorded::Written { seq: 1 });
    let alert = AuditEvent::new(
        AuditCategory::Security,
        AuditAction::custom("tamper").unwrap(),
    );
    assert_eq!(log.record(alert).unwrap(), Recorded::Written { seq: 2 });
}

#[test]
fn personal_data_in_details_never_reaches_the_file() {
    let dir = TempDir::new("masking");
    let log = AuditLog::builder()
        .sink(small_sink(dir.path(), 1 << 20))
        .build()
        .unwrap();
    let event = AuditEvent::new(AuditCategory::DataAccess, AuditAction::Export)
        .detail("email", json!("jane.doe@example.com"))
        .detail(
            "note",
            json!("sent to jane.doe@example.com and 415-555-0123"),
        )
        .detail("password", json!("hunter2"));
    log.record(event).unwrap();

    let text = std::fs::read_to_string(&segments(dir.path())[0]).unwrap();
    for secret in ["jane.doe@example.com", "415-555-0123", "hunter2"] {
        assert!(!text.contains(secret), "{secret} reached the file");
    }
    let details = &read_log(dir.path(), &key()).unwrap()[0].event.details;
    assert_eq!(details["password"], "[REDACTED]");
    assert!(details["email"].as_str().unwrap().ends_with("@example.com"));
}

#[test]
fn encrypted_details_verify_with_the_key_alone_and_decrypt_with_the_cipher() {
    let dir = TempDir::new("encrypted");
    let sink = FileSink::builder(dir.path(), key())
        .cipher(cipher(CIPHER_KEY))
        .fsync(FsyncPolicy::Never)
        .open()
        .unwrap();
    assert!(sink.encrypts());
    let log = AuditLog::builder().sink(sink).build().unwrap();
    let event = AuditEvent::new(AuditCategory::DataAccess, AuditAction::Read)
        .actor("svc")
        .detail("project", json!("Project Bluebird"))
        .detail("rows", json!(17));
    log.record(event).unwrap();

    let text = std::fs::read_to_string(&segments(dir.path())[0]).unwrap();
    assert!(!text.contains("Bluebird") && text.contains("\"details_enc\":\"hc1.a1."));
    assert!(verify(dir.path(), &key()).unwrap().is_intact());

    let entries = read_log(dir.path(), &key()).unwrap();
    let entry = &entries[0];
    assert!(entry.is_encrypted() && entry.event.details.is_empty());
    assert_eq!(
        entry.details(None).unwrap_err().code(),
        "audit.cipher_required"
    );
    let details = entry.details(Some(&cipher(CIPHER_KEY))).unwrap();
    assert_eq!(
        serde_json::Value::Object(details),
        json!({"project": "Project Bluebird", "rows": 17})
    );
    let wrong = cipher("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    assert_eq!(
        entry.details(Some(&wrong)).unwrap_err().code(),
        "audit.crypto_failed"
    );
    assert_eq!(
        entry.decrypted(Some(&cipher(CIPHER_KEY))).unwrap().details["rows"],
        17
    );
}

#[test]
fn the_configured_log_encrypts_with_the_at_rest_keys() {
    let dir = TempDir::new("configured");
    let doc = json!({"security": {
        "encryption": {"at_rest": {"keys": {"a1": {"env": "DATA_KEY"}}}},
        "auditing": {"storage": {"chain_key": {"env": "AUDIT_KEY"}}}}});
    let log = AuditLog::from_config(&config(doc), dir.path(), &source()).unwrap();
    log.record(
        AuditEvent::new(AuditCategory::DataAccess, AuditAction::Write).detail("n", json!(1)),
    )
    .unwrap();
    let entries = read_log(dir.path(), &key()).unwrap();
    assert!(entries[0].is_encrypted());
    assert_eq!(
        entries[0].details(Some(&cipher(CIPHER_KEY))).unwrap()["n"],
        1
    );

    let no_key = json!({"security": {"auditing": {"storage": {"encryption": false}}}});
    let err = AuditLog::from_config(&config(no_key), dir.path(), &source()).unwrap_err();
    assert_eq!(err.code(), "audit.no_chain_key");
    let no_cipher =
        json!({"security": {"auditing": {"storage": {"chain_key": {"env": "AUDIT_KEY"}}}}});
    let err = AuditLog::from_config(&config(no_cipher), dir.path(), &source()).unwrap_err();
    assert_eq!(err.code(), "audit.crypto_failed");
}

/// Two events on each of ten days, 2026-01-01 to 2026-01-10, one segment
/// per day.
fn daily_log(dir: &TempDir) -> AuditLog {
    let log = AuditLog::builder()
        .sink(small_sink(dir.path(), 1 << 20))
        .retention(Period::days(3).unwrap())
        .build()
        .unwrap();
    for day in 0..10i64 {
        for hour in [8, 9] {
            let at = crate::audit_files::base_time()
                .checked_add(jiff::SignedDuration::from_hours(day * 24 + hour - 8))
                .unwrap();
            log.record(event(1).at(at)).unwrap();
        }
    }
    assert_eq!(segments(dir.path()).len(), 10);
    log
}

#[test]
fn pruning_removes_old_segments_and_the_rest_still_verifies() {
    let dir = TempDir::new("prune");
    let log = daily_log(&dir);
    let now: jiff::Timestamp = "2026-01-10T12:00:00Z".parse().unwrap();

    // Cutoff 2026-01-07T12:00Z: days 1 to 7 (newest entry 09:00) go.
    let pruned = log.prune(now).unwrap();
    assert_eq!((pruned.segments, pruned.through_seq), (7, Some(14)));
    assert_eq!(segments(dir.path()).len(), 3);
    assert!(dir.file(ANCHOR_FILE).exists());

    let report = verify(dir.path(), &key()).unwrap();
    assert!(report.is_intact(), "{:?}", report.damage);
    assert_eq!((report.first_seq, report.last_seq), (Some(15), Some(21)));
    let entries = read_log(dir.path(), &key()).unwrap();
    let last = &entries.last().unwrap().event;
    assert_eq!(
        (last.category, &last.action),
        (AuditCategory::Security, &AuditAction::Prune)
    );
    assert_eq!(last.outcome, Some(AuditOutcome::Success));
    assert_eq!(
        (
            last.details["segments"].clone(),
            last.details["through_seq"].clone()
        ),
        (json!(7), json!(14))
    );

    // Nothing more is old enough; the log continues after reopening.
    assert_eq!(log.prune(now).unwrap().segments, 0);
    drop(log);
    let log = AuditLog::builder()
        .sink(small_sink(dir.path(), 1 << 20))
        .build()
        .unwrap();
    assert_eq!(log.record(event(2)).unwrap(), Recorded::Written { seq: 23 });
    assert!(verify(dir.path(), &key()).unwrap().is_intact());
}

#[test]
fn a_pruned_log_without_its_anchor_is_damaged() {
    let dir = TempDir::new("prune-anchor");
    let log = daily_log(&dir);
    log.prune("2026-01-10T12:00:00Z".parse().unwrap()).unwrap();
    std::fs::remove_file(dir.file(ANCHOR_FILE)).unwrap();
    let damage = verify(dir.path(), &key()).unwrap().damage.unwrap();
    assert_eq!(
        (damage.kind, damage.file.as_str()),
        (DamageKind::Deleted, "segment-00000001.jsonl")
    );
    assert_eq!(
        log.prune("2026-02-10T12:00:00Z".parse().unwrap())
            .unwrap_err()
            .code(),
        "audit.chain_broken"
    );
}
