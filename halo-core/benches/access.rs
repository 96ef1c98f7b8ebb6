//! `Policy::is_allowed` by names (target: at most 50 ns per check), on the
//! guide's roles plus one role granted a wildcard, for each kind of
//! question: a name granted directly (to the role or one it inherits), a
//! name below a grant, a name below a wildcard grant, a known name the role
//! does not hold, an unknown role and an unknown permission. Each case
//! reports the time and the rate of single checks.

#![allow(missing_docs, reason = "criterion generates undocumented items")]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use halo_core::access::{AccessError, Policy};
use halo_core::config::Config;

/// (case, role, permission, allowed)
const CASES: [(&str, &str, &str, bool); 8] = [
    ("direct", "admin", "config.manage", true),
    ("direct_inherited", "admin", "data.view.readonly", true),
    ("below_grant", "operator", "data.view.raw", true),
    ("below_grant_deep", "admin", "data.view.raw.export", true),
    ("below_wildcard", "importer", "leads.import.csv", true),
    ("not_granted", "viewer", "data.sync", false),
    ("unknown_role", "auditor", "logs.view", false),
    (
        "unknown_permission",
        "admin",
        "billing.invoices.export",
        false,
    ),
];

fn policy() -> Result<Policy, AccessError> {
    let guide = Config::default();
    let mut builder = Policy::builder();
    for (name, role) in &guide.security.authorization.rbac.roles {
        builder = builder.role(name, &role.permissions, &role.inherits);
    }
    builder.role("importer", ["leads.*"], ["viewer"]).build()
}

fn is_allowed(c: &mut Criterion) {
    let Ok(policy) = policy() else {
        return;
    };
    let mut group = c.benchmark_group("access");
    group.throughput(Throughput::Elements(1));
    for (case, role, permission, allowed) in CASES {
        assert_eq!(policy.is_allowed(role, permission), allowed, "{case}");
        group.bench_function(format!("is_allowed/{case}"), |b| {
            b.iter(|| policy.is_allowed(black_box(role), black_box(permission)));
        });
    }
    group.finish();
}

criterion_group!(benches, is_allowed);
criterion_main!(benches);
