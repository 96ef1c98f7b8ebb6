//! Webhook verification beside a bare HMAC-SHA256 of the same bytes, at
//! 1 KiB and 64 KiB, in one group so the overhead reads off directly.
//!
//! `hmac_sha256` keys a fresh HMAC per delivery, as a hand-written verifier
//! does; `hmac_sha256_prekeyed` clones an already keyed state, as the
//! verifier does. The verifier runs are without a replay guard except
//! `standard_webhooks_guarded`, which claims and releases an id in a
//! `MemoryReplayGuard` on every iteration.

#![allow(
    clippy::unwrap_used,
    reason = "a benchmark set-up that fails should stop the run"
)]

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use halo_core::SecretString;
use halo_core::webhook::{Provider, Signature, WebhookRequest, WebhookSigner, WebhookVerifier};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const TIMESTAMP: u64 = 1_767_225_600;

fn verifier(signature: Signature, guarded: bool) -> WebhookVerifier {
    let builder = WebhookVerifier::builder().default_provider(Provider::new().signature(signature));
    if guarded {
        builder.build()
    } else {
        builder.dangerous_without_replay_guard().build()
    }
}

fn verify(c: &mut Criterion) {
    let secret = SecretString::from(SECRET);
    let generic = Signature::generic().secret(&secret).unwrap();
    let standard = Signature::standard_webhooks().secret(&secret).unwrap();
    let now = UNIX_EPOCH + Duration::from_secs(TIMESTAMP + 30);

    let mut group = c.benchmark_group("webhook_verify");
    for size in [1024usize, 64 * 1024] {
        let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        group.throughput(Throughput::Bytes(size as u64));

        group.bench_with_input(BenchmarkId::new("hmac_sha256", size), &body, |b, body| {
            b.iter(|| {
                let mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
                black_box(mac.chain_update(body).finalize().into_bytes())
            });
        });
        let keyed = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        group.bench_with_input(
            BenchmarkId::new("hmac_sha256_prekeyed", size),
            &body,
            |b, body| {
                b.iter(|| black_box(keyed.clone().chain_update(body).finalize().into_bytes()));
            },
        );

        let headers = WebhookSigner::new(generic.clone())
            .sign("", TIMESTAMP, &body)
            .unwrap();
        let v = verifier(generic.clone(), false);
        group.bench_with_input(BenchmarkId::new("generic", size), &body, |b, body| {
            b.iter(|| {
                black_box(
                    v.verify_at(&WebhookRequest::from_pairs(&headers, body), now)
                        .unwrap(),
                )
            });
        });

        let headers = WebhookSigner::new(standard.clone())
            .sign("msg_bench", TIMESTAMP, &body)
            .unwrap();
        let v = verifier(standard.clone(), false);
        group.bench_with_input(
            BenchmarkId::new("standard_webhooks", size),
            &body,
            |b, body| {
                b.iter(|| {
                    black_box(
                        v.verify_at(&WebhookRequest::from_pairs(&headers, body), now)
                            .unwrap(),
                    )
                });
            },
        );

        let v = verifier(standard.clone(), true);
        group.bench_with_input(
            BenchmarkId::new("standard_webhooks_guarded", size),
            &body,
            |b, body| {
                b.iter(|| {
                    let verified = v
                        .verify_at(&WebhookRequest::from_pairs(&headers, body), now)
                        .unwrap();
                    v.release(&verified).unwrap();
                    black_box(verified)
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
