use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;

use super::aead::Cipher;
use super::envelope::associated_data;
use super::*;
use crate::secret::{MemorySource, SecretRef};

const KEY_A: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn vector_cases(file: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors/crypto")
        .join(file);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn hex_field(case: &Value, key: &str) -> Vec<u8> {
    hex::decode(case[key].as_str().unwrap()).unwrap()
}

fn cipher_a() -> FieldCipher {
    FieldCipher::new(Keyring::new(
        KeyId::new("k1").unwrap(),
        KeyMaterial::from_base64(KEY_A).unwrap(),
    ))
}

#[test]
fn wycheproof_aes_256_gcm() {
    let cases = vector_cases("aes-256-gcm-wycheproof.json");
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let key = KeyMaterial::from_slice(&hex_field(&case, "key")).unwrap();
        let nonce: [u8; 12] = hex_field(&case, "iv").try_into().unwrap();
        let (aad, msg) = (hex_field(&case, "aad"), hex_field(&case, "msg"));
        let mut sealed = hex_field(&case, "ct");
        sealed.extend(hex_field(&case, "tag"));
        let cipher = Cipher::new(&key);

        let opened = cipher.open(&nonce, &aad, sealed.clone());
        if case["result"] == "valid" {
            assert_eq!(cipher.seal(&nonce, &aad, &msg).unwrap(), sealed, "{name}");
            assert_eq!(&opened.unwrap()[..], &msg[..], "{name}");
        } else {
            assert_eq!(
                opened.unwrap_err().code(),
                "crypto.decrypt_failed",
                "{name}"
            );
        }
    }
}

#[test]
fn documented_envelope_is_reproduced_with_its_fixed_nonce() {
    for case in vector_cases("envelope.json") {
        let name = case["name"].as_str().unwrap();
        let key = KeyMaterial::from_base64(case["key"].as_str().unwrap()).unwrap();
        let nonce: [u8; 12] = hex_field(&case, "nonce").try_into().unwrap();
        let (key_id, field, context) = (
            case["key_id"].as_str().unwrap(),
            case["field"].as_str().unwrap(),
            case["context"].as_str().unwrap(),
        );

        let aad = associated_data(EnvelopeKind::Keyring, key_id, field, context).unwrap();
        assert_eq!(aad, hex_field(&case, "aad_hex"), "{name}: associated data");
        let sealed = Cipher::new(&key)
            .seal(&nonce, &aad, &hex_field(&case, "plaintext_hex"))
            .unwrap();
        let envelope = Envelope::encode(EnvelopeKind::Keyring, key_id, &nonce, &sealed);
        assert_eq!(envelope, case["envelope"].as_str().unwrap(), "{name}");
    }
}

#[test]
fn nonces_are_fresh_per_message() {
    let cipher = cipher_a();
    let a = cipher.encrypt_field("email", "c", b"same").unwrap();
    let b = cipher.encrypt_field("email", "c", b"same").unwrap();
    assert_ne!(a, b);
    let (a, b) = (Envelope::parse(&a).unwrap(), Envelope::parse(&b).unwrap());
    assert_ne!(a.nonce(), b.nonce());
}

#[test]
fn key_ids_are_checked() {
    for bad in ["", "a b", "a.b", "é", &"k".repeat(33)] {
        assert_eq!(KeyId::new(bad).unwrap_err().code(), "crypto.invalid_key_id");
    }
    assert_eq!(KeyId::new("2026-01_b").unwrap().as_str(), "2026-01_b");
}

#[test]
fn key_material_must_be_32_bytes_of_base64() {
    let source = MemorySource::new()
        .with_env("SHORT", "AAECAw==")
        .with_env("NOT_B64", "not base64!")
        .with_env("GOOD", format!(" {KEY_A}\n"));
    for (var, ok) in [("SHORT", false), ("NOT_B64", false), ("GOOD", true)] {
        let keys = StaticKeys::new(&source).with_key(KeyId::new("k").unwrap(), SecretRef::env(var));
        let result = Keyring::from_provider(&keys);
        assert_eq!(result.is_ok(), ok, "{var}");
        if let Err(err) = result {
            assert_eq!(err.code(), "crypto.invalid_key");
            assert!(err.to_string().contains("`k`"), "{err}");
        }
    }
    assert!(KeyMaterial::from_slice(&[0; 31]).is_err());
}

#[test]
fn several_keys_need_a_primary() {
    let source = MemorySource::new().with_env("A", KEY_A);
    let keys = StaticKeys::new(&source)
        .with_key(KeyId::new("a").unwrap(), SecretRef::env("A"))
        .with_key(KeyId::new("b").unwrap(), SecretRef::env("A"));
    assert_eq!(
        Keyring::from_provider(&keys).unwrap_err().code(),
        "crypto.no_key"
    );
    let keys = keys.with_primary(KeyId::new("c").unwrap());
    let err = Keyring::from_provider(&keys).unwrap_err();
    assert_eq!(err.code(), "crypto.unknown_key_id");
}

#[test]
fn debug_never_shows_key_material() {
    let bytes = [0xA5u8; 32];
    let material = KeyMaterial::from_bytes(bytes);
    let keyring = Keyring::new(KeyId::new("k1").unwrap(), KeyMaterial::from_bytes(bytes));
    let index = BlindIndex::new(KeyMaterial::from_bytes(bytes), 16).unwrap();
    let subjects = SubjectKeys::new(
        Keyring::new(KeyId::new("k1").unwrap(), KeyMaterial::from_bytes(bytes)),
        MemoryKeyStore::new(),
    );
    let source = MemorySource::new().with_env("K", KEY_A);
    let keys = StaticKeys::new(&source).with_key(KeyId::new("k1").unwrap(), SecretRef::env("K"));
    let cipher = FieldCipher::new(keyring);

    let needles = ["a5a5", "A5A5", "165, 165", KEY_A, "pWlpaWlp"];
    for text in [
        format!("{material:?}"),
        format!("{cipher:?}"),
        format!("{index:?}"),
        format!("{subjects:?}"),
        format!("{keys:?}"),
    ] {
        for needle in needles {
            assert!(!text.contains(needle), "{needle} in {text}");
        }
    }
    assert!(format!("{cipher:?}").contains("k1"));
    assert!(format!("{material:?}").contains("[REDACTED]"));
}

#[test]
fn errors_reveal_no_plaintext_or_key() {
    let cipher = cipher_a();
    let envelope = cipher.encrypt_field("ssn", "c", b"078-05-1120").unwrap();
    let err = cipher.decrypt_field("ssn", "other", &envelope).unwrap_err();
    assert_eq!(err.to_string(), "decryption failed");
    let err = cipher
        .decrypt_field("ssn", "c", "hc1.k1.!!!.x")
        .unwrap_err();
    assert!(!err.to_string().contains("!!!"));
}

#[test]
fn blind_index_length_is_checked() {
    for bytes in [0, 7, 33] {
        let err = BlindIndex::new(KeyMaterial::from_bytes([1; 32]), bytes).unwrap_err();
        assert_eq!(err.code(), "crypto.invalid_index_length");
    }
}

#[test]
fn normalization_follows_the_field_name() {
    assert_eq!(Normalization::for_field("Work_Email"), Normalization::Email);
    assert_eq!(
        Normalization::for_field("mobile_phone"),
        Normalization::Phone
    );
    assert_eq!(Normalization::for_field("company"), Normalization::Text);
    assert_eq!(Normalization::Exact.apply(" A "), " A ");
    assert_eq!(
        Normalization::Phone.apply("+1 (555) 010-0100"),
        "15550100100"
    );
}

#[test]
fn subject_and_keyring_envelopes_do_not_mix() {
    let cipher = cipher_a();
    let subjects = SubjectKeys::new(
        Keyring::new(
            KeyId::new("k1").unwrap(),
            KeyMaterial::from_base64(KEY_A).unwrap(),
        ),
        MemoryKeyStore::new(),
    );
    let subject_env = subjects.encrypt_field("s", "email", b"x").unwrap();
    let keyring_env = cipher.encrypt_field("email", "s", b"x").unwrap();
    let err = cipher
        .decrypt_field("email", "s", &subject_env)
        .unwrap_err();
    assert_eq!(err.code(), "crypto.malformed_envelope");
    let err = subjects
        .decrypt_field("s", "email", &keyring_env)
        .unwrap_err();
    assert_eq!(err.code(), "crypto.malformed_envelope");
}

proptest! {
    #[test]
    fn fields_round_trip(
        field in "[a-z_]{1,20}",
        context in ".{0,40}",
        plaintext in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let cipher = cipher_a();
        let envelope = cipher.encrypt_field(&field, &context, &plaintext).unwrap();
        prop_assert!(envelope.is_ascii());
        let opened = cipher.decrypt_field(&field, &context, &envelope).unwrap();
        prop_assert_eq!(&opened[..], &plaintext[..]);
    }

    #[test]
    fn parsing_never_panics(text in ".{0,200}") {
        let _ = Envelope::parse(&text);
        let _ = cipher_a().decrypt_field("email", "c", &text);
    }

    #[test]
    fn blind_index_ignores_case_and_spacing_of_emails(local in "[a-z]{1,10}", domain in "[a-z]{1,10}") {
        let index = BlindIndex::new(KeyMaterial::from_bytes([9; 32]), 16).unwrap();
        let plain = format!("{local}@{domain}.example");
        let shouted = format!("  {}  ", plain.to_uppercase());
        prop_assert_eq!(index.index("email", &plain).unwrap(), index.index("email", &shouted).unwrap());
    }
}
