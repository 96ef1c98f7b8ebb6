//! JSON input: one lead per document, or JSON Lines.
//!
//! The reader borrows string values from the input where they hold no
//! escape sequence, so a valid, already normal lead is validated without
//! copying its values. Known fields must be strings or `null` (`null` is
//! absent); other types are `lead.wrong_type`, and a repeated key is
//! `lead.duplicate_field` rather than silently keeping one of the values.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::error::LeadError;
use super::field::{FIELD_COUNT, LeadField};
use super::model::{Extra, Lead, ValidLead};
use super::schema::{LeadSchema, UnknownFields};
use super::validate::{DUPLICATE, RawValues};
use super::violation::{Violation, ViolationKind, Violations};

/// A lead as read from JSON, before checking.
pub(super) struct RawLead<'a> {
    pub(super) values: RawValues<'a>,
    pub(super) extra: Extra,
    pub(super) violations: Vec<Violation>,
}

/// The outcome of one line of JSON Lines input.
#[derive(Debug)]
pub struct LineOutcome<'a> {
    /// 1-based line number in the input.
    pub line: usize,
    /// The validated lead, or why the line was refused.
    pub result: Result<ValidLead<'a>, LeadError>,
}

/// The outcomes of JSON Lines input, one per non-blank line; see
/// [`LeadSchema::validate_jsonl`].
#[derive(Debug, Clone)]
pub struct JsonLines<'s, 'a> {
    schema: &'s LeadSchema,
    rest: &'a [u8],
    line: usize,
}

const WRONG_TYPE: &str = "must be a string or null";

impl LeadSchema {
    /// Reads one lead from a JSON object and validates it.
    ///
    /// Fails with `lead.too_large` above
    /// [`max_json_bytes`](LeadSchema::max_json_bytes), `lead.syntax` for
    /// malformed JSON, `lead.not_object` for another JSON value, and
    /// `lead.invalid` with every violation otherwise.
    ///
    /// ```
    /// use halo_core::lead::LeadSchema;
    ///
    /// let json = br#"{"first_name": "Grace", "last_name": "Hopper",
    ///     "email": "grace@navy.example", "company": "US Navy"}"#;
    /// let lead = LeadSchema::default().validate_json(json)?;
    /// assert_eq!(lead.dedupe_key(), "grace@navy.example");
    ///
    /// let err = LeadSchema::default().validate_json(br#"{"email": 42}"#).unwrap_err();
    /// let codes: Vec<_> = err.violations().iter().map(|v| v.code()).collect();
    /// assert_eq!(codes, ["lead.required", "lead.required", "lead.wrong_type", "lead.required"]);
    /// # Ok::<(), halo_core::lead::LeadError>(())
    /// ```
    pub fn validate_json<'a>(&self, json: &'a [u8]) -> Result<ValidLead<'a>, LeadError> {
        let raw = parse(json, self.unknown, self.max_json_bytes)?;
        let mut violations = raw.violations;
        let extra = self.extra(Cow::Owned(raw.extra), &mut violations);
        Ok(self.check(raw.values, extra, violations)?)
    }

    /// Validates a lead already parsed into a [`serde_json::Value`], by the
    /// same rules and with the same codes as
    /// [`validate_json`](LeadSchema::validate_json): a value that is not an
    /// object fails with `lead.not_object`, a known field that is not a
    /// string or `null` is `lead.wrong_type`. The size limit does not apply.
    /// The language bindings validate their dictionaries and objects
    /// through this.
    ///
    /// ```
    /// use halo_core::lead::LeadSchema;
    /// use serde_json::json;
    ///
    /// let value = json!({"first_name": "Grace", "last_name": "Hopper",
    ///     "email": "grace@NAVY.example", "company": "US Navy"});
    /// let lead = LeadSchema::default().validate_value(&value)?;
    /// assert_eq!(lead.email(), "grace@navy.example");
    ///
    /// let err = LeadSchema::default().validate_value(&json!([1])).unwrap_err();
    /// assert_eq!(err.code(), "lead.not_object");
    /// # Ok::<(), halo_core::lead::LeadError>(())
    /// ```
    pub fn validate_value<'a>(
        &self,
        value: &'a serde_json::Value,
    ) -> Result<ValidLead<'a>, LeadError> {
        let seed = RawLeadSeed {
            unknown: self.unknown,
        };
        let raw = seed.deserialize(value).map_err(read_error)?;
        let mut violations = raw.violations;
        let extra = self.extra(Cow::Owned(raw.extra), &mut violations);
        Ok(self.check(raw.values, extra, violations)?)
    }

    /// Validates JSON Lines: one lead per line, each line on its own.
    ///
    /// Lines end with `\n` (a `\r` before it is ignored); blank lines are
    /// skipped. A bad line gives an error outcome and reading goes on with
    /// the next. Each line is held to
    /// [`max_json_bytes`](LeadSchema::max_json_bytes).
    ///
    /// ```
    /// use halo_core::lead::LeadSchema;
    ///
    /// let good = r#"{"first_name":"A","last_name":"B","email":"a@b.example","company":"C"}"#;
    /// let input = format!("{good}\nnot json\n\n{{\"first_name\":\"A\"}}\n");
    /// let schema = LeadSchema::default();
    /// let outcomes: Vec<_> = schema.validate_jsonl(input.as_bytes()).collect();
    /// assert_eq!(outcomes.len(), 3);
    /// assert!(outcomes[0].result.is_ok());
    /// assert_eq!(outcomes[1].result.as_ref().unwrap_err().code(), "lead.syntax");
    /// assert_eq!(outcomes[2].line, 4);
    /// assert_eq!(outcomes[2].result.as_ref().unwrap_err().code(), "lead.invalid");
    /// ```
    pub fn validate_jsonl<'s, 'a>(&'s self, input: &'a [u8]) -> JsonLines<'s, 'a> {
        JsonLines {
            schema: self,
            rest: input,
            line: 0,
        }
    }
}

impl<'a> Iterator for JsonLines<'_, 'a> {
    type Item = LineOutcome<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.rest.is_empty() {
            let end = self.rest.iter().position(|&b| b == b'\n');
            let (line, rest) = match end {
                Some(end) => (&self.rest[..end], &self.rest[end + 1..]),
                None => (self.rest, &[][..]),
            };
            self.rest = rest;
            self.line += 1;

            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let result = self.schema.validate_json(line);
            return Some(LineOutcome {
                line: self.line,
                result,
            });
        }
        None
    }
}

/// Reads a JSON object into a [`RawLead`].
pub(super) fn parse(
    json: &[u8],
    unknown: UnknownFields,
    max_bytes: usize,
) -> Result<RawLead<'_>, LeadError> {
    if json.len() > max_bytes {
        return Err(LeadError::TooLarge { limit: max_bytes });
    }
    let mut de = serde_json::Deserializer::from_slice(json);
    let raw = RawLeadSeed { unknown }
        .deserialize(&mut de)
        .map_err(read_error)?;
    de.end().map_err(read_error)?;
    Ok(raw)
}

impl<'a> RawLead<'a> {
    /// A lead with no field read yet.
    pub(super) fn new() -> Self {
        Self {
            values: Default::default(),
            extra: Extra::new(),
            violations: Vec::new(),
        }
    }

    /// Reads the value of a known field; `seen` records the fields read so
    /// far, so that a repeated key is refused rather than overwritten.
    pub(super) fn known(
        &mut self,
        field: LeadField,
        value: FieldValue<'a>,
        seen: &mut [bool; FIELD_COUNT],
    ) {
        if std::mem::replace(&mut seen[field.index()], true) {
            // A repeated key replaces whatever else was wrong with it.
            self.violations.retain(|v| v.field != field.as_str());
            self.violations.push(Violation::new(
                field,
                ViolationKind::DuplicateField,
                DUPLICATE,
            ));
            self.values[field.index()] = None;
            return;
        }
        match value {
            FieldValue::Text(text) => self.values[field.index()] = Some(text),
            FieldValue::Null => {}
            FieldValue::Other => {
                let violation = Violation::new(field, ViolationKind::WrongType, WRONG_TYPE);
                self.violations.push(violation);
            }
        }
    }

    /// Reads a key outside the model under the schema's `unknown`
    /// setting; `value` is asked for only when the key is kept.
    pub(super) fn unknown(
        &mut self,
        unknown: UnknownFields,
        key: &str,
        value: impl FnOnce() -> serde_json::Value,
    ) {
        if unknown == UnknownFields::Strip {
            return;
        }
        if self.extra.contains_key(key) {
            self.violations.push(Violation::for_key(
                key,
                ViolationKind::DuplicateField,
                DUPLICATE,
            ));
        } else {
            self.extra.insert(key.to_owned(), value());
        }
    }

    /// The lead as read, failing on wrong types and repeated keys.
    pub(super) fn into_lead(self) -> Result<Lead, LeadError> {
        if !self.violations.is_empty() {
            return Err(Violations::new(self.violations).into());
        }
        Ok(Lead::from_values(
            self.values.map(|v| v.map(Cow::into_owned)),
            self.extra,
        ))
    }
}

/// Maps a reader error to a lead error that quotes nothing from the input.
fn read_error(err: serde_json::Error) -> LeadError {
    use serde_json::error::Category;
    let message = match err.classify() {
        Category::Data => return LeadError::NotAnObject,
        Category::Eof => "unexpected end of input",
        Category::Io | Category::Syntax => "malformed JSON",
    };
    LeadError::Syntax {
        line: err.line(),
        column: err.column(),
        message,
    }
}

struct RawLeadSeed {
    unknown: UnknownFields,
}

impl<'de> DeserializeSeed<'de> for RawLeadSeed {
    type Value = RawLead<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RawLeadSeed {
    type Value = RawLead<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut raw = RawLead::new();
        let mut seen = [false; LeadField::ALL.len()];

        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match LeadField::from_name(&key) {
                Some(field) => raw.known(field, map.next_value()?, &mut seen),
                None => self.read_unknown(&mut raw, &key, &mut map)?,
            }
        }
        Ok(raw)
    }
}

impl RawLeadSeed {
    fn read_unknown<'de, A: MapAccess<'de>>(
        &self,
        raw: &mut RawLead<'de>,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let value = match self.unknown {
            UnknownFields::Keep => map.next_value::<serde_json::Value>()?,
            UnknownFields::Reject | UnknownFields::Strip => {
                map.next_value::<IgnoredAny>()?;
                serde_json::Value::Null
            }
        };
        raw.unknown(self.unknown, key, || value);
        Ok(())
    }
}

/// A JSON string, borrowed from the input when it has no escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(v)))
    }
}

/// A known field's JSON value: a string, `null`, or anything else.
pub(super) enum FieldValue<'de> {
    Text(Cow<'de, str>),
    Null,
    Other,
}

impl<'de> de::Deserialize<'de> for FieldValue<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = FieldValue<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(FieldValue::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(FieldValue::Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(FieldValue::Text(Cow::Owned(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(FieldValue::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(FieldValue::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(FieldValue::Other)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(FieldValue::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(FieldValue::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(FieldValue::Other)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(FieldValue::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(FieldValue::Other)
    }
}
