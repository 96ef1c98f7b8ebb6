use std::path::Path;

use serde_json::{Value, json};

use super::key::Domain;
use super::wire::{self, EventLine, Line};
use super::*;
use crate::config::Config;
use crate::secret::MemorySource;

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn key() -> ChainKey {
    ChainKey::from_base64(KEY).unwrap()
}

fn vector() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/audit/chain.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"][0].clone()
}

#[test]
fn event_lines_match_the_independent_vector() {
    let case = vector();
    let text = case["files"]["segment-00000001.jsonl"].as_str().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut prev = wire::open(&key(), Domain::Line, lines[0].as_bytes()).unwrap();
    for (line, expected) in lines[1..].iter().zip(case["events"].as_array().unwrap()) {
        let event: AuditEvent = serde_json::from_value(expected["event"].clone()).unwrap();
        let entry = Line::Event(EventLine {
            seq: expected["seq"].as_u64().unwrap(),
            prev: wire::hex(&prev),
            details_enc: None,
            event,
        });
        let (sealed, tag) = wire::seal(&key(), Domain::Line, &entry).unwrap();
        assert_eq!(&sealed, line);
        prev = tag;
    }
}

#[test]
fn a_line_sealed_in_one_domain_does_not_open_in_another() {
    let head = wire::Checkpoint::Head(wire::Head {
        log: "00".repeat(16),
        segment: 1,
        seq: 1,
        last: "00".repeat(32),
    });
    let (text, _) = wire::seal(&key(), Domain::Head, &head).unwrap();
    assert!(wire::open(&key(), Domain::Head, text.as_bytes()).is_some());
    assert!(wire::open(&key(), Domain::Line, text.as_bytes()).is_none());
    assert!(wire::open(&key(), Domain::Anchor, text.as_bytes()).is_none());
    let upper = text.to_uppercase();
    assert!(wire::open(&key(), Domain::Head, upper.as_bytes()).is_none());
}

#[test]
fn segment_names_round_trip_and_others_are_ignored() {
    assert_eq!(wire::segment_name(7), "segment-00000007.jsonl");
    assert_eq!(wire::segment_number("segment-00000007.jsonl"), Some(7));
    assert_eq!(
        wire::segment_number("segment-123456789.jsonl"),
        Some(123_456_789)
    );
    for other in [
        "segment-7.jsonl",
        "segment-0000000x.jsonl",
        "HEAD.json",
        "segment-00000001.json",
    ] {
        assert_eq!(wire::segment_number(other), None, "{other}");
    }
}

#[test]
fn the_event_schema_has_stable_names() {
    let event = AuditEvent::new(
        AuditCategory::ConfigurationChange,
        AuditAction::PermissionChange,
    )
    .actor("admin-1")
    .resource("role/sales")
    .outcome(AuditOutcome::Denied)
    .source_ip("2001:db8::1".parse().unwrap())
    .user_agent("ua")
    .detail("role", json!("sales"))
    .at("2026-03-01T12:00:00Z".parse().unwrap());
    assert_eq!(
        event.to_json().unwrap(),
        json!({"time": "2026-03-01T12:00:00Z", "category": "configuration_change",
               "action": "permission_change", "outcome": "denied", "actor": "admin-1",
               "resource": "role/sales", "source_ip": "2001:db8::1", "user_agent": "ua",
               "details": {"role": "sales"}})
    );
    let minimal = AuditEvent::new(AuditCategory::Security, AuditAction::Erase)
        .at("2026-03-01T12:00:00Z".parse().unwrap());
    assert_eq!(
        minimal.to_json().unwrap(),
        json!({"time": "2026-03-01T12:00:00Z", "category": "security", "action": "erase"})
    );
}

#[test]
fn ecs_documents_use_ecs_names() {
    let event = AuditEvent::new(AuditCategory::Authentication, AuditAction::LoginFailed)
        .actor("user-7")
        .outcome(AuditOutcome::Denied)
        .source_ip("203.0.113.9".parse().unwrap())
        .user_agent("curl/8.5.0")
        .at("2026-03-01T12:00:00Z".parse().unwrap());
    let ecs = event.to_ecs(Some(9));
    assert_eq!(ecs["@timestamp"], "2026-03-01T12:00:00Z");
    assert_eq!(ecs["event"]["category"], json!(["authentication"]));
    assert_eq!(ecs["event"]["action"], "login_failed");
    assert_eq!(ecs["event"]["outcome"], "failure");
    assert_eq!(ecs["event"]["type"], json!(["denied"]));
    assert_eq!(ecs["event"]["sequence"], 9);
    assert_eq!(ecs["user"]["name"], "user-7");
    assert_eq!(ecs["source"]["ip"], "203.0.113.9");
    assert_eq!(ecs["user_agent"]["original"], "curl/8.5.0");
}

#[test]
fn action_names_round_trip_and_custom_names_are_checked() {
    for name in [
        "login_attempt",
        "login_failed",
        "password_changed",
        "read",
        "write",
    ]
    .into_iter()
    .chain([
        "export",
        "config_update",
        "permission_change",
        "erase",
        "prune",
    ]) {
        let action = AuditAction::from_name(name).unwrap();
        assert!(!matches!(action, AuditAction::Custom(_)), "{name}");
        assert_eq!(action.as_str(), name);
    }
    assert_eq!(
        AuditAction::custom("lead.merge").unwrap().as_str(),
        "lead.merge"
    );
    for bad in [
        "",
        "Read",
        "read",
        "has space",
        &"x".repeat(MAX_ACTION_BYTES + 1),
    ] {
        let err = AuditAction::custom(bad).unwrap_err();
        assert_eq!(err.code(), "audit.invalid_action", "{bad}");
    }
}

#[test]
fn invalid_custom_actions_are_refused_when_recorded() {
    let log = AuditLog::builder().sink(MemorySink::new()).build().unwrap();
    let event = AuditEvent::new(
        AuditCategory::Security,
        AuditAction::Custom("Bad Name".into()),
    );
    assert_eq!(
        log.record(event).unwrap_err().code(),
        "audit.invalid_action"
    );
}

#[test]
fn retention_takes_the_longer_hipaa_period() {
    let plain = Config::default();
    assert_eq!(retention_of(&plain).to_string(), "365_days");
    let hipaa: Config = r#"{"compliance": {"hipaa": {}}}"#.parse().unwrap();
    assert_eq!(retention_of(&hipaa).to_string(), "6_years");
    let longer: Config = r#"{"security": {"auditing": {"storage": {"retention_days": "10_years"}}},
        "compliance": {"hipaa": {}}}"#
        .parse()
        .unwrap();
    assert_eq!(retention_of(&longer).to_string(), "10_years");
}

#[test]
fn chain_keys_come_from_the_configuration() {
    let config: Config =
        r#"{"security": {"auditing": {"storage": {"chain_key": {"env": "AUDIT_KEY"}}}}}"#
            .parse()
            .unwrap();
    let source = MemorySource::new().with_env("AUDIT_KEY", KEY);
    assert!(ChainKey::from_config(&config, &source).is_ok());

    let missing = ChainKey::from_config(&config, &MemorySource::new()).unwrap_err();
    assert_eq!(missing.code(), "audit.invalid_chain_key");
    let short = MemorySource::new().with_env("AUDIT_KEY", "AAEC");
    assert_eq!(
        ChainKey::from_config(&config, &short).unwrap_err().code(),
        "audit.invalid_chain_key"
    );
    let none = ChainKey::from_config(&Config::default(), &source).unwrap_err();
    assert_eq!(none.code(), "audit.no_chain_key");
}

#[test]
fn key_holding_types_do_not_print_their_keys() {
    let raw = [0x5au8; 32];
    let key = ChainKey::new(crate::crypto::KeyMaterial::from_bytes(raw));
    let dir = std::env::temp_dir().join(format!("halo-audit-unit-debug-{}", std::process::id()));
    let builder = FileSink::builder(
        &dir,
        ChainKey::new(crate::crypto::KeyMaterial::from_bytes(raw)),
    );
    let printed = [format!("{key:?}"), format!("{builder:?}")];
    let sink = builder.open().unwrap();
    let log = AuditLog::builder().sink(sink).build().unwrap();
    let printed = [printed[0].clone(), printed[1].clone(), format!("{log:?}")];
    for text in printed {
        assert!(!text.contains("5a5a"), "{text}");
        assert!(!text.contains("WlpaWlpa"), "{text}"); // base64 of the key bytes
        assert!(!text.contains("90, 90"), "{text}");
    }
    assert!(format!("{key:?}").contains("REDACTED"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn error_codes_are_stable() {
    let cases = [
        (AuditError::NoChainKey, "audit.no_chain_key"),
        (AuditError::CipherRequired, "audit.cipher_required"),
        (AuditError::SinkFailed, "audit.sink_failed"),
        (AuditError::BufferFull, "audit.buffer_full"),
        (AuditError::ShutDown, "audit.shut_down"),
        (
            AuditError::FlushTimeout { pending: 2 },
            "audit.flush_timeout",
        ),
        (
            AuditError::Incomplete { what: "a sink" },
            "audit.incomplete",
        ),
    ];
    for (err, code) in cases {
        assert_eq!(err.code(), code);
        let message = err.to_string();
        assert!(message.chars().next().unwrap().is_lowercase() && !message.ends_with('.'));
    }
}

#[test]
fn logs_and_sinks_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<AuditLog>();
    shared::<FileSink>();
    shared::<MemorySink>();
    #[cfg(feature = "siem-http")]
    shared::<HttpSink>();
}
