//! Leads held in the caller's own map type, given as name/value pairs.
//!
//! The language bindings validate dictionaries and objects through this,
//! lending their strings instead of building a `serde_json::Value` first.

use std::borrow::Cow;

use super::error::LeadError;
use super::field::LeadField;
use super::json::{RawLead, Value};
use super::model::ValidLead;
use super::schema::{LeadSchema, UnknownFields};

/// The value of one field of a lead given as name/value pairs; see
/// [`LeadSchema::validate_fields`].
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue<'a> {
    /// A string, borrowed where the caller can lend it.
    Text(Cow<'a, str>),
    /// No value (JSON `null`, Python `None`): the field is absent.
    Null,
    /// Any other value, as JSON. A lead field holding one is refused with
    /// `lead.wrong_type`; a field outside the model keeps it under
    /// [`UnknownFields::Keep`].
    Other(serde_json::Value),
}

impl LeadSchema {
    /// Validates a lead given as `(name, value)` pairs, by the same rules
    /// and with the same codes as
    /// [`validate_value`](LeadSchema::validate_value): a lead field that is
    /// neither text nor null is `lead.wrong_type`, a name given twice is
    /// `lead.duplicate_field`, and fields outside the model follow the
    /// schema's [`UnknownFields`] setting. The [`ValidLead`] borrows the
    /// values that were already normal.
    ///
    /// ```
    /// use std::borrow::Cow;
    ///
    /// use halo_core::lead::{FieldValue, LeadSchema};
    ///
    /// let fields = [
    ///     ("first_name", "Grace"),
    ///     ("last_name", "Hopper"),
    ///     ("email", "grace@NAVY.example"),
    ///     ("company", "US Navy"),
    /// ]
    /// .map(|(name, value)| (Cow::Borrowed(name), FieldValue::Text(Cow::Borrowed(value))));
    /// let lead = LeadSchema::default().validate_fields(fields)?;
    /// assert_eq!(lead.email(), "grace@navy.example");
    ///
    /// let err = LeadSchema::default()
    ///     .validate_fields([(Cow::Borrowed("email"), FieldValue::Other(42.into()))])
    ///     .unwrap_err();
    /// assert_eq!(err.violations()[2].code(), "lead.wrong_type");
    /// # Ok::<(), halo_core::lead::LeadError>(())
    /// ```
    pub fn validate_fields<'a, I>(&self, fields: I) -> Result<ValidLead<'a>, LeadError>
    where
        I: IntoIterator<Item = (Cow<'a, str>, FieldValue<'a>)>,
    {
        let mut raw = RawLead::new();
        for (name, value) in fields {
            match LeadField::from_name(&name) {
                Some(field) => raw.set(field, value.into()),
                None => {
                    let kept = match (self.unknown, value) {
                        (UnknownFields::Keep, FieldValue::Text(text)) => {
                            serde_json::Value::String(text.into_owned())
                        }
                        (UnknownFields::Keep, FieldValue::Other(value)) => value,
                        _ => serde_json::Value::Null,
                    };
                    raw.set_other(self.unknown, name, kept);
                }
            }
        }

        let mut violations = raw.violations;
        let extra = self.extra(Cow::Owned(raw.extra), &mut violations);
        Ok(self.check(raw.values, extra, violations)?)
    }
}

impl<'a> From<FieldValue<'a>> for Value<'a> {
    fn from(value: FieldValue<'a>) -> Self {
        match value {
            FieldValue::Text(text) => Value::Text(text),
            FieldValue::Null => Value::Null,
            FieldValue::Other(_) => Value::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pairs(value: &serde_json::Value) -> Vec<(Cow<'_, str>, FieldValue<'_>)> {
        let Some(map) = value.as_object() else {
            return Vec::new();
        };
        map.iter()
            .map(|(name, value)| {
                let value = match value {
                    serde_json::Value::String(text) => FieldValue::Text(Cow::Borrowed(text)),
                    serde_json::Value::Null => FieldValue::Null,
                    other => FieldValue::Other(other.clone()),
                };
                (Cow::Borrowed(name.as_str()), value)
            })
            .collect()
    }

    fn codes(err: &LeadError) -> Vec<(&str, &str)> {
        err.violations()
            .iter()
            .map(|v| (&*v.field, v.code()))
            .collect()
    }

    #[test]
    fn agrees_with_validate_value_under_every_unknown_field_setting() {
        let leads = [
            json!({"first_name": " Ada ", "last_name": "Lovelace", "email": "ada@Example.COM",
                   "company": "Analytical   Engines", "phone": "+44 (20) 7946-0000"}),
            json!({"first_name": "Ada", "last_name": null, "email": 42, "company": ["x"],
                   "utm": {"campaign": "spring"}, "score": 7}),
            json!({"first_name": "A\u{7}", "email": "no-at-sign", "company": "C", "note": "n"}),
        ];
        for unknown in [
            UnknownFields::Reject,
            UnknownFields::Strip,
            UnknownFields::Keep,
        ] {
            let schema = LeadSchema::builder().unknown_fields(unknown).build();
            for lead in &leads {
                let expected = schema.validate_value(lead);
                let actual = schema.validate_fields(pairs(lead));
                match (expected, actual) {
                    (Ok(expected), Ok(actual)) => assert_eq!(expected, actual),
                    (Err(expected), Err(actual)) => assert_eq!(codes(&expected), codes(&actual)),
                    (expected, actual) => panic!("{unknown:?}: {expected:?} != {actual:?}"),
                }
            }
        }
    }

    #[test]
    fn a_name_given_twice_is_a_duplicate_whatever_its_values() {
        let text = |s: &'static str| FieldValue::Text(Cow::Borrowed(s));
        let fields = vec![
            (Cow::Borrowed("first_name"), text("Ada")),
            (Cow::Borrowed("last_name"), text("Lovelace")),
            (Cow::Borrowed("email"), FieldValue::Other(json!(1))),
            (Cow::Borrowed("email"), text("ada@example.com")),
            (Cow::Borrowed("company"), text("C")),
            (Cow::Borrowed("utm"), text("a")),
            (Cow::Borrowed("utm"), text("b")),
        ];
        let schema = LeadSchema::builder()
            .unknown_fields(UnknownFields::Keep)
            .build();
        let err = schema.validate_fields(fields).unwrap_err();
        assert_eq!(
            codes(&err),
            [
                ("email", "lead.duplicate_field"),
                ("utm", "lead.duplicate_field")
            ]
        );
    }

    #[test]
    fn kept_fields_hold_their_values_as_json() {
        let schema = LeadSchema::builder()
            .unknown_fields(UnknownFields::Keep)
            .build();
        let lead = json!({"first_name": "A", "last_name": "B", "email": "a@b.example",
                          "company": "C", "utm": {"campaign": "spring"}, "note": "n"});
        let valid = schema.validate_fields(pairs(&lead)).unwrap();
        assert_eq!(valid.extra()["utm"], json!({"campaign": "spring"}));
        assert_eq!(valid.extra()["note"], json!("n"));
    }
}
