//! Every file under `tests/vectors/crypto/`: Wycheproof AES-256-GCM cases,
//! the documented envelope vectors, tampered envelopes and blind indexes.

use halo_core::crypto::{BlindIndex, FieldCipher, KeyId, KeyMaterial, Keyring};
use serde_json::Value;

use crate::vectors;

fn text<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key].as_str().unwrap()
}

fn cipher(case: &Value) -> FieldCipher {
    let id = KeyId::new(text(case, "key_id")).unwrap();
    let key = KeyMaterial::from_base64(text(case, "key")).unwrap();
    FieldCipher::new(Keyring::new(id, key))
}

/// The Wycheproof file exercises the raw AEAD, which is private: the unit
/// tests in `src/crypto/tests.rs` run it. Here only its selection (256-bit
/// keys, 96-bit nonces) is checked.
fn check_wycheproof(file: &std::path::Path) -> usize {
    let cases = vectors::cases(file);
    for case in &cases {
        assert_eq!(text(case, "key").len(), 64, "256-bit keys only");
        assert_eq!(text(case, "iv").len(), 24, "96-bit nonces only");
    }
    cases.len()
}

fn check_envelope(name: &str, case: &Value) {
    let cipher = cipher(case);
    let plaintext = hex::decode(text(case, "plaintext_hex")).unwrap();
    let got = cipher
        .decrypt_field(
            text(case, "field"),
            text(case, "context"),
            text(case, "envelope"),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(&got[..], &plaintext[..], "{name}");
    assert!(!cipher.needs_reencrypt(text(case, "envelope")).unwrap());
}

fn check_tamper(name: &str, case: &Value) {
    let cipher = cipher(case);
    let err = cipher
        .decrypt_field(
            text(case, "field"),
            text(case, "context"),
            text(case, "envelope"),
        )
        .expect_err(name);
    assert_eq!(err.code(), text(case, "error"), "{name}: {err}");
}

fn check_blind_index(name: &str, case: &Value) {
    let key = KeyMaterial::from_base64(text(case, "key")).unwrap();
    let bytes = usize::try_from(case["bytes"].as_u64().unwrap()).unwrap();
    let index = BlindIndex::new(key, bytes).unwrap();
    let got = index
        .index(text(case, "field"), text(case, "value"))
        .unwrap();
    assert_eq!(got, text(case, "index"), "{name}");
}

#[test]
fn every_crypto_vector() {
    let files = vectors::files(&vectors::dir("crypto"));
    assert!(files.len() >= 4, "vector files missing: {}", files.len());

    let mut counts = [0usize; 4];
    for file in files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        if stem.starts_with("aes-256-gcm") {
            counts[0] += check_wycheproof(&file);
            continue;
        }
        for case in vectors::cases(&file) {
            let name = format!("{}#{}", file.display(), text(&case, "name"));
            let kind = match stem.as_str() {
                "envelope" => 1,
                "tamper" => 2,
                "blind-index" => 3,
                other => panic!("unknown crypto vector file {other}"),
            };
            [check_envelope, check_tamper, check_blind_index][kind - 1](&name, &case);
            counts[kind] += 1;
        }
    }
    assert!(counts.iter().all(|&n| n >= 4), "cases per kind: {counts:?}");
}
