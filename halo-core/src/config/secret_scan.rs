//! Telling a credential from a name: the heuristic behind the
//! `secret.inline` posture finding.
//!
//! It looks for well-known token prefixes, JWTs, long hex strings and long
//! random-looking strings, and for URLs that carry a password or a
//! secret-named query parameter. It is a heuristic: a secret that looks like
//! words can pass, and it is tuned so that names such as
//! `HaloPSA-Integration-2026` or `APOLLO_WEBHOOK_SECRET` do not trip it.

use super::posture::fold_key;

/// Prefixes of well-known credential formats.
const SECRET_PREFIXES: [&str; 14] = [
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "whsec_",
    "ghp_",
    "gho_",
    "ghs_",
    "github_pat_",
    "xoxb-",
    "xoxp-",
    "glpat-",
    "AKIA",
    "-----BEGIN",
    "hc_",
];

/// Whether `text` looks like a credential rather than a name, path or URL:
/// a well-known token prefix, a JWT, a long hex string, or a long string of
/// mixed-case letters and digits with high entropy.
pub(crate) fn looks_like_secret(text: &str) -> bool {
    let text = text.trim();
    if text.contains("://")
        || (text.contains(char::is_whitespace) && !text.starts_with("-----BEGIN"))
    {
        return false;
    }
    if SECRET_PREFIXES
        .iter()
        .any(|p| text.starts_with(p) && text.len() >= p.len() + 12)
    {
        return true;
    }
    if text.starts_with("eyJ") && text.split('.').count() == 3 && text.len() >= 32 {
        return true;
    }

    let has_digit = text.bytes().any(|b| b.is_ascii_digit());
    let hex = text.bytes().all(|b| b.is_ascii_hexdigit());
    if text.len() >= 32 && hex && has_digit && text.bytes().any(|b| b.is_ascii_alphabetic()) {
        return true;
    }

    let token_chars = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=_-".contains(&b));
    let mixed = text.bytes().any(|b| b.is_ascii_uppercase())
        && text.bytes().any(|b| b.is_ascii_lowercase())
        && has_digit;
    text.len() >= 24
        && token_chars
        && mixed
        && class_change_ratio(text) >= 0.4
        && entropy_bits_per_char(text) >= 3.5
}

/// How often neighbouring characters switch between upper case, lower case
/// and digits. Random base62 text switches about 60% of the time; names made
/// of words and numbers (`HaloPSA-Integration-2026`) well under 30%.
fn class_change_ratio(text: &str) -> f64 {
    let class = |b: u8| match b {
        b'A'..=b'Z' => 1,
        b'a'..=b'z' => 2,
        b'0'..=b'9' => 3,
        _ => 0,
    };
    let bytes = text.as_bytes();
    let changes = bytes
        .windows(2)
        .filter(|w| class(w[0]) != class(w[1]))
        .count();
    changes as f64 / (bytes.len().max(2) - 1) as f64
}

/// Whether `text` is a URL carrying a password or a secret-named query
/// parameter.
pub(crate) fn url_has_credentials(text: &str) -> bool {
    let Ok(url) = url::Url::parse(text) else {
        return false;
    };
    if url.password().is_some() {
        return true;
    }
    let secret_names = ["secret", "token", "password", "key", "signature", "sig"];
    url.query_pairs().any(|(name, _)| {
        let name = fold_key(&name);
        secret_names.iter().any(|s| name.contains(s))
    })
}

fn entropy_bits_per_char(text: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in text.bytes() {
        counts[usize::from(b)] += 1;
    }
    let len = text.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}
