//! Key names, folded for matching: `X-Api-Key`, `api_key` and `apiKey` are
//! all `xapikey` / `apikey`, and a secret key matches every key that contains
//! it (`password` matches `password_confirmation`).

/// Key names whose values are always secret, whatever the configuration
/// says. The configured `mask_in_logs` keys are added to these.
pub const ALWAYS_SECRET_KEYS: [&str; 9] = [
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "authorization",
    "cookie",
    "private_key",
    "credential",
];

/// The longest key that is folded on the stack; longer keys are matched on
/// their first bytes only.
const MAX_FOLDED: usize = 128;

/// A key reduced to its lowercase ASCII letters and digits.
pub(crate) fn fold(key: &str) -> String {
    key.bytes().filter(u8::is_ascii_alphanumeric).map(|b| char::from(b.to_ascii_lowercase())).collect()
}

/// Secret key names, folded, matched by containment.
#[derive(Debug, Clone)]
pub(crate) struct KeySet {
    needles: Vec<Box<[u8]>>,
    /// Whether some needle starts with this byte.
    first: [bool; 256],
    shortest: usize,
}

impl KeySet {
    /// The set of `keys`, folded; keys that fold to nothing are skipped
    /// (the builder refuses them first).
    pub(crate) fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        let mut set = Self { needles: Vec::new(), first: [false; 256], shortest: usize::MAX };
        for key in keys {
            let folded = fold(key).into_bytes();
            if folded.is_empty() || set.needles.iter().any(|n| **n == *folded) {
                continue;
            }
            set.first[usize::from(folded[0])] = true;
            set.shortest = set.shortest.min(folded.len());
            set.needles.push(folded.into_boxed_slice());
        }
        set
    }

    /// Whether the key made of `raw` bytes contains a secret key once folded.
    pub(crate) fn matches_raw(&self, raw: &[u8]) -> bool {
        if raw.len() < self.shortest {
            return false;
        }
        let mut buf = [0u8; MAX_FOLDED];
        let mut len = 0;
        for &b in raw.iter().filter(|b| b.is_ascii_alphanumeric()) {
            if len == MAX_FOLDED {
                break;
            }
            buf[len] = b.to_ascii_lowercase();
            len += 1;
        }
        self.matches_folded(&buf[..len])
    }

    /// Whether `folded` (already folded) contains a secret key.
    pub(crate) fn matches_folded(&self, folded: &[u8]) -> bool {
        if folded.len() < self.shortest {
            return false;
        }
        folded.iter().enumerate().any(|(i, &b)| {
            self.first[usize::from(b)] && self.needles.iter().any(|n| folded[i..].starts_with(n))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_punctuation() {
        assert_eq!(fold("X-Api-Key"), "xapikey");
        assert_eq!(fold("api_key"), "apikey");
        assert_eq!(fold("apiKey"), "apikey");
    }

    #[test]
    fn containment_catches_variants() {
        let set = KeySet::new(ALWAYS_SECRET_KEYS);
        for key in ["apiKey", "api-key", "X-Api-Key", "Authorization", "password_confirmation"] {
            assert!(set.matches_raw(key.as_bytes()), "{key}");
        }
        for key in ["user", "email", "api", "key_id", "pass"] {
            assert!(!set.matches_raw(key.as_bytes()), "{key}");
        }
    }
}
