//! Field encryption at rest: keyrings and rotation, a documented text
//! envelope, blind indexes for search, and per-subject keys for erasure.
//!
//! # Pieces
//!
//! - [`Keyring`]: 32-byte AES-256 keys under short [`KeyId`]s, one primary,
//!   built from `security.encryption.at_rest` ([`Keyring::from_config`]) or
//!   any [`KeyProvider`]. [`StaticKeys`] reads base64 keys from environment
//!   variables or files.
//! - [`FieldCipher`]: `encrypt_field`/`decrypt_field` for single values,
//!   `encrypt_record`/`decrypt_record` for the configured fields of a JSON
//!   record, `needs_reencrypt`/`reencrypt` for rotation.
//! - [`BlindIndex`]: keyed, truncated HMAC-SHA256 of a normalised value, for
//!   equality search and de-duplication of encrypted emails and phones. Read
//!   its leakage section before use.
//! - [`SubjectKeys`]: a data key per data subject, wrapped by the keyring;
//!   [`SubjectKeys::forget`] destroys it (crypto-shredding), kept in a
//!   [`SubjectKeyStore`] ([`MemoryKeyStore`], [`FileKeyStore`]).
//!
//! ```
//! use halo_core::crypto::{FieldCipher, KeyId, KeyMaterial, Keyring};
//!
//! let keyring = Keyring::new(KeyId::new("2026-01")?, KeyMaterial::generate()?);
//! let cipher = FieldCipher::new(keyring);
//! let envelope = cipher.encrypt_field("email", "lead-42", b"ada@example.com")?;
//! assert!(envelope.starts_with("hc1.2026-01."));
//! assert_eq!(&cipher.decrypt_field("email", "lead-42", &envelope)?[..], b"ada@example.com");
//! // Bound to its field and context:
//! assert!(cipher.decrypt_field("phone", "lead-42", &envelope).is_err());
//! # Ok::<(), halo_core::crypto::CryptoError>(())
//! ```
//!
//! # The envelope, version 1
//!
//! An envelope is ASCII text of four parts joined by `.`:
//!
//! ```text
//! hc1.<key id>.<nonce>.<ciphertext>
//! ```
//!
//! - `hc1`: the format version for data under a keyring key. Envelopes under
//!   a subject key (see [`SubjectKeys`]) start `hcs1` and are otherwise the
//!   same, with the subject key's generation id in the key id's place.
//! - `<key id>`: 1 to 32 ASCII letters, digits, `_` or `-`.
//! - `<nonce>`: the 12-byte (96-bit) AES-GCM nonce, random per message, in
//!   base64url without padding (16 characters).
//! - `<ciphertext>`: the AES-256-GCM ciphertext followed by its 16-byte tag,
//!   in base64url without padding. Base64url uses `-` and `_` for `+` and
//!   `/` (RFC 4648 section 5); non-canonical encodings are rejected.
//!
//! The associated data authenticated with the message is the version
//! prefix's ASCII bytes followed by three length-prefixed strings, key id,
//! field name and context, each as a 4-byte big-endian byte length and then
//! its UTF-8 bytes:
//!
//! ```text
//! aad = "hc1" || u32be(len(key_id)) || key_id || u32be(len(field)) || field
//!             || u32be(len(context)) || context
//! ```
//!
//! So in Python, with the `cryptography` package:
//!
//! ```text
//! import base64, struct
//! from cryptography.hazmat.primitives.ciphers.aead import AESGCM
//!
//! def b64url(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
//! def lp(b): return struct.pack(">I", len(b)) + b
//!
//! version, key_id, nonce, sealed = envelope.split(".")
//! aad = version.encode() + lp(key_id.encode()) + lp(field.encode()) + lp(context.encode())
//! plaintext = AESGCM(keys[key_id]).decrypt(b64url(nonce), b64url(sealed), aad)
//! ```
//!
//! The test vector `tests/vectors/crypto/envelope.json` holds an envelope
//! made with a fixed key and nonce, computed with Python's `cryptography`.
//!
//! [`FieldCipher::encrypt_record`] encrypts the JSON text of each configured
//! field's value (a string keeps its quotes), so that any JSON value
//! decrypts back to the same value.
//!
//! # Limits
//!
//! - Only AES-256-GCM with random 96-bit nonces. NIST SP 800-38D limits one
//!   key to 2^32 such messages; rotate keys well before that.
//! - Envelopes are at most [`MAX_ENVELOPE_BYTES`] long (about 1 MiB of
//!   plaintext); fields are small values, not documents.
//! - Only `static` key management is built in. For KMS-managed keys
//!   ([`KeyManagement`](crate::config::KeyManagement) other than `static`),
//!   [`Keyring::from_config`] fails with `crypto.provider_required`;
//!   implement [`KeyProvider`] over the KMS client instead.
//! - Only top-level record fields are encrypted.
//! - Key material is zeroized when dropped, but the process's memory is not
//!   otherwise protected (no `mlock`), and a forgotten subject key may
//!   survive in backups of the key store.
//!
//! # Backend and speed
//!
//! The AEAD is RustCrypto's `aes-gcm` (with AES-NI and CLMUL detected at run
//! time), chosen over `ring` because its expanded keys are zeroized on drop
//! and `ring`'s are not; `ring` is used only as the yardstick in
//! `benches/crypto.rs`. The goal was at least 0.7 of `ring`'s speed at 64 B
//! and 0.8 at 4 KiB, for the whole envelope (nonce generation, AES-256-GCM,
//! base64url). Measured on a 2-core AVX-512/VAES x86-64 machine under load,
//! as the best of many interleaved batches (aes-gcm speed as a fraction of
//! ring's, encrypt / decrypt):
//!
//! | build | 64 B | 4 KiB |
//! |---|---|---|
//! | default (run-time detection) | 0.82 / 0.72 | 0.63–0.70 / 0.48–0.71 |
//! | `-C target-feature=+aes,+pclmulqdq,+avx` | 0.87 / 0.83 | 0.78 / 0.76 |
//! | `-C target-cpu=native` | 0.95 / 0.95 | 0.83–0.87 / 0.80–0.82 |
//!
//! So the goal is met with `RUSTFLAGS="-C target-cpu=native"` (where VAES
//! and AVX-512 are available) and at 64 B in every build, but not at 4 KiB
//! in portable builds such as the Python wheels and npm packages, where
//! `aes-gcm` runs at 0.5 to 0.7 of `ring`. The raw AEAD is further behind
//! (0.3 to 0.56 at 4 KiB); the envelope's fixed costs (a `getrandom` call of
//! about 270 ns, base64url, allocation) narrow the gap. Fields are small, so
//! the 64 B figures are the ones that matter most here.

mod aead;
mod blind;
mod envelope;
mod error;
mod field;
mod key;
mod keyring;
mod store;
mod subject;

pub use blind::{BlindIndex, Normalization};
pub use envelope::{Envelope, EnvelopeKind, KEYRING_PREFIX, MAX_ENVELOPE_BYTES, SUBJECT_PREFIX};
pub use error::CryptoError;
pub use field::FieldCipher;
pub use key::{KEY_BYTES, KeyId, KeyMaterial, KeyProvider, StaticKeys};
pub use keyring::Keyring;
pub use store::{FileKeyStore, MemoryKeyStore, SubjectKeyStore, WrappedKey};
pub use subject::SubjectKeys;

#[cfg(test)]
mod tests;
