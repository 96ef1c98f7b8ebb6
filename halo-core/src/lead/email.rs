//! The practical email check: RFC 5322 dot-atom local parts (with RFC 6531
//! UTF-8), internationalised domains through UTS 46, and the RFC 5321
//! length limits.
//!
//! Accepted: `local@domain` where the local part is 1–64 octets of dot-atom
//! text (RFC 5322 §3.2.3 `atext`, plus any non-ASCII character other than
//! whitespace, as RFC 6531 allows), and the domain, mapped to ASCII by UTS 46
//! (`idna` crate, STD3 rules, hyphens checked at label ends, DNS lengths
//! verified), has at least two labels and a top-level label that is not all
//! digits. The whole address, with its domain in ASCII form, is at most 254
//! octets (RFC 5321 §4.5.3.1.3 less the path's angle brackets).
//!
//! Rejected on purpose, though RFC 5322 allows them: quoted local parts
//! (`"a b"@example.com`), comments, domain literals (`a@[192.0.2.1]`),
//! single-label domains (`a@localhost`) and a trailing root dot. Nothing is
//! looked up: no DNS, no check against the list of top-level domains.

use std::borrow::Cow;

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

/// Most octets in a local part (RFC 5321 §4.5.3.1.1).
pub(super) const MAX_LOCAL_OCTETS: usize = 64;
/// Most octets in a whole address (RFC 5321 §4.5.3.1.3 path, less `<>`).
pub(super) const MAX_ADDRESS_OCTETS: usize = 254;

/// Why an address was refused; each message names the rule, never the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EmailProblem {
    NoAt,
    EmptyLocal,
    LongLocal,
    BadLocal,
    BadDomain,
    SingleLabel,
    NumericTld,
    TooLong,
}

impl EmailProblem {
    pub(super) fn message(self) -> &'static str {
        match self {
            Self::NoAt => "is not an email address: no `@`",
            Self::EmptyLocal => "is not an email address: nothing before `@`",
            Self::LongLocal => "is not an email address: more than 64 octets before `@`",
            Self::BadLocal => "is not an email address: the part before `@` is not dot-atom text",
            Self::BadDomain => "is not an email address: the domain is not a valid host name",
            Self::SingleLabel => "is not an email address: the domain has a single label",
            Self::NumericTld => "is not an email address: the top-level domain is numeric",
            Self::TooLong => "is not an email address: longer than 254 octets",
        }
    }
}

/// Checks a trimmed address without control characters and normalises its
/// domain; the local part is kept as given.
pub(super) fn normalise(address: Cow<'_, str>) -> Result<Cow<'_, str>, EmailProblem> {
    let at = address
        .bytes()
        .rposition(|b| b == b'@')
        .ok_or(EmailProblem::NoAt)?;
    let (local, domain) = (&address[..at], &address[at + 1..]);
    check_local(local)?;

    let case = plain_host(domain);
    let ascii = match case {
        // A mixed-case domain is lower-cased when the address is rebuilt.
        Some(Case::Lower | Case::Mixed) => Cow::Borrowed(domain),
        None => Uts46::new()
            .to_ascii(
                domain.as_bytes(),
                AsciiDenyList::STD3,
                Hyphens::CheckFirstLast,
                DnsLength::Verify,
            )
            .map_err(|_| EmailProblem::BadDomain)?,
    };
    let tld = ascii.rsplit_once('.').map_or("", |(_, tld)| tld);
    if tld.is_empty() {
        return Err(EmailProblem::SingleLabel);
    }
    if tld.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EmailProblem::NumericTld);
    }
    if local.len() + 1 + ascii.len() > MAX_ADDRESS_OCTETS {
        return Err(EmailProblem::TooLong);
    }

    if matches!(
        (&case, &ascii),
        (Some(Case::Lower), _) | (None, Cow::Borrowed(_))
    ) {
        return Ok(address);
    }
    let mut normal = String::with_capacity(local.len() + 1 + ascii.len());
    normal.push_str(local);
    normal.push('@');
    normal.push_str(&ascii);
    if let Some(domain) = normal.get_mut(local.len() + 1..) {
        domain.make_ascii_lowercase();
    }
    Ok(Cow::Owned(normal))
}

fn check_local(local: &str) -> Result<(), EmailProblem> {
    if local.is_empty() {
        return Err(EmailProblem::EmptyLocal);
    }
    if local.len() > MAX_LOCAL_OCTETS {
        return Err(EmailProblem::LongLocal);
    }
    let dot_atom = if local.is_ascii() {
        is_ascii_dot_atom(local.as_bytes())
    } else {
        local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
    };
    if dot_atom {
        Ok(())
    } else {
        Err(EmailProblem::BadLocal)
    }
}

/// RFC 5322 `dot-atom-text` over ASCII: atoms of `atext` joined by single
/// dots.
fn is_ascii_dot_atom(bytes: &[u8]) -> bool {
    let mut after_dot = true; // the start behaves like a dot: no leading dot
    for &b in bytes {
        if b == b'.' {
            if after_dot {
                return false;
            }
            after_dot = true;
        } else if ATEXT[usize::from(b)] {
            after_dot = false;
        } else {
            return false;
        }
    }
    !after_dot
}

/// The case of ASCII letters in a plain host name.
enum Case {
    Lower,
    Mixed,
}

/// Whether `domain` is a host name that UTS 46 maps only by lower-casing
/// ASCII letters: ASCII letters, digits and hyphens in labels of 1–63
/// octets, no hyphen at a label's ends, no `xn--` label (those need
/// decoding to be checked), 253 octets at most. Anything else goes through
/// `idna`, which gives the same answer for these; this only saves its cost
/// on the common case (a test compares the two).
fn plain_host(domain: &str) -> Option<Case> {
    let bytes = domain.as_bytes();
    if bytes.len() > 253 {
        return None;
    }
    let mut upper = false;
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'.' {
            plain_label(&bytes[start..i])?;
            start = i + 1;
        } else if b.is_ascii_uppercase() {
            upper = true;
        } else if !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return None;
        }
    }
    plain_label(&bytes[start..])?;
    Some(if upper { Case::Mixed } else { Case::Lower })
}

/// Checks one label's length, end hyphens and `xn--` prefix.
fn plain_label(label: &[u8]) -> Option<()> {
    let ok = (1..=63).contains(&label.len())
        && label.first() != Some(&b'-')
        && label.last() != Some(&b'-')
        && !label
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"xn--"));
    ok.then_some(())
}

/// RFC 5322 §3.2.3 `atext` for each byte value (non-ASCII bytes false).
const ATEXT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let symbol = matches!(
            c,
            b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'/' | b'=' | b'?'
        );
        table[b] = c.is_ascii_alphanumeric() || symbol || matches!(c, b'^'..=b'`' | b'{'..=b'~');
        b += 1;
    }
    table
};

/// RFC 5322 §3.2.3 `atext`, widened by RFC 6531 to non-ASCII characters;
/// whitespace stays out.
fn is_atext(c: char) -> bool {
    if c.is_ascii() {
        ATEXT[c as usize]
    } else {
        !c.is_whitespace()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn by_idna(domain: &str) -> Option<String> {
        let uts46 = Uts46::new();
        let ascii = uts46.to_ascii(
            domain.as_bytes(),
            AsciiDenyList::STD3,
            Hyphens::CheckFirstLast,
            DnsLength::Verify,
        );
        ascii.ok().map(Cow::into_owned)
    }

    #[test]
    fn rfc_lengths_are_octets() {
        let local = "é".repeat(32); // 64 octets
        assert!(normalise(Cow::Owned(format!("{local}@example.com"))).is_ok());
        let local = "é".repeat(33);
        assert_eq!(
            normalise(Cow::Owned(format!("{local}@example.com"))),
            Err(EmailProblem::LongLocal)
        );
    }

    /// Host names near the fast path's edges: mixed case, `xn--`, long labels.
    const DOMAINS: &str =
        "([a-zA-Z0-9-]{0,8}|xn--[a-z0-9]{1,6}|[a-z]{60,66})(\\.[a-zA-Z0-9-]{0,8}){0,3}";

    proptest! {
        /// The fast path accepts only what `idna` maps by lower-casing, and
        /// gives the same result.
        #[test]
        fn plain_host_agrees_with_idna(domain in DOMAINS) {
            if let Some(case) = plain_host(&domain) {
                let expected = by_idna(&domain);
                prop_assert_eq!(expected, Some(domain.to_ascii_lowercase()));
                let upper = domain.bytes().any(|b| b.is_ascii_uppercase());
                prop_assert_eq!(matches!(case, Case::Mixed), upper);
            }
        }
    }
}
