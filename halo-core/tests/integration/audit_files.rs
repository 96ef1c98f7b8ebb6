//! Shared set-up for the audit tests: temporary log directories, events,
//! and line-level edits of segment files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use halo_core::audit::{
    AuditAction, AuditCategory, AuditEvent, AuditLog, ChainKey, FileSink, FsyncPolicy,
};
use jiff::Timestamp;
use serde_json::json;

pub(crate) const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// A directory under the system's temporary directory, removed on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("halo-audit-{name}-{}-{n}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        Self(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    pub(crate) fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

pub(crate) fn key() -> ChainKey {
    ChainKey::from_base64(KEY).unwrap()
}

/// The base time of test events: 2026-01-01T08:00:00Z.
pub(crate) fn base_time() -> Timestamp {
    "2026-01-01T08:00:00Z".parse().unwrap()
}

/// Event `i`: a write by `svc-<i>`, `i` seconds after the base time.
pub(crate) fn event(i: u64) -> AuditEvent {
    AuditEvent::new(AuditCategory::DataAccess, AuditAction::Write)
        .actor(format!("svc-{i}"))
        .resource(format!("opportunity/{i}"))
        .detail("count", json!(i))
        .at(base_time()
            .checked_add(jiff::SignedDuration::from_secs(i as i64))
            .unwrap())
}

/// A file sink in `dir` with small segments and no fsync.
pub(crate) fn small_sink(dir: &Path, segment_bytes: u64) -> FileSink {
    FileSink::builder(dir, key())
        .fsync(FsyncPolicy::Never)
        .max_segment_bytes(segment_bytes)
        .open()
        .unwrap()
}

/// Writes events 1..=n into a new log in `dir`.
pub(crate) fn write_log(dir: &Path, n: u64, segment_bytes: u64) {
    let log = AuditLog::builder()
        .sink(small_sink(dir, segment_bytes))
        .build()
        .unwrap();
    for i in 1..=n {
        log.record(event(i)).unwrap();
    }
}

/// The segment files of `dir`, sorted.
pub(crate) fn segments(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("segment-")
        })
        .collect();
    files.sort();
    files
}

pub(crate) fn read_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

pub(crate) fn write_lines(path: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).unwrap();
}
