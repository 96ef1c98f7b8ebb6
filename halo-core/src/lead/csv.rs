//! CSV exports into [`Lead`], with a header mapping.
//!
//! The first record is the header. Each lead field is read from the column
//! whose header matches the mapping, ignoring ASCII case and surrounding
//! spaces; by default a field is read from a column named like the field
//! (`first_name`, `email`, …). The four required fields must each have a
//! column, or reading fails before the first row with
//! `lead.source_field_missing` naming the expected header. A row too short
//! to reach a required column fails the same way for that row alone. Empty
//! cells of optional fields are absent; empty required cells are left for
//! validation to report. Columns outside the mapping are dropped unless
//! [`CsvMapping::keep_other_columns`] is set.

use std::borrow::Cow;
use std::io;

use super::error::LeadError;
use super::field::{FIELD_COUNT, LeadField};
use super::model::{Extra, Lead};

/// How CSV columns map onto lead fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvMapping {
    headers: [String; FIELD_COUNT],
    keep_other_columns: bool,
    delimiter: u8,
}

/// The leads of a CSV input, one per row; see [`CsvMapping::read`].
#[derive(Debug)]
pub struct CsvLeads<R> {
    reader: csv::Reader<Terminated<R>>,
    columns: [Option<usize>; FIELD_COUNT],
    headers: [String; FIELD_COUNT],
    others: Vec<(usize, String)>,
    record: csv::StringRecord,
}

/// One CSV row mapped into a lead.
#[derive(Debug)]
pub struct CsvRow {
    /// 1-based line where the row starts.
    pub line: u64,
    /// The lead, or why the row could not be mapped.
    pub lead: Result<Lead, LeadError>,
}

impl Default for CsvMapping {
    fn default() -> Self {
        Self {
            headers: LeadField::ALL.map(|f| f.as_str().to_owned()),
            keep_other_columns: false,
            delimiter: b',',
        }
    }
}

impl CsvMapping {
    /// The default mapping: each field from the column of its own name,
    /// comma-separated, other columns dropped.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `field` from the column headed `header` instead.
    pub fn column(mut self, header: impl Into<String>, field: LeadField) -> Self {
        self.headers[field.index()] = header.into();
        self
    }

    /// Keeps columns outside the mapping in [`Lead::extra`], as strings
    /// under their header. Validate such leads with
    /// [`UnknownFields::Keep`](super::UnknownFields::Keep) or `Strip`.
    pub fn keep_other_columns(mut self) -> Self {
        self.keep_other_columns = true;
        self
    }

    /// Sets the field delimiter (default `,`; `;` and `\t` are common).
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// Reads the header and returns the rows as leads.
    ///
    /// ```
    /// use halo_core::lead::{CsvMapping, LeadField};
    ///
    /// let csv = "First Name,Last Name,E-mail,Company\nAda,Lovelace,ada@example.com,Engines\n";
    /// let mapping = CsvMapping::new()
    ///     .column("First Name", LeadField::FirstName)
    ///     .column("Last Name", LeadField::LastName)
    ///     .column("E-mail", LeadField::Email);
    /// let rows: Vec<_> = mapping.read(csv.as_bytes())?.collect();
    /// let lead = rows[0].lead.as_ref().unwrap();
    /// assert_eq!((rows[0].line, lead.email.as_str()), (2, "ada@example.com"));
    ///
    /// let err = CsvMapping::new().read("name,email\n".as_bytes()).unwrap_err();
    /// assert_eq!(err.to_string(), "csv record has no usable `first_name`");
    /// # Ok::<(), halo_core::lead::LeadError>(())
    /// ```
    pub fn read<R: io::Read>(&self, input: R) -> Result<CsvLeads<R>, LeadError> {
        // Records end at `\n` only, and a `\r` before it is dropped by
        // `cell`: with the crate's default CRLF handling, the line numbers
        // of CRLF files come out one short.
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .from_reader(Terminated {
                inner: input,
                last: None,
                finished: false,
            });
        let header = match reader.headers() {
            Ok(header) => header.clone(),
            Err(source) => {
                return Err(LeadError::Csv {
                    line: source_line(&source).unwrap_or(1),
                    source,
                });
            }
        };

        let find = |wanted: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(wanted.trim()))
        };
        let columns = self.headers.each_ref().map(|wanted| find(wanted));
        for field in LeadField::ALL.into_iter().filter(|f| f.is_required()) {
            if columns[field.index()].is_none() {
                return Err(missing(&self.headers[field.index()]));
            }
        }

        let mut others = Vec::new();
        if self.keep_other_columns {
            let mapped = |i| columns.contains(&Some(i));
            let named = header
                .iter()
                .enumerate()
                .filter(|(i, h)| !mapped(*i) && !h.trim().is_empty());
            others.extend(named.map(|(i, h)| (i, h.trim().to_owned())));
        }
        Ok(CsvLeads {
            reader,
            columns,
            headers: self.headers.clone(),
            others,
            record: csv::StringRecord::new(),
        })
    }
}

impl<R: io::Read> Iterator for CsvLeads<R> {
    type Item = CsvRow;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = self.reader.position().line();
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) if self.is_blank() => continue,
                Ok(true) => {
                    // The record's own position counts blank lines before it
                    // as its own; count back from its end instead.
                    let inside = self
                        .record
                        .as_slice()
                        .bytes()
                        .filter(|&b| b == b'\n')
                        .count();
                    let end = self.reader.position().line();
                    let line = end.saturating_sub(1 + inside as u64);
                    return Some(CsvRow {
                        line,
                        lead: self.lead(),
                    });
                }
                Err(source) => {
                    let line = source_line(&source).unwrap_or(line);
                    return Some(CsvRow {
                        line,
                        lead: Err(LeadError::Csv { line, source }),
                    });
                }
            }
        }
    }
}

impl<R> CsvLeads<R> {
    /// The cell in `column`, without the `\r` of a CRLF line end.
    fn cell(&self, column: usize) -> Option<&str> {
        let cell = self.record.get(column)?;
        if column + 1 == self.record.len() {
            Some(cell.strip_suffix('\r').unwrap_or(cell))
        } else {
            Some(cell)
        }
    }

    /// A line holding nothing but its line end.
    fn is_blank(&self) -> bool {
        self.record.len() == 1 && self.cell(0) == Some("")
    }

    fn lead(&self) -> Result<Lead, LeadError> {
        let mut values: [Option<String>; FIELD_COUNT] = Default::default();
        for field in LeadField::ALL {
            let Some(column) = self.columns[field.index()] else {
                continue;
            };
            match self.cell(column) {
                Some(cell) if !cell.is_empty() => values[field.index()] = Some(cell.to_owned()),
                Some(_) => {}
                None if field.is_required() => return Err(missing(&self.headers[field.index()])),
                None => {}
            }
        }

        let mut extra = Extra::new();
        for (column, header) in &self.others {
            if let Some(cell) = self.cell(*column).filter(|c| !c.is_empty()) {
                extra.insert(header.clone(), serde_json::Value::String(cell.to_owned()));
            }
        }

        Ok(Lead::from_values(values, extra))
    }
}

/// Input with a final line feed added when it lacks one, so that every
/// record ends alike and its line can be counted back from its end.
#[derive(Debug)]
struct Terminated<R> {
    inner: R,
    last: Option<u8>,
    finished: bool,
}

impl<R: io::Read> io::Read for Terminated<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.finished || buf.is_empty() {
            return Ok(0);
        }
        let read = self.inner.read(buf)?;
        if let Some(&last) = buf[..read].last() {
            self.last = Some(last);
            return Ok(read);
        }
        self.finished = true;
        if self.last.is_some_and(|b| b != b'\n') {
            buf[0] = b'\n';
            return Ok(1);
        }
        Ok(0)
    }
}

fn missing(header: &str) -> LeadError {
    LeadError::SourceFieldMissing {
        provider: "csv",
        field: Cow::Owned(header.to_owned()),
    }
}

fn source_line(err: &csv::Error) -> Option<u64> {
    err.position().map(csv::Position::line)
}
