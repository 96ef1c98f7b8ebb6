//! Arbitrary text into envelope parsing and decryption: it must return a
//! coded error (never panic), and nothing but a genuine envelope decrypts.

#![no_main]

use halo_core::crypto::{Envelope, FieldCipher, KeyId, KeyMaterial, Keyring};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = Envelope::parse(text);

    let Ok(id) = KeyId::new("k1") else { return };
    let cipher = FieldCipher::new(Keyring::new(id, KeyMaterial::from_bytes([7; 32])));
    match cipher.decrypt_field("email", "lead-42", text) {
        Ok(_) => panic!("a forged envelope decrypted"),
        Err(err) => assert!(err.code().starts_with("crypto.")),
    }
});
