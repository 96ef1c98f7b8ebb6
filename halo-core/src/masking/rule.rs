//! Masking rules: what a masked value looks like.
//!
//! A masked value is the rule's pattern, whatever the length of what it
//! hides; the `preserve_*` options put back one part of the value:
//!
//! | kind | default pattern | kept with the option |
//! |---|---|---|
//! | email | `****@****.***` | `preserve_domain`: the text after `@` becomes the domain, `****@example.com` |
//! | phone | `***-***-****` | `preserve_area_code`: the first run of `*` becomes the NANP area code, `415-***-****`; another number written with `+` keeps its country calling code, `+44 ***-***-****` |
//! | ssn | `***-**-****` | `preserve_last_four`: the last run of `*` becomes the last four digits, `***-**-6789` |
//! | card | `**** **** **** ****` | `preserve_last_four`, as for SSNs: `**** **** **** 4242` |
//! | redact | `[REDACTED]` | nothing |
//!
//! When the part to keep cannot be found (a phone number of another country
//! without `+`, an SSN that is not nine digits) the pattern alone is written.

use super::MaskingError;
use super::numbers::{self, NumberKind};
use super::pseudonym;
use super::scan::domain_end;
use crate::config::{MaskKind, check_mask_pattern};

/// One masking rule: a kind, a pattern, what to keep, and the record fields
/// it applies to.
///
/// ```
/// use halo_core::masking::MaskRule;
///
/// let email = MaskRule::email().preserving_domain();
/// assert_eq!(email.mask("jane.doe@example.com"), "****@example.com");
/// assert_eq!(MaskRule::email().mask("jane.doe@example.com"), "****@****.***");
///
/// let phone = MaskRule::phone().preserving_area_code();
/// assert_eq!(phone.mask("+1 (415) 555-0123"), "415-***-****");
/// assert_eq!(phone.mask("+44 20 7946 0018"), "+44 ***-***-****");
///
/// let ssn = MaskRule::ssn().preserving_last_four();
/// assert_eq!(ssn.mask("123-45-6789"), "***-**-6789");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskRule {
    kind: MaskKind,
    pattern: Option<String>,
    preserve: Option<Preserve>,
    pseudonymize: bool,
    fields: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Preserve {
    Domain,
    AreaCode,
    LastFour,
}

impl MaskRule {
    /// A rule of `kind` with its default pattern, keeping nothing.
    pub fn new(kind: MaskKind) -> Self {
        Self {
            kind,
            pattern: None,
            preserve: None,
            pseudonymize: false,
            fields: Vec::new(),
        }
    }

    /// Email addresses: `****@****.***`.
    pub fn email() -> Self {
        Self::new(MaskKind::Email)
    }

    /// Phone numbers: `***-***-****`.
    pub fn phone() -> Self {
        Self::new(MaskKind::Phone)
    }

    /// US Social Security numbers: `***-**-****`.
    pub fn ssn() -> Self {
        Self::new(MaskKind::Ssn)
    }

    /// Payment card numbers: `**** **** **** ****`.
    pub fn card() -> Self {
        Self::new(MaskKind::Card)
    }

    /// Any value, replaced whole: `[REDACTED]`. Needs [`for_fields`](Self::for_fields).
    pub fn redact() -> Self {
        Self::new(MaskKind::Redact)
    }

    /// Replaces the default pattern. See the [module docs](crate::masking) for what a
    /// pattern may hold; a refused pattern is `masking.invalid_pattern`.
    pub fn with_pattern(mut self, pattern: impl Into<String>) -> Result<Self, MaskingError> {
        let pattern = pattern.into();
        check_mask_pattern(self.kind, &pattern, false)
            .map_err(|reason| MaskingError::InvalidPattern { reason })?;
        self.pattern = Some(pattern);
        Ok(self)
    }

    /// Email rules: keep the domain (`****@example.com`).
    pub fn preserving_domain(mut self) -> Self {
        self.preserve = Some(Preserve::Domain);
        self
    }

    /// Phone rules: keep the NANP area code, or the country calling code of
    /// other numbers written with `+`.
    pub fn preserving_area_code(mut self) -> Self {
        self.preserve = Some(Preserve::AreaCode);
        self
    }

    /// SSN and card rules: keep the last four digits.
    pub fn preserving_last_four(mut self) -> Self {
        self.preserve = Some(Preserve::LastFour);
        self
    }

    /// Replace values by a keyed pseudonym (`tok_…`) instead of the pattern.
    /// The masker needs a pseudonym key; see
    /// [`MaskerBuilder::pseudonym_key`](super::MaskerBuilder::pseudonym_key).
    pub fn pseudonymized(mut self) -> Self {
        self.pseudonymize = true;
        self
    }

    /// The record keys the rule applies to, matched after folding (case and
    /// punctuation ignored) by containment. Default: the kind's usual keys
    /// (see [`crate::config::MaskRuleConfig::fields`]).
    pub fn for_fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// What the rule masks.
    pub fn kind(&self) -> MaskKind {
        self.kind
    }

    /// The pattern of masked values.
    pub fn pattern(&self) -> &str {
        self.pattern.as_deref().unwrap_or(match self.kind {
            MaskKind::Email => "****@****.***",
            MaskKind::Phone => "***-***-****",
            MaskKind::Ssn => "***-**-****",
            MaskKind::Card => "**** **** **** ****",
            _ => "[REDACTED]",
        })
    }

    /// Whether values are replaced by pseudonyms.
    pub fn is_pseudonymized(&self) -> bool {
        self.pseudonymize
    }

    /// The record keys the rule applies to: the configured ones, or the
    /// kind's usual keys.
    pub fn fields(&self) -> Vec<&str> {
        if !self.fields.is_empty() {
            return self.fields.iter().map(String::as_str).collect();
        }
        match self.kind {
            MaskKind::Email => vec!["email"],
            MaskKind::Phone => vec!["phone", "mobile", "fax", "opptel"],
            MaskKind::Ssn => vec!["ssn", "social_security"],
            MaskKind::Card => vec!["card_number", "credit_card", "cc_number"],
            _ => Vec::new(),
        }
    }

    /// Masks one value with the pattern (a pseudonymizing rule too: only a
    /// [`Masker`](super::Masker) holds the key). A value that already is
    /// this rule's output comes back unchanged.
    pub fn mask(&self, value: &str) -> String {
        let mut out = String::new();
        self.mask_into(value, &mut out);
        out
    }

    /// Checks the rule as a whole, naming it `name` in errors.
    pub(crate) fn check(&self, name: &str) -> Result<(), MaskingError> {
        let invalid = |reason| {
            Err(MaskingError::InvalidRule {
                rule: name.to_owned(),
                reason,
            })
        };
        let fits = match self.preserve {
            None => true,
            Some(Preserve::Domain) => self.kind == MaskKind::Email,
            Some(Preserve::AreaCode) => self.kind == MaskKind::Phone,
            Some(Preserve::LastFour) => matches!(self.kind, MaskKind::Ssn | MaskKind::Card),
        };
        if !fits {
            return invalid("the preserved part does not exist for this kind");
        }
        if self.preserve.is_some() && self.pseudonymize {
            return invalid("a pseudonym cannot keep part of the value");
        }
        if self.kind == MaskKind::Redact && self.fields.is_empty() {
            return invalid("a redact rule needs the fields it applies to");
        }
        if self
            .fields
            .iter()
            .any(|f| !f.bytes().any(|b| b.is_ascii_alphanumeric()))
        {
            return Err(MaskingError::InvalidKey);
        }
        if let Err(reason) = check_mask_pattern(self.kind, self.pattern(), self.preserve.is_some())
        {
            return invalid(reason);
        }
        Ok(())
    }

    /// Appends the masked form of a whole value to `out`.
    pub(crate) fn mask_into(&self, value: &str, out: &mut String) {
        if self.is_output(value) {
            out.push_str(value);
            return;
        }
        let value = value.trim();
        match (self.kind, self.preserve) {
            (MaskKind::Email, Some(Preserve::Domain)) => {
                let domain = value.rsplit_once('@').and_then(|(local, domain)| {
                    let end = domain_end(domain.as_bytes(), 0)?;
                    (!local.is_empty() && end == domain.len()).then_some(domain)
                });
                self.write_email(domain, out);
            }
            (MaskKind::Phone, Some(Preserve::AreaCode)) => self.write_number(phone_of(value), out),
            (MaskKind::Ssn | MaskKind::Card, Some(Preserve::LastFour)) => {
                let digits: Vec<u8> = value.bytes().filter(u8::is_ascii_digit).collect();
                let fits = match self.kind {
                    MaskKind::Ssn => digits.len() == 9,
                    _ => (12..=19).contains(&digits.len()),
                };
                let last = fits.then(|| {
                    let n = digits.len();
                    NumberKind::Card {
                        last_four: [digits[n - 4], digits[n - 3], digits[n - 2], digits[n - 1]],
                    }
                });
                self.write_number(last, out);
            }
            _ => out.push_str(self.pattern()),
        }
    }

    /// Appends the mask of an email address whose domain is `domain`.
    pub(crate) fn write_email(&self, domain: Option<&str>, out: &mut String) {
        let pattern = self.pattern();
        match (self.preserve, domain, pattern.split_once('@')) {
            (Some(Preserve::Domain), Some(domain), Some((local, _))) => {
                out.push_str(local);
                out.push('@');
                out.push_str(domain);
            }
            _ => out.push_str(pattern),
        }
    }

    /// Appends the mask of a number found as `kind` (`None`: nothing to
    /// keep).
    pub(crate) fn write_number(&self, kind: Option<NumberKind>, out: &mut String) {
        let pattern = self.pattern();
        let kept = match (self.preserve, kind) {
            (Some(Preserve::AreaCode), Some(NumberKind::Nanp { area })) => {
                first_run(pattern).map(|run| (run, area.to_vec()))
            }
            (Some(Preserve::AreaCode), Some(NumberKind::International { country, len })) => {
                out.push('+');
                out.extend(country[..usize::from(len)].iter().map(|&d| char::from(d)));
                out.push(' ');
                None
            }
            (
                Some(Preserve::LastFour),
                Some(NumberKind::Ssn { last_four } | NumberKind::Card { last_four }),
            ) => last_run(pattern).map(|run| (run, last_four.to_vec())),
            _ => None,
        };
        match kept {
            Some(((start, end), digits)) => {
                out.push_str(&pattern[..start]);
                out.extend(digits.iter().map(|&d| char::from(d)));
                out.push_str(&pattern[end..]);
            }
            None => out.push_str(pattern),
        }
    }

    /// Whether `value` is already what this rule writes, so that masking is
    /// idempotent.
    fn is_output(&self, value: &str) -> bool {
        let pattern = self.pattern();
        if value == pattern || (self.pseudonymize && pseudonym::is_pseudonym(value)) {
            return true;
        }
        let with_digits = |run: Option<(usize, usize)>, count: usize| {
            run.is_some_and(|(start, end)| {
                let (head, tail) = (&pattern[..start], &pattern[end..]);
                value.len() == head.len() + count + tail.len()
                    && value.starts_with(head)
                    && value.ends_with(tail)
                    && value[head.len()..head.len() + count]
                        .bytes()
                        .all(|b| b.is_ascii_digit())
            })
        };
        match self.preserve {
            Some(Preserve::AreaCode) => {
                let international = value
                    .strip_suffix(pattern)
                    .and_then(|v| v.strip_suffix(' '));
                let international =
                    international
                        .and_then(|v| v.strip_prefix('+'))
                        .is_some_and(|cc| {
                            (1..=3).contains(&cc.len()) && cc.bytes().all(|b| b.is_ascii_digit())
                        });
                international || with_digits(first_run(pattern), 3)
            }
            Some(Preserve::LastFour) => with_digits(last_run(pattern), 4),
            _ => false,
        }
    }
}

/// What a whole value holds as a phone number: a NANP number (ten digits,
/// or eleven starting with 1, with or without `+`), another number with `+`
/// and 8 to 15 digits, or nothing usable.
fn phone_of(value: &str) -> Option<NumberKind> {
    let digits: Vec<u8> = value.bytes().filter(u8::is_ascii_digit).collect();
    let plus = value.starts_with('+');
    let national = match digits.len() {
        10 if !plus => Some(&digits[..]),
        11 if digits[0] == b'1' => Some(&digits[1..]),
        _ => None,
    };
    if let Some(d) = national.filter(|d| numbers::is_nanp(d)) {
        return Some(NumberKind::Nanp {
            area: [d[0], d[1], d[2]],
        });
    }
    if !plus || !(8..=15).contains(&digits.len()) {
        return None;
    }
    let len = numbers::country_code_len(&digits);
    let mut country = [0u8; 3];
    country[..len].copy_from_slice(&digits[..len]);
    Some(NumberKind::International {
        country,
        len: len as u8,
    })
}

/// The byte range of the first run of `*` in `pattern`.
fn first_run(pattern: &str) -> Option<(usize, usize)> {
    let start = pattern.find('*')?;
    let len = pattern[start..].bytes().take_while(|&b| b == b'*').count();
    Some((start, start + len))
}

/// The byte range of the last run of `*` in `pattern`.
fn last_run(pattern: &str) -> Option<(usize, usize)> {
    let end = pattern.rfind('*')? + 1;
    let len = pattern[..end]
        .bytes()
        .rev()
        .take_while(|&b| b == b'*')
        .count();
    Some((end - len, end))
}
