//! Keyed pseudonyms: `tok_` and 32 hex digits, the first 128 bits of
//! HMAC-SHA256 over a versioned label, the rule's kind and the normalised
//! value. The same value under the same key always gives the same token, so
//! masked logs can still be joined; without the key a token reveals nothing
//! but equality.
//!
//! Values are normalised first: email addresses are trimmed and lowercased;
//! phone numbers become `+` and their digits, NANP numbers always with their
//! `1`; SSNs and card numbers become their digits; other values are trimmed.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::MaskingError;
use crate::config::MaskKind;
use crate::secret::{ExposeSecret, SecretBytes};

/// The shortest pseudonym key accepted, in bytes.
pub const MIN_PSEUDONYM_KEY_BYTES: usize = 32;

/// The prefix of every pseudonym.
pub(crate) const PREFIX: &str = "tok_";

/// Derives pseudonyms under one key.
pub(crate) struct Pseudonyms {
    key: SecretBytes,
}

impl Pseudonyms {
    pub(crate) fn new(key: SecretBytes) -> Result<Self, MaskingError> {
        if key.expose_secret().len() < MIN_PSEUDONYM_KEY_BYTES {
            return Err(MaskingError::WeakPseudonymKey {
                min: MIN_PSEUDONYM_KEY_BYTES,
            });
        }
        Ok(Self { key })
    }

    /// Appends the pseudonym of `value`, a value of `kind`, to `out`.
    pub(crate) fn write(&self, kind: MaskKind, value: &str, out: &mut String) {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(self.key.expose_secret()) else {
            // HMAC takes keys of any length; this arm is never taken.
            out.push_str(super::scan::REDACTED);
            return;
        };
        mac.update(b"halo-core masking pseudonym v1\0");
        mac.update(kind.as_str().as_bytes());
        mac.update(b"\0");
        mac.update(normalise(kind, value).as_bytes());
        let tag = mac.finalize().into_bytes();
        out.push_str(PREFIX);
        out.push_str(&hex::encode(&tag[..16]));
    }
}

/// Whether `value` is a pseudonym.
pub(crate) fn is_pseudonym(value: &str) -> bool {
    value.strip_prefix(PREFIX).is_some_and(|hex| {
        hex.len() == 32
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The form of `value` that is pseudonymised.
pub(crate) fn normalise(kind: MaskKind, value: &str) -> String {
    let value = value.trim();
    let digits = || {
        value
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
    };
    match kind {
        MaskKind::Email => value.to_lowercase(),
        MaskKind::Phone => {
            let digits = digits();
            let nanp = !value.starts_with('+') && digits.len() == 10;
            if digits.is_empty() {
                value.to_owned()
            } else if nanp {
                format!("+1{digits}")
            } else {
                format!("+{digits}")
            }
        }
        MaskKind::Ssn | MaskKind::Card => {
            let digits = digits();
            if digits.is_empty() {
                value.to_owned()
            } else {
                digits
            }
        }
        _ => value.to_owned(),
    }
}

impl fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pseudonyms { key: [REDACTED] }")
    }
}
