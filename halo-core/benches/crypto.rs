//! Field encryption throughput: the `aes-gcm` crate against `ring`, each
//! doing the whole work of one envelope (nonce generation, AES-256-GCM with
//! the associated data, base64url encoding), and `FieldCipher` itself.
//!
//! Run with `cargo bench -p halo-core --bench crypto -- --warm-up-time 1
//! --measurement-time 3`.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    reason = "benchmark harness, not library code"
)]

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use halo_core::crypto::{FieldCipher, KeyId, KeyMaterial, Keyring};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, UnboundKey};

const KEY: [u8; 32] = [7; 32];
const SIZES: [usize; 2] = [64, 4096];

fn aad() -> Vec<u8> {
    let mut aad = b"hc1".to_vec();
    for part in ["k1", "email", "record-42"] {
        aad.extend_from_slice(&(part.len() as u32).to_be_bytes());
        aad.extend_from_slice(part.as_bytes());
    }
    aad
}

fn envelope(nonce: &[u8], sealed: &[u8]) -> String {
    format!(
        "hc1.k1.{}.{}",
        URL_SAFE_NO_PAD.encode(nonce),
        URL_SAFE_NO_PAD.encode(sealed)
    )
}

fn parts(envelope: &str) -> ([u8; 12], Vec<u8>) {
    let mut parts = envelope.split('.').skip(2);
    let nonce = URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap();
    let sealed = URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap();
    (nonce.try_into().unwrap(), sealed)
}

fn rustcrypto_seal(cipher: &Aes256Gcm, aad: &[u8], plaintext: &[u8]) -> String {
    let mut nonce = [0u8; 12];
    getrandom::fill(&mut nonce).unwrap();
    let mut buffer = plaintext.to_vec();
    let tag = cipher
        .encrypt_inout_detached(&Nonce::from(nonce), aad, buffer.as_mut_slice().into())
        .unwrap();
    buffer.extend_from_slice(&tag);
    envelope(&nonce, &buffer)
}

fn rustcrypto_open(cipher: &Aes256Gcm, aad: &[u8], envelope: &str) -> Vec<u8> {
    let (nonce, mut buffer) = parts(envelope);
    let body_len = buffer.len() - 16;
    let (body, tag) = buffer.split_at_mut(body_len);
    let tag = aes_gcm::Tag::try_from(&*tag).unwrap();
    cipher
        .decrypt_inout_detached(&Nonce::from(nonce), aad, body.into(), &tag)
        .unwrap();
    buffer.truncate(buffer.len() - 16);
    buffer
}

fn ring_seal(key: &LessSafeKey, aad: &[u8], plaintext: &[u8]) -> String {
    let mut nonce = [0u8; 12];
    getrandom::fill(&mut nonce).unwrap();
    let mut buffer = plaintext.to_vec();
    let n = ring::aead::Nonce::assume_unique_for_key(nonce);
    key.seal_in_place_append_tag(n, Aad::from(aad), &mut buffer)
        .unwrap();
    envelope(&nonce, &buffer)
}

fn ring_open(key: &LessSafeKey, aad: &[u8], envelope: &str) -> Vec<u8> {
    let (nonce, mut buffer) = parts(envelope);
    let n = ring::aead::Nonce::assume_unique_for_key(nonce);
    let len = key
        .open_in_place(n, Aad::from(aad), &mut buffer)
        .unwrap()
        .len();
    buffer.truncate(len);
    buffer
}

fn backends(c: &mut Criterion) {
    let aad = aad();
    let rustcrypto = Aes256Gcm::new(&KEY.into());
    let ring = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &KEY).unwrap());

    let mut group = c.benchmark_group("envelope");
    for size in SIZES {
        let plaintext = vec![0x5a; size];
        group.throughput(Throughput::Bytes(size as u64));
        let sealed = rustcrypto_seal(&rustcrypto, &aad, &plaintext);

        group.bench_with_input(
            BenchmarkId::new("aes-gcm/encrypt", size),
            &plaintext,
            |b, p| {
                b.iter(|| rustcrypto_seal(&rustcrypto, &aad, p));
            },
        );
        group.bench_with_input(
            BenchmarkId::new("ring/encrypt", size),
            &plaintext,
            |b, p| {
                b.iter(|| ring_seal(&ring, &aad, p));
            },
        );
        group.bench_with_input(
            BenchmarkId::new("aes-gcm/decrypt", size),
            &sealed,
            |b, e| {
                b.iter(|| rustcrypto_open(&rustcrypto, &aad, e));
            },
        );
        group.bench_with_input(BenchmarkId::new("ring/decrypt", size), &sealed, |b, e| {
            b.iter(|| ring_open(&ring, &aad, e));
        });
    }
    group.finish();
}

fn field_cipher(c: &mut Criterion) {
    let id = KeyId::new("k1").unwrap();
    let cipher = FieldCipher::new(Keyring::new(id, KeyMaterial::from_bytes(KEY)));

    let mut group = c.benchmark_group("field_cipher");
    for size in SIZES {
        let plaintext = vec![0x5a; size];
        group.throughput(Throughput::Bytes(size as u64));
        let sealed = cipher
            .encrypt_field("email", "record-42", &plaintext)
            .unwrap();

        group.bench_with_input(BenchmarkId::new("encrypt", size), &plaintext, |b, p| {
            b.iter(|| cipher.encrypt_field("email", "record-42", p).unwrap());
        });
        group.bench_with_input(BenchmarkId::new("decrypt", size), &sealed, |b, e| {
            b.iter(|| cipher.decrypt_field("email", "record-42", e).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, backends, field_cipher);
criterion_main!(benches);
