//! The consent ledger's JSON Lines file: read back on open, appended and
//! synced on every change.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde_json::error::Category;

use super::ComplianceError;
use super::consent::ConsentEvent;

/// An open ledger file, positioned for appending.
#[derive(Debug)]
pub(super) struct LedgerFile {
    path: PathBuf,
    file: File,
}

impl LedgerFile {
    /// Opens (or creates, readable by its owner only on Unix) the file at
    /// `path` and hands every entry to `load` in file order.
    pub(super) fn open(
        path: PathBuf,
        mut load: impl FnMut(ConsentEvent) -> Result<(), &'static str>,
    ) -> Result<Self, ComplianceError> {
        let mut options = OpenOptions::new();
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path).map_err(io_error("open the file"))?;

        let mut reader = BufReader::new(&file);
        let mut line = Vec::new();
        for number in 1_u64.. {
            line.clear();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(io_error("read the file"))?;
            if read == 0 {
                break;
            }
            let corrupt = |reason| ComplianceError::LedgerCorrupt {
                line: number,
                reason,
            };
            let Some(entry) = line.strip_suffix(b"\n") else {
                return Err(corrupt(
                    "the last line is not terminated (an interrupted write?)",
                ));
            };
            let event = parse(entry).map_err(corrupt)?;
            load(event).map_err(corrupt)?;
        }
        Ok(Self { path, file })
    }

    /// The file's path.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `event` as one line in a single write, then syncs the file's
    /// data to disk. A failed write is cut off again, so that the file
    /// never keeps half an entry the ledger does not hold.
    pub(super) fn append(&mut self, event: &ConsentEvent) -> Result<(), ComplianceError> {
        let mut line = serde_json::to_vec(event).map_err(|e| ComplianceError::LedgerIo {
            action: "encode an entry",
            source: io::Error::other(e),
        })?;
        line.push(b'\n');

        let before = self
            .file
            .metadata()
            .map_err(io_error("read the file's length"))?
            .len();
        if let Err(e) = self.file.write_all(&line) {
            let _ = self.file.set_len(before);
            return Err(io_error("append an entry")(e));
        }
        self.file.sync_data().map_err(io_error("sync the file"))
    }
}

/// One entry, or why the line is not one. serde_json's own message is
/// dropped because it can quote the line.
fn parse(entry: &[u8]) -> Result<ConsentEvent, &'static str> {
    if entry.iter().all(u8::is_ascii_whitespace) {
        return Err("the line is empty");
    }
    serde_json::from_slice(entry).map_err(|e| match e.classify() {
        Category::Data => "the line is JSON but not a consent entry",
        Category::Syntax | Category::Eof | Category::Io => "the line is not valid JSON",
    })
}

fn io_error(action: &'static str) -> impl Fn(io::Error) -> ComplianceError {
    move |source| ComplianceError::LedgerIo { action, source }
}
