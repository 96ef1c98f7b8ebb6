//! `halo_core.LeadSchema`, `ValidLead`, `Violation`, `Lead` (source
//! mapping) and `CsvMapping`. Dictionaries in, plain values out; every rule
//! lives in `halo_core::lead`.

use std::borrow::Cow;

use halo_core::lead::{self as core, FieldValue, LeadError, LeadField, UnknownFields};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::errors::lead_error;

/// The rules a lead is validated against; the defaults are the guide's Joi
/// schema.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct LeadSchema {
    inner: core::LeadSchema,
}

/// A lead that passed a schema, normalised.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct ValidLead {
    pub(crate) inner: core::ValidLead<'static>,
}

/// One thing wrong with a lead: field, code and message, never the value.
#[pyclass(module = "halo_core", frozen, get_all)]
#[derive(Clone)]
pub(crate) struct Violation {
    field: String,
    code: &'static str,
    message: String,
}

/// The outcome of one line of JSON Lines, or of one CSV row.
#[pyclass(module = "halo_core", frozen, get_all)]
pub(crate) struct Outcome {
    line: u64,
    lead: Option<Py<PyAny>>,
    error: Option<Py<PyAny>>,
}

/// Mapping of lead-source records into lead dictionaries.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct Lead;

/// How CSV columns map onto lead fields.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct CsvMapping {
    inner: core::CsvMapping,
}

impl From<&core::Violation> for Violation {
    fn from(v: &core::Violation) -> Self {
        Self {
            field: v.field.to_string(),
            code: v.code(),
            message: v.message.to_string(),
        }
    }
}

#[pymethods]
impl Violation {
    /// `{"field": ..., "code": ..., "message": ...}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("field", &self.field)?;
        dict.set_item("code", self.code)?;
        dict.set_item("message", &self.message)?;
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        format!("Violation(field={:?}, code={:?})", self.field, self.code)
    }
}

#[pymethods]
impl Outcome {
    /// Whether the line or row gave a lead.
    #[getter]
    fn ok(&self) -> bool {
        self.error.is_none()
    }

    fn __repr__(&self) -> String {
        format!("Outcome(line={}, ok={})", self.line, self.error.is_none())
    }
}

#[pymethods]
impl LeadSchema {
    /// A schema from the guide's, changed by the keyword options.
    #[new]
    #[pyo3(signature = (*, lengths = None, unknown_fields = "reject", phone_policy = "pattern", phone_region = None, max_json_bytes = None))]
    fn new(
        lengths: Option<std::collections::BTreeMap<String, (usize, usize)>>,
        unknown_fields: &str,
        phone_policy: &str,
        phone_region: Option<&str>,
        max_json_bytes: Option<usize>,
    ) -> PyResult<Self> {
        let schema_error = |message| {
            lead_error(&LeadError::Schema {
                field: "schema",
                message,
            })
        };
        let mut builder = core::LeadSchema::builder().unknown_fields(match unknown_fields {
            "reject" => UnknownFields::Reject,
            "strip" => UnknownFields::Strip,
            "keep" => UnknownFields::Keep,
            _ => return Err(schema_error("unknown_fields must be reject, strip or keep")),
        });
        for (name, (min, max)) in lengths.unwrap_or_default() {
            let field = LeadField::from_name(&name)
                .ok_or_else(|| schema_error("lengths names a field the lead lacks"))?;
            builder = builder
                .length(field, min, max)
                .map_err(|e| lead_error(&e))?;
        }
        builder = match (phone_policy, phone_region) {
            ("pattern", None) => builder,
            ("e164", Some(region)) => {
                let region = core::Region::new(region).map_err(|e| lead_error(&e))?;
                builder.phone_policy(core::PhonePolicy::E164 {
                    default_region: region,
                })
            }
            ("e164", None) => return Err(schema_error("phone_policy e164 needs phone_region")),
            ("pattern", Some(_)) => {
                return Err(schema_error("phone_region applies to phone_policy e164"));
            }
            _ => return Err(schema_error("phone_policy must be pattern or e164")),
        };
        if let Some(bytes) = max_json_bytes {
            builder = builder.max_json_bytes(bytes);
        }
        Ok(Self {
            inner: builder.build(),
        })
    }

    /// Validates a lead given as a mapping; raises `LeadValidationError`.
    fn validate(&self, lead: &Bound<'_, PyAny>) -> PyResult<ValidLead> {
        let valid = match lead.cast::<PyDict>() {
            Ok(dict) => self.validate_dict(dict)?,
            Err(_) => {
                let value = to_json(lead)?;
                self.inner
                    .validate_value(&value)
                    .map(core::ValidLead::into_owned)
            }
        };
        Ok(ValidLead {
            inner: valid.map_err(|e| lead_error(&e))?,
        })
    }

    /// Validates one lead given as JSON text (`str` or `bytes`).
    fn validate_json(&self, json: &Bound<'_, PyAny>) -> PyResult<ValidLead> {
        let valid = with_bytes(json, |bytes| {
            self.inner
                .validate_json(bytes)
                .map(core::ValidLead::into_owned)
        })?;
        Ok(ValidLead {
            inner: valid.map_err(|e| lead_error(&e))?,
        })
    }

    /// Validates JSON Lines, one outcome per non-blank line; a bad line does
    /// not stop the others. Runs without the GIL.
    fn validate_jsonl(&self, py: Python<'_>, jsonl: &Bound<'_, PyAny>) -> PyResult<Vec<Outcome>> {
        let results = with_bytes(jsonl, |bytes| {
            py.detach(|| {
                self.inner
                    .validate_jsonl(bytes)
                    .map(|o| (o.line, o.result.map(core::ValidLead::into_owned)))
                    .collect::<Vec<_>>()
            })
        })?;
        results
            .into_iter()
            .map(|(line, result)| {
                let (lead, error) = match result {
                    Ok(inner) => (Some(Py::new(py, ValidLead { inner })?.into_any()), None),
                    Err(e) => (None, Some(lead_error(&e).into_value(py).into_any())),
                };
                Ok(Outcome {
                    line: line as u64,
                    lead,
                    error,
                })
            })
            .collect()
    }

    /// `"reject"`, `"strip"` or `"keep"`.
    #[getter]
    fn unknown_fields(&self) -> &'static str {
        match self.inner.unknown_fields() {
            UnknownFields::Strip => "strip",
            UnknownFields::Keep => "keep",
            _ => "reject",
        }
    }

    /// The allowed `(min, max)` length of a field, in characters.
    fn length(&self, field: &str) -> PyResult<(usize, usize)> {
        let field = LeadField::from_name(field).ok_or_else(|| {
            lead_error(&LeadError::Schema {
                field: "schema",
                message: "names a field the lead lacks",
            })
        })?;
        let length = self.inner.length(field);
        Ok((length.min, length.max))
    }

    /// The largest JSON lead read, in bytes.
    #[getter]
    fn max_json_bytes(&self) -> usize {
        self.inner.max_json_bytes()
    }

    fn __repr__(&self) -> String {
        format!("LeadSchema(unknown_fields={:?})", self.unknown_fields())
    }
}

impl LeadSchema {
    /// Validates a `dict` with its `str` keys and values lent to the core,
    /// not copied into JSON first. Other values are converted to JSON, so a
    /// value JSON cannot hold raises `TypeError` as for any mapping.
    fn validate_dict(
        &self,
        dict: &Bound<'_, PyDict>,
    ) -> PyResult<Result<core::ValidLead<'static>, LeadError>> {
        // Held first, so that converting a value (which may run Python code)
        // cannot change what is being read.
        let items: Vec<_> = dict.iter().collect();
        let mut failure = None;
        let fields = items
            .iter()
            .map_while(|(key, value)| match field(key, value) {
                Ok(field) => Some(field),
                Err(err) => {
                    failure = Some(err);
                    None
                }
            });
        let valid = self.inner.validate_fields(fields);
        match failure {
            Some(err) => Err(err),
            None => Ok(valid.map(core::ValidLead::into_owned)),
        }
    }
}

/// One `dict` item as a lead field, its text borrowed.
fn field<'a>(
    key: &'a Bound<'_, PyAny>,
    value: &'a Bound<'_, PyAny>,
) -> PyResult<(Cow<'a, str>, FieldValue<'a>)> {
    let key = key
        .cast::<PyString>()
        .map_err(|_| PyTypeError::new_err("lead keys must be str"))?
        .to_str()?;
    let value = if let Ok(text) = value.cast::<PyString>() {
        FieldValue::Text(Cow::Borrowed(text.to_str()?))
    } else if value.is_none() {
        FieldValue::Null
    } else {
        FieldValue::Other(to_json(value)?)
    };
    Ok((Cow::Borrowed(key), value))
}

#[pymethods]
impl ValidLead {
    #[getter]
    fn first_name(&self) -> &str {
        self.inner.first_name()
    }
    #[getter]
    fn last_name(&self) -> &str {
        self.inner.last_name()
    }
    #[getter]
    fn email(&self) -> &str {
        self.inner.email()
    }
    #[getter]
    fn phone(&self) -> Option<&str> {
        self.inner.phone()
    }
    #[getter]
    fn company(&self) -> &str {
        self.inner.company()
    }
    #[getter]
    fn title(&self) -> Option<&str> {
        self.inner.title()
    }
    #[getter]
    fn website(&self) -> Option<&str> {
        self.inner.website()
    }
    #[getter]
    fn country(&self) -> Option<&str> {
        self.inner.country()
    }
    #[getter]
    fn source(&self) -> Option<&str> {
        self.inner.source()
    }
    #[getter]
    fn source_id(&self) -> Option<&str> {
        self.inner.source_id()
    }

    /// Fields kept under `unknown_fields="keep"`.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let map: Map<String, Value> = self.inner.extra().clone().into_iter().collect();
        to_python(py, &Value::Object(map))
    }

    /// The normalised email, lower-cased whole: the key under which two
    /// leads are the same person.
    #[getter]
    fn dedupe_key(&self) -> String {
        self.inner.dedupe_key().into_owned()
    }

    /// The normalised lead as a dict; absent optional fields are left out.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value =
            serde_json::to_value(&self.inner).map_err(|e| PyTypeError::new_err(e.to_string()))?;
        to_python(py, &value)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<ValidLead>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    /// Names the fields present, never their values.
    fn __repr__(&self) -> String {
        let present: Vec<&str> = LeadField::ALL
            .into_iter()
            .filter(|f| self.inner.get(*f).is_some())
            .map(LeadField::as_str)
            .collect();
        format!("ValidLead(fields={present:?})")
    }
}

#[pymethods]
impl Lead {
    /// The lead dict of an Apollo.io person record; raises
    /// `LeadValidationError` (`lead.source_field_missing`, `.field`).
    #[staticmethod]
    fn from_apollo<'py>(
        py: Python<'py>,
        person: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let lead = core::Lead::from_apollo_person(&to_json(person)?);
        lead_to_python(py, &lead.map_err(|e| lead_error(&e))?)
    }

    /// The lead dict of a ZoomInfo contact record.
    #[staticmethod]
    fn from_zoominfo<'py>(
        py: Python<'py>,
        contact: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let lead = core::Lead::from_zoominfo_contact(&to_json(contact)?);
        lead_to_python(py, &lead.map_err(|e| lead_error(&e))?)
    }
}

#[pymethods]
impl CsvMapping {
    /// `columns` maps CSV headers to lead fields (others read from a column
    /// of their own name); `delimiter` is one ASCII character.
    #[new]
    #[pyo3(signature = (columns = None, *, keep_other_columns = false, delimiter = ","))]
    fn new(
        columns: Option<std::collections::BTreeMap<String, String>>,
        keep_other_columns: bool,
        delimiter: &str,
    ) -> PyResult<Self> {
        let schema_error = |message| {
            lead_error(&LeadError::Schema {
                field: "csv",
                message,
            })
        };
        let mut inner = core::CsvMapping::new();
        for (header, field) in columns.unwrap_or_default() {
            let field = LeadField::from_name(&field)
                .ok_or_else(|| schema_error("columns names a field the lead lacks"))?;
            inner = inner.column(header, field);
        }
        if keep_other_columns {
            inner = inner.keep_other_columns();
        }
        match delimiter.as_bytes() {
            [byte] if byte.is_ascii() => inner = inner.delimiter(*byte),
            _ => return Err(schema_error("delimiter must be one ASCII character")),
        }
        Ok(Self { inner })
    }

    /// Every row of `csv` (`str` or `bytes`) as an outcome whose `lead` is a
    /// dict; raises `LeadValidationError` when the header lacks a required
    /// column.
    fn read(&self, py: Python<'_>, csv: &Bound<'_, PyAny>) -> PyResult<Vec<Outcome>> {
        let rows = with_bytes(csv, |bytes| {
            self.inner
                .read(bytes)
                .map(|rows| rows.map(|r| (r.line, r.lead)).collect::<Vec<_>>())
        })?;
        rows.map_err(|e| lead_error(&e))?
            .into_iter()
            .map(|(line, lead)| {
                let (lead, error) = match lead {
                    Ok(lead) => (Some(lead_to_python(py, &lead)?.unbind()), None),
                    Err(e) => (None, Some(lead_error(&e).into_value(py).into_any())),
                };
                Ok(Outcome { line, lead, error })
            })
            .collect()
    }
}

/// Runs `f` over the bytes of a `str` (UTF-8) or `bytes` argument.
fn with_bytes<T>(value: &Bound<'_, PyAny>, f: impl FnOnce(&[u8]) -> T) -> PyResult<T> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(f(bytes.as_bytes()));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(f(text.to_str()?.as_bytes()));
    }
    Err(PyTypeError::new_err("expected str or bytes"))
}

fn lead_to_python<'py>(py: Python<'py>, lead: &core::Lead) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(lead).map_err(|e| PyTypeError::new_err(e.to_string()))?;
    to_python(py, &value)
}

/// A Python value made of dicts, lists, tuples, str, int, float, bool and
/// None as JSON; `TypeError` for anything else.
pub(crate) fn to_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Value::String(text.to_str()?.to_owned()));
    }
    if let Ok(flag) = value.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if let Ok(int) = value.cast::<PyInt>() {
        if let Ok(n) = int.extract::<i64>() {
            return Ok(Value::from(n));
        }
        return Ok(Value::from(int.extract::<u64>()?));
    }
    if let Ok(float) = value.cast::<PyFloat>() {
        return Number::from_f64(float.value())
            .map(Value::Number)
            .ok_or_else(|| PyTypeError::new_err("a float that is not finite is not JSON"));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let key = key
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err("lead keys must be str"))?;
            map.insert(key.to_str()?.to_owned(), to_json(&item)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(list) = value.cast::<PyList>() {
        return list.iter().map(|v| to_json(&v)).collect();
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return tuple.iter().map(|v| to_json(&v)).collect();
    }
    if let Ok(mapping) = value.cast::<pyo3::types::PyMapping>() {
        let dict = PyDict::new(value.py());
        dict.update(mapping)?;
        return to_json(dict.as_any());
    }
    Err(PyTypeError::new_err(format!(
        "{} is not a JSON type",
        value.get_type().name()?
    )))
}

/// A JSON value as dicts, lists, str, int, float, bool and None.
pub(crate) fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (_, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, to_python(py, item)?)?;
            }
            dict.into_any()
        }
    })
}
