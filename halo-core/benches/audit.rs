//! Audit log appends per second: the file sink with fsync off, every 64
//! entries, and after every entry, with and without encrypted details, and
//! verification of a written log.
//!
//! Run with `cargo bench -p halo-core --bench audit -- --warm-up-time 1
//! --measurement-time 3`.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    reason = "benchmark harness, not library code"
)]

use std::num::NonZeroU32;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use halo_core::audit::{
    AuditAction, AuditCategory, AuditEvent, AuditLog, ChainKey, FileSink, FsyncPolicy, verify,
};
use halo_core::crypto::{FieldCipher, KeyId, KeyMaterial, Keyring};
use serde_json::json;

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn key() -> ChainKey {
    ChainKey::from_base64(KEY).unwrap()
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("halo-audit-bench-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    dir
}

fn event() -> AuditEvent {
    AuditEvent::new(AuditCategory::DataAccess, AuditAction::Write)
        .actor("svc-sync")
        .resource("opportunity/42")
        .source_ip("203.0.113.9".parse().unwrap())
        .detail("count", json!(3))
        .detail("source", json!("apollo"))
}

fn log(name: &str, fsync: FsyncPolicy, encrypt: bool) -> (AuditLog, PathBuf) {
    let dir = fresh_dir(name);
    let mut sink = FileSink::builder(&dir, key()).fsync(fsync);
    if encrypt {
        let keyring = Keyring::new(KeyId::new("k1").unwrap(), KeyMaterial::from_bytes([7; 32]));
        sink = sink.cipher(FieldCipher::new(keyring));
    }
    let log = AuditLog::builder()
        .sink(sink.open().unwrap())
        .build()
        .unwrap();
    (log, dir)
}

fn appends(c: &mut Criterion) {
    let mut group = c.benchmark_group("audit_append");
    group.throughput(Throughput::Elements(1));
    let every_64 = FsyncPolicy::EveryN(NonZeroU32::new(64).unwrap());
    let cases = [
        ("fsync_never", FsyncPolicy::Never, false),
        ("fsync_never_encrypted", FsyncPolicy::Never, true),
        ("fsync_every_64", every_64, false),
        ("fsync_every_entry", FsyncPolicy::EveryEntry, false),
    ];
    for (name, fsync, encrypt) in cases {
        let (log, dir) = log(name, fsync, encrypt);
        group.bench_function(name, |b| b.iter(|| log.record(event()).unwrap()));
        drop(log);
        std::fs::remove_dir_all(dir).ok();
    }
    group.finish();
}

fn verification(c: &mut Criterion) {
    let (log, dir) = log("verify", FsyncPolicy::Never, false);
    for _ in 0..10_000 {
        log.record(event()).unwrap();
    }
    let mut group = c.benchmark_group("audit_verify");
    group.throughput(Throughput::Elements(10_000));
    group.sample_size(10);
    group.bench_function("10k_entries", |b| b.iter(|| verify(&dir, &key()).unwrap()));
    group.finish();
    std::fs::remove_dir_all(dir).ok();
}

criterion_group!(benches, appends, verification);
criterion_main!(benches);
