//! Lead sync throughput against the sandbox over loopback HTTP: leads per
//! second without faults or a rate limit, and the share of the allowed
//! request rate achieved under a rolling limit that the sandbox enforces
//! and the client paces to.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    reason = "benchmark code: failures should stop it, results are printed"
)]

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use halo_core::halo::{RateLimit, RetryPolicy};
use halo_core::lead::{Lead, LeadSchema, ValidLead};
use halo_core::sandbox::{Sandbox, SandboxOptions};
use halo_core::sync::{LeadSync, Lookup, SyncOptions};

fn leads(count: usize) -> Vec<Lead> {
    (0..count)
        .map(|n| Lead {
            first_name: format!("Ada{n}"),
            last_name: "Lovelace".into(),
            email: format!("ada.{n}@example.com"),
            company: format!("Company {}", n % 50),
            title: Some("CTO".into()),
            ..Lead::default()
        })
        .collect()
}

fn valid(leads: &[Lead]) -> Vec<ValidLead<'_>> {
    let schema = LeadSchema::default();
    leads.iter().map(|l| schema.validate(l).unwrap()).collect()
}

/// Syncs 2 000 new leads into an empty sandbox per iteration.
fn unlimited(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let raw = leads(2_000);
    let leads = valid(&raw);
    let mut group = c.benchmark_group("sync");
    group.sample_size(10);
    group.throughput(Throughput::Elements(leads.len() as u64));
    for (name, clients) in [("opportunities_2000", false), ("with_clients_2000", true)] {
        group.bench_function(name, |b| {
            b.to_async(&rt).iter_custom(|iters| {
                let leads = &leads;
                async move {
                    let mut spent = Duration::ZERO;
                    for _ in 0..iters {
                        let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
                        let options = SyncOptions {
                            clients,
                            concurrency: 8,
                            batch_size: 100,
                            ..SyncOptions::default()
                        };
                        let halo = sandbox.client_builder().build().unwrap();
                        let sync = LeadSync::new(halo).with_options(options);
                        let started = Instant::now();
                        let report = sync.sync(leads).await.unwrap();
                        spent += started.elapsed();
                        assert_eq!(report.created, leads.len());
                    }
                    spent
                }
            });
        });
    }
    group.finish();
}

/// Syncs leads with one search each through a rolling limit of 50 requests
/// per second (Halo's default is 500 per 180 s; the window is scaled down to
/// keep the run short), enforced by the sandbox and paced by the client,
/// and reports the achieved share of the fastest schedule the limit allows.
fn paced(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let limit = RateLimit {
        requests: 50,
        per: Duration::from_secs(1),
    };
    let raw = leads(140);
    let leads = valid(&raw);
    let mut group = c.benchmark_group("sync_paced");
    group.sample_size(10);
    group.throughput(Throughput::Elements(leads.len() as u64));
    group.bench_function("per_lead_lookup_50_per_s", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let leads = &leads;
            async move {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let options = SandboxOptions {
                        rate_limit: Some(limit),
                        ..SandboxOptions::default()
                    };
                    let sandbox = Sandbox::start(options).await.unwrap();
                    let halo = sandbox
                        .client_builder()
                        .rate_limit(limit)
                        .retry(RetryPolicy::none())
                        .build()
                        .unwrap();
                    let sync = LeadSync::new(halo).with_options(SyncOptions {
                        lookup: Lookup::PerLead,
                        concurrency: 8,
                        ..SyncOptions::default()
                    });
                    let started = Instant::now();
                    let report = sync.sync(leads).await.unwrap();
                    let elapsed = started.elapsed();
                    spent += elapsed;
                    let windows = report.requests.div_ceil(u64::from(limit.requests)) - 1;
                    let fastest = limit.per.as_secs_f64() * windows as f64;
                    let refused: u64 = sandbox
                        .requests()
                        .iter()
                        .filter(|c| c.status == 429)
                        .map(|c| c.count)
                        .sum();
                    eprintln!(
                        "paced sync: {} requests in {:.2} s, {:.1}% of the fastest allowed schedule, {refused} refused with 429, {} failed",
                        report.requests,
                        elapsed.as_secs_f64(),
                        100.0 * fastest / elapsed.as_secs_f64(),
                        report.failed.len(),
                    );
                }
                spent
            }
        });
    });
    group.finish();
}

criterion_group!(benches, unlimited, paced);
criterion_main!(benches);
