//! Conversion tests of the binding; the rules themselves are tested in
//! halo-core, and the whole binding through Kotlin by
//! `bindings-uniffi/kotlin/VectorsTest.kt`.

use std::collections::HashMap;

use crate::{
    BlindIndex, Config, FieldCipher, HaloCoreError, LeadSchema, Masker, Totp, TotpOptions,
    WebhookSigner, WebhookVerifier,
};

const SECRET: &str = "s3cret-v4lue-never-shown";
// 32 bytes 0x00..0x1f in standard base64, as in tests/vectors/crypto.
const KEY_B64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn generic_webhooks() -> std::sync::Arc<Config> {
    let doc = r#"{"security": {"webhooks": {"authentication": {"methods": ["signature"],
        "signature": {"scheme": "generic", "secret": {"env": "HOOK"}}}}}}"#;
    Config::from_json(doc.to_owned()).unwrap()
}

#[test]
fn secret_holding_types_show_no_secret_in_debug() {
    let secrets = HashMap::from([("HOOK".to_owned(), SECRET.to_owned())]);
    let verifier = WebhookVerifier::from_config(&generic_webhooks(), secrets.clone()).unwrap();
    let signer = WebhookSigner::from_config(&generic_webhooks(), None, secrets).unwrap();
    let basic = WebhookSigner::basic("halo".to_owned(), SECRET.to_owned());
    let api_key = WebhookSigner::api_key("X-API-Key".to_owned(), SECRET.to_owned()).unwrap();
    let shown = format!("{verifier:?} {signer:?} {basic:?} {api_key:?}");
    assert!(!shown.contains(SECRET), "{shown}");

    let keys = HashMap::from([("a".to_owned(), KEY_B64.to_owned())]);
    let cipher = FieldCipher::from_base64_keys(keys, None, None).unwrap();
    let raw = FieldCipher::from_raw_keys(
        HashMap::from([("a".to_owned(), (0u8..32).collect())]),
        None,
        None,
    )
    .unwrap();
    let index = BlindIndex::from_base64_key(KEY_B64.to_owned(), 16).unwrap();
    let shown = format!("{cipher:?} {raw:?} {index:?}");
    assert!(
        !shown.contains(KEY_B64) && !shown.contains("AAECAwQF"),
        "{shown}"
    );
    assert!(!shown.contains("[0, 1, 2, 3"), "{shown}");

    let totp = Totp::from_base32(
        "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".to_owned(),
        TotpOptions::default(),
    );
    let shown = format!("{:?}", totp.unwrap());
    assert!(!shown.contains("JBSWY3DP"), "{shown}");

    let doc = r#"{"security": {"data_masking": {"pseudonym_key": {"env": "K"},
        "rules": {"email": {"pseudonymize": true}}}}}"#;
    let config = Config::from_json(doc.to_owned()).unwrap();
    let pseudonym_key = "k".repeat(32);
    let env = HashMap::from([("K".to_owned(), pseudonym_key.clone().into_bytes())]);
    let shown = format!("{:?}", Masker::from_config(&config, env).unwrap());
    assert!(!shown.contains(&pseudonym_key), "{shown}");
}

#[test]
fn config_errors_carry_the_code_and_every_problem() {
    let err = Config::from_json(r#"{"security": {"mfa": {"enabeld": true}}}"#.to_owned());
    let Err(HaloCoreError::Config { code, problems, .. }) = err else {
        panic!("not a config error");
    };
    assert_eq!(code, "config.invalid");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "security.mfa.enabeld");
    assert_eq!(problems[0].code, "config.unknown_field");
    assert_eq!(problems[0].hint.as_deref(), Some("did you mean `enabled`?"));
}

#[test]
fn lead_errors_carry_violations_as_data_and_no_value() {
    let schema = LeadSchema::guide_default();
    let lead = r#"{"first_name": "Ada", "last_name": "Lovelace", "email": "not-an-email",
        "company": "Analytical Engines"}"#;
    let err = schema.validate_json(lead.to_owned()).unwrap_err();
    assert_eq!(err.code(), "lead.invalid");
    let HaloCoreError::Lead { violations, .. } = &err else {
        panic!("not a lead error");
    };
    let got: Vec<(&str, &str)> = violations
        .iter()
        .map(|v| (v.field.as_str(), v.code.as_str()))
        .collect();
    assert_eq!(got, [("email", "lead.email_invalid")]);
    assert!(!format!("{err} {err:?}").contains("not-an-email"));
}

#[test]
fn a_webhook_secret_from_the_map_verifies_and_a_missing_one_is_named_by_code() {
    let secrets = HashMap::from([("HOOK".to_owned(), SECRET.to_owned())]);
    let signer = WebhookSigner::from_config(&generic_webhooks(), None, secrets.clone()).unwrap();
    let verifier = WebhookVerifier::from_config(&generic_webhooks(), secrets).unwrap();
    let body = b"{\"event\":\"lead.created\"}".to_vec();
    let headers = signer
        .sign(body.clone(), None, Some(1_767_225_600))
        .unwrap();
    let verified = verifier
        .verify(
            body.clone(),
            headers.clone(),
            None,
            None,
            Some(1_767_225_600),
        )
        .unwrap();
    assert_eq!(verified.scheme().as_deref(), Some("generic"));
    let again = verifier.verify(body, headers, None, None, Some(1_767_225_600));
    assert_eq!(again.unwrap_err().code(), "webhook.replayed");

    let missing = WebhookVerifier::from_config(&generic_webhooks(), HashMap::new());
    assert_eq!(missing.unwrap_err().code(), "webhook.secret_unavailable");
}

#[test]
fn arguments_that_do_not_convert_are_invalid_argument() {
    let masker = Masker::guide_default();
    assert_eq!(
        masker
            .mask_record("{not json".to_owned())
            .unwrap_err()
            .code(),
        "invalid_argument"
    );
    let limiter = crate::RateLimiter::from_config(&Config::guide_default(), None, None).unwrap();
    let err = limiter.check(
        "api_endpoints".into(),
        "k".into(),
        Some("nope".into()),
        None,
    );
    assert_eq!(err.unwrap_err().code(), "invalid_argument");
}
