//! AES-256-GCM behind one small interface, so that the backend crate is a
//! detail of this file.

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use zeroize::Zeroizing;

use super::{CryptoError, KeyMaterial};

/// Nonce length of AES-GCM as used here, in bytes.
pub(crate) const NONCE_BYTES: usize = 12;
/// Tag length, in bytes.
pub(crate) const TAG_BYTES: usize = 16;

/// An expanded AES-256-GCM key. The backend zeroizes its round keys on drop.
pub(crate) struct Cipher(Aes256Gcm);

impl Cipher {
    pub(crate) fn new(key: &KeyMaterial) -> Self {
        Self(Aes256Gcm::new(key.expose().into()))
    }

    /// `plaintext` encrypted, followed by the 16-byte tag.
    pub(crate) fn seal(
        &self,
        nonce: &[u8; NONCE_BYTES],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let mut buffer = Vec::with_capacity(plaintext.len() + TAG_BYTES);
        buffer.extend_from_slice(plaintext);
        let tag = self
            .0
            .encrypt_inout_detached(&Nonce::from(*nonce), aad, buffer.as_mut_slice().into())
            .map_err(|_| CryptoError::malformed("plaintext too long"))?;
        buffer.extend_from_slice(&tag);
        Ok(buffer)
    }

    /// The plaintext of `sealed` (ciphertext then tag), decrypted in place,
    /// or `crypto.decrypt_failed`.
    pub(crate) fn open(
        &self,
        nonce: &[u8; NONCE_BYTES],
        aad: &[u8],
        sealed: Vec<u8>,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        // Wrapped at once: on a tag mismatch the backend may leave
        // unauthenticated plaintext in the buffer, which must not linger.
        let mut buffer = Zeroizing::new(sealed);
        let body_len = buffer
            .len()
            .checked_sub(TAG_BYTES)
            .ok_or(CryptoError::DecryptFailed)?;
        let (body, tag) = buffer.split_at_mut(body_len);
        let tag = Tag::try_from(&*tag).map_err(|_| CryptoError::DecryptFailed)?;

        self.0
            .decrypt_inout_detached(&Nonce::from(*nonce), aad, body.into(), &tag)
            .map_err(|_| CryptoError::DecryptFailed)?;
        buffer.truncate(body_len);
        Ok(buffer)
    }
}

/// A fresh random nonce from the operating system.
pub(crate) fn random_nonce() -> Result<[u8; NONCE_BYTES], CryptoError> {
    let mut nonce = [0u8; NONCE_BYTES];
    getrandom::fill(&mut nonce).map_err(|_| CryptoError::Random)?;
    Ok(nonce)
}
