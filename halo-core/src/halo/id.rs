//! Lenient decoding of Halo ids, which its schema sometimes types as
//! `number`: `12` and `12.0` both decode to `12`; `12.5`, strings and
//! negative zero-like oddities are rejected.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// The largest float that still represents every integer exactly (2^53).
const MAX_EXACT_FLOAT: f64 = 9_007_199_254_740_992.0;

/// Decodes an optional id: integer, integral float, or `null`.
pub(crate) fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(IdVisitor)
}

struct IdVisitor;

impl<'de> Visitor<'de> for IdVisitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer id")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom("id out of range"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.fract() != 0.0 || !v.is_finite() || v.abs() > MAX_EXACT_FLOAT {
            return Err(E::custom("id is not a whole number"));
        }
        #[allow(
            clippy::cast_possible_truncation,
            reason = "checked whole and within 2^53 above"
        )]
        Ok(Some(v as i64))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Reads an id from a JSON value leniently (used on raw replies).
pub(crate) fn from_value(value: &serde_json::Value) -> Option<i64> {
    if let Some(i) = value.as_i64() {
        return Some(i);
    }
    let f = value.as_f64()?;
    IdVisitor.visit_f64::<serde_json::Error>(f).ok().flatten()
}
