//! Writing durations back in the unit their JSON key names.
//!
//! Loading only produces whole units, so these round-trip exactly. A duration
//! set from code that is not a whole number of units is written rounded up.

use std::time::Duration;

use serde::Serializer;

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

fn whole_units<S: Serializer>(d: &Duration, unit_secs: u64, s: S) -> Result<S::Ok, S::Error> {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    s.serialize_u64(secs.div_ceil(unit_secs))
}

pub(crate) fn seconds<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    whole_units(d, 1, s)
}

pub(crate) fn hours<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    whole_units(d, HOUR, s)
}

pub(crate) fn days<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    whole_units(d, DAY, s)
}

pub(crate) fn optional_minutes<S: Serializer>(
    d: &Option<Duration>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => whole_units(d, MINUTE, s),
        None => s.serialize_none(),
    }
}

pub(crate) const fn from_minutes(n: u64) -> Duration {
    Duration::from_secs(n * MINUTE)
}

pub(crate) const fn from_hours(n: u64) -> Duration {
    Duration::from_secs(n * HOUR)
}

pub(crate) const fn from_days(n: u64) -> Duration {
    Duration::from_secs(n * DAY)
}
