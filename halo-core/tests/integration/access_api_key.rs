//! API keys: issue, verify, rotate, grace expiry, revocation, and what the
//! JSON file store holds.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use halo_core::access::{
    ApiKeyStore, JsonFileKeyBackend, KEY_LENGTH, KeyStatus, MemoryKeyBackend, parse_api_key,
};
use halo_core::config::Config;
use halo_core::secret::{ExposeSecret, MemorySource};
use sha2::Digest as _;

const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(86_400);

fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("halo-core-access-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn issue_and_verify() {
    let store = ApiKeyStore::new(MemoryKeyBackend::new());
    let issued = store.issue("apollo", t0()).unwrap();
    let key = issued.key.expose_secret();
    assert_eq!(key.len(), KEY_LENGTH);
    assert!(key.starts_with("halo_"));
    assert_eq!(parse_api_key(key), Some(issued.id.as_str()));

    let verified = store.verify(key, t0()).unwrap();
    assert_eq!(
        (verified.id.as_str(), verified.label.as_str()),
        (issued.id.as_str(), "apollo")
    );
    assert_eq!(verified.status, KeyStatus::Active);
    assert!(!format!("{issued:?}").contains(key));
}

#[test]
fn tampered_and_foreign_keys_are_refused() {
    let store = ApiKeyStore::new(MemoryKeyBackend::new());
    let key = store
        .issue("a", t0())
        .unwrap()
        .key
        .expose_secret()
        .to_owned();

    // One secret digit changed: the checksum catches it.
    let mut bytes = key.clone().into_bytes();
    bytes[30] = if bytes[30] == b'0' { b'1' } else { b'0' };
    let typo = String::from_utf8(bytes).unwrap();
    assert_eq!(
        store.verify(&typo, t0()).unwrap_err().code(),
        "access.api_key_malformed"
    );

    // A well-formed key of another store: right format, unknown id.
    let other = ApiKeyStore::new(MemoryKeyBackend::new());
    let foreign = other.issue("b", t0()).unwrap();
    let err = store.verify(foreign.key.expose_secret(), t0()).unwrap_err();
    assert_eq!(err.code(), "access.api_key_unknown");

    for bad in [
        "",
        "halo_",
        &key[..KEY_LENGTH - 1],
        &key.to_uppercase(),
        &format!("{key} "),
    ] {
        assert_eq!(
            store.verify(bad, t0()).unwrap_err().code(),
            "access.api_key_malformed"
        );
    }
}

#[test]
fn pepper_changes_the_hash() {
    let peppered = ApiKeyStore::new(MemoryKeyBackend::new()).with_pepper(
        halo_core::secret::SecretBytes::new(b"pepper-bytes-32".as_slice().into()),
    );
    let issued = peppered.issue("a", t0()).unwrap();
    peppered.verify(issued.key.expose_secret(), t0()).unwrap();
    let record = &peppered.records().unwrap()[0];
    let plain_hash = sha2::Sha256::digest(issued.key.expose_secret().as_bytes());
    let plain_hash: String = plain_hash.iter().map(|b| format!("{b:02x}")).collect();
    assert_ne!(record.hash, plain_hash);
    assert_eq!(record.hash.len(), 64);
    assert!(!format!("{peppered:?}").contains("pepper-bytes"));
}

#[test]
fn rotation_keeps_the_old_key_for_the_grace_period() {
    let store = ApiKeyStore::new(MemoryKeyBackend::new());
    let old = store.issue("halo sync", t0()).unwrap();
    let new = store.rotate(&old.id, t0()).unwrap();
    assert_ne!(old.id, new.id);

    let within = store
        .verify(old.key.expose_secret(), t0() + 23 * HOUR)
        .unwrap();
    assert_eq!(within.status, KeyStatus::Retiring { until: t0() + DAY });
    let err = store
        .verify(old.key.expose_secret(), t0() + DAY)
        .unwrap_err();
    assert_eq!(err.code(), "access.api_key_expired");

    let current = store.verify(new.key.expose_secret(), t0() + DAY).unwrap();
    assert_eq!(
        (current.status, current.label.as_str()),
        (KeyStatus::Active, "halo sync")
    );
    let err = store.rotate(&old.id, t0()).unwrap_err();
    assert_eq!(err.code(), "access.api_key_not_active");
}

#[test]
fn due_for_rotation_follows_the_interval() {
    let config = Config::from_json_str(
        r#"{"security":{"authentication":{"method":"api_key","key_rotation":{"interval_days":30,"grace_period_hours":0}}}}"#,
    )
    .unwrap();
    let store =
        ApiKeyStore::from_config(&config, MemoryKeyBackend::new(), &MemorySource::new()).unwrap();
    let a = store.issue("a", t0()).unwrap();
    let b = store.issue("b", t0() + 10 * DAY).unwrap();
    assert!(store.due_for_rotation(t0() + 29 * DAY).unwrap().is_empty());
    assert_eq!(
        store.due_for_rotation(t0() + 30 * DAY).unwrap(),
        vec![a.id.clone()]
    );
    let mut both = vec![a.id.clone(), b.id.clone()];
    both.sort();
    assert_eq!(store.due_for_rotation(t0() + 40 * DAY).unwrap(), both);

    // No grace: the rotated key stops at once.
    store.rotate(&a.id, t0() + 30 * DAY).unwrap();
    let err = store
        .verify(a.key.expose_secret(), t0() + 30 * DAY)
        .unwrap_err();
    assert_eq!(err.code(), "access.api_key_expired");
    store.revoke(&b.id).unwrap();
    let err = store.verify(b.key.expose_secret(), t0()).unwrap_err();
    assert_eq!(err.code(), "access.api_key_revoked");
}

#[test]
fn rotation_can_be_off() {
    let config = Config::from_json_str(
        r#"{"security":{"authentication":{"method":"api_key","key_rotation":{"enabled":false}}}}"#,
    )
    .unwrap();
    let store =
        ApiKeyStore::from_config(&config, MemoryKeyBackend::new(), &MemorySource::new()).unwrap();
    store.issue("a", t0()).unwrap();
    assert!(
        store
            .due_for_rotation(t0() + 3650 * DAY)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn pepper_comes_from_the_configured_reference() {
    let config = Config::from_json_str(
        r#"{"security":{"authentication":{"method":"api_key","pepper":{"env":"HALO_TEST_PEPPER"}}}}"#,
    )
    .unwrap();
    let missing = ApiKeyStore::from_config(&config, MemoryKeyBackend::new(), &MemorySource::new());
    assert_eq!(missing.unwrap_err().code(), "secret.env_missing");

    let source = MemorySource::new().with_env("HALO_TEST_PEPPER", "a pepper");
    let store = ApiKeyStore::from_config(&config, MemoryKeyBackend::new(), &source).unwrap();
    let issued = store.issue("a", t0()).unwrap();
    // The same record in a store without the pepper does not verify.
    for record in store.records().unwrap() {
        use halo_core::access::ApiKeyBackend as _;
        let backend = MemoryKeyBackend::new();
        backend.put(record).unwrap();
        let other = ApiKeyStore::new(backend);
        let err = other.verify(issued.key.expose_secret(), t0()).unwrap_err();
        assert_eq!(err.code(), "access.api_key_unknown");
    }
}

#[test]
fn json_file_never_holds_a_key() {
    let path = temp_path("keys.json");
    let _ = std::fs::remove_file(&path);
    let store = ApiKeyStore::new(JsonFileKeyBackend::new(&path));
    let first = store.issue("apollo", t0()).unwrap();
    let second = store.rotate(&first.id, t0()).unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    for issued in [&first, &second] {
        let key = issued.key.expose_secret();
        assert!(!text.contains(key));
        assert!(
            !text.contains(&key[22..70]),
            "secret part written to the file"
        );
        assert!(text.contains(&issued.id));
    }

    // A second store over the same file sees the same keys.
    let reopened = ApiKeyStore::new(JsonFileKeyBackend::new(&path));
    let status = reopened
        .verify(first.key.expose_secret(), t0() + HOUR)
        .unwrap()
        .status;
    assert!(matches!(status, KeyStatus::Retiring { .. }));
    reopened.verify(second.key.expose_secret(), t0()).unwrap();

    std::fs::write(&path, "{\"keys\": 3}").unwrap();
    let err = reopened
        .verify(second.key.expose_secret(), t0())
        .unwrap_err();
    assert_eq!(err.code(), "access.store");
    let _ = std::fs::remove_file(&path);
}
