//! The compliance module through the public API: the consent ledger's file,
//! exports read back by independent parsers, and erasure against real
//! encrypted records.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use halo_core::Config;
use halo_core::audit::{AuditLog, MemorySink};
use halo_core::compliance::{ConsentAction, ConsentLedger, Exporter, SubjectCopy, erase_subject};
use halo_core::config::ExportFormat;
use halo_core::crypto::{FileKeyStore, KeyId, KeyMaterial, Keyring, SubjectKeys};
use jiff::Timestamp;
use serde_json::{Value, json};

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// A fresh, empty directory under the system's temporary directory.
fn temp_dir(label: &str) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "halo-compliance-{label}-{}-{n}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn open(path: &PathBuf) -> ConsentLedger {
    ConsentLedger::builder_from_config(&Config::default())
        .open(path)
        .unwrap()
}

#[test]
fn ledger_file_is_read_back_on_reopen() {
    let path = temp_dir("reopen").join("consent.jsonl");
    {
        let mut ledger = open(&path);
        ledger
            .grant("bi:a", "marketing", ts("2026-01-01T00:00:00Z"), "web_form")
            .unwrap();
        ledger
            .withdraw(
                "bi:a",
                "marketing",
                ts("2026-02-01T00:00:00Z"),
                "email_link",
            )
            .unwrap();
        ledger
            .grant(
                "bi:b",
                "profiling",
                ts("2026-01-15T00:00:00Z"),
                "import:apollo",
            )
            .unwrap();
        ledger
            .grant("bi:a", "marketing", ts("2026-03-01T00:00:00Z"), "web_form")
            .unwrap();
    }
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 4);
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(
        first,
        json!({"subject": "bi:a", "purpose": "marketing", "action": "grant",
               "at": "2026-01-01T00:00:00Z", "source": "web_form"})
    );

    let ledger = open(&path);
    assert_eq!(ledger.len(), 4);
    assert_eq!(ledger.path(), Some(path.as_path()));
    let history = ledger.history("bi:a");
    let actions: Vec<_> = history.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            ConsentAction::Grant,
            ConsentAction::Withdraw,
            ConsentAction::Grant
        ]
    );
    assert_eq!(history[1].source, "email_link");
    let at = |t| ledger.has_consent("bi:a", "marketing", ts(t)).unwrap();
    assert!(!at("2025-12-31T23:59:59Z"));
    assert!(at("2026-01-20T00:00:00Z"));
    assert!(!at("2026-02-15T00:00:00Z"));
    assert!(at("2026-03-01T00:00:00Z"));
    assert!(
        ledger
            .has_consent("bi:b", "profiling", ts("2026-02-01T00:00:00Z"))
            .unwrap()
    );
}

#[test]
fn appends_after_reopen_keep_the_order_rule() {
    let path = temp_dir("order").join("consent.jsonl");
    open(&path)
        .grant("bi:a", "marketing", ts("2026-05-01T00:00:00Z"), "web_form")
        .unwrap();

    let mut ledger = open(&path);
    let earlier = ledger.withdraw("bi:a", "marketing", ts("2026-04-01T00:00:00Z"), "web_form");
    assert_eq!(earlier.unwrap_err().code(), "compliance.out_of_order");
    ledger
        .withdraw("bi:a", "marketing", ts("2026-06-01T00:00:00Z"), "web_form")
        .unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap().lines().count(), 2);
}

#[test]
fn corrupt_lines_are_named_by_number_without_their_content() {
    let good = r#"{"subject":"bi:a","purpose":"marketing","action":"grant","at":"2026-01-01T00:00:00Z","source":"web_form"}"#;
    let cases = [
        (
            format!("{good}\n{{\"subject\": \"ada@example.com\", \n"),
            2,
            "not valid JSON",
        ),
        (format!("{good}\n\n{good}\n"), 2, "empty"),
        (
            format!("{good}\n{good}\n{}\n", good.replace("grant", "maybe")),
            3,
            "not a consent entry",
        ),
        (
            format!("{}\n", good.replace("\"source\"", "\"sorce\"")),
            1,
            "not a consent entry",
        ),
        (format!("{good}\n{good}"), 2, "not terminated"),
        (
            format!("{good}\n{}\n", good.replace("2026", "2025")),
            2,
            "dated before",
        ),
        (format!("{}\n", good.replace("bi:a", "")), 1, "empty"),
        ("\u{feff}{}\n".to_owned(), 1, "not valid JSON"),
    ];
    for (i, (content, line, reason)) in cases.into_iter().enumerate() {
        let path = temp_dir("corrupt").join("consent.jsonl");
        fs::write(&path, content.as_bytes()).unwrap();
        let err = ConsentLedger::builder_from_config(&Config::default())
            .open(&path)
            .unwrap_err();
        assert_eq!(err.code(), "compliance.ledger_corrupt", "case {i}");
        let message = err.to_string();
        assert!(
            message.contains(&format!("line {line} ")),
            "case {i}: {message}"
        );
        assert!(message.contains(reason), "case {i}: {message}");
        for leaked in ["ada@example.com", "bi:a", "web_form", "maybe"] {
            assert!(!message.contains(leaked), "case {i}: {message}");
        }
        // Nothing was appended to the corrupt file.
        assert_eq!(fs::read(&path).unwrap(), content.as_bytes(), "case {i}");
    }
}

#[test]
fn a_ledger_file_in_a_missing_directory_is_an_io_error() {
    let path = temp_dir("missing").join("no/such/dir/consent.jsonl");
    let err = ConsentLedger::builder().open(&path).unwrap_err();
    assert_eq!(err.code(), "compliance.ledger_io");
    assert!(std::error::Error::source(&err).is_some());
}

#[cfg(unix)]
#[test]
fn a_new_ledger_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let path = temp_dir("mode").join("consent.jsonl");
    drop(open(&path));
    let mode = fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

fn sample_copy() -> SubjectCopy {
    let mut ledger = ConsentLedger::from_config(&Config::default()).unwrap();
    ledger
        .grant("bi:a", "marketing", ts("2026-01-01T10:00:00Z"), "web_form")
        .unwrap();
    ledger
        .withdraw("bi:a", "marketing", ts("2026-02-01T10:00:00Z"), "=cmd")
        .unwrap();
    let records = [
        json!({"id": 7, "email": "ada@example.com", "address": {"city": "London", "geo": {"lat": 51.5}},
               "tags": ["vip", "-1"], "notes": null, "extra": {}, "active": true}),
        json!({"id": 8, "email": "=HYPERLINK(\"x\")", "balance": -12.5}),
    ];
    SubjectCopy::from_ledger(&ledger, "bi:a", records)
}

#[test]
fn json_export_round_trips() {
    let copy = sample_copy();
    let text = Exporter::from_config(&Config::default())
        .export(&copy, ExportFormat::Json)
        .unwrap();
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        back,
        json!({
            "subject": "bi:a",
            "records": [
                {"id": 7, "email": "ada@example.com", "address": {"city": "London", "geo": {"lat": 51.5}},
                 "tags": ["vip", "-1"], "notes": null, "extra": {}, "active": true},
                {"id": 8, "email": "=HYPERLINK(\"x\")", "balance": -12.5}
            ],
            "consent": [
                {"purpose": "marketing", "action": "grant", "at": "2026-01-01T10:00:00Z", "source": "web_form"},
                {"purpose": "marketing", "action": "withdraw", "at": "2026-02-01T10:00:00Z", "source": "=cmd"}
            ]
        })
    );
}

#[test]
fn csv_export_round_trips_through_the_csv_crate() {
    let text = Exporter::from_config(&Config::default())
        .export(&sample_copy(), ExportFormat::Csv)
        .unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers,
        [
            "record.active",
            "record.address.city",
            "record.address.geo.lat",
            "record.balance",
            "record.email",
            "record.extra",
            "record.id",
            "record.notes",
            "record.tags.0",
            "record.tags.1",
            "consent.purpose",
            "consent.action",
            "consent.at",
            "consent.source",
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let expected: [&[&str]; 4] = [
        &[
            "true",
            "London",
            "51.5",
            "",
            "ada@example.com",
            "{}",
            "7",
            "",
            "vip",
            "'-1",
            "",
            "",
            "",
            "",
        ],
        &[
            "",
            "",
            "",
            "'-12.5",
            "'=HYPERLINK(\"x\")",
            "",
            "8",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "marketing",
            "grant",
            "2026-01-01T10:00:00Z",
            "web_form",
        ],
        &[
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "marketing",
            "withdraw",
            "2026-02-01T10:00:00Z",
            "'=cmd",
        ],
    ];
    assert_eq!(
        rows,
        expected.map(|r| r.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>())
    );
}

#[test]
fn formats_follow_the_configuration() {
    let copy = sample_copy();
    let json_only = Config::from_value(&json!({"compliance": {"gdpr": {"data_portability": {
        "formats": ["json"]}}}}))
    .unwrap();
    let exporter = Exporter::from_config(&json_only);
    assert!(exporter.export(&copy, ExportFormat::Json).is_ok());
    let err = exporter.export(&copy, ExportFormat::Csv).unwrap_err();
    assert_eq!(err.code(), "compliance.format_disabled");
    assert_eq!(err.to_string(), "export format `csv` is not enabled");

    let off = Config::from_value(&json!({"compliance": {"gdpr": {"data_portability": {
        "enabled": false}}}}))
    .unwrap();
    let err = Exporter::from_config(&off)
        .export(&copy, ExportFormat::Json)
        .unwrap_err();
    assert_eq!(err.code(), "compliance.portability_disabled");
}

fn subject_keys(dir: &Path) -> SubjectKeys {
    let keyring = Keyring::new(
        KeyId::new("k1").unwrap(),
        KeyMaterial::from_base64(KEY).unwrap(),
    );
    SubjectKeys::new(keyring, FileKeyStore::open(dir).unwrap())
        .with_fields(["email".to_owned(), "phone".to_owned()])
}

fn memory_log() -> (AuditLog, Arc<MemorySink>) {
    let sink = Arc::new(MemorySink::new());
    let log = AuditLog::builder().sink(Arc::clone(&sink)).build().unwrap();
    (log, sink)
}

#[test]
fn erasure_makes_the_subjects_envelopes_undecryptable() {
    let dir = temp_dir("erase");
    let keys = subject_keys(&dir);
    let record = json!({"id": "lead-1", "email": "ada@example.com", "phone": "+44 20 7946 0000"});
    let sealed = keys.encrypt_record("lead-1", &record).unwrap();
    let other = keys.encrypt_record("lead-2", &record).unwrap();
    assert_eq!(keys.decrypt_record("lead-1", &sealed).unwrap(), record);
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 2);

    let (log, sink) = memory_log();
    let at = ts("2026-06-01T12:00:00Z");
    let erasure = erase_subject(&keys, "lead-1", "dpo-7", at, Some(&log)).unwrap();
    assert!(erasure.key_destroyed());
    assert_eq!((erasure.subject(), erasure.actor()), ("lead-1", "dpo-7"));
    assert_eq!(erasure.erased_at(), at);

    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    assert!(!keys.has_key("lead-1").unwrap());
    let err = keys.decrypt_record("lead-1", &sealed).unwrap_err();
    assert_eq!(err.code(), "crypto.subject_forgotten");
    let envelope = sealed["email"].as_str().unwrap();
    let err = keys.decrypt_field("lead-1", "email", envelope).unwrap_err();
    assert_eq!(err.code(), "crypto.subject_forgotten");
    // The ciphertext is still there, and other subjects are untouched.
    assert!(envelope.starts_with("hcs1."));
    assert_eq!(keys.decrypt_record("lead-2", &other).unwrap(), record);

    // A key created after the erasure does not bring the old data back.
    keys.encrypt_field("lead-1", "email", b"new").unwrap();
    let err = keys.decrypt_field("lead-1", "email", envelope).unwrap_err();
    assert_eq!(err.code(), "crypto.subject_forgotten");

    let again = erase_subject(&keys, "lead-1", "dpo-7", at, None).unwrap();
    assert!(again.key_destroyed());
    let third = erase_subject(&keys, "lead-1", "dpo-7", at, Some(&log)).unwrap();
    assert!(!third.key_destroyed());

    let events: Vec<Value> = sink.events().iter().map(|e| e.to_json().unwrap()).collect();
    assert_eq!(
        events,
        [
            json!({"time": "2026-06-01T12:00:00Z", "category": "data_access", "action": "erase",
                   "outcome": "success", "actor": "dpo-7", "resource": "subject/lead-1",
                   "details": {"key_destroyed": true}}),
            json!({"time": "2026-06-01T12:00:00Z", "category": "data_access", "action": "erase",
                   "outcome": "success", "actor": "dpo-7", "resource": "subject/lead-1",
                   "details": {"key_destroyed": false}}),
        ]
    );
}

#[test]
fn erasure_is_recorded_even_with_auditing_turned_off() {
    let keys = subject_keys(&temp_dir("erase-off"));
    keys.encrypt_field("lead-9", "email", b"x").unwrap();
    let sink = Arc::new(MemorySink::new());
    let log = AuditLog::builder()
        .sink(Arc::clone(&sink))
        .enabled(false)
        .build()
        .unwrap();
    erase_subject(
        &keys,
        "lead-9",
        "svc-gdpr",
        ts("2026-06-01T00:00:00Z"),
        Some(&log),
    )
    .unwrap();
    assert_eq!(sink.events().len(), 1);
}

#[test]
fn a_failed_erasure_is_an_error_and_a_failure_event() {
    let dir = temp_dir("erase-fail");
    let keys = subject_keys(&dir);
    let envelope = keys.encrypt_field("lead-3", "email", b"x").unwrap();
    // The store's directory becomes a plain file: deleting the key fails.
    fs::remove_dir_all(&dir).unwrap();
    fs::write(&dir, b"not a directory").unwrap();

    let (log, sink) = memory_log();
    let at = ts("2026-06-01T00:00:00Z");
    let err = erase_subject(&keys, "lead-3", "dpo-7", at, Some(&log)).unwrap_err();
    assert_eq!(err.code(), "compliance.erasure_failed");
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert_eq!(source, "subject key store: delete a key failed");

    let events = sink.events();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].to_json().unwrap(),
        json!({"time": "2026-06-01T00:00:00Z", "category": "data_access", "action": "erase",
               "outcome": "failure", "actor": "dpo-7", "resource": "subject/lead-3",
               "details": {"error": "crypto.store_failed"}})
    );
    assert!(envelope.starts_with("hcs1."));
}

#[test]
fn a_purpose_dropped_from_the_configuration_stays_in_the_history() {
    let path = temp_dir("dropped").join("consent.jsonl");
    ConsentLedger::builder()
        .allow_custom_purposes()
        .open(&path)
        .unwrap()
        .grant("bi:a", "newsletter", ts("2026-01-01T00:00:00Z"), "web_form")
        .unwrap();

    let ledger = open(&path);
    assert_eq!(ledger.history("bi:a")[0].purpose, "newsletter");
    let err = ledger
        .has_consent("bi:a", "newsletter", ts("2026-02-01T00:00:00Z"))
        .unwrap_err();
    assert_eq!(err.code(), "compliance.unknown_purpose");
}
