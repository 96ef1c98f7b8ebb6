//! Calendar periods as the guide writes them: `"7_years"`, `"90_days"`.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A length of calendar time: a count of days, weeks, months or years.
///
/// Written `"<count>_<unit>"` (`"7_years"`, `"1_month"`, `"90_days"`); the
/// unit may be singular or plural. A bare number in the document means days.
/// Months and years are calendar units, so their length in days depends on
/// where they start; [`Period::min_days`] gives a safe lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    count: u32,
    unit: PeriodUnit,
}

/// The unit of a [`Period`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PeriodUnit {
    /// Days of 24 hours.
    Days,
    /// Weeks of 7 days.
    Weeks,
    /// Calendar months.
    Months,
    /// Calendar years.
    Years,
}

impl Period {
    /// The largest count accepted for any unit: no period may exceed 100
    /// years, and this many days is that bound.
    pub const MAX_COUNT: u64 = 36_525;

    /// A period of `count` units, or `None` when it is zero or longer than
    /// 100 years.
    pub fn new(count: u32, unit: PeriodUnit) -> Option<Self> {
        let limit = match unit {
            PeriodUnit::Days => Self::MAX_COUNT,
            PeriodUnit::Weeks => Self::MAX_COUNT / 7,
            PeriodUnit::Months => 1_200,
            PeriodUnit::Years => 100,
        };
        (count >= 1 && u64::from(count) <= limit).then_some(Self { count, unit })
    }

    /// A period of `count` days.
    pub fn days(count: u32) -> Option<Self> {
        Self::new(count, PeriodUnit::Days)
    }

    /// A period of `count` years.
    pub fn years(count: u32) -> Option<Self> {
        Self::new(count, PeriodUnit::Years)
    }

    /// How many units.
    pub fn count(self) -> u32 {
        self.count
    }

    /// Which unit.
    pub fn unit(self) -> PeriodUnit {
        self.unit
    }

    /// The fewest days this period can last, wherever it starts (a month is at
    /// least 28 days, a year at least 365).
    pub fn min_days(self) -> u64 {
        let per_unit = match self.unit {
            PeriodUnit::Days => 1,
            PeriodUnit::Weeks => 7,
            PeriodUnit::Months => 28,
            PeriodUnit::Years => 365,
        };
        u64::from(self.count) * per_unit
    }

    // INVARIANT: only called with counts that `new` accepted.
    pub(crate) const fn fixed(count: u32, unit: PeriodUnit) -> Self {
        Self { count, unit }
    }
}

impl PeriodUnit {
    fn name(self, count: u32) -> &'static str {
        match (self, count == 1) {
            (Self::Days, true) => "day",
            (Self::Days, false) => "days",
            (Self::Weeks, true) => "week",
            (Self::Weeks, false) => "weeks",
            (Self::Months, true) => "month",
            (Self::Months, false) => "months",
            (Self::Years, true) => "year",
            (Self::Years, false) => "years",
        }
    }
}

impl FromStr for Period {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (count, unit) = text.split_once('_').ok_or("not a period")?;
        if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
            return Err("not a period");
        }
        let unit = match unit {
            "day" | "days" => PeriodUnit::Days,
            "week" | "weeks" => PeriodUnit::Weeks,
            "month" | "months" => PeriodUnit::Months,
            "year" | "years" => PeriodUnit::Years,
            _ => return Err("unknown period unit"),
        };
        let count = count
            .parse::<u32>()
            .map_err(|_| "period is longer than 100 years")?;
        Self::new(count, unit).ok_or("period must be at least 1 and at most 100 years")
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.count, self.unit.name(self.count))
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_guide_spellings() {
        assert_eq!("7_years".parse(), Ok(Period::fixed(7, PeriodUnit::Years)));
        assert_eq!("10_years".parse(), Ok(Period::fixed(10, PeriodUnit::Years)));
        assert_eq!("1_month".parse(), Ok(Period::fixed(1, PeriodUnit::Months)));
        assert_eq!("90_days".parse(), Ok(Period::fixed(90, PeriodUnit::Days)));
    }

    #[test]
    fn rejects_malformed_and_out_of_range() {
        for bad in [
            "7years",
            "_years",
            "7_",
            "-1_years",
            "0_days",
            "101_years",
            "7_decades",
            "x_days",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn display_round_trips() {
        for text in ["1_year", "6_years", "2_weeks", "1_day", "13_months"] {
            let period: Period = text.parse().unwrap();
            assert_eq!(period.to_string(), text);
        }
    }

    #[test]
    fn min_days_is_a_lower_bound() {
        assert_eq!(Period::years(1).unwrap().min_days(), 365);
        assert_eq!(Period::new(2, PeriodUnit::Months).unwrap().min_days(), 56);
    }
}
