//! `security.data_masking`: the masking policy of records and log lines.
//!
//! The guide gives `rules` (named `email`, `phone`, `ssn`) and
//! `log_masking`. halo-core adds, all optional: a rule `kind` (needed when a
//! rule's name is not a kind), the record `fields` a rule applies to,
//! `pseudonymize` with a `pseudonym_key`, and a fail-closed `mode` with
//! `allowed_fields`. See [`crate::masking`] for what each setting does.

use std::collections::BTreeMap;

use serde::Serialize;

use super::decode::Obj;
use super::error::ProblemKind;
use crate::secret::SecretRef;

/// The longest mask pattern accepted, in bytes.
pub const MAX_MASK_PATTERN_BYTES: usize = 64;

/// `security.data_masking`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataMasking {
    /// Whether record values are masked. Default `true`.
    pub enabled: bool,
    /// How record fields that no rule names are treated. Default `rules`.
    pub mode: MaskingMode,
    /// In `fail_closed` mode, the record keys whose values are kept as they
    /// are. Default: none. Matched like rule fields, but whole keys only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_fields: Vec<String>,
    /// Reference to the key of pseudonyms (at least 32 bytes). Required when
    /// a rule sets `pseudonymize`. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pseudonym_key: Option<SecretRef>,
    /// Masking rules by name. Default: the guide's `email`, `phone` and `ssn`
    /// rules. A `rules` object in the document replaces the default set.
    pub rules: BTreeMap<String, MaskRuleConfig>,
    /// Masking of log lines.
    pub log_masking: LogMasking,
}

/// One masking rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MaskRuleConfig {
    /// What the rule masks. Default: the rule's name, which must then be one
    /// of `email`, `phone`, `ssn`, `card`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<MaskKind>,
    /// What a masked value looks like. Default: the built-in pattern of the
    /// rule's kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mask_pattern: Option<String>,
    /// Email: keep the domain. Default `false`.
    #[serde(skip_serializing_if = "is_false")]
    pub preserve_domain: bool,
    /// Phone: keep the area code. Default `false`.
    #[serde(skip_serializing_if = "is_false")]
    pub preserve_area_code: bool,
    /// Keep the last four digits (SSN, card numbers). Default `false`.
    #[serde(skip_serializing_if = "is_false")]
    pub preserve_last_four: bool,
    /// Replace values by a keyed pseudonym (`tok_…`) instead of the pattern.
    /// Needs `pseudonym_key`. Default `false`.
    #[serde(skip_serializing_if = "is_false")]
    pub pseudonymize: bool,
    /// Record keys the rule applies to. Default: the kind's usual keys
    /// (`email`; `phone`, `mobile`, `fax`, `opptel`; `ssn`,
    /// `social_security`; `card_number`, `credit_card`, `cc_number`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// `security.data_masking.log_masking`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogMasking {
    /// Whether log lines are masked. Default `true`.
    pub enabled: bool,
    /// Keys whose values are hidden in logs and records. Default `password`,
    /// `api_key`, `token`.
    pub mask_in_logs: Vec<String>,
}

choice! {
    /// What a masking rule masks.
    pub enum MaskKind {
        /// Email addresses.
        Email = "email",
        /// Telephone numbers.
        Phone = "phone",
        /// US Social Security numbers.
        Ssn = "ssn",
        /// Payment card numbers.
        Card = "card",
        /// Any value, replaced as a whole.
        Redact = "redact",
    }
}

choice! {
    /// How record fields that no rule names are treated.
    pub enum MaskingMode {
        /// Fields named by a rule or a secret key are masked; the text of
        /// other fields is scanned for personal data.
        Rules = "rules",
        /// Every value is masked except those of `allowed_fields`.
        FailClosed = "fail_closed",
    }
}

impl Default for DataMasking {
    fn default() -> Self {
        let rule = |pattern: &str| MaskRuleConfig {
            mask_pattern: Some(pattern.to_owned()),
            ..MaskRuleConfig::default()
        };
        let rules = BTreeMap::from([
            (
                "email".to_owned(),
                MaskRuleConfig {
                    preserve_domain: true,
                    ..rule("****@****.***")
                },
            ),
            (
                "phone".to_owned(),
                MaskRuleConfig {
                    preserve_area_code: true,
                    ..rule("***-***-****")
                },
            ),
            ("ssn".to_owned(), rule("***-**-****")),
        ]);
        Self {
            enabled: true,
            mode: MaskingMode::Rules,
            allowed_fields: Vec::new(),
            pseudonym_key: None,
            rules,
            log_masking: LogMasking::default(),
        }
    }
}

impl Default for LogMasking {
    fn default() -> Self {
        Self {
            enabled: true,
            mask_in_logs: ["password", "api_key", "token"].map(str::to_owned).to_vec(),
        }
    }
}

impl MaskRuleConfig {
    /// The rule's kind: `kind`, or the rule's name when it names a kind.
    pub fn kind_for(&self, name: &str) -> Option<MaskKind> {
        self.kind.or_else(|| MaskKind::from_rule_name(name))
    }

    /// Whether any `preserve_*` option is set.
    pub(crate) fn preserves(&self) -> bool {
        self.preserve_domain || self.preserve_area_code || self.preserve_last_four
    }
}

impl MaskKind {
    /// The kind a rule name implies: `email`, `phone`, `ssn` or `card`.
    pub fn from_rule_name(name: &str) -> Option<Self> {
        match name {
            "email" => Some(Self::Email),
            "phone" => Some(Self::Phone),
            "ssn" => Some(Self::Ssn),
            "card" => Some(Self::Card),
            _ => None,
        }
    }
}

impl DataMasking {
    pub(crate) fn read(o: &mut Obj<'_>) -> Self {
        let masking = Self {
            enabled: o.bool("enabled", true),
            mode: o.choice("mode", MaskingMode::Rules),
            allowed_fields: o.strings("allowed_fields", &[]),
            pseudonym_key: o.secret("pseudonym_key"),
            rules: o.named_sections("rules", || Self::default().rules, read_rule),
            log_masking: o.section("log_masking", LogMasking::default, |o| LogMasking {
                enabled: o.bool("enabled", true),
                mask_in_logs: o.strings("mask_in_logs", &["password", "api_key", "token"]),
            }),
        };
        masking.check(o);
        masking
    }

    fn check(&self, o: &mut Obj<'_>) {
        if self.mode == MaskingMode::Rules && !self.allowed_fields.is_empty() {
            let message = "only used when `mode` is `fail_closed`";
            o.report_at("allowed_fields", ProblemKind::Conflict, message);
        }
        check_keys(o, "allowed_fields", &self.allowed_fields);
        check_keys(
            o,
            "log_masking.mask_in_logs",
            &self.log_masking.mask_in_logs,
        );

        let pseudonymized = self.rules.values().any(|r| r.pseudonymize);
        if pseudonymized && self.pseudonym_key.is_none() {
            let message = "a rule sets `pseudonymize` but no key is configured";
            o.report_at("pseudonym_key", ProblemKind::MissingField, message);
        }
    }
}

fn read_rule(name: &str, o: &mut Obj<'_>) -> MaskRuleConfig {
    let rule = MaskRuleConfig {
        kind: o.optional_choice("kind"),
        mask_pattern: o.string("mask_pattern"),
        preserve_domain: o.bool("preserve_domain", false),
        preserve_area_code: o.bool("preserve_area_code", false),
        preserve_last_four: o.bool("preserve_last_four", false),
        pseudonymize: o.bool("pseudonymize", false),
        fields: o.strings("fields", &[]),
    };
    check_rule(name, &rule, o);
    rule
}

fn check_rule(name: &str, rule: &MaskRuleConfig, o: &mut Obj<'_>) {
    let Some(kind) = rule.kind_for(name) else {
        if !o.has("kind") {
            let message = "a rule not named `email`, `phone`, `ssn` or `card` needs a `kind`";
            o.report_at("kind", ProblemKind::MissingField, message);
        }
        return;
    };

    let options = [
        (
            "preserve_domain",
            rule.preserve_domain,
            kind == MaskKind::Email,
        ),
        (
            "preserve_area_code",
            rule.preserve_area_code,
            kind == MaskKind::Phone,
        ),
        (
            "preserve_last_four",
            rule.preserve_last_four,
            matches!(kind, MaskKind::Ssn | MaskKind::Card),
        ),
    ];
    for (option, set, applies) in options {
        if set && !applies {
            let message = format!("does not apply to `{}` rules", kind.as_str());
            o.report_at(option, ProblemKind::Conflict, message);
        } else if set && rule.pseudonymize {
            o.report_at(
                option,
                ProblemKind::Conflict,
                "cannot be combined with `pseudonymize`",
            );
        }
    }

    if kind == MaskKind::Redact && rule.fields.is_empty() {
        let message = "a `redact` rule needs the `fields` it applies to";
        o.report_at("fields", ProblemKind::MissingField, message);
    }
    check_keys(o, "fields", &rule.fields);
    if let Some(pattern) = &rule.mask_pattern
        && let Err(message) = check_mask_pattern(kind, pattern, rule.preserves())
    {
        o.report_at("mask_pattern", ProblemKind::InvalidValue, message);
    }
}

/// Checks a mask pattern for a rule of `kind`; `preserves` tells whether
/// part of the value is kept. Shared by the configuration and the masking
/// builder, so both refuse the same patterns.
///
/// A pattern is 1 to [`MAX_MASK_PATTERN_BYTES`] printable ASCII characters
/// without digits, quotes, backslashes, `=` or `:` (so that a masked value is
/// never taken for a value to mask). `@` appears only in email patterns, at
/// most once; an email pattern that keeps the domain has text before its
/// `@`. A pattern that keeps part of a phone, SSN or card number has a run of
/// `*` for it to replace.
pub(crate) fn check_mask_pattern(
    kind: MaskKind,
    pattern: &str,
    preserves: bool,
) -> Result<(), &'static str> {
    if pattern.is_empty() || pattern.len() > MAX_MASK_PATTERN_BYTES {
        return Err("must be 1 to 64 characters");
    }
    let refused =
        |b: u8| !(0x20..=0x7e).contains(&b) || b.is_ascii_digit() || b"\"'\\=:`".contains(&b);
    if pattern.bytes().any(refused) {
        return Err("must be printable ASCII without digits, quotes, backslashes, `=` or `:`");
    }

    let ats = pattern.bytes().filter(|&b| b == b'@').count();
    match kind {
        MaskKind::Email if ats > 1 => Err("must contain at most one `@`"),
        MaskKind::Email if preserves && (ats == 0 || pattern.starts_with('@')) => {
            Err("must contain `@` with text before it to keep the domain")
        }
        MaskKind::Email => Ok(()),
        _ if ats > 0 => Err("only email patterns may contain `@`"),
        MaskKind::Phone | MaskKind::Ssn | MaskKind::Card if preserves && !pattern.contains('*') => {
            Err("must contain a run of `*` to keep part of the number")
        }
        _ => Ok(()),
    }
}

/// Reports keys that hold no letter or digit: they could match nothing.
fn check_keys(o: &mut Obj<'_>, key: &str, keys: &[String]) {
    for (i, name) in keys.iter().enumerate() {
        if !name.bytes().any(|b| b.is_ascii_alphanumeric()) {
            let message = "a key needs at least one ASCII letter or digit";
            o.report_at(&format!("{key}[{i}]"), ProblemKind::InvalidValue, message);
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}
