//! Throughput of the compliance helpers: CSV and JSON exports of 100 nested
//! records, consent look-ups in a subject's history of 100 changes,
//! retention expiry, and synced appends to a ledger file.

#![allow(
    clippy::unwrap_used,
    reason = "benchmark set-up: a failure should stop it"
)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use halo_core::Config;
use halo_core::compliance::{ConsentLedger, Exporter, RetentionPolicy, SubjectCopy};
use halo_core::config::ExportFormat;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

const RECORDS: usize = 100;
const CHANGES: usize = 100;

fn bench(c: &mut Criterion) {
    let config = Config::default();
    let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let at = |i: usize| start + SignedDuration::from_hours(i64::try_from(i).unwrap());

    let mut ledger = ConsentLedger::from_config(&config).unwrap();
    for i in 0..CHANGES {
        let purpose = ["marketing", "profiling", "data_sharing"][i % 3];
        if i % 2 == 0 {
            ledger.grant("bi:s", purpose, at(i), "web_form").unwrap();
        } else {
            ledger
                .withdraw("bi:s", purpose, at(i), "=email_link")
                .unwrap();
        }
    }
    let records = (0..RECORDS).map(|i| {
        json!({"id": i, "email": format!("lead{i}@example.com"), "phone": "+44 20 7946 0000",
               "address": {"city": "London", "lines": ["1 High St", "-"]}, "score": -1.5})
    });
    let copy = SubjectCopy::from_ledger(&ledger, "bi:s", records);
    let exporter = Exporter::from_config(&config);

    let mut group = c.benchmark_group("compliance");
    group.throughput(Throughput::Elements((RECORDS + CHANGES) as u64));
    for format in [ExportFormat::Csv, ExportFormat::Json] {
        group.bench_function(BenchmarkId::new("export", format.as_str()), |b| {
            b.iter(|| black_box(exporter.export(black_box(&copy), format).unwrap()));
        });
    }

    group.throughput(Throughput::Elements(1));
    group.bench_function("has_consent/100_changes", |b| {
        b.iter(|| black_box(ledger.has_consent("bi:s", "marketing", black_box(at(50)))));
    });
    group.bench_function("missing_required/100_changes", |b| {
        b.iter(|| black_box(ledger.missing_required("bi:s", black_box(at(50))).len()));
    });
    let policy = RetentionPolicy::from_config(&config);
    group.bench_function("expires_at/7_years", |b| {
        b.iter(|| black_box(policy.expires_at("leads", black_box(start))));
    });

    let path =
        std::env::temp_dir().join(format!("halo-bench-consent-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut file_ledger = ConsentLedger::builder_from_config(&config)
        .open(&path)
        .unwrap();
    let mut i = 0;
    group.sample_size(20);
    group.bench_function("grant/synced_file", |b| {
        b.iter(|| {
            i += 1;
            file_ledger
                .grant("bi:s", "marketing", at(i), "web_form")
                .unwrap();
        });
    });
    group.finish();
    let _ = std::fs::remove_file(&path);
}

criterion_group!(benches, bench);
criterion_main!(benches);
