//! Masking every line a `tracing-subscriber` formatter writes.

use std::io::{self, Write};
use std::sync::Arc;

use tracing_subscriber::fmt::MakeWriter;

use super::Masker;

/// Wraps a [`MakeWriter`] so that every formatted line is masked before it
/// reaches the inner writer.
///
/// ```
/// use std::sync::Arc;
/// use halo_core::masking::{Masker, MaskingMakeWriter};
///
/// let writer = MaskingMakeWriter::new(Arc::new(Masker::default()), std::io::stderr);
/// let subscriber = tracing_subscriber::fmt().with_writer(writer).finish();
/// # drop(subscriber);
/// ```
#[derive(Debug, Clone)]
pub struct MaskingMakeWriter<M> {
    masker: Arc<Masker>,
    inner: M,
}

/// The writer of one event: collects the formatted text and writes it
/// masked, line by line, when a line is complete, on flush and when dropped.
///
/// Text that is not valid UTF-8 is written with replacement characters.
#[derive(Debug)]
pub struct MaskingWriter<W: Write> {
    masker: Arc<Masker>,
    inner: W,
    pending: Vec<u8>,
}

impl<M> MaskingMakeWriter<M> {
    /// Masks what `inner` is given with `masker`.
    pub fn new(masker: Arc<Masker>, inner: M) -> Self {
        Self { masker, inner }
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for MaskingMakeWriter<M> {
    type Writer = MaskingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        MaskingWriter::new(Arc::clone(&self.masker), self.inner.make_writer())
    }

    fn make_writer_for(&'a self, meta: &tracing_core::Metadata<'_>) -> Self::Writer {
        MaskingWriter::new(Arc::clone(&self.masker), self.inner.make_writer_for(meta))
    }
}

impl<W: Write> MaskingWriter<W> {
    /// Masks what is written with `masker` before passing it to `inner`.
    pub fn new(masker: Arc<Masker>, inner: W) -> Self {
        Self {
            masker,
            inner,
            pending: Vec::new(),
        }
    }

    /// Writes out every complete line held.
    fn write_lines(&mut self) -> io::Result<()> {
        let Some(last_newline) = self.pending.iter().rposition(|&b| b == b'\n') else {
            return Ok(());
        };
        let rest = self.pending.split_off(last_newline + 1);
        let lines = std::mem::replace(&mut self.pending, rest);
        self.write_masked(&lines)
    }

    fn write_masked(&mut self, bytes: &[u8]) -> io::Result<()> {
        let text = String::from_utf8_lossy(bytes);
        let masked = self.masker.mask_text(&text);
        self.inner.write_all(masked.as_bytes())
    }
}

impl<W: Write> Write for MaskingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        self.write_lines()?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            self.write_masked(&rest)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for MaskingWriter<W> {
    fn drop(&mut self) {
        // Nothing can report an error from here; what is left is written
        // masked or not at all.
        let _ = self.flush();
    }
}
