//! `LeadSchema`, source mapping (`Lead.fromApollo`, `Lead.fromZoominfo`) and
//! `CsvMapping`. Plain objects in and out; errors are thrown as `Error`
//! objects with a `code` (`lead.invalid`, `lead.syntax`, ...) and, for
//! `lead.invalid`, `violations`. Every rule lives in `halo_core::lead`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use halo_core::lead::{self as core, FieldValue, LeadError, LeadField, UnknownFields};
use napi::bindgen_prelude::{Buffer, Either, FromNapiValue, Unknown};
use napi::{Env, Result};
use napi_derive::napi;
use serde_json::{Value, json};

use crate::builders;
use crate::errors::throw_lead_error;
use crate::js::{Handle, Js, Kind};

/// Options of a `LeadSchema`; each left out keeps the guide's default.
#[napi(object)]
#[derive(Debug)]
pub struct LeadSchemaOptions {
    /// `[min, max]` characters by field name, e.g. `{ first_name: [2, 10] }`.
    /// Defaults: names 1–50, company 1–100 (see the Rust docs).
    pub lengths: Option<HashMap<String, Vec<u32>>>,
    /// `'reject'` (default, Joi's), `'strip'` or `'keep'`.
    pub unknown_fields: Option<String>,
    /// `'pattern'` (default, the guide's `^\+?[\d\s\-\(\)]+$`) or `'e164'`.
    pub phone_policy: Option<String>,
    /// The region national numbers are read in under `'e164'` (`'GB'`).
    pub phone_region: Option<String>,
    /// The largest JSON lead read, in bytes (default 65536).
    pub max_json_bytes: Option<u32>,
}

/// One thing wrong with a lead: field, code and message, never the value.
#[napi(object)]
#[derive(Debug)]
pub(crate) struct Violation {
    /// The field's name, or an unknown key.
    pub field: String,
    /// A stable code such as `lead.required`.
    pub code: String,
    /// What is wrong, never quoting the value.
    pub message: String,
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

/// The rules a lead is validated against; the defaults are the guide's Joi
/// schema. Validation is synchronous.
#[napi]
#[derive(Debug)]
pub struct LeadSchema {
    inner: core::LeadSchema,
}

/// How CSV columns map onto lead fields.
#[napi]
#[derive(Debug)]
pub struct CsvMapping {
    inner: core::CsvMapping,
}

fn schema_error(env: &Env, field: &'static str, message: &'static str) -> napi::Error {
    throw_lead_error(env, &LeadError::Schema { field, message })
}

impl LeadSchema {
    /// The core schema.
    pub(crate) fn inner(&self) -> &core::LeadSchema {
        &self.inner
    }
}

#[napi]
impl LeadSchema {
    /// A schema from the guide's, changed by `options`. Throws
    /// `lead.schema_invalid` for an option out of range.
    #[napi(constructor)]
    pub fn new(env: Env, options: Option<LeadSchemaOptions>) -> Result<Self> {
        let mut builder = core::LeadSchema::builder();
        let Some(options) = options else {
            return Ok(Self {
                inner: builder.build(),
            });
        };
        builder = builder.unknown_fields(match options.unknown_fields.as_deref() {
            None | Some("reject") => UnknownFields::Reject,
            Some("strip") => UnknownFields::Strip,
            Some("keep") => UnknownFields::Keep,
            Some(_) => {
                return Err(schema_error(
                    &env,
                    "schema",
                    "unknownFields must be reject, strip or keep",
                ));
            }
        });
        for (name, range) in options.lengths.unwrap_or_default() {
            let field = LeadField::from_name(&name).ok_or_else(|| {
                schema_error(&env, "schema", "lengths names a field the lead lacks")
            })?;
            let [min, max] = range[..] else {
                return Err(schema_error(&env, "schema", "a length is [min, max]"));
            };
            builder = builder
                .length(field, min as usize, max as usize)
                .map_err(|e| throw_lead_error(&env, &e))?;
        }
        builder = match (
            options.phone_policy.as_deref(),
            options.phone_region.as_deref(),
        ) {
            (None | Some("pattern"), None) => builder,
            (Some("e164"), Some(region)) => {
                let region = core::Region::new(region).map_err(|e| throw_lead_error(&env, &e))?;
                builder.phone_policy(core::PhonePolicy::E164 {
                    default_region: region,
                })
            }
            (Some("e164"), None) => {
                return Err(schema_error(
                    &env,
                    "schema",
                    "phonePolicy e164 needs phoneRegion",
                ));
            }
            (None | Some("pattern"), Some(_)) => {
                return Err(schema_error(
                    &env,
                    "schema",
                    "phoneRegion applies to phonePolicy e164",
                ));
            }
            _ => {
                return Err(schema_error(
                    &env,
                    "schema",
                    "phonePolicy must be pattern or e164",
                ));
            }
        };
        if let Some(bytes) = options.max_json_bytes {
            builder = builder.max_json_bytes(bytes as usize);
        }
        Ok(Self {
            inner: builder.build(),
        })
    }

    /// Validates a lead object and returns the normalised lead (absent
    /// optional fields left out). Throws `lead.invalid` with `violations`.
    #[napi(ts_args_type = "lead: any", ts_return_type = "any")]
    pub fn validate<'env>(&self, env: &'env Env, lead: Unknown<'env>) -> Result<Unknown<'env>> {
        let js = Js::new(env);
        let Some(object) = LeadObject::read(js, Handle::of(&lead))? else {
            let value = Value::from_unknown(lead)?;
            let valid = self.inner.validate_value(&value);
            let valid = to_value(env, &valid.map_err(|e| throw_lead_error(env, &e))?)?;
            return js.unknown(js.value(&valid)?);
        };
        let valid = object.validate(&self.inner);
        let valid = valid.map_err(|e| throw_lead_error(env, &e))?;
        js.unknown(object.normalised(js, &valid)?)
    }

    /// Validates one lead given as JSON text (string or Buffer).
    #[napi]
    pub fn validate_json(&self, env: Env, json: Either<String, Buffer>) -> Result<Value> {
        let valid = self.inner.validate_json(bytes(&json));
        to_value(&env, &valid.map_err(|e| throw_lead_error(&env, &e))?)
    }

    /// Validates an array of lead objects in one call: one outcome per
    /// lead, in order, `{ lead }` (normalised as `validate` returns it) or
    /// `{ error: { code, message, violations } }`; a bad lead does not stop
    /// the others. Faster than calling `validate` in a loop when most
    /// leads are valid, as nothing is thrown.
    #[napi(
        ts_args_type = "leads: any[]",
        ts_return_type = "Array<{ lead?: Record<string, unknown>, error?: { code: string, message: string, violations: Violation[] } }>"
    )]
    pub fn validate_many<'env>(
        &self,
        env: &'env Env,
        leads: Unknown<'env>,
    ) -> Result<Unknown<'env>> {
        let js = Js::new(env);
        let leads = Handle::of(&leads);
        if js.kind(leads)? != Kind::Object || !js.is_array(leads)? {
            let message = "leads must be an array";
            return Err(napi::Error::new(napi::Status::InvalidArg, message));
        }
        let count = js.len(leads)?;
        let outcomes = js.array(count)?;
        for index in 0..count {
            let outcome = js.object()?;
            match self.outcome(js, js.element(leads, index)?)? {
                Ok(lead) => js.set_named(outcome, c"lead", lead)?,
                Err(error) => js.set_named(outcome, c"error", js.value(&error)?)?,
            }
            js.set_element(outcomes, index, outcome)?;
        }
        js.unknown(outcomes)
    }

    /// The de-duplication key of a lead object (its normalised email,
    /// lower-cased whole); validates it first and throws as `validate`.
    #[napi(ts_args_type = "lead: any")]
    pub fn dedupe_key(&self, env: &Env, lead: Unknown<'_>) -> Result<String> {
        let Some(object) = LeadObject::read(Js::new(env), Handle::of(&lead))? else {
            let value = Value::from_unknown(lead)?;
            let valid = self.inner.validate_value(&value);
            return Ok(valid
                .map_err(|e| throw_lead_error(env, &e))?
                .dedupe_key()
                .into_owned());
        };
        let valid = object.validate(&self.inner);
        Ok(valid
            .map_err(|e| throw_lead_error(env, &e))?
            .dedupe_key()
            .into_owned())
    }

    /// Validates JSON Lines (string or Buffer): one outcome per non-blank
    /// line, `{ line, lead, dedupeKey }` or `{ line, error: { code,
    /// message, violations } }`; a bad line does not stop the others.
    #[napi(
        ts_return_type = "Array<{ line: number, lead?: Record<string, unknown>, dedupeKey?: string, error?: { code: string, message: string, violations: Violation[] } }>"
    )]
    pub fn validate_jsonl(&self, jsonl: Either<String, Buffer>) -> Value {
        let outcomes = self
            .inner
            .validate_jsonl(bytes(&jsonl))
            .map(|o| match o.result {
                Ok(lead) => json!({
                    "line": o.line,
                    "lead": lead,
                    "dedupeKey": lead.dedupe_key(),
                }),
                Err(e) => json!({"line": o.line, "error": error_data(&e)}),
            });
        Value::Array(outcomes.collect())
    }
}

/// Mapping of lead-source records into plain lead objects, to pass to
/// `LeadSchema.validate`.
#[napi]
#[derive(Debug)]
pub struct Lead {}

#[napi]
impl Lead {
    /// The lead object of an Apollo.io person record. Throws
    /// `lead.source_field_missing` or `lead.source_field_type` with `field`
    /// naming the source's field.
    #[napi(ts_return_type = "Record<string, string>")]
    pub fn from_apollo(env: Env, person: Value) -> Result<Value> {
        let lead = core::Lead::from_apollo_person(&integral(person));
        to_value(&env, &lead.map_err(|e| throw_lead_error(&env, &e))?)
    }

    /// The lead object of a ZoomInfo contact record; throws as
    /// `Lead.fromApollo`.
    #[napi(ts_return_type = "Record<string, string>")]
    pub fn from_zoominfo(env: Env, contact: Value) -> Result<Value> {
        let lead = core::Lead::from_zoominfo_contact(&integral(contact));
        to_value(&env, &lead.map_err(|e| throw_lead_error(&env, &e))?)
    }
}

#[napi]
impl CsvMapping {
    /// `columns` maps CSV headers to lead fields (other fields are read from
    /// a column of their own name); `delimiter` is one ASCII character.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        columns: Option<HashMap<String, String>>,
        keep_other_columns: Option<bool>,
        delimiter: Option<String>,
    ) -> Result<Self> {
        let mut inner = core::CsvMapping::new();
        for (header, field) in columns.unwrap_or_default() {
            let field = LeadField::from_name(&field)
                .ok_or_else(|| schema_error(&env, "csv", "columns names a field the lead lacks"))?;
            inner = inner.column(header, field);
        }
        if keep_other_columns == Some(true) {
            inner = inner.keep_other_columns();
        }
        match delimiter.as_deref().map(str::as_bytes) {
            None => {}
            Some([byte]) if byte.is_ascii() => inner = inner.delimiter(*byte),
            Some(_) => {
                return Err(schema_error(
                    &env,
                    "csv",
                    "delimiter must be one ASCII character",
                ));
            }
        }
        Ok(Self { inner })
    }

    /// Every row of `csv` (string or Buffer) as `{ line, lead }` or
    /// `{ line, error: { code, message, field } }`. Throws
    /// `lead.source_field_missing` when the header lacks a required column.
    #[napi(
        ts_return_type = "Array<{ line: number, lead?: Record<string, string>, error?: { code: string, message: string, field?: string } }>"
    )]
    pub fn read(&self, env: Env, csv: Either<String, Buffer>) -> Result<Value> {
        let rows = self
            .inner
            .read(bytes(&csv))
            .map_err(|e| throw_lead_error(&env, &e))?;
        let rows = rows.map(|row| match row.lead {
            Ok(lead) => json!({"line": row.line, "lead": lead}),
            Err(e) => json!({"line": row.line, "error": error_data(&e)}),
        });
        Ok(Value::Array(rows.collect()))
    }
}

impl LeadSchema {
    /// One lead of `validate_many`: the normalised lead, or its error as
    /// data.
    fn outcome(&self, js: Js, lead: Handle) -> Result<std::result::Result<Handle, Value>> {
        let Some(object) = LeadObject::read(js, lead)? else {
            let value = js_to_value(js, lead)?;
            return match self.inner.validate_value(&value) {
                Ok(valid) => Ok(Ok(js.value(&to_value_plain(&valid)?)?)),
                Err(e) => Ok(Err(error_data(&e))),
            };
        };
        match object.validate(&self.inner) {
            Ok(valid) => Ok(Ok(object.normalised(js, &valid)?)),
            Err(e) => Ok(Err(error_data(&e))),
        }
    }
}

/// A plain lead object as read from JavaScript: its string values in one
/// buffer, and the handles of its values to put back into the result where
/// nothing changed.
struct LeadObject {
    text: String,
    entries: Vec<Entry>,
    /// The entry of each lead field, in `LeadField::ALL` order.
    fields: [Option<usize>; LeadField::ALL.len()],
}

struct Entry {
    name: Range<usize>,
    value: Handle,
    read: Read,
}

enum Read {
    Text(Range<usize>),
    Null,
    Other(Value),
}

impl LeadObject {
    /// Reads every own enumerable key with a defined value; `None` for a
    /// value that is not an object or is an array, which napi-rs's
    /// `serde_json::Value` conversion handles as before.
    fn read(js: Js, lead: Handle) -> Result<Option<Self>> {
        if js.kind(lead)? != Kind::Object || js.is_array(lead)? {
            return Ok(None);
        }
        let flat = builders::entries(js, lead)?;
        let count = js.len(flat)? / 2;
        let mut text = Vec::with_capacity(512);
        let mut entries = Vec::with_capacity(count as usize);
        for index in 0..count {
            let key = js.element(flat, 2 * index)?;
            let value = js.element(flat, 2 * index + 1)?;
            let read = match js.kind(value)? {
                Kind::Undefined => continue,
                Kind::String => Read::Text(js.read(value, &mut text)?),
                Kind::Null => Read::Null,
                // The conversion refuses what JSON cannot hold (functions,
                // symbols), as before.
                Kind::Object | Kind::Other => Read::Other(js_to_value(js, value)?),
            };
            let name = js.read(key, &mut text)?;
            entries.push(Entry { name, value, read });
        }

        let text = String::from_utf8(text)
            .map_err(|_| napi::Error::new(napi::Status::StringExpected, "a string is not UTF-8"))?;
        let mut fields = [None; LeadField::ALL.len()];
        for (index, entry) in entries.iter().enumerate() {
            let name = &text[entry.name.clone()];
            if let Some(slot) = LeadField::ALL.iter().position(|f| f.as_str() == name) {
                fields[slot] = Some(index);
            }
        }
        Ok(Some(Self {
            text,
            entries,
            fields,
        }))
    }

    fn validate<'a>(
        &'a self,
        schema: &core::LeadSchema,
    ) -> std::result::Result<core::ValidLead<'a>, LeadError> {
        let fields = self.entries.iter().map(|entry| {
            let name = Cow::Borrowed(&self.text[entry.name.clone()]);
            let value = match &entry.read {
                Read::Text(range) => FieldValue::Text(Cow::Borrowed(&self.text[range.clone()])),
                Read::Null => FieldValue::Null,
                Read::Other(value) => FieldValue::Other(value.clone()),
            };
            (name, value)
        });
        schema.validate_fields(fields)
    }

    /// The normalised lead as a new plain object: fields in their order,
    /// then kept unknown fields. A value that is the caller's string
    /// unchanged is the caller's string, not a copy.
    fn normalised(&self, js: Js, valid: &core::ValidLead<'_>) -> Result<Handle> {
        let mut values = [None; LeadField::ALL.len()];
        for ((slot, field), entry) in values.iter_mut().zip(LeadField::ALL).zip(self.fields) {
            let (Some(value), Some(entry)) = (valid.get(field), entry) else {
                continue; // a present field is always one the caller gave
            };
            let entry = &self.entries[entry];
            let unchanged =
                matches!(&entry.read, Read::Text(range) if &self.text[range.clone()] == value);
            *slot = Some(if unchanged {
                entry.value
            } else {
                js.string(value)?
            });
        }
        let object = builders::lead(js, &values)?;
        for (name, value) in valid.extra() {
            js.set(object, js.string(name)?, js.value(value)?)?;
        }
        Ok(object)
    }
}

fn bytes(input: &Either<String, Buffer>) -> &[u8] {
    match input {
        Either::A(text) => text.as_bytes(),
        Either::B(buffer) => buffer,
    }
}

/// A JavaScript value as JSON, by napi-rs's conversion.
fn js_to_value(js: Js, value: Handle) -> Result<Value> {
    Value::from_unknown(js.unknown(value)?)
}

fn to_value(env: &Env, value: &impl serde::Serialize) -> Result<Value> {
    let _ = env;
    to_value_plain(value)
}

fn to_value_plain(value: &impl serde::Serialize) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| napi::Error::from_reason(e.to_string()))
}

/// An error as data: `{ code, message, violations, field? }`.
pub(crate) fn error_data(err: &LeadError) -> Value {
    let violations: Vec<Value> = err
        .violations()
        .iter()
        .map(|v| json!({"field": v.field, "code": v.code(), "message": v.message}))
        .collect();
    let mut data =
        json!({"code": err.code(), "message": err.to_string(), "violations": violations});
    if let Some(field) = source_field(err) {
        data["field"] = Value::from(field);
    }
    data
}

/// The source's field named by a mapping error.
pub(crate) fn source_field(err: &LeadError) -> Option<String> {
    match err {
        LeadError::SourceFieldMissing { field, .. } | LeadError::SourceFieldType { field, .. } => {
            Some(field.to_string())
        }
        _ => None,
    }
}

/// `value` with every whole JavaScript number inside ±2^53 as an integer:
/// JavaScript has only doubles, and a record id `1234` must map to `"1234"`,
/// not `"1234.0"`.
fn integral(value: Value) -> Value {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() <= SAFE => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(integral).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, integral(v))).collect())
        }
        other => other,
    }
}
