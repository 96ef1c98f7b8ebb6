//! The masker: a policy built once, then applied to text and records.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use super::keys::{ALWAYS_SECRET_KEYS, KeySet, fold};
use super::numbers::NumberKind;
use super::pseudonym::Pseudonyms;
use super::scan::{self, Found, Hit, REDACTED};
use super::{MaskRule, MaskingError};
use crate::config::{Config, MaskKind, MaskingMode};
use crate::secret::{SecretBytes, SecretSource, SystemSource};

/// What [`Masker::mask_text`] detects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Detector {
    /// An email address (`email`).
    Email,
    /// A phone number (`phone`).
    Phone,
    /// A US Social Security number in the issued ranges (`ssn`).
    Ssn,
    /// A payment card number passing the Luhn check (`card`).
    Card,
    /// The credential after `Bearer` or `Basic` (`bearer`).
    Bearer,
    /// A JSON Web Token (`jwt`).
    Jwt,
    /// The value of a secret key in `key=value` or `"key": "value"`
    /// (`secret`).
    Secret,
    /// The user information of a URL, `https://user:password@host` (`url_credentials`).
    UrlCredentials,
}

/// One finding of [`Masker::find`]: what was detected, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The detector that found it.
    pub detector: Detector,
    /// The byte range in the text: what is replaced.
    pub range: Range<usize>,
}

/// Masks personal data and secrets in records and log text under one policy.
///
/// Build it from the configuration ([`Masker::from_config`]) or in code
/// ([`Masker::builder`]); [`Masker::default`] is the guide's policy. A masker
/// is immutable, `Send` and `Sync`: build one and share it.
pub struct Masker {
    pub(crate) records_enabled: bool,
    pub(crate) logs_enabled: bool,
    pub(crate) fail_closed: bool,
    pub(crate) rules: Vec<(String, MaskRule)>,
    /// Folded field names and the index of their rule, longest first.
    pub(crate) fields: Vec<(String, usize)>,
    /// The rules used for email, phone, SSN and card findings in text.
    text_rules: [MaskRule; 4],
    pub(crate) secret_keys: KeySet,
    /// Folded keys kept in fail-closed mode.
    pub(crate) allowed: Vec<String>,
    pseudonyms: Option<Pseudonyms>,
}

/// Builds a [`Masker`] in code. Starts with no rules, the
/// [always secret keys](super::ALWAYS_SECRET_KEYS), and masking of every
/// record field that no rule names only where its text holds something a
/// detector finds.
#[derive(Debug, Default)]
#[must_use]
pub struct MaskerBuilder {
    rules: Vec<(String, MaskRule)>,
    secret_keys: Vec<String>,
    allowed: Option<Vec<String>>,
    pseudonym_key: Option<SecretBytes>,
}

impl Masker {
    /// An empty builder.
    pub fn builder() -> MaskerBuilder {
        MaskerBuilder::default()
    }

    /// The masker of `security.data_masking`; the pseudonym key, if any, is
    /// read from the process environment or file system.
    pub fn from_config(config: &Config) -> Result<Self, MaskingError> {
        Self::from_config_with(config, &SystemSource)
    }

    /// The masker of `security.data_masking`, reading the pseudonym key
    /// through `source`.
    ///
    /// `enabled: false` turns record masking off and `log_masking.enabled:
    /// false` turns text masking off (both are posture findings).
    pub fn from_config_with(
        config: &Config,
        source: &dyn SecretSource,
    ) -> Result<Self, MaskingError> {
        let masking = &config.security.data_masking;
        let mut builder = Self::builder();
        for (name, rule) in &masking.rules {
            let kind = rule
                .kind_for(name)
                .ok_or_else(|| MaskingError::InvalidRule {
                    rule: name.clone(),
                    reason: "the rule has no kind",
                })?;
            let mut built = MaskRule::new(kind).for_fields(rule.fields.iter().cloned());
            if let Some(pattern) = &rule.mask_pattern {
                built = built.with_pattern(pattern.as_str())?;
            }
            built = match rule {
                r if r.preserve_domain => built.preserving_domain(),
                r if r.preserve_area_code => built.preserving_area_code(),
                r if r.preserve_last_four => built.preserving_last_four(),
                _ => built,
            };
            if rule.pseudonymize {
                built = built.pseudonymized();
            }
            builder = builder.rule(name.as_str(), built);
        }
        for key in &masking.log_masking.mask_in_logs {
            builder = builder.secret_key(key.as_str());
        }
        if masking.mode == MaskingMode::FailClosed {
            builder = builder.fail_closed(masking.allowed_fields.iter().map(String::as_str));
        }
        if let Some(reference) = &masking.pseudonym_key {
            let key = reference
                .resolve_bytes_with(source)
                .map_err(|source| MaskingError::PseudonymKeyUnavailable { source })?;
            builder = builder.pseudonym_key(key);
        }

        let mut masker = builder.build()?;
        masker.records_enabled = masking.enabled;
        masker.logs_enabled = masking.log_masking.enabled;
        Ok(masker)
    }

    /// Masks free text such as a log line, in one pass: email addresses,
    /// phone numbers, SSNs, card numbers, bearer credentials, JWTs, secret
    /// `key=value` pairs and URL credentials. Returns the text itself,
    /// borrowed, when there is nothing to mask.
    ///
    /// ```
    /// use halo_core::masking::Masker;
    ///
    /// let masker = Masker::default();
    /// let line = "login jane@example.com from 415-555-0123 password=hunter2";
    /// assert_eq!(masker.mask_text(line), "login ****@example.com from 415-***-**** password=[REDACTED]");
    /// assert!(matches!(masker.mask_text("synced 12 leads"), std::borrow::Cow::Borrowed(_)));
    /// ```
    pub fn mask_text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.logs_enabled {
            return Cow::Borrowed(text);
        }
        self.scan_text(text)
    }

    /// Every finding of [`mask_text`](Self::mask_text) in `text`, in order.
    pub fn find(&self, text: &str) -> Vec<Detection> {
        let mut found = Vec::new();
        scan::scan(text, &self.secret_keys, |hit| {
            found.push(Detection {
                detector: detector_of(hit.found),
                range: hit.start..hit.end,
            });
        });
        found
    }

    /// Masks one value with the rule named `rule` (pseudonymizing if the
    /// rule does). `None` when there is no such rule.
    pub fn mask_value(&self, rule: &str, value: &str) -> Option<String> {
        let (_, rule) = self.rules.iter().find(|(name, _)| name == rule)?;
        let mut out = String::new();
        self.apply(rule, value, &mut out);
        Some(out)
    }

    /// The rule names, in order.
    pub fn rule_names(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|(name, _)| name.as_str())
    }

    /// Masks `text` whether or not log masking is enabled.
    pub(crate) fn scan_text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out: Option<String> = None;
        let mut last = 0;
        scan::scan(text, &self.secret_keys, |hit| {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
            out.push_str(slice(text, last, hit.start));
            self.render(text, hit, out);
            last = hit.end;
        });
        match out {
            None => Cow::Borrowed(text),
            Some(mut out) => {
                out.push_str(slice(text, last, text.len()));
                Cow::Owned(out)
            }
        }
    }

    /// Appends the masked form of `value` under `rule`.
    pub(crate) fn apply(&self, rule: &MaskRule, value: &str, out: &mut String) {
        match (&self.pseudonyms, rule.is_pseudonymized()) {
            (Some(pseudonyms), true) if !super::pseudonym::is_pseudonym(value) => {
                pseudonyms.write(rule.kind(), value, out);
            }
            _ => rule.mask_into(value, out),
        }
    }

    fn render(&self, text: &str, hit: Hit, out: &mut String) {
        let found_text = slice(text, hit.start, hit.end);
        let rule = match hit.found {
            Found::Email { .. } => &self.text_rules[0],
            Found::Number(NumberKind::Nanp { .. } | NumberKind::International { .. }) => {
                &self.text_rules[1]
            }
            Found::Number(NumberKind::Ssn { .. }) => &self.text_rules[2],
            Found::Number(NumberKind::Card { .. }) => &self.text_rules[3],
            Found::Secret { quote: true } => return out.push_str("\"[REDACTED]\""),
            Found::Secret { .. } | Found::Bearer | Found::Jwt | Found::UrlCredentials => {
                return out.push_str(REDACTED);
            }
        };
        if let (Some(pseudonyms), true) = (&self.pseudonyms, rule.is_pseudonymized()) {
            return pseudonyms.write(rule.kind(), found_text, out);
        }
        match hit.found {
            Found::Email { domain } => rule.write_email(Some(slice(text, domain, hit.end)), out),
            Found::Number(kind) => rule.write_number(Some(kind), out),
            _ => out.push_str(REDACTED),
        }
    }
}

impl MaskerBuilder {
    /// Adds the rule `rule` under `name` (a later rule of the same name
    /// replaces it).
    pub fn rule(mut self, name: impl Into<String>, rule: MaskRule) -> Self {
        let name = name.into();
        self.rules.retain(|(n, _)| *n != name);
        self.rules.push((name, rule));
        self
    }

    /// Adds a secret key: values of keys containing it (after folding) become
    /// `[REDACTED]` in records and text.
    pub fn secret_key(mut self, key: impl Into<String>) -> Self {
        self.secret_keys.push(key.into());
        self
    }

    /// Fail-closed records: every value is masked except those of `allowed`
    /// keys (matched whole, after folding), those that a rule masks, and
    /// `null`. Secret keys stay redacted even when allowed.
    pub fn fail_closed<I, S>(mut self, allowed: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allowed = Some(allowed.into_iter().map(Into::into).collect());
        self
    }

    /// The key of pseudonyms, at least
    /// [`MIN_PSEUDONYM_KEY_BYTES`](super::MIN_PSEUDONYM_KEY_BYTES) bytes.
    pub fn pseudonym_key(mut self, key: SecretBytes) -> Self {
        self.pseudonym_key = Some(key);
        self
    }

    /// Checks every rule and key and builds the masker.
    pub fn build(self) -> Result<Masker, MaskingError> {
        for (name, rule) in &self.rules {
            rule.check(name)?;
            if rule.is_pseudonymized() && self.pseudonym_key.is_none() {
                return Err(MaskingError::MissingPseudonymKey { rule: name.clone() });
            }
        }
        let mut keys = self.secret_keys.iter().chain(self.allowed.iter().flatten());
        if keys.any(|k| fold(k).is_empty()) {
            return Err(MaskingError::InvalidKey);
        }
        let pseudonyms = self.pseudonym_key.map(Pseudonyms::new).transpose()?;

        let mut seen: Vec<String> = Vec::new();
        for (name, rule) in &self.rules {
            for field in rule.fields().into_iter().map(fold) {
                if seen.contains(&field) {
                    let reason = "a field is claimed by two rules";
                    return Err(MaskingError::InvalidRule {
                        rule: name.clone(),
                        reason,
                    });
                }
                seen.push(field);
            }
        }
        Ok(assemble(
            self.rules,
            &self.secret_keys,
            self.allowed,
            pseudonyms,
        ))
    }
}

/// A masker of already checked settings.
fn assemble(
    rules: Vec<(String, MaskRule)>,
    secret_keys: &[String],
    allowed: Option<Vec<String>>,
    pseudonyms: Option<Pseudonyms>,
) -> Masker {
    let mut fields = Vec::new();
    for (index, (_, rule)) in rules.iter().enumerate() {
        fields.extend(rule.fields().into_iter().map(|field| (fold(field), index)));
    }
    fields.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));

    let text_rule = |kind: MaskKind| {
        let named = rules
            .iter()
            .find(|(n, r)| r.kind() == kind && n == kind.as_str());
        let any = || rules.iter().find(|(_, r)| r.kind() == kind);
        named
            .or_else(any)
            .map_or_else(|| MaskRule::new(kind), |(_, r)| r.clone())
    };
    let secret = ALWAYS_SECRET_KEYS
        .iter()
        .copied()
        .chain(secret_keys.iter().map(String::as_str));
    let secret_keys = KeySet::new(secret);
    Masker {
        records_enabled: true,
        logs_enabled: true,
        fail_closed: allowed.is_some(),
        text_rules: [
            MaskKind::Email,
            MaskKind::Phone,
            MaskKind::Ssn,
            MaskKind::Card,
        ]
        .map(text_rule),
        secret_keys,
        allowed: allowed.iter().flatten().map(|k| fold(k)).collect(),
        fields,
        rules,
        pseudonyms,
    }
}

impl Default for Masker {
    /// The guide's policy, the masker of [`Config::default`]: emails keep
    /// their domain, phone numbers their area code, SSNs nothing; `password`,
    /// `api_key` and `token` are secret.
    fn default() -> Self {
        let rules = vec![
            ("email".to_owned(), MaskRule::email().preserving_domain()),
            ("phone".to_owned(), MaskRule::phone().preserving_area_code()),
            ("ssn".to_owned(), MaskRule::ssn()),
        ];
        assemble(
            rules,
            &crate::config::LogMasking::default().mask_in_logs,
            None,
            None,
        )
    }
}

fn detector_of(found: Found) -> Detector {
    match found {
        Found::Email { .. } => Detector::Email,
        Found::Number(NumberKind::Nanp { .. } | NumberKind::International { .. }) => {
            Detector::Phone
        }
        Found::Number(NumberKind::Ssn { .. }) => Detector::Ssn,
        Found::Number(NumberKind::Card { .. }) => Detector::Card,
        Found::Secret { .. } => Detector::Secret,
        Found::Bearer => Detector::Bearer,
        Found::Jwt => Detector::Jwt,
        Found::UrlCredentials => Detector::UrlCredentials,
    }
}

impl Detector {
    /// The detector's name in vectors and bindings: `email`, `phone`, `ssn`,
    /// `card`, `bearer`, `jwt`, `secret`, `url_credentials`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Ssn => "ssn",
            Self::Card => "card",
            Self::Bearer => "bearer",
            Self::Jwt => "jwt",
            Self::Secret => "secret",
            Self::UrlCredentials => "url_credentials",
        }
    }
}

/// `text[start..end]`. Finding boundaries always fall on ASCII bytes or the
/// ends of the text; should one not, the span is replaced rather than cut.
fn slice(text: &str, start: usize, end: usize) -> &str {
    debug_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
    text.get(start..end).unwrap_or(REDACTED)
}

impl fmt::Debug for Masker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Masker")
            .field("records_enabled", &self.records_enabled)
            .field("logs_enabled", &self.logs_enabled)
            .field("fail_closed", &self.fail_closed)
            .field("rules", &self.rule_names().collect::<Vec<_>>())
            .field(
                "pseudonym_key",
                &self.pseudonyms.as_ref().map(|_| "[REDACTED]"),
            )
            .finish_non_exhaustive()
    }
}
