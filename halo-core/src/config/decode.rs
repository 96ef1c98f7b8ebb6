//! A strict reader over a parsed JSON document that records every problem it
//! meets, with its path, and keeps going with defaults so that one load
//! reports all of them.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use ipnet::IpNet;
use serde_json::{Map, Value};
use url::Url;

use super::error::{Problem, ProblemKind};
use super::period::Period;
use crate::secret::SecretRef;

/// A string setting with a fixed set of spellings.
pub(crate) trait Choice: Sized + Copy + 'static {
    /// Every accepted spelling and its value.
    const ALL: &'static [(&'static str, Self)];
}

/// Collects problems while a document is read.
#[derive(Debug, Default)]
pub(crate) struct Decoder {
    pub(crate) problems: Vec<Problem>,
}

/// One JSON object being read. Every key asked for is recorded, so that
/// [`Obj::finish`] can report the keys nobody asked for, with suggestions.
pub(crate) struct Obj<'a> {
    decoder: &'a mut Decoder,
    map: Option<&'a Map<String, Value>>,
    path: String,
    known: Vec<&'static str>,
}

impl Decoder {
    /// Starts reading `value` at `path`; a non-object is reported and read as
    /// an empty object.
    pub(crate) fn object<'a>(&'a mut self, value: &'a Value, path: &str) -> Obj<'a> {
        let map = match value {
            Value::Object(map) => Some(map),
            _ => {
                self.report(path, ProblemKind::WrongType, "expected an object");
                None
            }
        };
        Obj {
            decoder: self,
            map,
            path: path.to_owned(),
            known: Vec::new(),
        }
    }

    pub(crate) fn report(&mut self, path: &str, kind: ProblemKind, message: impl Into<String>) {
        self.problems.push(Problem::new(path, kind, message));
    }

    fn report_hint(&mut self, path: &str, kind: ProblemKind, message: &str, hint: String) {
        self.problems
            .push(Problem::new(path, kind, message).with_hint(hint));
    }
}

impl<'a> Obj<'a> {
    /// The path of `key` inside this object.
    pub(crate) fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// Reports a problem about this object as a whole.
    pub(crate) fn report(&mut self, kind: ProblemKind, message: impl Into<String>) {
        let path = self.path.clone();
        self.decoder.report(&path, kind, message);
    }

    /// Reports a problem about `key` of this object.
    pub(crate) fn report_at(&mut self, key: &str, kind: ProblemKind, message: impl Into<String>) {
        let path = self.path_of(key);
        self.decoder.report(&path, kind, message);
    }

    /// Reports a problem about `key` of this object, with a hint.
    pub(crate) fn report_hint_at(
        &mut self,
        key: &str,
        kind: ProblemKind,
        message: &str,
        hint: String,
    ) {
        let path = self.path_of(key);
        self.decoder.report_hint(&path, kind, message, hint);
    }

    /// Reports a problem about `key` of this object, with a hint if there is one.
    pub(crate) fn report_maybe_hint_at(
        &mut self,
        key: &str,
        kind: ProblemKind,
        message: &str,
        hint: Option<String>,
    ) {
        match hint {
            Some(hint) => self.report_hint_at(key, kind, message, hint),
            None => self.report_at(key, kind, message),
        }
    }

    /// Runs `f` with the decoder, to read values that are not plain fields.
    pub(crate) fn with_decoder<T>(&mut self, f: impl FnOnce(&mut Decoder) -> T) -> T {
        f(self.decoder)
    }

    /// The raw value of `key`, marking the key as known. JSON `null` counts as
    /// absent.
    pub(crate) fn raw(&mut self, key: &'static str) -> Option<&'a Value> {
        self.known.push(key);
        self.map.and_then(|m| m.get(key)).filter(|v| !v.is_null())
    }

    /// Whether `key` is present (and not `null`), marking it as known.
    pub(crate) fn has(&mut self, key: &'static str) -> bool {
        self.raw(key).is_some()
    }

    /// Whether `key` holds an empty list in the document itself (rather than
    /// a list whose every entry was refused).
    pub(crate) fn is_empty_list(&mut self, key: &'static str) -> bool {
        matches!(self.raw(key), Some(Value::Array(items)) if items.is_empty())
    }

    /// A nested object read by `read`, or `default()` when absent.
    pub(crate) fn section<T>(
        &mut self,
        key: &'static str,
        default: impl FnOnce() -> T,
        read: impl FnOnce(&mut Obj<'_>) -> T,
    ) -> T {
        match self.raw(key) {
            None => default(),
            Some(value) => {
                let path = self.path_of(key);
                let mut child = self.decoder.object(value, &path);
                let result = read(&mut child);
                child.finish();
                result
            }
        }
    }

    /// An optional nested object.
    pub(crate) fn optional_section<T>(
        &mut self,
        key: &'static str,
        read: impl FnOnce(&mut Obj<'_>) -> T,
    ) -> Option<T> {
        self.section(key, || None, |o| Some(read(o)))
    }

    /// An object whose keys are names chosen by the user and whose values are
    /// objects read by `read` (given the entry's name).
    pub(crate) fn named_sections<T>(
        &mut self,
        key: &'static str,
        default: impl FnOnce() -> BTreeMap<String, T>,
        mut read: impl FnMut(&str, &mut Obj<'_>) -> T,
    ) -> BTreeMap<String, T> {
        self.named_entries(key, default, |decoder, name, path, value| {
            let mut child = decoder.object(value, path);
            let item = read(name, &mut child);
            child.finish();
            Some(item)
        })
    }

    /// An object whose keys are names chosen by the user, each value read by
    /// `read` from the raw JSON value at its path.
    pub(crate) fn named_values<T>(
        &mut self,
        key: &'static str,
        default: impl FnOnce() -> BTreeMap<String, T>,
        mut read: impl FnMut(&mut Decoder, &str, &Value) -> Option<T>,
    ) -> BTreeMap<String, T> {
        self.named_entries(key, default, |decoder, _, path, value| {
            read(decoder, path, value)
        })
    }

    /// The entries of the object at `key`, each read by `read` given its
    /// name and path; empty names are refused.
    fn named_entries<T>(
        &mut self,
        key: &'static str,
        default: impl FnOnce() -> BTreeMap<String, T>,
        mut read: impl FnMut(&mut Decoder, &str, &str, &Value) -> Option<T>,
    ) -> BTreeMap<String, T> {
        let Some(value) = self.raw(key) else {
            return default();
        };
        let path = self.path_of(key);
        let Some(map) = value.as_object() else {
            self.decoder
                .report(&path, ProblemKind::WrongType, "expected an object");
            return default();
        };

        let mut out = BTreeMap::new();
        for (name, entry) in map {
            let entry_path = join(&path, name);
            if name.trim().is_empty() {
                self.decoder
                    .report(&entry_path, ProblemKind::InvalidValue, "name is empty");
            } else if let Some(item) = read(self.decoder, name, &entry_path, entry) {
                out.insert(name.clone(), item);
            }
        }
        out
    }

    /// A boolean, or `default` when absent.
    pub(crate) fn bool(&mut self, key: &'static str, default: bool) -> bool {
        match self.raw(key) {
            None => default,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.report_at(key, ProblemKind::WrongType, "expected `true` or `false`");
                default
            }
        }
    }

    /// A whole number within `range`, or `default` when absent.
    pub(crate) fn uint(
        &mut self,
        key: &'static str,
        range: RangeInclusive<u64>,
        default: u64,
    ) -> u64 {
        self.optional_uint(key, range).unwrap_or(default)
    }

    /// A whole number within `range` (which must fit in `u32`), or `default`
    /// when absent.
    pub(crate) fn u32(
        &mut self,
        key: &'static str,
        range: RangeInclusive<u32>,
        default: u32,
    ) -> u32 {
        let wide = u64::from(*range.start())..=u64::from(*range.end());
        self.optional_uint(key, wide)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(default)
    }

    /// An optional whole number within `range`.
    pub(crate) fn optional_uint(
        &mut self,
        key: &'static str,
        range: RangeInclusive<u64>,
    ) -> Option<u64> {
        let value = self.raw(key)?;
        let path = self.path_of(key);
        read_uint(self.decoder, &path, value, range)
    }

    /// A non-empty string, or `None` when absent.
    pub(crate) fn string(&mut self, key: &'static str) -> Option<String> {
        let value = self.raw(key)?;
        let path = self.path_of(key);
        read_string(self.decoder, &path, value)
    }

    /// A non-empty string, or `default` when absent.
    pub(crate) fn string_or(&mut self, key: &'static str, default: &str) -> String {
        self.string(key).unwrap_or_else(|| default.to_owned())
    }

    /// A required non-empty string; absence is reported.
    pub(crate) fn required_string(&mut self, key: &'static str) -> Option<String> {
        if !self.has(key) {
            self.report_at(key, ProblemKind::MissingField, "required field is missing");
            return None;
        }
        self.string(key)
    }

    /// A list of non-empty strings, or `default` when absent.
    pub(crate) fn strings(&mut self, key: &'static str, default: &[&str]) -> Vec<String> {
        let Some(value) = self.raw(key) else {
            return default.iter().map(|s| (*s).to_owned()).collect();
        };
        let path = self.path_of(key);
        read_list(self.decoder, &path, value, read_string)
    }

    /// One of the spellings of `T`, or `default` when absent.
    pub(crate) fn choice<T: Choice>(&mut self, key: &'static str, default: T) -> T {
        let Some(value) = self.raw(key) else {
            return default;
        };
        let path = self.path_of(key);
        read_choice(self.decoder, &path, value).unwrap_or(default)
    }

    /// One of the spellings of `T`, or `None` when absent or refused.
    pub(crate) fn optional_choice<T: Choice>(&mut self, key: &'static str) -> Option<T> {
        let value = self.raw(key)?;
        let path = self.path_of(key);
        read_choice(self.decoder, &path, value)
    }

    /// A list of spellings of `T` without repeats, or `default` when absent.
    pub(crate) fn choices<T: Choice + PartialEq>(
        &mut self,
        key: &'static str,
        default: &[T],
    ) -> Vec<T> {
        let Some(value) = self.raw(key) else {
            return default.to_vec();
        };
        let path = self.path_of(key);
        let items: Vec<T> = read_list(self.decoder, &path, value, read_choice);

        let mut unique = Vec::with_capacity(items.len());
        for item in items {
            if unique.contains(&item) {
                self.decoder
                    .report(&path, ProblemKind::InvalidValue, "a value is listed twice");
            } else {
                unique.push(item);
            }
        }
        unique
    }

    /// An optional secret reference.
    pub(crate) fn secret(&mut self, key: &'static str) -> Option<SecretRef> {
        let value = self.raw(key)?;
        let path = self.path_of(key);
        read_secret(self.decoder, &path, value)
    }

    /// A required secret reference; absence is reported.
    pub(crate) fn required_secret(&mut self, key: &'static str) -> Option<SecretRef> {
        if !self.has(key) {
            self.report_at(key, ProblemKind::MissingField, "required field is missing");
            return None;
        }
        self.secret(key)
    }

    /// One secret reference or a list of them (for rotation); empty when
    /// absent.
    pub(crate) fn secrets(&mut self, key: &'static str) -> Vec<SecretRef> {
        let Some(value) = self.raw(key) else {
            return Vec::new();
        };
        let path = self.path_of(key);
        match value {
            Value::Array(_) => read_list(self.decoder, &path, value, read_secret),
            _ => read_secret(self.decoder, &path, value)
                .into_iter()
                .collect(),
        }
    }

    /// A list of IP networks in CIDR notation (a bare address is a network of
    /// one), or empty when absent.
    pub(crate) fn networks(&mut self, key: &'static str) -> Vec<IpNet> {
        let Some(value) = self.raw(key) else {
            return Vec::new();
        };
        let path = self.path_of(key);
        read_list(self.decoder, &path, value, read_network)
    }

    /// An optional absolute `http` or `https` URL.
    pub(crate) fn url(&mut self, key: &'static str) -> Option<Url> {
        let text = self.string(key)?;
        match Url::parse(&text) {
            Ok(url) if matches!(url.scheme(), "https" | "http") && url.has_host() => Some(url),
            _ => {
                let hint = "write an absolute `https://` URL".to_owned();
                let path = self.path_of(key);
                self.decoder
                    .report_hint(&path, ProblemKind::InvalidValue, "not a valid URL", hint);
                None
            }
        }
    }

    /// A period such as `"7_years"`, or `default` when absent.
    pub(crate) fn period(&mut self, key: &'static str, default: Period) -> Period {
        let Some(value) = self.raw(key) else {
            return default;
        };
        let path = self.path_of(key);
        read_period(self.decoder, &path, value).unwrap_or(default)
    }

    /// Reports every key that no reader asked for, with a "did you mean" hint
    /// for near misses.
    pub(crate) fn finish(self) {
        let Some(map) = self.map else { return };
        for key in map.keys() {
            if self.known.contains(&key.as_str()) {
                continue;
            }
            let path = join(&self.path, key);
            let hint = suggest(key, &self.known);
            let problem = Problem::new(&path, ProblemKind::UnknownField, "unknown field");
            self.decoder.problems.push(match hint {
                Some(hint) => problem.with_hint(hint),
                None => problem,
            });
        }
    }
}

/// Reads a whole number within `range`.
pub(crate) fn read_uint(
    decoder: &mut Decoder,
    path: &str,
    value: &Value,
    range: RangeInclusive<u64>,
) -> Option<u64> {
    let Some(n) = value.as_u64() else {
        decoder.report(path, ProblemKind::WrongType, "expected a whole number");
        return None;
    };
    if !range.contains(&n) {
        let message = format!("must be between {} and {}", range.start(), range.end());
        decoder.report(path, ProblemKind::OutOfRange, message);
        return None;
    }
    Some(n)
}

fn read_string(decoder: &mut Decoder, path: &str, value: &Value) -> Option<String> {
    match value {
        Value::String(s) if s.trim().is_empty() => {
            decoder.report(path, ProblemKind::InvalidValue, "must not be empty");
            None
        }
        Value::String(s) => Some(s.clone()),
        _ => {
            decoder.report(path, ProblemKind::WrongType, "expected a string");
            None
        }
    }
}

fn read_list<T>(
    decoder: &mut Decoder,
    path: &str,
    value: &Value,
    mut read: impl FnMut(&mut Decoder, &str, &Value) -> Option<T>,
) -> Vec<T> {
    let Value::Array(items) = value else {
        decoder.report(path, ProblemKind::WrongType, "expected a list");
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| read(decoder, &format!("{path}[{i}]"), item))
        .collect()
}

fn read_choice<T: Choice>(decoder: &mut Decoder, path: &str, value: &Value) -> Option<T> {
    let Value::String(text) = value else {
        decoder.report(path, ProblemKind::WrongType, "expected a string");
        return None;
    };
    if let Some((_, v)) = T::ALL.iter().find(|(name, _)| name == text) {
        return Some(*v);
    }
    let names: Vec<&str> = T::ALL.iter().map(|(name, _)| *name).collect();
    let hint = suggest(text, &names).unwrap_or_else(|| format!("expected one of {}", list(&names)));
    decoder.report_hint(path, ProblemKind::InvalidValue, "unsupported value", hint);
    None
}

pub(crate) fn read_secret(decoder: &mut Decoder, path: &str, value: &Value) -> Option<SecretRef> {
    let hint = || r#"write {"env": "NAME"} or {"file": "/path"}"#.to_owned();
    let Value::Object(map) = value else {
        // The value is not echoed: it may be a pasted secret.
        let message = "expected a secret reference, not a value";
        decoder.report_hint(path, ProblemKind::WrongType, message, hint());
        return None;
    };
    let mut entries = map.iter();
    let (Some((kind, inner)), None) = (entries.next(), entries.next()) else {
        let message = "a secret reference has exactly one of `env`, `file`, `inline`";
        decoder.report_hint(path, ProblemKind::InvalidValue, message, hint());
        return None;
    };

    let inner_path = join(path, kind);
    let text = read_string(decoder, &inner_path, inner)?;
    match kind.as_str() {
        "env" => Some(SecretRef::env(text)),
        "file" => Some(SecretRef::file(text)),
        "inline" => Some(SecretRef::inline(text)),
        _ => {
            let hint = suggest(kind, &["env", "file", "inline"]).unwrap_or_else(hint);
            decoder.report_hint(
                &inner_path,
                ProblemKind::UnknownField,
                "unknown field",
                hint,
            );
            None
        }
    }
}

fn read_network(decoder: &mut Decoder, path: &str, value: &Value) -> Option<IpNet> {
    let text = read_string(decoder, path, value)?;
    let text = text.trim();
    if let Ok(net) = text.parse::<IpNet>() {
        return Some(net);
    }
    if let Ok(addr) = text.parse::<std::net::IpAddr>() {
        return Some(IpNet::from(addr));
    }
    let hint = "write a network such as `192.0.2.0/24` or `2001:db8::/32`".to_owned();
    decoder.report_hint(path, ProblemKind::InvalidValue, "not an IP network", hint);
    None
}

pub(crate) fn read_period(decoder: &mut Decoder, path: &str, value: &Value) -> Option<Period> {
    match value {
        Value::String(text) => match text.parse::<Period>() {
            Ok(period) => Some(period),
            Err(message) => {
                let hint = "write a count and a unit, such as `7_years` or `90_days`".to_owned();
                decoder.report_hint(path, ProblemKind::InvalidValue, message, hint);
                None
            }
        },
        Value::Number(_) => read_uint(decoder, path, value, 1..=Period::MAX_COUNT)
            .and_then(|days| Period::days(u32::try_from(days).ok()?)),
        _ => {
            decoder.report(
                path,
                ProblemKind::WrongType,
                "expected a period such as `7_years`",
            );
            None
        }
    }
}

/// The known name closest to `given`, as a hint, when it is close enough to
/// be a typo.
pub(crate) fn suggest(given: &str, known: &[&str]) -> Option<String> {
    let limit = (given.chars().count() / 3).clamp(1, 3);
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(given, k), *k))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| format!("did you mean `{name}`?"))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
