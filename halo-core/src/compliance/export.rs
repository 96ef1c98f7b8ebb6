//! A data subject's data as a JSON or CSV document, for access and
//! portability requests.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::ComplianceError;
use super::consent::{ConsentAction, ConsentEvent, ConsentLedger};
use super::flatten::{flatten, neutralise_cell};
use crate::config::{Config, ExportFormat};

/// The CSV columns of a consent change, in order.
const CONSENT_COLUMNS: [&str; 4] = [
    "consent.purpose",
    "consent.action",
    "consent.at",
    "consent.source",
];

/// Writes a [`SubjectCopy`] in one of the formats the configuration allows.
///
/// See the [module docs](super#exports) for both layouts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exporter {
    enabled: bool,
    formats: Vec<ExportFormat>,
}

/// Everything handed to one data subject: their records and their consent
/// history. Its `Debug` shows only counts, never the records.
#[derive(Clone, PartialEq)]
pub struct SubjectCopy {
    subject: String,
    records: Vec<Value>,
    consent: Vec<ConsentEvent>,
}

/// The JSON layout.
#[derive(Serialize)]
struct JsonExport<'a> {
    subject: &'a str,
    records: &'a [Value],
    consent: Vec<JsonConsent<'a>>,
}

#[derive(Serialize)]
struct JsonConsent<'a> {
    purpose: &'a str,
    action: ConsentAction,
    at: jiff::Timestamp,
    source: &'a str,
}

impl Exporter {
    /// The exporter of `compliance.gdpr.data_portability`: `enabled`
    /// (default true) and `formats` (default `json` and `csv`).
    pub fn from_config(config: &Config) -> Self {
        let portability = &config.compliance.gdpr.data_portability;
        Self {
            enabled: portability.enabled,
            formats: portability.formats.clone(),
        }
    }

    /// An enabled exporter for `formats`.
    pub fn new(formats: impl IntoIterator<Item = ExportFormat>) -> Self {
        Self {
            enabled: true,
            formats: formats.into_iter().collect(),
        }
    }

    /// Whether exports are enabled at all.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The formats allowed.
    pub fn formats(&self) -> &[ExportFormat] {
        &self.formats
    }

    /// `copy` as a document in `format`. Fails with
    /// `compliance.portability_disabled` when exports are disabled,
    /// `compliance.format_disabled` when `format` is not allowed, and
    /// `compliance.column_collision` when two fields of one record flatten
    /// to the same CSV column.
    pub fn export(
        &self,
        copy: &SubjectCopy,
        format: ExportFormat,
    ) -> Result<String, ComplianceError> {
        if !self.enabled {
            return Err(ComplianceError::PortabilityDisabled);
        }
        if !self.formats.contains(&format) {
            return Err(ComplianceError::FormatDisabled {
                format: format.as_str(),
            });
        }
        let document = match format {
            ExportFormat::Csv => to_csv(copy),
            ExportFormat::Json => to_json(copy),
        }?;
        tracing::debug!(
            format = format.as_str(),
            records = copy.records.len(),
            consent_changes = copy.consent.len(),
            bytes = document.len(),
            "subject export written"
        );
        Ok(document)
    }
}

impl SubjectCopy {
    /// The copy for `subject` (the id the export names) with `records`, and
    /// no consent history.
    pub fn new(subject: impl Into<String>, records: impl IntoIterator<Item = Value>) -> Self {
        Self {
            subject: subject.into(),
            records: records.into_iter().collect(),
            consent: Vec::new(),
        }
    }

    /// The copy for `subject` with `records` and the subject's whole history
    /// in `ledger`.
    pub fn from_ledger(
        ledger: &ConsentLedger,
        subject: impl Into<String>,
        records: impl IntoIterator<Item = Value>,
    ) -> Self {
        let copy = Self::new(subject, records);
        let history = ledger.history(&copy.subject).to_vec();
        copy.with_consent(history)
    }

    /// Replaces the consent history.
    pub fn with_consent(mut self, consent: impl IntoIterator<Item = ConsentEvent>) -> Self {
        self.consent = consent.into_iter().collect();
        self
    }

    /// The subject id.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The records.
    pub fn records(&self) -> &[Value] {
        &self.records
    }

    /// The consent history.
    pub fn consent(&self) -> &[ConsentEvent] {
        &self.consent
    }
}

fn to_json(copy: &SubjectCopy) -> Result<String, ComplianceError> {
    let consent = copy
        .consent
        .iter()
        .map(|e| JsonConsent {
            purpose: &e.purpose,
            action: e.action,
            at: e.at,
            source: &e.source,
        })
        .collect();
    let document = JsonExport {
        subject: &copy.subject,
        records: &copy.records,
        consent,
    };
    serde_json::to_string_pretty(&document).map_err(export_error)
}

fn to_csv(copy: &SubjectCopy) -> Result<String, ComplianceError> {
    let rows = rows(copy)?;
    let record_columns: BTreeSet<&str> = rows
        .iter()
        .flat_map(|row| row.keys())
        .map(String::as_str)
        .filter(|column| !CONSENT_COLUMNS.contains(column))
        .collect();
    let columns: Vec<&str> = record_columns.into_iter().chain(CONSENT_COLUMNS).collect();

    let mut writer = csv::Writer::from_writer(Vec::new());
    write_row(&mut writer, columns.iter().copied())?;
    for row in &rows {
        let cells = columns
            .iter()
            .map(|c| row.get(*c).map_or("", String::as_str));
        write_row(&mut writer, cells)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| export_error(e.into_error()))?;
    String::from_utf8(bytes).map_err(export_error)
}

/// One map of cells per record, then one per consent change.
fn rows(copy: &SubjectCopy) -> Result<Vec<BTreeMap<String, String>>, ComplianceError> {
    let mut rows = Vec::with_capacity(copy.records.len() + copy.consent.len());
    for record in &copy.records {
        rows.push(flatten("record", record)?);
    }
    for event in &copy.consent {
        let action = match event.action {
            ConsentAction::Grant => "grant",
            ConsentAction::Withdraw => "withdraw",
        };
        let cells = [
            &*event.purpose,
            action,
            &event.at.to_string(),
            &event.source,
        ];
        let row = CONSENT_COLUMNS
            .iter()
            .zip(cells)
            .map(|(column, cell)| ((*column).to_owned(), cell.to_owned()));
        rows.push(row.collect());
    }
    Ok(rows)
}

/// Writes one row, every cell neutralised.
fn write_row<'a>(
    writer: &mut csv::Writer<Vec<u8>>,
    cells: impl Iterator<Item = &'a str>,
) -> Result<(), ComplianceError> {
    for cell in cells {
        writer
            .write_field(neutralise_cell(cell).as_bytes())
            .map_err(export_error)?;
    }
    writer.write_record(None::<&[u8]>).map_err(export_error)
}

fn export_error(source: impl std::error::Error + Send + Sync + 'static) -> ComplianceError {
    ComplianceError::Export {
        source: Box::new(source),
    }
}

impl fmt::Debug for SubjectCopy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubjectCopy")
            .field("records", &self.records.len())
            .field("consent", &self.consent.len())
            .finish_non_exhaustive()
    }
}
