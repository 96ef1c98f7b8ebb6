//! HaloPSA client throughput against the sandbox over loopback HTTP:
//! batched upserts per second without a rate limit, and the share of the
//! allowed rate achieved with the client-side pacer on.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    reason = "benchmark code: failures should stop it, results are printed"
)]

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use halo_core::halo::{RateLimit, RetryPolicy, User};
use halo_core::sandbox::{Sandbox, SandboxOptions};

fn user(n: usize) -> User {
    User {
        name: Some(format!("Contact {n}")),
        emailaddress: Some(format!("contact{n}@example.com")),
        client_id: Some(1),
        ..Default::default()
    }
}

fn upserts(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sandbox = rt
        .block_on(Sandbox::start(SandboxOptions::default()))
        .unwrap();
    let halo = sandbox.client_builder().build().unwrap();
    let mut group = c.benchmark_group("halo_upsert");
    for batch in [1usize, 100] {
        let records: Vec<User> = (0..batch).map(user).collect();
        group.throughput(Throughput::Elements(batch as u64));
        group.bench_function(format!("batch_{batch}"), |b| {
            b.to_async(&rt)
                .iter(|| async { halo.users().upsert(&records).await.unwrap() });
        });
    }
    group.finish();
}

/// Sends `total` reads through a pacer of `limit` and reports the achieved
/// rate as a fraction of the allowed one, after the first (burst) window.
fn paced(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let limit = RateLimit {
        requests: 20,
        per: Duration::from_millis(250),
    };
    let options = SandboxOptions {
        rate_limit: Some(limit),
        ..SandboxOptions::default()
    };
    let sandbox = rt.block_on(Sandbox::start(options)).unwrap();
    let ids = sandbox.seed(&[user(0)]);
    let halo = sandbox
        .client_builder()
        .rate_limit(limit)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let total = 100u32;

    let mut group = c.benchmark_group("halo_paced");
    group.sample_size(10);
    group.throughput(Throughput::Elements(u64::from(total)));
    group.bench_function("reads_20_per_250ms", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let halo = halo.clone();
            let id = ids[0];
            async move {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    // Start each run with an empty window.
                    tokio::time::sleep(limit.per).await;
                    let started = Instant::now();
                    let mut steady = None;
                    for n in 0..total {
                        if n == limit.requests {
                            steady = Some(Instant::now());
                        }
                        halo.users().get(id).await.unwrap();
                    }
                    spent += started.elapsed();
                    let after_burst = steady.map_or(Duration::ZERO, |s| s.elapsed());
                    let allowed = f64::from(limit.requests) / limit.per.as_secs_f64();
                    let achieved = f64::from(total - limit.requests) / after_burst.as_secs_f64();
                    eprintln!(
                        "paced: {:.1}% of the allowed rate after the first window",
                        100.0 * achieved / allowed
                    );
                }
                spent
            }
        });
    });
    group.finish();
    let refused = sandbox
        .requests()
        .iter()
        .filter(|c| c.status == 429)
        .map(|c| c.count)
        .sum::<u64>();
    eprintln!("paced: {refused} requests refused with 429");
}

criterion_group!(benches, upserts, paced);
criterion_main!(benches);
