//! Why a lead could not be read, mapped or validated.

use std::borrow::Cow;

use super::violation::{Violation, Violations};

/// Why a lead could not be read, mapped or validated. No variant holds a
/// value from the lead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LeadError {
    /// The lead was read but breaks the schema; every violation is listed.
    #[error("{0}")]
    Invalid(#[from] Violations),
    /// The JSON text is longer than the schema allows.
    #[error("lead is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The text is not well-formed JSON.
    #[error("lead is not valid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong, without the text's content.
        message: &'static str,
    },
    /// The JSON is well formed but not an object.
    #[error("lead must be a JSON object")]
    NotAnObject,
    /// A source record lacks a field the lead needs, or has it blank.
    #[error("{provider} record has no usable `{field}`")]
    SourceFieldMissing {
        /// The source: `apollo`, `zoominfo` or `csv`.
        provider: &'static str,
        /// The source's name for the field (`organization.name`, a CSV
        /// header).
        field: Cow<'static, str>,
    },
    /// A source record has a field of an unexpected JSON type.
    #[error("{provider} record field `{field}` has the wrong type")]
    SourceFieldType {
        /// The source: `apollo` or `zoominfo`.
        provider: &'static str,
        /// The source's name for the field.
        field: Cow<'static, str>,
    },
    /// CSV input could not be read.
    #[error("csv input cannot be read at line {line}")]
    Csv {
        /// 1-based line where reading failed (0 when unknown).
        line: u64,
        /// The CSV reader's error; it names positions, not cell contents.
        #[source]
        source: csv::Error,
    },
    /// A schema setting is out of range.
    #[error("invalid lead schema: `{field}` {message}")]
    Schema {
        /// The field whose setting is wrong.
        field: &'static str,
        /// What is wrong.
        message: &'static str,
    },
}

impl LeadError {
    /// The stable code of this error, shared by every language binding:
    /// `lead.invalid`, `lead.too_large`, `lead.syntax`, `lead.not_object`,
    /// `lead.source_field_missing`, `lead.source_field_type`, `lead.csv` or
    /// `lead.schema_invalid`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "lead.invalid",
            Self::TooLarge { .. } => "lead.too_large",
            Self::Syntax { .. } => "lead.syntax",
            Self::NotAnObject => "lead.not_object",
            Self::SourceFieldMissing { .. } => "lead.source_field_missing",
            Self::SourceFieldType { .. } => "lead.source_field_type",
            Self::Csv { .. } => "lead.csv",
            Self::Schema { .. } => "lead.schema_invalid",
        }
    }

    /// The violations of an [`Invalid`](Self::Invalid) lead; empty for the
    /// other variants.
    pub fn violations(&self) -> &[Violation] {
        match self {
            Self::Invalid(violations) => violations.as_slice(),
            _ => &[],
        }
    }
}
