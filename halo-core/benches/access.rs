//! `Policy::is_allowed` by names on the guide's roles (target: at most 50 ns
//! per check): names written in the policy (one look-up), a name below a
//! grant (walks up the dots) and an unknown role.

#![allow(missing_docs, reason = "criterion generates undocumented items")]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use halo_core::access::Policy;
use halo_core::config::Config;

fn is_allowed(c: &mut Criterion) {
    let Ok(policy) = Policy::from_config(&Config::default()) else {
        return;
    };
    let mut group = c.benchmark_group("access");
    group.throughput(Throughput::Elements(1));
    for (role, permission) in [
        ("admin", "config.manage"),
        ("admin", "data.view.readonly"),
        ("viewer", "data.sync"),
        ("operator", "data.view.raw"),
        ("auditor", "logs.view"),
    ] {
        let id = format!("is_allowed/{role}/{permission}");
        group.bench_function(id, |b| {
            b.iter(|| policy.is_allowed(black_box(role), black_box(permission)));
        });
    }
    group.finish();
}

criterion_group!(benches, is_allowed);
criterion_main!(benches);
