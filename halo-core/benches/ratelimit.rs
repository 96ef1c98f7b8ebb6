//! Checks per second on one hot key and on 10 000 keys, for halo-core's
//! limiter (memory store, with an allow-list to consult) beside governor's
//! keyed limiter on the same quota.

#![allow(
    clippy::unwrap_used,
    reason = "benchmark set-up: a failure should stop it"
)]

use std::hint::black_box;
use std::net::IpAddr;
use std::num::NonZeroU32;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use governor::{Quota, RateLimiter as Governor};
use halo_core::ratelimit::{ClientInfo, RateLimiter, Rule};

const KEYS: usize = 10_000;

fn limiters() -> (RateLimiter, governor::DefaultKeyedRateLimiter<String>) {
    let ours = RateLimiter::builder()
        .rule("webhooks", Rule::per_minute(1000).with_burst(100))
        .exempt_network("192.168.1.0/24".parse().unwrap())
        .exempt_network("10.0.0.0/8".parse().unwrap())
        .exempt_user_agent("HaloPSA-Webhook/1.0")
        .build()
        .unwrap();
    let per_minute = NonZeroU32::new(1000).unwrap();
    let burst = NonZeroU32::new(100).unwrap();
    let theirs = Governor::keyed(Quota::per_minute(per_minute).allow_burst(burst));
    (ours, theirs)
}

fn bench(c: &mut Criterion) {
    let client_ip: IpAddr = [203, 0, 113, 7].into();
    let client = ClientInfo::new(client_ip).with_user_agent("curl/8.5.0");
    let keys: Vec<String> = (0..KEYS)
        .map(|i| format!("198.51.{}.{}", i / 256, i % 256))
        .collect();

    let mut group = c.benchmark_group("ratelimit");
    group.throughput(Throughput::Elements(1));

    let (ours, theirs) = limiters();
    group.bench_function(BenchmarkId::new("halo_core", "hot_key"), |b| {
        b.iter(|| black_box(ours.check("webhooks", black_box(&keys[0]), &client)));
    });
    group.bench_function(BenchmarkId::new("governor", "hot_key"), |b| {
        b.iter(|| black_box(theirs.check_key(black_box(&keys[0]))));
    });

    let (ours, theirs) = limiters();
    let mut i = 0;
    group.bench_function(BenchmarkId::new("halo_core", "10k_keys"), |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            black_box(ours.check("webhooks", &keys[i], &client))
        });
    });
    let mut i = 0;
    group.bench_function(BenchmarkId::new("governor", "10k_keys"), |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            black_box(theirs.check_key(&keys[i]))
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
