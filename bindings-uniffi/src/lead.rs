//! [`LeadSchema`] and the Apollo.io and ZoomInfo source mappings. Leads
//! and records cross as JSON text (bytes or a string); a refused lead is
//! `HaloCoreError::Lead` with every [`Violation`] as data.

use std::collections::HashMap;
use std::sync::Arc;

use halo_core::lead::{self as core, LeadError, LeadField, UnknownFields};

use crate::errors::{HaloCoreError, Result};

/// Options of a [`LeadSchema`]; each left out keeps the guide's default.
#[derive(Debug, Default, uniffi::Record)]
pub struct LeadSchemaOptions {
    /// Character limits by field name, e.g. `first_name`. Defaults: names
    /// 1–50, company 1–100 (see the Rust docs of `LeadSchema`).
    #[uniffi(default)]
    pub lengths: HashMap<String, LengthRange>,
    /// `reject` (default, as the guide's Joi schema), `strip` or `keep`.
    #[uniffi(default)]
    pub unknown_fields: Option<String>,
    /// `pattern` (default, the guide's `^\+?[\d\s\-\(\)]+$`) or `e164`.
    #[uniffi(default)]
    pub phone_policy: Option<String>,
    /// The region national numbers are read in under `e164`, e.g. `GB`.
    #[uniffi(default)]
    pub phone_region: Option<String>,
    /// The largest JSON lead read, in bytes. Default 65536.
    #[uniffi(default)]
    pub max_json_bytes: Option<u32>,
}

/// The least and most characters of a field.
#[derive(Debug, Clone, Copy, uniffi::Record)]
pub struct LengthRange {
    /// The least characters.
    pub min: u32,
    /// The most characters.
    pub max: u32,
}

/// One thing wrong with a lead: field, code and message, never the value.
#[derive(Debug, uniffi::Record)]
pub struct Violation {
    /// The field's name, or an unknown key.
    pub field: String,
    /// A stable code such as `lead.required`.
    pub code: String,
    /// What is wrong, never quoting the value.
    pub message: String,
}

/// The rules a lead is validated against; the defaults are the guide's Joi
/// schema. Validation is synchronous and cheap; share one schema.
#[derive(Debug, uniffi::Object)]
pub struct LeadSchema {
    inner: core::LeadSchema,
}

#[uniffi::export]
impl LeadSchema {
    /// The guide's schema.
    #[uniffi::constructor]
    pub fn guide_default() -> Arc<Self> {
        Arc::new(Self {
            inner: core::LeadSchema::default(),
        })
    }

    /// The guide's schema changed by `options`; `lead.schema_invalid` for
    /// an option out of range or unknown.
    #[uniffi::constructor]
    pub fn with_options(options: LeadSchemaOptions) -> Result<Arc<Self>> {
        let mut builder = core::LeadSchema::builder();
        builder = builder.unknown_fields(match options.unknown_fields.as_deref() {
            None | Some("reject") => UnknownFields::Reject,
            Some("strip") => UnknownFields::Strip,
            Some("keep") => UnknownFields::Keep,
            Some(_) => return Err(schema_error("unknown_fields must be reject, strip or keep")),
        });
        let mut lengths: Vec<_> = options.lengths.into_iter().collect();
        lengths.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, range) in lengths {
            let field = LeadField::from_name(&name)
                .ok_or_else(|| schema_error("lengths names a field the lead lacks"))?;
            builder = builder.length(field, range.min as usize, range.max as usize)?;
        }
        builder = match (options.phone_policy.as_deref(), options.phone_region) {
            (None | Some("pattern"), None) => builder,
            (Some("e164"), Some(region)) => builder.phone_policy(core::PhonePolicy::E164 {
                default_region: core::Region::new(&region)?,
            }),
            (Some("e164"), None) => return Err(schema_error("phone_policy e164 needs a region")),
            (None | Some("pattern"), Some(_)) => {
                return Err(schema_error("phone_region applies to phone_policy e164"));
            }
            _ => return Err(schema_error("phone_policy must be pattern or e164")),
        };
        if let Some(bytes) = options.max_json_bytes {
            builder = builder.max_json_bytes(bytes as usize);
        }
        Ok(Arc::new(Self {
            inner: builder.build(),
        }))
    }

    /// Validates one lead given as JSON text and returns the normalised
    /// lead as compact JSON text (absent optional fields left out).
    pub fn validate_json(&self, json: String) -> Result<String> {
        self.validate_json_bytes(json.into_bytes())
    }

    /// Validates one lead given as UTF-8 JSON bytes, as `validate_json`.
    pub fn validate_json_bytes(&self, json: Vec<u8>) -> Result<String> {
        let valid = self.inner.validate_json(&json)?;
        to_json(&valid)
    }

    /// The de-duplication key of a lead given as JSON text (its normalised
    /// email, lower-cased whole); validates it first.
    pub fn dedupe_key(&self, json: String) -> Result<String> {
        let valid = self.inner.validate_json(json.as_bytes())?;
        Ok(valid.dedupe_key().into_owned())
    }
}

/// The lead, as JSON text, of an Apollo.io person record given as JSON
/// text; `lead.source_field_missing` or `lead.source_field_type` with
/// `source_field` naming the record's field.
#[uniffi::export]
pub fn lead_from_apollo(person_json: String) -> Result<String> {
    let lead = core::Lead::from_apollo_person(&parse(&person_json)?)?;
    to_json(&lead)
}

/// The lead, as JSON text, of a ZoomInfo contact record given as JSON
/// text; fails as [`lead_from_apollo`].
#[uniffi::export]
pub fn lead_from_zoominfo(contact_json: String) -> Result<String> {
    let lead = core::Lead::from_zoominfo_contact(&parse(&contact_json)?)?;
    to_json(&lead)
}

impl From<&core::Violation> for Violation {
    fn from(v: &core::Violation) -> Self {
        Self {
            field: v.field.to_string(),
            code: v.code().to_owned(),
            message: v.message.to_string(),
        }
    }
}

fn schema_error(message: &'static str) -> HaloCoreError {
    HaloCoreError::from(LeadError::Schema {
        field: "schema",
        message,
    })
}

fn parse(text: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text)
        .map_err(|_| HaloCoreError::invalid_argument("the record is not JSON"))
}

pub(crate) fn to_json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|_| HaloCoreError::invalid_argument("the value cannot be written as JSON"))
}
