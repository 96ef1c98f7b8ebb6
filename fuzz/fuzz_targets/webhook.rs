//! Arbitrary bytes as header values and body of a delivery, checked by
//! every scheme: verification must return a coded error (never panic), and
//! a delivery signed over the same body must verify.

#![no_main]

use std::sync::LazyLock;
use std::time::{Duration, UNIX_EPOCH};

use halo_core::SecretString;
use halo_core::webhook::{
    Provider, Signature, SignatureEncoding, WebhookRequest, WebhookSigner, WebhookVerifier,
};
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_767_225_600;

/// The headers any scheme reads; fuzz input fills their values.
const HEADERS: [&str; 9] = [
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "X-Webhook-Signature",
    "X-Timestamp",
    "Stripe-Signature",
    "X-Hub-Signature-256",
    "Authorization",
    "X-API-Key",
];

fn signatures() -> Vec<(&'static str, Signature)> {
    let secret = SecretString::from("fuzz-secret");
    let whsec = SecretString::from("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    vec![
        ("generic", Signature::generic().secret(&secret).unwrap()),
        (
            "generic_ts",
            Signature::generic()
                .timestamp_header("X-Timestamp")
                .unwrap()
                .encoding(SignatureEncoding::Base64)
                .unwrap()
                .secret(&secret)
                .unwrap(),
        ),
        (
            "standard",
            Signature::standard_webhooks().secret(&whsec).unwrap(),
        ),
        ("stripe", Signature::stripe().secret(&secret).unwrap()),
        ("github", Signature::github().secret(&secret).unwrap()),
    ]
}

static VERIFIER: LazyLock<WebhookVerifier> = LazyLock::new(|| {
    let secret = SecretString::from("fuzz-secret");
    let mut builder = WebhookVerifier::builder().dangerous_without_replay_guard();
    for (name, signature) in signatures() {
        builder = builder.provider(
            name,
            Provider::new().signature(signature).max_body_bytes(4096),
        );
    }
    let keyed = Provider::new()
        .basic("halo", &secret)
        .api_key("X-API-Key", &secret)
        .unwrap();
    builder.provider("keys", keyed).build()
});

static SIGNERS: LazyLock<Vec<(&'static str, WebhookSigner)>> = LazyLock::new(|| {
    signatures()
        .into_iter()
        .map(|(n, s)| (n, WebhookSigner::new(s)))
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let now = UNIX_EPOCH + Duration::from_secs(NOW);
    let mut fields = data.split(|b| *b == 0);
    let headers: Vec<(&str, &[u8])> = HEADERS
        .iter()
        .zip(fields.by_ref())
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, v)| (*n, v))
        .collect();
    let body = fields.next().unwrap_or_default();

    for name in [
        "generic",
        "generic_ts",
        "standard",
        "stripe",
        "github",
        "keys",
    ] {
        let request = WebhookRequest::from_pairs(&headers, body).provider(name);
        match VERIFIER.verify_at(&request, now) {
            Ok(verified) => assert_eq!(verified.provider.as_deref(), Some(name)),
            Err(err) => assert!(err.code().starts_with("webhook."), "{err}"),
        }
    }

    for (name, signer) in SIGNERS.iter() {
        let signed = signer.sign("msg_fuzz", NOW, body).unwrap();
        let request = WebhookRequest::from_pairs(&signed, body).provider(name);
        match VERIFIER.verify_at(&request, now) {
            Ok(_) => {}
            Err(err) => assert_eq!(err.code(), "webhook.body_too_large", "{name}: {err}"),
        }
    }
});
