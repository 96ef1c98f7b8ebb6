//! Decoding Halo's replies: lists, objects, upsert replies and error bodies.
//!
//! These functions are pure (no HTTP) so they can be fuzzed and reused. They
//! accept every shape the reference clients have seen:
//!
//! - lists as `{"record_count": N, "<key>": [...]}` under any of the
//!   resource's keys, or as a bare array;
//! - upsert replies as one object or an array of objects;
//! - errors as `{resultCode, errorMessage}`, `{ClassName, Message}`,
//!   `{message}`, `{error, error_description}` or plain text, also when they
//!   arrive with HTTP 200.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::{HaloError, bounded};

/// One page of a list reply.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage<T> {
    /// The rows of this page.
    pub rows: Vec<T>,
    /// Halo's `record_count`: the total number of matching records, when sent.
    pub record_count: Option<u64>,
}

/// Decodes a list reply whose rows sit under one of `keys` (or form a bare
/// array).
pub fn decode_list<T: DeserializeOwned>(
    route: &str,
    keys: &[&str],
    body: &[u8],
) -> Result<ListPage<T>, HaloError> {
    let value = parse(body)?;
    let (rows, record_count) = match value {
        Value::Array(rows) => (rows, None),
        Value::Object(mut object) => {
            let record_count = object.get("record_count").and_then(Value::as_f64);
            let found = keys.iter().find_map(|k| match object.remove(*k) {
                Some(Value::Array(rows)) => Some(rows),
                _ => None,
            });
            match found {
                Some(rows) => (rows, record_count),
                None if record_count == Some(0.0) => (Vec::new(), record_count),
                None => return Err(unexpected(route, &object, "reply has no list of records")),
            }
        }
        _ => {
            return Err(HaloError::Decode {
                reason: "list reply is not an object".into(),
            });
        }
    };
    let rows = rows.into_iter().map(row).collect::<Result<Vec<T>, _>>()?;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "count clamped"
    )]
    let record_count = record_count.map(|c| c.clamp(0.0, u64::MAX as f64) as u64);
    Ok(ListPage { rows, record_count })
}

/// Decodes a single object (a GET by id).
pub fn decode_object<T: DeserializeOwned>(route: &str, body: &[u8]) -> Result<T, HaloError> {
    match parse(body)? {
        Value::Object(object) => {
            if let Some(message) = body_error(&object) {
                return Err(api_200(route, message));
            }
            row(Value::Object(object))
        }
        _ => Err(HaloError::Decode {
            reason: "reply is not an object".into(),
        }),
    }
}

/// Decodes an upsert reply: one object or an array of objects.
pub fn decode_upsert<T: DeserializeOwned>(route: &str, body: &[u8]) -> Result<Vec<T>, HaloError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    match parse(body)? {
        Value::Array(rows) => rows.into_iter().map(row).collect(),
        Value::Object(object) => {
            if let Some(message) = body_error(&object) {
                return Err(api_200(route, message));
            }
            Ok(vec![row(Value::Object(object))?])
        }
        _ => Err(HaloError::Decode {
            reason: "upsert reply is not an object or array".into(),
        }),
    }
}

/// The message of an error body, in any of Halo's shapes or as plain text.
/// `None` when the body says nothing useful (empty, or an HTML page).
pub fn error_message(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => body_error(&object),
        Ok(Value::String(text)) => non_empty(&text),
        Ok(_) => None,
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            if text.trim_start().starts_with('<') {
                None
            } else {
                non_empty(&text)
            }
        }
    }
}

/// The error an object reports, when it is an error rather than a record.
pub(crate) fn body_error(object: &Map<String, Value>) -> Option<String> {
    if object.contains_key("id") {
        return None;
    }
    let text = |key: &str| object.get(key).and_then(Value::as_str).and_then(non_empty);
    if let Some(message) = text("errorMessage") {
        return Some(message);
    }
    if let Some(code) = object
        .get("resultCode")
        .and_then(Value::as_i64)
        .filter(|c| *c != 0)
    {
        return Some(format!("result code {code}"));
    }
    if object.contains_key("ClassName") {
        return Some(text("Message").unwrap_or_else(|| "unspecified error".into()));
    }
    if let Some(description) = text("error_description") {
        return Some(description);
    }
    match object.get("error") {
        Some(Value::String(e)) => return non_empty(e),
        Some(Value::Object(inner)) => return body_error(inner),
        _ => {}
    }
    text("message").or_else(|| text("Message"))
}

fn parse(body: &[u8]) -> Result<Value, HaloError> {
    serde_json::from_slice(body).map_err(|e| HaloError::decode(&e))
}

fn row<T: DeserializeOwned>(value: Value) -> Result<T, HaloError> {
    serde_json::from_value(value).map_err(|e| HaloError::decode(&e))
}

fn unexpected(route: &str, object: &Map<String, Value>, reason: &str) -> HaloError {
    match body_error(object) {
        Some(message) => api_200(route, message),
        None => HaloError::Decode {
            reason: reason.into(),
        },
    }
}

fn api_200(route: &str, message: String) -> HaloError {
    HaloError::Api {
        status: 200,
        route: route.to_owned(),
        message,
    }
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| bounded(text))
}

/// Reads an id leniently: an integer or a whole float (`12.0`), as Halo
/// types some ids `number`.
pub fn lenient_id(value: &Value) -> Option<i64> {
    super::id::from_value(value)
}
