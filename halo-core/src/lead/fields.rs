//! A lead given one field at a time, for callers that already hold the
//! fields of an object in another form than JSON text: a JavaScript object
//! or a Python dictionary read by a language binding.
//!
//! The rules are those of [`LeadSchema::validate_value`]; only the reading
//! differs, so a binding need not build a `serde_json::Value` first.

use std::borrow::Cow;
use std::fmt;

use super::error::LeadError;
use super::field::{FIELD_COUNT, LeadField};
use super::json::{FieldValue, RawLead};
use super::model::ValidLead;
use super::schema::LeadSchema;

/// The fields of one lead, given one by one and then validated.
///
/// Made by [`LeadSchema::fields`]. Each call names a key and its value:
/// a string ([`text`](LeadFields::text)), `null`
/// ([`null`](LeadFields::null)) or any other JSON value
/// ([`other`](LeadFields::other)). The outcome, codes and messages are
/// exactly those of [`LeadSchema::validate_value`] on an object with the
/// same entries in the same order: a known field that is not a string or
/// `null` is `lead.wrong_type`, a key given twice is
/// `lead.duplicate_field`, unknown keys follow the schema's
/// [`UnknownFields`](super::UnknownFields) setting. String values are
/// borrowed, so a lead that is already normal is validated without
/// copying its values.
///
/// ```
/// use halo_core::lead::LeadSchema;
///
/// let schema = LeadSchema::default();
/// let mut fields = schema.fields();
/// fields.text("first_name", "Grace".into());
/// fields.text("last_name", "Hopper".into());
/// fields.text("email", "grace@NAVY.example".into());
/// fields.text("company", "US Navy".into());
/// fields.null("phone");
/// let lead = fields.validate()?;
/// assert_eq!(lead.email(), "grace@navy.example");
///
/// let mut fields = schema.fields();
/// fields.other("email", serde_json::json!(42));
/// let err = fields.validate().unwrap_err();
/// let codes: Vec<_> = err.violations().iter().map(|v| v.code()).collect();
/// assert_eq!(codes, ["lead.required", "lead.required", "lead.wrong_type", "lead.required"]);
/// # Ok::<(), halo_core::lead::LeadError>(())
/// ```
///
/// `Debug` shows how many keys were given, never their values.
pub struct LeadFields<'s, 'a> {
    schema: &'s LeadSchema,
    raw: RawLead<'a>,
    seen: [bool; FIELD_COUNT],
    keys: usize,
}

impl LeadSchema {
    /// An empty lead to fill field by field and then validate; see
    /// [`LeadFields`].
    pub fn fields<'a>(&self) -> LeadFields<'_, 'a> {
        LeadFields {
            schema: self,
            raw: RawLead::new(),
            seen: [false; FIELD_COUNT],
            keys: 0,
        }
    }
}

impl<'a> LeadFields<'_, 'a> {
    /// Key `key` holds the string `value`.
    pub fn text(&mut self, key: &str, value: Cow<'a, str>) {
        self.entry(key, FieldValue::Text(value), None);
    }

    /// Key `key` holds `null`: an absent field.
    pub fn null(&mut self, key: &str) {
        self.entry(key, FieldValue::Null, None);
    }

    /// Key `key` holds a value that is neither a string nor `null`. The
    /// value is kept only for an unknown key under
    /// [`UnknownFields::Keep`](super::UnknownFields::Keep).
    pub fn other(&mut self, key: &str, value: serde_json::Value) {
        self.entry(key, FieldValue::Other, Some(value));
    }

    /// Validates the lead given so far, as
    /// [`LeadSchema::validate_value`] does.
    pub fn validate(self) -> Result<ValidLead<'a>, LeadError> {
        let mut violations = self.raw.violations;
        let extra = self
            .schema
            .extra(Cow::Owned(self.raw.extra), &mut violations);
        Ok(self.schema.check(self.raw.values, extra, violations)?)
    }

    fn entry(&mut self, key: &str, value: FieldValue<'a>, other: Option<serde_json::Value>) {
        self.keys += 1;
        let Some(field) = LeadField::from_name(key) else {
            let unknown = self.schema.unknown_fields();
            self.raw.unknown(unknown, key, || match value {
                FieldValue::Text(text) => serde_json::Value::String(text.into_owned()),
                FieldValue::Null | FieldValue::Other => other.unwrap_or_default(),
            });
            return;
        };
        self.raw.known(field, value, &mut self.seen);
    }
}

impl fmt::Debug for LeadFields<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeadFields")
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}
