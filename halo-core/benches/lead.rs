//! Lead validation throughput in leads per second, from structs and from
//! JSON text. The inputs are a fixed mix of realistic leads: ASCII and
//! accented names, mixed-case and internationalised email domains, phones
//! with and without formatting, optional fields present and absent.

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

fn bench(c: &mut Criterion) {
    let schema = LeadSchema::default();
    let leads = leads(1024);
    assert!(leads.iter().all(|l| schema.validate(l).is_ok()));
    let json: Vec<Vec<u8>> = leads
        .iter()
        .map(|l| serde_json::to_vec(l).unwrap_or_default())
        .collect();
    assert!(json.iter().all(|j| schema.validate_json(j).is_ok()));

    let mut group = c.benchmark_group("lead");
    group.throughput(Throughput::Elements(leads.len() as u64));
    group.bench_function("validate_struct", |b| {
        b.iter(|| {
            for lead in &leads {
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
