//! Lead validation throughput in leads per second, from structs and from
//! JSON text.
//!
//! `mixed` is a fixed mix meant to be harder than real traffic: five in
//! eight first names and three in eight last names are accented, one email
//! domain in eight is upper case and one in eight internationalised (the
//! slow path through UTS 46), half the phones need reformatting, optional
//! fields are present and absent. `ascii` is plain, already-normal form
//! data, the kind other validators are usually measured on.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use halo_core::lead::{Lead, LeadSchema};
use std::hint::black_box;

const FIRST: [&str; 8] = [
    "Ada", "Grace", "José", "Zoë", "Li", "Mary Ann", "Søren", "Ngozi",
];
const LAST: [&str; 8] = [
    "Lovelace",
    "Hopper",
    "Núñez",
    "Brontë",
    "Wei",
    "Jones",
    "Kierkegaard",
    "Okonjo",
];
const DOMAINS: [&str; 8] = [
    "example.com",
    "Example.COM",
    "acme.co.uk",
    "bücher.example",
    "mail.example.org",
    "contoso.io",
    "globex.example",
    "initech.example.net",
];
const PHONES: [Option<&str>; 4] = [
    Some("+1 (555) 010-4477"),
    Some("+442079460000"),
    None,
    Some("020 7946 0000"),
];

fn leads(count: usize) -> Vec<Lead> {
    (0..count)
        .map(|i| Lead {
            first_name: FIRST[i % 8].to_owned(),
            last_name: LAST[(i / 8) % 8].to_owned(),
            email: format!(
                "{}.{}{i}@{}",
                FIRST[i % 8].to_lowercase().replace(' ', ""),
                "user",
                DOMAINS[i % 8]
            ),
            phone: PHONES[i % 4].map(str::to_owned),
            company: format!("Company {} Ltd", i % 97),
            title: (i % 3 == 0).then(|| "Head of IT".to_owned()),
            country: (i % 2 == 0).then(|| "United Kingdom".to_owned()),
            source: Some("webform".to_owned()),
            ..Lead::default()
        })
        .collect()
}

fn ascii_leads(count: usize) -> Vec<Lead> {
    (0..count)
        .map(|i| Lead {
            first_name: format!("First{}", i % 50),
            last_name: format!("Last{}", i % 70),
            email: format!("person{i}@company{}.example.com", i % 40),
            phone: Some(format!("+1555010{:04}", i % 10_000)),
            company: format!("Company {} Ltd", i % 97),
            ..Lead::default()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    run(c, "lead/mixed", &leads(1024));
    run(c, "lead/ascii", &ascii_leads(1024));
}

fn run(c: &mut Criterion, name: &str, leads: &[Lead]) {
    let schema = LeadSchema::default();
    assert!(leads.iter().all(|l| schema.validate(l).is_ok()));
    let json: Vec<Vec<u8>> = leads
        .iter()
        .map(|l| serde_json::to_vec(l).unwrap_or_default())
        .collect();
    assert!(json.iter().all(|j| schema.validate_json(j).is_ok()));

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(leads.len() as u64));
    group.bench_function("validate_struct", |b| {
        b.iter(|| {
            for lead in leads {
                black_box(schema.validate(black_box(lead)).is_ok());
            }
        })
    });
    group.bench_function("validate_json", |b| {
        b.iter(|| {
            for text in &json {
                black_box(schema.validate_json(black_box(text)).is_ok());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
