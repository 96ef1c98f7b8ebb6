//! Field encryption through the public API: configuration, rotation,
//! erasure and tampering.

use halo_core::Config;
use halo_core::crypto::{
    BlindIndex, FieldCipher, FileKeyStore, KeyId, KeyMaterial, Keyring, MemoryKeyStore, SubjectKeys,
};
use halo_core::secret::MemorySource;
use serde_json::json;

const KEY_A: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const KEY_B: &str = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

fn id(text: &str) -> KeyId {
    KeyId::new(text).unwrap()
}

fn key(base64: &str) -> KeyMaterial {
    KeyMaterial::from_base64(base64).unwrap()
}

fn config(doc: serde_json::Value) -> Config {
    Config::from_json_str(&doc.to_string()).unwrap()
}

#[test]
fn cipher_and_index_come_from_the_configuration() {
    let config = config(json!({"security": {"encryption": {"at_rest": {
        "keys": {"a": {"env": "KEY_A"}, "b": {"file": "/run/secrets/b"}},
        "primary_key": "b",
        "encrypted_fields": ["email", "phone"],
        "blind_index_key": {"env": "INDEX_KEY"},
        "blind_index_bytes": 8
    }}}}));
    let source = MemorySource::new()
        .with_env("KEY_A", KEY_A)
        .with_file("/run/secrets/b", format!("{KEY_B}\n"))
        .with_env("INDEX_KEY", KEY_A);

    let cipher = FieldCipher::from_config(&config, &source).unwrap();
    assert_eq!(cipher.keyring().primary().as_str(), "b");
    assert_eq!(cipher.fields(), ["email", "phone"]);
    let envelope = cipher.encrypt_field("email", "lead-1", b"x").unwrap();
    assert!(envelope.starts_with("hc1.b."));

    let index = BlindIndex::from_config(&config, &source).unwrap();
    assert_eq!(index.len_bytes(), 8);
    assert_eq!(index.index("email", "a@b.example").unwrap().len(), 11);
}

#[test]
fn configuration_problems_have_codes() {
    let source = MemorySource::new().with_env("SHORT", "AAEC");
    let cases = [
        (
            json!({"keys": {"a": {"env": "MISSING"}}}),
            "crypto.invalid_key",
        ),
        (
            json!({"keys": {"a": {"env": "SHORT"}}}),
            "crypto.invalid_key",
        ),
        (json!({}), "crypto.no_key"),
        (
            json!({"key_management": "aws-kms"}),
            "crypto.provider_required",
        ),
        (
            json!({"enabled": false, "keys": {"a": {"env": "SHORT"}}}),
            "crypto.disabled",
        ),
    ];
    for (at_rest, code) in cases {
        let config = config(json!({"security": {"encryption": {"at_rest": at_rest}}}));
        let err = FieldCipher::from_config(&config, &source).unwrap_err();
        assert_eq!(err.code(), code, "{at_rest}: {err}");
    }

    let err = BlindIndex::from_config(&Config::default(), &source).unwrap_err();
    assert_eq!(err.code(), "crypto.no_key");
}

#[test]
fn rotation_keeps_old_data_readable_until_its_key_is_removed() {
    let mut cipher = FieldCipher::new(Keyring::new(id("a"), key(KEY_A)));
    let moved = cipher
        .encrypt_field("email", "lead-1", b"ada@example.com")
        .unwrap();
    let left = cipher
        .encrypt_field("phone", "lead-2", b"+44 20 7946 0000")
        .unwrap();

    cipher.keyring_mut().insert(id("b"), key(KEY_B));
    cipher.keyring_mut().set_primary(&id("b")).unwrap();
    assert!(cipher.needs_reencrypt(&moved).unwrap());
    assert_eq!(
        &cipher.decrypt_field("email", "lead-1", &moved).unwrap()[..],
        b"ada@example.com"
    );
    assert!(
        cipher
            .encrypt_field("email", "lead-3", b"x")
            .unwrap()
            .starts_with("hc1.b.")
    );

    let moved = cipher.reencrypt("email", "lead-1", &moved).unwrap();
    assert!(moved.starts_with("hc1.b."));
    assert!(!cipher.needs_reencrypt(&moved).unwrap());

    cipher.keyring_mut().remove(&id("a")).unwrap();
    assert_eq!(
        &cipher.decrypt_field("email", "lead-1", &moved).unwrap()[..],
        b"ada@example.com"
    );
    let err = cipher.decrypt_field("phone", "lead-2", &left).unwrap_err();
    assert_eq!(err.code(), "crypto.unknown_key_id");
    assert!(err.to_string().contains("`a`"));

    let primary = cipher.keyring_mut().remove(&id("b")).unwrap_err();
    assert_eq!(primary.code(), "crypto.invalid_key");
}

#[test]
fn records_round_trip_and_rotate() {
    let mut cipher = FieldCipher::new(Keyring::new(id("a"), key(KEY_A)));
    let record = json!({
        "name": "Ada Lovelace", "email": "ada@example.com", "phone": null,
        "bank_account_details": {"iban": "GB33BUKB20201555555555"}, "score": 7
    });
    let sealed = cipher.encrypt_record("lead-1", &record).unwrap();
    assert_eq!(sealed["name"], "Ada Lovelace");
    assert_eq!(sealed["phone"], serde_json::Value::Null);
    assert!(sealed["email"].as_str().unwrap().starts_with("hc1.a."));
    assert!(!sealed.to_string().contains("ada@example.com"));
    assert!(!sealed.to_string().contains("GB33"));
    assert_eq!(cipher.decrypt_record("lead-1", &sealed).unwrap(), record);

    let err = cipher.decrypt_record("lead-2", &sealed).unwrap_err();
    assert_eq!(err.code(), "crypto.decrypt_failed");
    let err = cipher.encrypt_record("lead-1", &json!([1])).unwrap_err();
    assert_eq!(err.code(), "crypto.malformed_record");

    cipher.keyring_mut().insert(id("b"), key(KEY_B));
    cipher.keyring_mut().set_primary(&id("b")).unwrap();
    let rotated = cipher.reencrypt_record("lead-1", &sealed).unwrap();
    assert!(rotated["email"].as_str().unwrap().starts_with("hc1.b."));
    cipher.keyring_mut().remove(&id("a")).unwrap();
    assert_eq!(cipher.decrypt_record("lead-1", &rotated).unwrap(), record);
}

#[test]
fn every_single_byte_change_of_an_envelope_fails() {
    let cipher = FieldCipher::new(Keyring::new(id("k1"), key(KEY_A)));
    let envelope = cipher
        .encrypt_field("email", "lead-42", b"ada@example.com")
        .unwrap();
    let alphabet: Vec<u8> = (0x20u8..0x7f).collect();

    let mut tried = 0;
    for position in 0..envelope.len() {
        for &byte in &alphabet {
            let mut changed = envelope.clone().into_bytes();
            if changed[position] == byte {
                continue;
            }
            changed[position] = byte;
            let changed = String::from_utf8(changed).unwrap();
            let result = cipher.decrypt_field("email", "lead-42", &changed);
            assert!(result.is_err(), "accepted {changed}");
            tried += 1;
        }
    }
    assert!(tried > 5000);
    for cut in 0..envelope.len() {
        assert!(
            cipher
                .decrypt_field("email", "lead-42", &envelope[..cut])
                .is_err()
        );
    }
}

#[test]
fn forgotten_subjects_are_unreadable_and_others_untouched() {
    let subjects = SubjectKeys::new(Keyring::new(id("a"), key(KEY_A)), MemoryKeyStore::new());
    let record = json!({"email": "ada@example.com", "phone": "+44 20 7946 0000",
                        "social_security_number": "078-05-1120", "name": "Ada"});
    let ada = subjects.encrypt_record("lead-ada", &record).unwrap();
    let bob = subjects.encrypt_record("lead-bob", &record).unwrap();
    assert_eq!(subjects.decrypt_record("lead-ada", &ada).unwrap(), record);
    assert!(ada["email"].as_str().unwrap().starts_with("hcs1."));

    assert!(subjects.forget("lead-ada").unwrap());
    assert!(!subjects.forget("lead-ada").unwrap());
    for field in ["email", "phone", "social_security_number"] {
        let envelope = ada[field].as_str().unwrap();
        let err = subjects
            .decrypt_field("lead-ada", field, envelope)
            .unwrap_err();
        assert_eq!(err.code(), "crypto.subject_forgotten", "{field}");
    }
    assert_eq!(subjects.decrypt_record("lead-bob", &bob).unwrap(), record);

    // New data for the same subject gets a new key; the old stays unreadable.
    let again = subjects.encrypt_field("lead-ada", "email", b"new").unwrap();
    assert_eq!(
        &subjects.decrypt_field("lead-ada", "email", &again).unwrap()[..],
        b"new"
    );
    let old = ada["email"].as_str().unwrap();
    let err = subjects
        .decrypt_field("lead-ada", "email", old)
        .unwrap_err();
    assert_eq!(err.code(), "crypto.subject_forgotten");
}

#[test]
fn subject_envelopes_are_bound_to_subject_and_field() {
    let subjects = SubjectKeys::new(Keyring::new(id("a"), key(KEY_A)), MemoryKeyStore::new());
    let ada = subjects
        .encrypt_field("lead-ada", "email", b"ada@example.com")
        .unwrap();
    subjects
        .encrypt_field("lead-bob", "email", b"bob@example.com")
        .unwrap();

    let moved = subjects
        .decrypt_field("lead-bob", "email", &ada)
        .unwrap_err();
    assert_eq!(moved.code(), "crypto.subject_forgotten");
    let field = subjects
        .decrypt_field("lead-ada", "phone", &ada)
        .unwrap_err();
    assert_eq!(field.code(), "crypto.decrypt_failed");
}

#[test]
fn file_store_survives_reopening_and_rewraps_under_a_new_primary() {
    let dir = std::env::temp_dir().join(format!("halo-crypto-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = FileKeyStore::open(&dir).unwrap();
    let subjects = SubjectKeys::new(Keyring::new(id("a"), key(KEY_A)), store.clone());
    let envelope = subjects
        .encrypt_field("ada@example.com", "email", b"secret")
        .unwrap();

    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(!names[0].contains("ada"));

    let mut keyring = Keyring::new(id("a"), key(KEY_A));
    keyring.insert(id("b"), key(KEY_B));
    keyring.set_primary(&id("b")).unwrap();
    let mut reopened = SubjectKeys::new(keyring, FileKeyStore::open(&dir).unwrap());
    assert_eq!(
        &reopened
            .decrypt_field("ada@example.com", "email", &envelope)
            .unwrap()[..],
        b"secret"
    );
    assert!(reopened.rewrap("ada@example.com").unwrap());
    assert!(!reopened.rewrap("ada@example.com").unwrap());
    reopened.keyring_mut().remove(&id("a")).unwrap();
    assert_eq!(
        &reopened
            .decrypt_field("ada@example.com", "email", &envelope)
            .unwrap()[..],
        b"secret"
    );

    assert!(reopened.forget("ada@example.com").unwrap());
    let err = reopened
        .decrypt_field("ada@example.com", "email", &envelope)
        .unwrap_err();
    assert_eq!(err.code(), "crypto.subject_forgotten");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}
