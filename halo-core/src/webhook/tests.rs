//! Unit tests: redaction, builder and configuration errors, header input
//! forms, limits and the replay guard.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use secrecy::SecretString;

use super::keys::{CredentialDigest, MacKey};
use super::*;
use crate::config::Config;
use crate::secret::MemorySource;

const SECRET: &str = "s3cr3t-value-that-must-not-leak";
const NOW: u64 = 1_767_225_600;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn secret() -> SecretString {
    SecretString::from(SECRET)
}

fn generic_verifier() -> WebhookVerifier {
    let signature = Signature::generic().secret(&secret()).unwrap();
    WebhookVerifier::builder()
        .default_provider(Provider::new().signature(signature))
        .build()
}

fn generic_headers(body: &[u8]) -> Vec<(String, String)> {
    let signer = WebhookSigner::new(Signature::generic().secret(&secret()).unwrap());
    signer.sign("", NOW, body).unwrap()
}

#[test]
fn debug_never_shows_a_secret() {
    let whsec = SecretString::from(format!("whsec_{}", "c2VjcmV0LWtleS1tYXRlcmlhbC0yNC1i"));
    let signature = Signature::generic().secret(&secret()).unwrap();
    let provider = Provider::new()
        .signature(signature.clone())
        .api_key("X-API-Key", &secret())
        .unwrap()
        .basic("halo", &secret());
    let verifier = WebhookVerifier::builder()
        .default_provider(provider.clone())
        .build();
    let basic_signer = WebhookSigner::basic("halo", &secret());
    let key_signer = WebhookSigner::api_key("X-API-Key", &secret()).unwrap();
    let standard = Signature::standard_webhooks().secret(&whsec).unwrap();
    let authorization = basic_signer.sign("", NOW, b"").unwrap().remove(0).1;
    let headers = [
        ("Authorization", authorization.as_str()),
        ("X-API-Key", SECRET),
    ];
    let request = WebhookRequest::from_pairs(&headers, SECRET.as_bytes());

    let texts = [
        format!("{signature:?}"),
        format!("{standard:?}"),
        format!("{provider:?}"),
        format!("{verifier:?}"),
        format!("{basic_signer:?}"),
        format!("{key_signer:?}"),
        format!("{:?}", WebhookSigner::new(standard.clone())),
        format!("{request:?}"),
        format!("{:?}", MacKey::new(SECRET.as_bytes()).unwrap()),
        format!("{:?}", CredentialDigest::of(SECRET.as_bytes())),
    ];
    for text in &texts {
        assert!(!text.contains(SECRET), "leaked in {text}");
        assert!(!text.contains("c2VjcmV0"), "leaked in {text}");
        assert!(!text.contains(&authorization[6..]), "leaked in {text}");
    }
    assert!(texts[4].contains("[REDACTED]"));
}

#[test]
fn verifier_is_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<WebhookVerifier>();
    shared::<WebhookSigner>();
}

#[test]
fn keyed_states_zeroize_on_drop() {
    // A keyed HMAC state is two SHA-256 cores (inner and outer pad); its
    // block buffer is empty until message bytes arrive.
    fn zeroized_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    zeroized_on_drop::<<sha2::Sha256 as hmac::digest::block_api::CoreProxy>::Core>();
}

#[test]
fn errors_never_carry_signatures_or_values() {
    let verifier = generic_verifier();
    let body = b"{\"lead\":\"ada@example.com\"}";
    let mut headers = generic_headers(body);
    let good = headers[0].1.clone();
    headers[0].1 = format!("{}0", &good[..63]);

    let err = verifier
        .verify_at(&WebhookRequest::from_pairs(&headers, body), at(NOW))
        .unwrap_err();
    assert_eq!(err.code(), "webhook.signature_mismatch");
    let text = format!("{err} {err:?}");
    assert!(!text.contains(&good[..16]) && !text.contains(&headers[0].1[..16]));
    assert!(!text.contains("ada@example.com") && !text.contains(SECRET));
}

#[test]
fn builder_refuses_settings_that_do_not_fit_the_scheme() {
    let cases = [
        Signature::standard_webhooks()
            .header("X-Signature")
            .map(drop),
        Signature::stripe()
            .timestamp_header("X-Timestamp")
            .map(drop),
        Signature::github()
            .encoding(SignatureEncoding::Base64)
            .map(drop),
        Signature::generic().header("X Signature").map(drop),
        Signature::standard_webhooks()
            .secret(&SecretString::from("whsec_***"))
            .map(drop),
        Signature::generic().secret_bytes(b"").map(drop),
        WebhookSigner::api_key("Bad:Header", &secret()).map(drop),
        WebhookSigner::api_key("X-API-Key", &SecretString::from(" padded")).map(drop),
        Provider::new()
            .api_key("X-API-Key", &SecretString::from("tab\t"))
            .map(drop),
    ];
    for result in cases {
        assert_eq!(result.unwrap_err().code(), "webhook.invalid_setting");
    }
    assert!(
        Signature::standard_webhooks()
            .header("Webhook-Signature")
            .is_ok()
    );
}

#[test]
fn from_config_names_the_unresolved_secret() {
    let config = Config::from_json_str(
        r#"{"security": {"webhooks": {"providers": {"apollo": {"authentication": {
            "signature": {"secret": [{"env": "APOLLO_NEW"}, {"env": "APOLLO_OLD"}]}}}}}}}"#,
    )
    .unwrap();
    let source = MemorySource::new().with_env("APOLLO_NEW", "x");
    let err = WebhookVerifier::from_config(&config, &source).unwrap_err();
    assert_eq!(err.code(), "webhook.secret_unavailable");
    assert!(
        err.to_string()
            .contains("providers.apollo.authentication.signature.secret[1]")
    );
}

#[test]
fn from_config_refuses_a_standard_webhooks_secret_that_does_not_decode() {
    let config = Config::from_json_str(
        r#"{"security": {"webhooks": {"authentication": {"signature": {
            "scheme": "standard_webhooks", "secret": {"env": "SW"}}}}}}"#,
    )
    .unwrap();
    let source = MemorySource::new().with_env("SW", SECRET);
    let err = WebhookVerifier::from_config(&config, &source).unwrap_err();
    assert_eq!(err.code(), "webhook.invalid_setting");
    assert!(!err.to_string().contains(SECRET));
}

#[test]
fn header_map_and_pairs_are_read_alike() {
    let verifier = generic_verifier();
    let body = b"payload";
    let headers = generic_headers(body);

    let mut map = HeaderMap::new();
    map.insert(
        "x-webhook-signature",
        HeaderValue::from_str(&headers[0].1).unwrap(),
    );
    let verified = verifier
        .verify_at(&WebhookRequest::from_header_map(&map, body), at(NOW))
        .unwrap();
    assert_eq!(verified.scheme, Some(Scheme::Generic));

    // The same header in the map and among the pairs is a repeat.
    let request = WebhookRequest::from_header_map(&map, body).header("X-WEBHOOK-SIGNATURE", b"00");
    let err = verifier.verify_at(&request, at(NOW)).unwrap_err();
    assert_eq!(err.code(), "webhook.malformed_header");
}

#[test]
fn oversized_and_non_ascii_headers_are_malformed() {
    let verifier = generic_verifier();
    let long = "a".repeat(MAX_HEADER_BYTES + 1);
    let request = WebhookRequest::new(b"x").header("X-Webhook-Signature", long.as_bytes());
    assert_eq!(
        verifier.verify_at(&request, at(NOW)).unwrap_err().code(),
        "webhook.malformed_header"
    );

    let request = WebhookRequest::new(b"x").header("X-Webhook-Signature", &[0xC3, 0xA9]);
    assert_eq!(
        verifier.verify_at(&request, at(NOW)).unwrap_err().code(),
        "webhook.malformed_header"
    );
}

#[test]
fn too_many_signatures_are_malformed() {
    let whsec = SecretString::from("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let signature = Signature::standard_webhooks().secret(&whsec).unwrap();
    let verifier = WebhookVerifier::builder()
        .default_provider(Provider::new().signature(signature))
        .build();
    let entries =
        vec!["v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="; MAX_SIGNATURES + 1].join(" ");
    let headers = [("webhook-id", "msg_1"), ("webhook-timestamp", "1767225600")];
    let request =
        WebhookRequest::from_pairs(&headers, b"x").header("webhook-signature", entries.as_bytes());
    let err = verifier.verify_at(&request, at(NOW)).unwrap_err();
    assert_eq!(err.code(), "webhook.malformed_header");
}

#[test]
fn timestamps_are_plain_digits() {
    let signature = Signature::generic()
        .timestamp_header("X-Timestamp")
        .unwrap()
        .secret(&secret())
        .unwrap();
    let verifier = WebhookVerifier::builder()
        .default_provider(Provider::new().signature(signature))
        .build();
    for text in ["+1767225600", "-1", "1767225600.5", "", "0x69"] {
        let headers = [
            ("X-Webhook-Signature", "00".repeat(32)),
            ("X-Timestamp", text.to_owned()),
        ];
        let err = verifier
            .verify_at(&WebhookRequest::from_pairs(&headers, b"x"), at(NOW))
            .unwrap_err();
        assert_eq!(err.code(), "webhook.malformed_header", "{text:?}");
    }
}

#[test]
fn same_delivery_to_two_providers_is_not_a_replay() {
    let whsec = SecretString::from("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let provider =
        || Provider::new().signature(Signature::standard_webhooks().secret(&whsec).unwrap());
    let verifier = WebhookVerifier::builder()
        .provider("a", provider())
        .provider("a:", provider())
        .build();
    let signer = WebhookSigner::new(Signature::standard_webhooks().secret(&whsec).unwrap());
    let headers = signer.sign(":msg", NOW, b"x").unwrap();

    for name in ["a", "a:"] {
        let request = WebhookRequest::from_pairs(&headers, b"x").provider(name);
        assert!(verifier.verify_at(&request, at(NOW)).is_ok(), "{name}");
    }
    let request = WebhookRequest::from_pairs(&headers, b"x").provider("a");
    assert_eq!(
        verifier.verify_at(&request, at(NOW)).unwrap_err().code(),
        "webhook.replayed"
    );
    let request = WebhookRequest::from_pairs(&headers, b"x");
    assert_eq!(
        verifier.verify_at(&request, at(NOW)).unwrap_err().code(),
        "webhook.unknown_provider"
    );
}

#[derive(Debug)]
struct BrokenGuard;

impl ReplayGuard for BrokenGuard {
    fn claim(&self, _: &str, _: SystemTime, _: SystemTime) -> Result<Claim, WebhookError> {
        let source = std::io::Error::other("connection refused");
        let reason = "store unreachable".to_owned();
        Err(WebhookError::ReplayGuardUnavailable {
            reason,
            source: Some(Box::new(source)),
        })
    }

    fn release(&self, _: &str) -> Result<(), WebhookError> {
        Ok(())
    }
}

#[test]
fn a_failing_replay_guard_refuses_the_delivery() {
    let signature = Signature::generic().secret(&secret()).unwrap();
    let verifier = WebhookVerifier::builder()
        .default_provider(Provider::new().signature(signature))
        .replay_guard(Arc::new(BrokenGuard))
        .build();
    let headers = generic_headers(b"x");
    let err = verifier
        .verify_at(&WebhookRequest::from_pairs(&headers, b"x"), at(NOW))
        .unwrap_err();
    assert_eq!(err.code(), "webhook.replay_guard_unavailable");
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn memory_guard_is_bounded_and_forgets_after_expiry() {
    let guard = MemoryReplayGuard::new(2);
    assert_eq!(guard.claim("a", at(10), at(0)).unwrap(), Claim::Claimed);
    assert_eq!(guard.claim("b", at(20), at(0)).unwrap(), Claim::Claimed);
    assert_eq!(guard.claim("a", at(10), at(10)).unwrap(), Claim::Replayed);
    assert_eq!(
        guard.claim("c", at(30), at(5)).unwrap_err().code(),
        "webhook.replay_guard_unavailable"
    );

    assert_eq!(guard.claim("c", at(30), at(11)).unwrap(), Claim::Claimed);
    assert_eq!(guard.len(), 2);
    guard.release("c").unwrap();
    assert_eq!(guard.claim("c", at(30), at(12)).unwrap(), Claim::Claimed);
    assert_eq!(guard.claim("a", at(40), at(21)).unwrap(), Claim::Claimed);
    assert_eq!(guard.len(), 2);
}

#[test]
fn memory_guard_claims_are_atomic() {
    let guard = Arc::new(MemoryReplayGuard::default());
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let guard = Arc::clone(&guard);
            std::thread::spawn(move || guard.claim("same", at(100), at(0)).unwrap())
        })
        .collect();
    let claims: Vec<Claim> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(claims.iter().filter(|c| **c == Claim::Claimed).count(), 1);
}

#[test]
fn release_lets_a_retry_through() {
    let verifier = generic_verifier();
    let headers = generic_headers(b"x");
    let request = WebhookRequest::from_pairs(&headers, b"x");
    let verified = verifier.verify_at(&request, at(NOW)).unwrap();
    assert_eq!(
        verifier
            .verify_at(&request, at(NOW + 1))
            .unwrap_err()
            .code(),
        "webhook.replayed"
    );
    verifier.release(&verified).unwrap();
    assert_eq!(verifier.verify_at(&request, at(NOW + 2)).unwrap(), verified);

    // By provider and id alone, as the bindings release.
    let id = verified.id.clone().unwrap();
    verifier.release_id(Some("other"), &id).unwrap();
    assert!(verifier.verify_at(&request, at(NOW + 3)).is_err());
    verifier.release_id(None, &id).unwrap();
    assert_eq!(verifier.verify_at(&request, at(NOW + 4)).unwrap(), verified);
}

#[test]
fn signer_needs_a_secret_and_a_valid_id() {
    let empty = WebhookSigner::new(Signature::stripe());
    assert_eq!(
        empty.sign("", NOW, b"x").unwrap_err().code(),
        "webhook.no_secret"
    );

    let whsec = SecretString::from("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let signer = WebhookSigner::new(Signature::standard_webhooks().secret(&whsec).unwrap());
    for id in ["", "has space", "line\nbreak"] {
        assert_eq!(
            signer.sign(id, NOW, b"x").unwrap_err().code(),
            "webhook.invalid_setting"
        );
    }
}

#[test]
fn error_codes_are_stable() {
    let codes = [
        (WebhookError::missing("X"), "webhook.missing_header"),
        (
            WebhookError::malformed("X", "bad"),
            "webhook.malformed_header",
        ),
        (
            WebhookError::TimestampOutOfTolerance { tolerance_secs: 1 },
            "webhook.timestamp_out_of_tolerance",
        ),
        (
            WebhookError::SignatureMismatch,
            "webhook.signature_mismatch",
        ),
        (WebhookError::Replayed, "webhook.replayed"),
        (WebhookError::IpNotAllowed, "webhook.ip_not_allowed"),
        (
            WebhookError::UserAgentRejected,
            "webhook.user_agent_rejected",
        ),
        (
            WebhookError::BodyTooLarge { limit: 1 },
            "webhook.body_too_large",
        ),
        (WebhookError::NoSecret, "webhook.no_secret"),
        (
            WebhookError::CredentialsRejected,
            "webhook.credentials_rejected",
        ),
    ];
    for (err, code) in codes {
        assert_eq!(err.code(), code);
        let message = err.to_string();
        assert!(
            message.starts_with(|c: char| c.is_lowercase()) && !message.ends_with('.'),
            "{message}"
        );
    }
}

#[test]
fn refusals_map_to_http_statuses() {
    let verifier = WebhookVerifier::builder()
        .default_provider(
            Provider::new()
                .signature(Signature::generic().secret(&secret()).unwrap())
                .max_body_bytes(16),
        )
        .build();
    let status = |headers: &[(String, String)], body: &[u8]| {
        let request = WebhookRequest::from_pairs(headers, body);
        verifier
            .verify_at(&request, at(NOW))
            .map_err(|e| e.http_status())
    };
    let body = b"{}";
    let signed = generic_headers(body);
    assert!(status(&signed, body).is_ok());
    assert_eq!(status(&signed, body).unwrap_err(), 409, "replayed");
    assert_eq!(status(&signed, b"{ }").unwrap_err(), 401, "signature");
    assert_eq!(status(&[], body).unwrap_err(), 400, "no header");
    let large = [b'x'; 17];
    assert_eq!(status(&generic_headers(&large), &large).unwrap_err(), 413);
    let named = WebhookRequest::from_pairs(&signed, body).provider("nobody");
    let unknown = verifier.verify_at(&named, at(NOW)).unwrap_err();
    assert_eq!(unknown.http_status(), 404);
}
