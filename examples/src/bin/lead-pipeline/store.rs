//! Leads at rest: a JSON Lines file whose personal fields are encrypted,
//! with a blind index of the email so a lead can be found without
//! decrypting the file.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use halo_core::crypto::{BlindIndex, FieldCipher};
use halo_core::lead::ValidLead;
use serde_json::Value;

/// The field holding the email's blind index in each line.
const EMAIL_INDEX: &str = "email_bidx";
/// The context every record is bound to.
const CONTEXT: &str = "lead-store";

/// An append-only file of encrypted leads.
pub(crate) struct LeadStore {
    path: PathBuf,
    out: BufWriter<File>,
    written: usize,
}

impl LeadStore {
    /// Creates (or truncates) the file at `path`.
    pub(crate) fn create(path: &Path) -> std::io::Result<Self> {
        Ok(Self {
            path: path.to_owned(),
            out: BufWriter::new(File::create(path)?),
            written: 0,
        })
    }

    /// Appends `lead` with its encrypted fields and the email's blind index.
    pub(crate) fn append(
        &mut self,
        lead: &ValidLead<'_>,
        cipher: &FieldCipher,
        index: &BlindIndex,
    ) -> Result<(), Box<dyn std::error::Error>> {
        let plain = serde_json::to_value(lead.to_lead())?;
        let mut sealed = cipher.encrypt_record(CONTEXT, &plain)?;
        if let Value::Object(fields) = &mut sealed {
            let bidx = index.index("email", &lead.dedupe_key())?;
            fields.insert(EMAIL_INDEX.into(), Value::String(bidx));
        }
        serde_json::to_writer(&mut self.out, &sealed)?;
        self.out.write_all(b"\n")?;
        self.written += 1;
        Ok(())
    }

    /// Flushes and returns the path and the number of lines written.
    pub(crate) fn finish(mut self) -> std::io::Result<(PathBuf, usize)> {
        self.out.flush()?;
        self.out.get_ref().sync_all()?;
        Ok((self.path, self.written))
    }
}

/// Finds the stored lead whose email is `email` by its blind index and
/// returns its decrypted email.
pub(crate) fn find_email(
    path: &Path,
    email: &str,
    cipher: &FieldCipher,
    index: &BlindIndex,
) -> Result<Option<String>, Box<dyn std::error::Error>> {
    let wanted = index.index("email", &email.to_lowercase())?;
    for line in BufReader::new(File::open(path)?).lines() {
        let sealed: Value = serde_json::from_str(&line?)?;
        if sealed.get(EMAIL_INDEX).and_then(Value::as_str) == Some(wanted.as_str()) {
            let plain = cipher.decrypt_record(CONTEXT, &sealed)?;
            return Ok(plain
                .get("email")
                .and_then(Value::as_str)
                .map(str::to_owned));
        }
    }
    Ok(None)
}
