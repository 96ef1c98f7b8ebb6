//! What is wrong with a lead, field by field, without its values.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use super::field::LeadField;

/// The kinds of [`Violation`], each with a stable code shared by every
/// language binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ViolationKind {
    /// A required field is absent, `null` or blank (`lead.required`).
    Required,
    /// Fewer characters than the schema's minimum (`lead.too_short`).
    TooShort,
    /// More characters than the schema's maximum (`lead.too_long`).
    TooLong,
    /// Not an email address this module accepts (`lead.email_invalid`).
    EmailInvalid,
    /// Not a phone number under the schema's policy (`lead.phone_invalid`).
    PhoneInvalid,
    /// A field outside the model under
    /// [`UnknownFields::Reject`](super::UnknownFields::Reject)
    /// (`lead.unknown_field`).
    UnknownField,
    /// The value holds a control character (`lead.control_character`).
    ControlCharacter,
    /// A JSON value that is not a string or `null` (`lead.wrong_type`).
    WrongType,
    /// The same field given twice (`lead.duplicate_field`).
    DuplicateField,
}

impl ViolationKind {
    /// The stable code, such as `lead.email_invalid`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Required => "lead.required",
            Self::TooShort => "lead.too_short",
            Self::TooLong => "lead.too_long",
            Self::EmailInvalid => "lead.email_invalid",
            Self::PhoneInvalid => "lead.phone_invalid",
            Self::UnknownField => "lead.unknown_field",
            Self::ControlCharacter => "lead.control_character",
            Self::WrongType => "lead.wrong_type",
            Self::DuplicateField => "lead.duplicate_field",
        }
    }
}

/// One thing wrong with a lead. It names the field and never holds the
/// field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The field's name (`email`), or the key of an unknown field with
    /// control characters escaped and cut to 64 characters.
    pub field: Cow<'static, str>,
    /// What kind of violation it is.
    pub kind: ViolationKind,
    /// What is wrong, lowercase, never quoting the value.
    pub message: Cow<'static, str>,
}

/// Every violation found in one lead, in field order, unknown fields last.
/// Never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Violations(Vec<Violation>);

/// The longest unknown-field key quoted in a violation, in characters.
const MAX_KEY_CHARS: usize = 64;

impl Violation {
    pub(super) fn new(field: LeadField, kind: ViolationKind, message: &'static str) -> Self {
        Self {
            field: Cow::Borrowed(field.as_str()),
            kind,
            message: Cow::Borrowed(message),
        }
    }

    pub(super) fn with_message(field: LeadField, kind: ViolationKind, message: String) -> Self {
        Self {
            field: Cow::Borrowed(field.as_str()),
            kind,
            message: Cow::Owned(message),
        }
    }

    pub(super) fn for_key(key: &str, kind: ViolationKind, message: &'static str) -> Self {
        let mut field = String::new();
        for c in key.chars().take(MAX_KEY_CHARS) {
            if c.is_control() {
                field.extend(c.escape_default());
            } else {
                field.push(c);
            }
        }
        Self {
            field: Cow::Owned(field),
            kind,
            message: Cow::Borrowed(message),
        }
    }

    /// The stable code of this violation's kind, such as `lead.required`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl Violations {
    /// Orders violations by field, unknown keys last and by name, and
    /// drops repeats of the same kind on the same field.
    pub(super) fn new(mut list: Vec<Violation>) -> Self {
        let rank = |v: &Violation| LeadField::from_name(&v.field).map_or(usize::MAX, |f| f.index());
        list.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.field.cmp(&b.field)));
        list.dedup_by(|a, b| a.field == b.field && a.kind == b.kind);
        Self(list)
    }

    /// The violations, in field order.
    pub fn as_slice(&self) -> &[Violation] {
        &self.0
    }

    /// The violations, in field order.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }

    /// How many violations there are (at least one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: a lead with no violation is valid.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The violations as a vector.
    pub fn into_vec(self) -> Vec<Violation> {
        self.0
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "invalid lead: {one}"),
            many => {
                write!(f, "invalid lead: {} violations", many.len())?;
                many.iter().try_for_each(|v| write!(f, "; {v}"))
            }
        }
    }
}

impl<'v> IntoIterator for &'v Violations {
    type Item = &'v Violation;
    type IntoIter = std::slice::Iter<'v, Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for Violations {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Serialises as `{"field": …, "code": …, "message": …}`.
impl Serialize for Violation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Violation", 3)?;
        s.serialize_field("field", &self.field)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.message)?;
        s.end()
    }
}

/// Serialises as a list of violations.
impl Serialize for Violations {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}
