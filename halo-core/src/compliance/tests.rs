//! Unit tests of the compliance module.

use jiff::Timestamp;
use serde_json::json;

use super::*;
use crate::config::{Config, ExportFormat, Period, PeriodUnit};

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn ledger() -> ConsentLedger {
    ConsentLedger::from_config(&Config::default()).unwrap()
}

#[test]
fn error_codes_are_stable_and_namespaced() {
    let errors = [
        (
            ComplianceError::DateOutOfRange,
            "compliance.date_out_of_range",
        ),
        (ComplianceError::OutOfOrder, "compliance.out_of_order"),
        (
            ComplianceError::PortabilityDisabled,
            "compliance.portability_disabled",
        ),
        (
            ComplianceError::LedgerCorrupt {
                line: 3,
                reason: "x",
            },
            "compliance.ledger_corrupt",
        ),
    ];
    for (error, code) in errors {
        assert_eq!(error.code(), code);
        let message = error.to_string();
        assert!(!message.ends_with('.'), "{message}");
        assert!(
            message.starts_with(|c: char| !c.is_uppercase()),
            "{message}"
        );
    }
}

#[test]
fn builder_periods_and_unknown_entities() {
    let policy = RetentionPolicy::builder()
        .retain("tickets", Period::new(3, PeriodUnit::Months).unwrap())
        .build();
    assert_eq!(policy.entities().collect::<Vec<_>>(), ["tickets"]);
    assert_eq!(
        policy
            .expires_at("tickets", ts("2026-11-30T00:00:00Z"))
            .unwrap(),
        ts("2027-02-28T00:00:00Z")
    );
    let err = policy
        .expires_at("leads", ts("2026-01-01T00:00:00Z"))
        .unwrap_err();
    assert_eq!(err.code(), "compliance.unknown_entity");
    assert_eq!(
        err.to_string(),
        "no retention period is configured for entity `leads`"
    );
    let err = policy
        .is_expired(
            "leads",
            "r",
            ts("2026-01-01T00:00:00Z"),
            ts("2099-01-01T00:00:00Z"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "compliance.unknown_entity");
}

#[test]
fn the_longest_of_several_periods_wins_per_start_date() {
    // From 31 January 2024 one month ends on 29 February (clamped) and 30
    // days on 1 March: the days win. From 1 March the month (31 days) wins.
    let policy = RetentionPolicy::builder()
        .retain("x", Period::new(1, PeriodUnit::Months).unwrap())
        .retain("x", Period::days(30).unwrap())
        .build();
    assert_eq!(policy.periods("x").unwrap().len(), 2);
    assert_eq!(
        policy.expires_at("x", ts("2024-01-31T00:00:00Z")).unwrap(),
        ts("2024-03-01T00:00:00Z")
    );
    assert_eq!(
        policy.expires_at("x", ts("2024-03-01T00:00:00Z")).unwrap(),
        ts("2024-04-01T00:00:00Z")
    );
}

#[test]
fn holds_stop_expiry_until_released() {
    let mut policy = RetentionPolicy::from_config(&Config::default());
    let created = ts("2010-01-01T00:00:00Z");
    let now = ts("2026-01-01T00:00:00Z");
    assert!(
        policy
            .is_expired("leads", "lead-1", created, now)
            .unwrap()
            .is_expired()
    );

    assert_eq!(
        policy.place_hold("lead-1", "litigation 2026-17").unwrap(),
        None
    );
    let expiry = policy.is_expired("leads", "lead-1", created, now).unwrap();
    assert_eq!(
        expiry,
        Expiry::Held {
            expires_at: ts("2017-01-01T00:00:00Z"),
            reason: "litigation 2026-17".to_owned()
        }
    );
    assert!(!expiry.is_expired() && expiry.is_held());
    // Another record of the same entity is not held.
    assert!(
        policy
            .is_expired("leads", "lead-2", created, now)
            .unwrap()
            .is_expired()
    );

    let replaced = policy.place_hold("lead-1", "regulator request").unwrap();
    assert_eq!(replaced.unwrap().reason(), "litigation 2026-17");
    assert_eq!(policy.holds().count(), 1);
    assert_eq!(policy.hold("lead-1").unwrap().reason(), "regulator request");

    assert!(policy.release_hold("lead-1").is_some());
    assert!(policy.release_hold("lead-1").is_none());
    assert!(
        policy
            .is_expired("leads", "lead-1", created, now)
            .unwrap()
            .is_expired()
    );
}

#[test]
fn holds_need_an_id_and_a_reason() {
    let mut policy = RetentionPolicy::default();
    for (id, reason) in [
        ("", "r"),
        ("lead-1", ""),
        ("lead-1", "a\nb"),
        ("x", &*"r".repeat(1025)),
    ] {
        let err = policy.place_hold(id, reason).unwrap_err();
        assert_eq!(err.code(), "compliance.invalid_input");
    }
    assert_eq!(policy.holds().count(), 0);
}

#[test]
fn consent_grant_withdraw_regrant_at_any_past_time() {
    let mut ledger = ledger();
    ledger
        .grant("s", "marketing", ts("2026-01-10T00:00:00Z"), "web_form")
        .unwrap();
    ledger
        .withdraw("s", "marketing", ts("2026-02-10T00:00:00Z"), "email_link")
        .unwrap();
    ledger
        .grant("s", "marketing", ts("2026-03-10T00:00:00Z"), "web_form")
        .unwrap();

    let at = |t| ledger.has_consent("s", "marketing", ts(t)).unwrap();
    assert!(!at("2026-01-09T23:59:59Z"));
    assert!(at("2026-01-10T00:00:00Z"));
    assert!(at("2026-02-09T23:59:59Z"));
    assert!(!at("2026-02-10T00:00:00Z"));
    assert!(!at("2026-03-09T00:00:00Z"));
    assert!(at("2027-01-01T00:00:00Z"));
    // Consent is per purpose and per subject.
    assert!(
        !ledger
            .has_consent("s", "profiling", ts("2027-01-01T00:00:00Z"))
            .unwrap()
    );
    assert!(
        !ledger
            .has_consent("t", "marketing", ts("2027-01-01T00:00:00Z"))
            .unwrap()
    );
    assert_eq!(ledger.history("s").len(), 3);
    assert!(ledger.history("t").is_empty());
    assert_eq!(ledger.len(), 3);
}

#[test]
fn changes_at_the_same_instant_count_in_recorded_order() {
    let mut ledger = ledger();
    let at = ts("2026-01-10T00:00:00Z");
    ledger.grant("s", "marketing", at, "web_form").unwrap();
    ledger.withdraw("s", "marketing", at, "web_form").unwrap();
    assert!(!ledger.has_consent("s", "marketing", at).unwrap());
}

#[test]
fn the_past_cannot_be_rewritten() {
    let mut ledger = ledger();
    ledger
        .withdraw("s", "profiling", ts("2026-05-01T00:00:00Z"), "web_form")
        .unwrap();
    // Earlier than the subject's last change, even for another purpose.
    let err = ledger
        .grant("s", "marketing", ts("2026-04-01T00:00:00Z"), "web_form")
        .unwrap_err();
    assert_eq!(err.code(), "compliance.out_of_order");
    assert_eq!(ledger.len(), 1);
    // Other subjects have their own clock.
    ledger
        .grant("t", "marketing", ts("2026-04-01T00:00:00Z"), "web_form")
        .unwrap();
}

#[test]
fn missing_required_follows_consent_management() {
    let mut ledger = ledger();
    let at = ts("2026-06-01T00:00:00Z");
    assert_eq!(
        ledger.missing_required("s", at),
        ["data_sharing", "marketing", "profiling"]
    );
    ledger.grant("s", "profiling", at, "web_form").unwrap();
    ledger.grant("s", "marketing", at, "web_form").unwrap();
    assert_eq!(ledger.missing_required("s", at), ["data_sharing"]);
    assert_eq!(
        ledger
            .missing_required("s", ts("2026-05-31T00:00:00Z"))
            .len(),
        3
    );

    let optional = Config::from_value(&json!({"compliance": {"gdpr": {"consent_management": {
        "required": false, "consent_types": ["newsletter"]}}}}))
    .unwrap();
    let ledger = ConsentLedger::from_config(&optional).unwrap();
    assert!(ledger.missing_required("s", at).is_empty());
    assert_eq!(ledger.purposes().collect::<Vec<_>>(), ["newsletter"]);
    assert_eq!(ledger.required().count(), 0);
}

#[test]
fn unknown_purposes_unless_custom_ones_are_allowed() {
    let mut strict = ledger();
    let at = ts("2026-06-01T00:00:00Z");
    let err = strict.grant("s", "marketting", at, "web_form").unwrap_err();
    assert_eq!(err.code(), "compliance.unknown_purpose");
    assert_eq!(
        err.to_string(),
        "consent purpose `marketting` is not configured"
    );
    assert_eq!(
        strict
            .has_consent("s", "marketting", at)
            .unwrap_err()
            .code(),
        "compliance.unknown_purpose"
    );

    let mut open = ConsentLedger::builder_from_config(&Config::default())
        .allow_custom_purposes()
        .require("terms:v2")
        .build()
        .unwrap();
    open.grant("s", "research.survey", at, "web_form").unwrap();
    assert!(open.has_consent("s", "research.survey", at).unwrap());
    assert!(open.missing_required("s", at).contains(&"terms:v2"));
    // Custom purposes must still be well-formed.
    for bad in ["", "has space", "é", &"p".repeat(65)] {
        let err = open.grant("s", bad, at, "web_form").unwrap_err();
        assert_eq!(err.code(), "compliance.invalid_input", "{bad:?}");
    }
}

#[test]
fn invalid_subjects_and_sources_are_refused_without_echo() {
    let mut ledger = ledger();
    let at = ts("2026-06-01T00:00:00Z");
    let long = "a".repeat(MAX_SUBJECT_BYTES + 1);
    for (subject, source) in [
        ("", "web_form"),
        (&*long, "web_form"),
        ("ada\u{0}", "x"),
        ("s", ""),
    ] {
        let err = ledger.grant(subject, "marketing", at, source).unwrap_err();
        assert_eq!(err.code(), "compliance.invalid_input");
        assert!(!err.to_string().contains("ada"));
    }
    assert!(ledger.is_empty());

    let bad = ConsentLedger::builder()
        .purpose("two words")
        .build()
        .unwrap_err();
    assert_eq!(bad.code(), "compliance.invalid_input");
}

#[test]
fn cells_neutralise_only_on_the_first_character() {
    for trigger in FORMULA_TRIGGERS {
        let cell = format!("{trigger}1");
        assert_eq!(neutralise_cell(&cell), format!("'{cell}"));
    }
    assert!(matches!(
        neutralise_cell("a-b"),
        std::borrow::Cow::Borrowed("a-b")
    ));
}

#[test]
fn flattening_names_columns_by_path() {
    let cells = flatten::flatten(
        "record",
        &json!({"a": {"b": [1, {"c": null}], "d": []}, "e": "x", "f": false, "g": {}}),
    )
    .unwrap();
    let pairs: Vec<(&str, &str)> = cells
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("record.a.b.0", "1"),
            ("record.a.b.1.c", ""),
            ("record.a.d", "[]"),
            ("record.e", "x"),
            ("record.f", "false"),
            ("record.g", "{}"),
        ]
    );
    assert_eq!(
        flatten::flatten("record", &json!("bare")).unwrap()["record"],
        "bare"
    );

    let err = flatten::flatten("record", &json!({"a.b": 1, "a": {"b": 2}})).unwrap_err();
    assert_eq!(err.code(), "compliance.column_collision");
    assert_eq!(
        err.to_string(),
        "two fields flatten to the same CSV column `record.a.b`"
    );
}

#[test]
fn a_csv_export_without_records_still_has_the_consent_columns() {
    let copy = SubjectCopy::new("s", []);
    let csv = Exporter::new([ExportFormat::Csv])
        .export(&copy, ExportFormat::Csv)
        .unwrap();
    assert_eq!(
        csv,
        "consent.purpose,consent.action,consent.at,consent.source\n"
    );
    let exporter = Exporter::new([ExportFormat::Json]);
    assert!(exporter.is_enabled());
    assert_eq!(exporter.formats(), [ExportFormat::Json]);
}

#[test]
fn erasure_needs_a_subject_and_an_actor() {
    use crate::crypto::{KeyId, KeyMaterial, Keyring, MemoryKeyStore, SubjectKeys};
    let keyring = Keyring::new(KeyId::new("k").unwrap(), KeyMaterial::generate().unwrap());
    let keys = SubjectKeys::new(keyring, MemoryKeyStore::new());
    for (subject, actor) in [("", "dpo"), ("lead-1", ""), ("lead-1", "a\nb")] {
        let err = erase_subject(&keys, subject, actor, ts("2026-01-01T00:00:00Z"), None);
        assert_eq!(err.unwrap_err().code(), "compliance.invalid_input");
    }
}

#[test]
fn debug_output_shows_counts_not_personal_data() {
    let mut ledger = ledger();
    ledger
        .grant(
            "bi:secret-subject",
            "marketing",
            ts("2026-01-01T00:00:00Z"),
            "web_form",
        )
        .unwrap();
    let copy = SubjectCopy::from_ledger(
        &ledger,
        "bi:secret-subject",
        [json!({"email": "ada@example.com"})],
    );
    for shown in [format!("{ledger:?}"), format!("{copy:?}")] {
        assert!(!shown.contains("secret-subject"), "{shown}");
        assert!(!shown.contains("ada@example.com"), "{shown}");
    }
    assert!(format!("{ledger:?}").contains("changes: 1"));
    assert_eq!(
        format!("{copy:?}"),
        "SubjectCopy { records: 1, consent: 1, .. }"
    );
}
