//! Masking JSON records by field name.

use memchr::memmem;
use serde_json::Value;

use super::keys::fold;
use super::scan::REDACTED;
use super::{MaskRule, Masker};

/// How a value is treated, from the keys above it.
#[derive(Clone, Copy)]
enum Scope<'a> {
    /// No rule applies: text is scanned (or masked, when failing closed).
    Open,
    /// The value is under a key of this rule.
    Rule(&'a MaskRule),
    /// The value is under an allowed key (fail-closed mode): kept.
    Allowed,
}

impl Masker {
    /// Masks a JSON record in place, recursively through objects and arrays.
    ///
    /// For each key, in this order: a secret key (one of the
    /// [always secret keys](super::ALWAYS_SECRET_KEYS) or the configured
    /// ones, contained in the key after folding) makes the value
    /// `[REDACTED]`; a rule whose field the key contains masks the value (the
    /// longest such field wins; strings and numbers are masked, values inside
    /// arrays and objects too); in fail-closed mode an allowed key keeps its
    /// value. Any other string is scanned as [`mask_text`](Self::mask_text)
    /// does, or, in fail-closed mode, every other value but `null` becomes
    /// `[REDACTED]`. Empty strings, `null` and, outside fail-closed mode,
    /// numbers and booleans not under a rule are kept. Keys are never changed.
    ///
    /// ```
    /// use halo_core::masking::Masker;
    /// use serde_json::json;
    ///
    /// let mut lead = json!({"email": "jane@example.com", "X-Api-Key": "k-123",
    ///                       "notes": "call 415-555-0123", "company": "Contoso"});
    /// Masker::default().mask_record(&mut lead);
    /// assert_eq!(lead, json!({"email": "****@example.com", "X-Api-Key": "[REDACTED]",
    ///                         "notes": "call 415-***-****", "company": "Contoso"}));
    /// ```
    pub fn mask_record(&self, record: &mut Value) {
        if self.records_enabled {
            self.walk(record, Scope::Open);
        }
    }

    fn walk(&self, value: &mut Value, scope: Scope<'_>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    let folded = fold(key);
                    if self.secret_keys.matches(&folded) {
                        if !value.is_null() {
                            *value = Value::String(REDACTED.to_owned());
                        }
                    } else {
                        let scope = self.scope_of(&folded, scope);
                        self.walk(value, scope);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.walk(item, scope)),
            Value::Null => {}
            scalar => self.mask_scalar(scalar, scope),
        }
    }

    fn scope_of<'a>(&'a self, folded: &str, parent: Scope<'a>) -> Scope<'a> {
        let field = self
            .fields
            .iter()
            .find(|(field, _)| memmem::find(folded.as_bytes(), field.as_bytes()).is_some());
        if let Some((_, index)) = field {
            return Scope::Rule(&self.rules[*index].1);
        }
        if self.fail_closed && self.allowed.iter().any(|a| a == folded) {
            return Scope::Allowed;
        }
        match parent {
            Scope::Rule(rule) => Scope::Rule(rule),
            _ => Scope::Open,
        }
    }

    fn mask_scalar(&self, value: &mut Value, scope: Scope<'_>) {
        let masked = match (scope, &*value) {
            (Scope::Allowed, _) => None,
            (Scope::Rule(_), Value::String(s)) if s.is_empty() => None,
            (Scope::Rule(rule), Value::String(s)) => Some(self.masked(rule, s)),
            (Scope::Rule(rule), Value::Number(n)) => Some(self.masked(rule, &n.to_string())),
            (Scope::Open, Value::String(s)) if s.is_empty() => None,
            (Scope::Open, _) if self.fail_closed => Some(REDACTED.to_owned()),
            (Scope::Open, Value::String(s)) => match self.scan_text(s) {
                std::borrow::Cow::Owned(masked) => Some(masked),
                std::borrow::Cow::Borrowed(_) => None,
            },
            _ => None,
        };
        if let Some(masked) = masked {
            *value = Value::String(masked);
        }
    }

    fn masked(&self, rule: &MaskRule, value: &str) -> String {
        let mut out = String::new();
        self.apply(rule, value, &mut out);
        out
    }
}
