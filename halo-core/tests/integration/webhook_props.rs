//! Properties of every scheme: what a signer produces verifies, and any
//! single change to the body or to a signed header value is refused.

use std::time::{Duration, UNIX_EPOCH};

use halo_core::SecretString;
use halo_core::webhook::{
    Provider, Scheme, Signature, SignatureEncoding, WebhookRequest, WebhookSigner, WebhookVerifier,
};
use proptest::prelude::*;

const NOW: u64 = 1_767_225_600;

/// A scheme under test: how the verifier's provider is set up, the signer
/// for it, and whether the body is bound to the credentials.
struct Setup {
    provider: Provider,
    signer: WebhookSigner,
    binds_body: bool,
}

fn setup(kind: usize, secret: &str) -> Setup {
    let s = SecretString::from(secret.to_owned());
    let whsec = SecretString::from(format!("whsec_{}", base64_of(secret.as_bytes())));
    let signature = |sig: Signature| {
        let provider = Provider::new().signature(sig.clone());
        Setup {
            provider,
            signer: WebhookSigner::new(sig),
            binds_body: true,
        }
    };
    match kind {
        0 => signature(Signature::generic().secret(&s).unwrap()),
        1 => signature(
            Signature::generic()
                .encoding(SignatureEncoding::Base64)
                .unwrap()
                .timestamp_header("X-Timestamp")
                .unwrap()
                .secret(&s)
                .unwrap(),
        ),
        2 => signature(Signature::standard_webhooks().secret(&whsec).unwrap()),
        3 => signature(Signature::stripe().secret(&s).unwrap()),
        4 => signature(Signature::github().secret(&s).unwrap()),
        5 => Setup {
            provider: Provider::new().basic("halo", &s),
            signer: WebhookSigner::basic("halo", &s),
            binds_body: false,
        },
        _ => Setup {
            // A key travels in a header, so it cannot start or end with a space.
            provider: Provider::new()
                .api_key("X-API-Key", &bracketed(secret))
                .unwrap(),
            signer: WebhookSigner::api_key("X-API-Key", &bracketed(secret)).unwrap(),
            binds_body: false,
        },
    }
}

fn bracketed(secret: &str) -> SecretString {
    SecretString::from(format!("[{secret}]"))
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn verifier(provider: Provider) -> WebhookVerifier {
    // Without a guard: a changed delivery must fail on its own merits, not
    // because the original was claimed first.
    WebhookVerifier::builder()
        .default_provider(provider)
        .dangerous_without_replay_guard()
        .build()
}

fn verify(
    v: &WebhookVerifier,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Scheme, String> {
    let now = UNIX_EPOCH + Duration::from_secs(NOW);
    match v.verify_at(&WebhookRequest::from_pairs(headers, body), now) {
        Ok(verified) => Ok(verified.scheme.unwrap()),
        Err(err) => Err(err.code().to_owned()),
    }
}

fn secret() -> impl Strategy<Value = String> {
    "[ -~]{1,64}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn signed_deliveries_verify(
        kind in 0usize..7,
        secret in secret(),
        body in prop::collection::vec(any::<u8>(), 0..2048),
        id in "[a-zA-Z0-9_]{1,40}",
        skew in -300i64..=300,
    ) {
        let Setup { provider, signer, .. } = setup(kind, &secret);
        let timestamp = NOW.checked_add_signed(skew).unwrap();
        let headers = signer.sign(&id, timestamp, &body).unwrap();
        prop_assert_eq!(verify(&verifier(provider), &headers, &body), Ok(signer.scheme()));
    }

    #[test]
    fn any_body_byte_change_is_refused(
        kind in 0usize..5,
        secret in secret(),
        body in prop::collection::vec(any::<u8>(), 1..1024),
        at in any::<prop::sample::Index>(),
        delta in 1u8..=255,
    ) {
        let Setup { provider, signer, binds_body } = setup(kind, &secret);
        prop_assert!(binds_body);
        let headers = signer.sign("msg_1", NOW, &body).unwrap();
        let mut changed = body.clone();
        let i = at.index(changed.len());
        changed[i] = changed[i].wrapping_add(delta);
        prop_assert_eq!(
            verify(&verifier(provider), &headers, &changed),
            Err("webhook.signature_mismatch".to_owned())
        );
    }

    #[test]
    fn any_header_character_change_is_refused(
        kind in 0usize..7,
        secret in secret(),
        body in prop::collection::vec(any::<u8>(), 0..256),
        which in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        replacement in 0x20u8..0x7f,
    ) {
        let Setup { provider, signer, .. } = setup(kind, &secret);
        let mut headers = signer.sign("msg_1", NOW, &body).unwrap();
        let header = which.index(headers.len());
        let mut value = headers[header].1.clone().into_bytes();
        let i = at.index(value.len());
        // Hexadecimal is read in either case, so a change of case alone is
        // not a change of the signature.
        prop_assume!(!value[i].eq_ignore_ascii_case(&replacement));
        value[i] = replacement;
        headers[header].1 = String::from_utf8(value).unwrap();

        let result = verify(&verifier(provider), &headers, &body);
        prop_assert!(result.is_err(), "{:?} accepted after changing {}", result, headers[header].0);
    }
}
