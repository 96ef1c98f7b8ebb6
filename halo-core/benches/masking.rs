//! Throughput of `Masker::mask_text` on ~160-byte log lines: lines with one
//! finding each, and lines with nothing to mask (timestamps, ids, durations,
//! key=value fields: the bytes that make a scanner work hardest without a
//! finding).
//!
//! Under callgrind a line costs about 20 instructions per byte with nothing
//! to mask and 27.5 with one finding. Wall-clock numbers on a shared machine
//! vary with its load; compare versions by instruction counts.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use halo_core::masking::Masker;

/// Log lines with one finding each: an email, a phone number, an SSN, a card
/// number, a secret pair, a bearer credential, a JWT, URL credentials.
const WITH_FINDING: [&str; 8] = [
    "2024-05-01T12:34:56.789Z INFO halo_core::sync: lead created id=48213 source=apollo owner=jane.doe@example.com status=200 duration_ms=37 route=/api/Opportunities page=3",
    "2024-05-01T12:34:57.012Z INFO halo_core::sync: contact updated id=48214 source=zoominfo phone=(415) 555-0123 status=200 duration_ms=41 route=/api/Users page=1",
    "2024-05-01T12:34:57.350Z WARN halo_core::lead: validation failed id=48215 field=ssn value=123-45-6789 status=422 duration_ms=2 route=/webhooks/apollo retries=0",
    "2024-05-01T12:34:57.901Z WARN halo_core::lead: payment field rejected id=48216 card=4111 1111 1111 1111 status=422 duration_ms=3 route=/webhooks/forms",
    "2024-05-01T12:34:58.114Z DEBUG halo_core::halo: token refreshed tenant=contoso client_id=halo-int api_key=sk_live_51HqZ9f2 status=200 duration_ms=88 retries=1",
    "2024-05-01T12:34:58.532Z DEBUG halo_core::halo: request sent method=POST route=/api/Tickets Authorization: Bearer 9f8e7d6c5b4a3f2e1d0c status=201 duration_ms=120",
    "2024-05-01T12:34:59.020Z DEBUG halo_core::access: token checked sub=42 jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl status=200 duration_ms=1",
    "2024-05-01T12:34:59.400Z INFO halo_core::sync: mirror pushed target=https://svc:Pa55w0rd@backup.example.net/leads status=200 count=100 duration_ms=512",
];

/// Log lines of the same shape with nothing to mask.
const CLEAN: [&str; 8] = [
    "2024-05-01T12:34:56.789Z INFO halo_core::sync: lead created id=48213 source=apollo owner=agent-17 status=200 duration_ms=37 route=/api/Opportunities page=3 retries=0",
    "2024-05-01T12:34:57.012Z INFO halo_core::sync: contact updated id=48214 source=zoominfo site=main-office status=200 duration_ms=41 route=/api/Users page=1 retries=0",
    "2024-05-01T12:34:57.350Z WARN halo_core::lead: validation failed id=48215 field=company reason=too_long status=422 duration_ms=2 route=/webhooks/apollo retries=0",
    "2024-05-01T12:34:57.901Z INFO halo_core::ratelimit: request allowed key=api_endpoints remaining=97 limit=100 window_s=60 version=1.4.2 duration_ms=0",
    "2024-05-01T12:34:58.114Z DEBUG halo_core::halo: paging opportunities page_no=4 page_size=100 record_count=1873 status=200 duration_ms=88 retries=1 order=ORD-2024-0042",
    "2024-05-01T12:34:58.532Z DEBUG halo_core::halo: request sent method=POST route=/api/Tickets status=201 duration_ms=120 bytes=5120 attempt=1 of 3 tenant=contoso",
    "2024-05-01T12:34:59.020Z INFO halo_core::audit: event appended seq=918273 chain=ok kind=data.access actor=svc-sync status=200 duration_ms=1 at 10.0.12.7",
    "2024-05-01T12:34:59.400Z INFO halo_core::sync: batch finished created=42 updated=17 skipped=3 failed=0 duration_ms=512 next_run=2024-05-01T12:39:59Z",
];

fn bench(c: &mut Criterion) {
    let masker = Masker::default();
    let mut group = c.benchmark_group("mask_text");
    for (name, lines) in [
        ("one_finding_per_line", WITH_FINDING),
        ("nothing_to_mask", CLEAN),
    ] {
        for line in lines {
            assert_eq!(
                masker.find(line).len(),
                usize::from(name != "nothing_to_mask"),
                "{line}"
            );
        }
        let bytes: usize = lines.iter().map(|l| l.len()).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                for line in lines {
                    black_box(masker.mask_text(black_box(line)));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
