//! The schema a lead is validated against: lengths, the phone policy and
//! what to do with unknown fields.

use super::error::LeadError;
use super::field::{FIELD_COUNT, LeadField};

/// The largest JSON lead [`LeadSchema::validate_json`] reads by default, in
/// bytes (64 KiB).
pub const DEFAULT_MAX_JSON_BYTES: usize = 64 * 1024;

/// The allowed length of a text field, in characters.
///
/// A character is a Unicode scalar value (a Rust `char`), counted on the
/// normalised value: after trimming and, for names, whitespace collapsing.
/// This is not JavaScript's `length` (UTF-16 code units), so an emoji
/// outside the Basic Multilingual Plane counts 1 here and 2 in Joi; nor is
/// it a count of user-perceived characters (grapheme clusters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Length {
    /// Fewest characters; applies to optional fields only when present.
    pub min: usize,
    /// Most characters.
    pub max: usize,
}

/// What to do with fields outside the lead model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UnknownFields {
    /// Each one is a `lead.unknown_field` violation (Joi's default).
    #[default]
    Reject,
    /// They are dropped from the [`ValidLead`](super::ValidLead).
    Strip,
    /// They are carried in [`ValidLead::extra`](super::ValidLead::extra),
    /// unchecked.
    Keep,
}

/// How phone numbers are checked and normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PhonePolicy {
    /// The guide's pattern `^\+?[\d\s\-\(\)]+$` with at least one digit;
    /// the normalised number keeps its `+` and digits.
    #[default]
    Pattern,
    /// A number valid under libphonenumber's metadata, national numbers read
    /// in `default_region`; the normalised number is E.164
    /// (`+442079460000`). Needs the `phone` feature.
    #[cfg(feature = "phone")]
    E164 {
        /// The region for numbers written without a country code.
        default_region: Region,
    },
}

/// A region for [`PhonePolicy::E164`]: an ISO 3166-1 alpha-2 code known to
/// libphonenumber.
#[cfg(feature = "phone")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region(phonenumber::country::Id);

/// The rules a lead is validated against. [`LeadSchema::default`] is the
/// guide's Joi schema.
///
/// | field | default |
/// |---|---|
/// | `first_name`, `last_name` | required, 1–50 characters |
/// | `email` | required, a valid address (see below) |
/// | `phone` | optional, the guide's pattern, at most 32 characters (*) |
/// | `company` | required, 1–100 characters |
/// | `title`, `country` | optional, at most 100 characters |
/// | `website` | optional, at most 255 characters |
/// | `source` | optional, at most 50 characters |
/// | `source_id` | optional, at most 100 characters |
/// | unknown fields | rejected |
///
/// (*) Counted on the normalised number: its `+` and digits.
///
/// The guide limits only the first five fields; the caps on the others are
/// halo-core's, so that no field is unbounded. Email lengths are RFC 5321's
/// (64 octets before `@`, 254 in all) and cannot be changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadSchema {
    pub(super) lengths: [Length; FIELD_COUNT],
    pub(super) phone: PhonePolicy,
    pub(super) unknown: UnknownFields,
    pub(super) max_json_bytes: usize,
}

/// Builds a [`LeadSchema`], starting from the guide's.
#[derive(Debug, Clone)]
pub struct LeadSchemaBuilder {
    schema: LeadSchema,
}

const fn length(min: usize, max: usize) -> Length {
    Length { min, max }
}

impl Default for LeadSchema {
    fn default() -> Self {
        Self {
            lengths: [
                length(1, 50),                               // first_name
                length(1, 50),                               // last_name
                length(1, super::email::MAX_ADDRESS_OCTETS), // email
                length(1, 32),                               // phone
                length(1, 100),                              // company
                length(1, 100),                              // title
                length(1, 255),                              // website
                length(1, 100),                              // country
                length(1, 50),                               // source
                length(1, 100),                              // source_id
            ],
            phone: PhonePolicy::Pattern,
            unknown: UnknownFields::Reject,
            max_json_bytes: DEFAULT_MAX_JSON_BYTES,
        }
    }
}

impl LeadSchema {
    /// A builder starting from the guide's schema.
    pub fn builder() -> LeadSchemaBuilder {
        LeadSchemaBuilder {
            schema: Self::default(),
        }
    }

    /// The allowed length of a field. For `email` this is informational:
    /// the RFC 5321 octet limits apply.
    pub fn length(&self, field: LeadField) -> Length {
        self.lengths[field.index()]
    }

    /// The phone policy.
    pub fn phone_policy(&self) -> PhonePolicy {
        self.phone
    }

    /// What happens to unknown fields.
    pub fn unknown_fields(&self) -> UnknownFields {
        self.unknown
    }

    /// The largest JSON lead read, in bytes.
    pub fn max_json_bytes(&self) -> usize {
        self.max_json_bytes
    }
}

impl LeadSchemaBuilder {
    /// Sets the allowed length of a text field, in characters.
    ///
    /// Fails with `lead.schema_invalid` for `email` (its limits are RFC
    /// 5321's), when `max` is 0 or when `min` is above `max`.
    pub fn length(mut self, field: LeadField, min: usize, max: usize) -> Result<Self, LeadError> {
        let invalid = |message| LeadError::Schema {
            field: field.as_str(),
            message,
        };
        if field == LeadField::Email {
            return Err(invalid("length follows RFC 5321 and cannot be set"));
        }
        if max == 0 {
            return Err(invalid("maximum length must be at least 1"));
        }
        if min > max {
            return Err(invalid("minimum length is above the maximum"));
        }
        self.schema.lengths[field.index()] = Length { min, max };
        Ok(self)
    }

    /// Sets the phone policy (default [`PhonePolicy::Pattern`]).
    pub fn phone_policy(mut self, policy: PhonePolicy) -> Self {
        self.schema.phone = policy;
        self
    }

    /// Sets what happens to unknown fields (default
    /// [`UnknownFields::Reject`]).
    pub fn unknown_fields(mut self, unknown: UnknownFields) -> Self {
        self.schema.unknown = unknown;
        self
    }

    /// Sets the largest JSON lead read, in bytes (default
    /// [`DEFAULT_MAX_JSON_BYTES`]). A value of 0 is raised to 2, the size of
    /// `{}`.
    pub fn max_json_bytes(mut self, bytes: usize) -> Self {
        self.schema.max_json_bytes = bytes.max(2);
        self
    }

    /// The schema.
    pub fn build(self) -> LeadSchema {
        self.schema
    }
}

#[cfg(feature = "phone")]
impl Region {
    /// The region with this ISO 3166-1 alpha-2 code (`GB`, `US`; case
    /// ignored). Fails with `lead.schema_invalid` for a code libphonenumber
    /// does not know.
    pub fn new(code: &str) -> Result<Self, LeadError> {
        code.to_ascii_uppercase()
            .parse()
            .map(Self)
            .map_err(|_| LeadError::Schema {
                field: "phone",
                message: "unknown region code",
            })
    }

    /// The region's two-letter code.
    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }

    pub(super) fn id(self) -> phonenumber::country::Id {
        self.0
    }
}
