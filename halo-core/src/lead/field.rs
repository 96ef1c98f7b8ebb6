//! The names of a lead's fields.

use std::fmt;

/// The number of named lead fields.
pub(super) const FIELD_COUNT: usize = 10;

/// One named field of a [`Lead`](super::Lead), as spelt in JSON, CSV and
/// [`Violation::field`](super::Violation::field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum LeadField {
    /// `first_name` (required).
    FirstName,
    /// `last_name` (required).
    LastName,
    /// `email` (required).
    Email,
    /// `phone`.
    Phone,
    /// `company` (required).
    Company,
    /// `title`, the person's job title.
    Title,
    /// `website`, the company's web site.
    Website,
    /// `country`.
    Country,
    /// `source`, where the lead came from (`apollo`, `zoominfo`, a form name).
    Source,
    /// `source_id`, the lead's id at its source.
    SourceId,
}

impl LeadField {
    /// Every field, in the order violations are reported.
    pub const ALL: [LeadField; FIELD_COUNT] = [
        Self::FirstName,
        Self::LastName,
        Self::Email,
        Self::Phone,
        Self::Company,
        Self::Title,
        Self::Website,
        Self::Country,
        Self::Source,
        Self::SourceId,
    ];

    /// The field's name: `first_name`, `email`, `source_id`, ….
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Company => "company",
            Self::Title => "title",
            Self::Website => "website",
            Self::Country => "country",
            Self::Source => "source",
            Self::SourceId => "source_id",
        }
    }

    /// The field with this exact name, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// Whether a lead must have this field: `first_name`, `last_name`,
    /// `email` and `company`, as in the guide's schema.
    pub const fn is_required(self) -> bool {
        matches!(
            self,
            Self::FirstName | Self::LastName | Self::Email | Self::Company
        )
    }

    pub(super) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for LeadField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
