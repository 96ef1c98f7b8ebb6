use proptest::prelude::*;

use super::secret_scan::looks_like_secret;
use super::*;

const SECRET: &str = "inline-value-that-must-not-leak";

#[test]
fn default_is_the_guide_baseline() {
    let config = Config::default();
    assert!(config.security.rate_limiting.enabled);
    assert_eq!(
        config.security.rate_limiting.rules["api_endpoints"].burst_limit,
        20
    );
    assert_eq!(
        config.security.rate_limiting.rules["api_endpoints"].block_duration,
        Some(std::time::Duration::from_secs(15 * 60))
    );
    assert_eq!(config.security.mfa.required_for, ["admin", "operator"]);
    assert_eq!(config.security.auditing.storage.retention.min_days(), 365);
    assert!(config.compliance.hipaa.is_none());
    assert_eq!(config.posture(), []);
}

#[test]
fn empty_document_equals_default() {
    assert_eq!(Config::from_json_str("{}").unwrap(), Config::default());
    assert_eq!(
        Config::from_json_str(r#"{"security": {}, "compliance": {}}"#).unwrap(),
        Config::default()
    );
}

#[test]
fn error_display_lists_every_problem_without_values() {
    let text = r#"{"security": {"mfa": {"enabled": "plain-text-secret", "enabeld": true},
                   "webhooks": {"authentication": {"signature": {"secret": "plain-text-secret"}}}}}"#;
    let err = Config::from_json_str(text).unwrap_err();
    let shown = err.to_string();

    assert_eq!(err.code(), "config.invalid");
    assert_eq!(err.problems().len(), 3);
    assert!(
        shown.starts_with("invalid configuration: 3 problems"),
        "{shown}"
    );
    assert!(shown.contains("security.mfa.enabeld: unknown field (did you mean `enabled`?)"));
    assert!(!shown.contains("plain-text-secret"), "{shown}");
}

#[test]
fn one_problem_reads_on_one_line() {
    let err =
        Config::from_json_str(r#"{"security": {"mfa": {"grace_period_days": 400}}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid configuration: security.mfa.grace_period_days: must be between 0 and 365"
    );
}

#[test]
fn syntax_errors_carry_a_position() {
    let err = Config::from_json_str("{\n  \"security\": {\n    \"mfa\": ,\n  }\n}").unwrap_err();
    let ConfigError::Syntax { line, column, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((*line, *column), (3, 12));
    assert_eq!(err.code(), "config.syntax");
}

#[test]
fn duplicate_keys_are_refused_at_any_depth() {
    let err = Config::from_json_str(r#"{"compliance": {"gdpr": {}, "gdpr": {}}}"#).unwrap_err();
    assert_eq!(err.code(), "config.syntax");
    assert!(err.to_string().contains("duplicate key `gdpr`"), "{err}");
}

#[test]
fn oversized_documents_are_refused_before_parsing() {
    let text = format!(
        "{{\"security\": {{}}, \"x\": \"{}\"}}",
        "a".repeat(MAX_DOCUMENT_BYTES)
    );
    assert_eq!(
        Config::from_json_str(&text).unwrap_err().code(),
        "config.too_large"
    );
}

#[test]
fn from_path_reads_a_real_file_and_names_a_missing_one() {
    let dir = std::env::temp_dir().join(format!("halo-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("halo-core.json");
    std::fs::write(&path, r#"{"security": {"rbac": {}}}"#).unwrap();

    let err = Config::from_path(&path).unwrap_err();
    assert_eq!(err.problems()[0].path, "security.rbac");
    std::fs::write(&path, r#"{"security": {"mfa": {"grace_period_days": 3}}}"#).unwrap();
    let config = Config::from_path(&path).unwrap();
    assert_eq!(
        config.security.mfa.grace_period,
        std::time::Duration::from_secs(3 * 86_400)
    );

    let missing = Config::from_path(dir.join("absent.json")).unwrap_err();
    assert_eq!(missing.code(), "config.io");
    assert!(missing.to_string().contains("absent.json"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn debug_of_a_config_hides_inline_secrets() {
    let text = format!(
        r#"{{"security": {{"webhooks": {{"authentication": {{"signature": {{"secret": {{"inline": "{SECRET}"}}}}}}}}}}}}"#
    );
    let config = Config::from_json_str(&text).unwrap();
    let debug = format!("{config:?}");
    assert!(debug.contains("Inline([REDACTED])"));
    assert!(!debug.contains(SECRET));

    let err = config.to_json_string().unwrap_err();
    assert_eq!(err.code(), "config.inline_secret");
    let finding = config
        .posture()
        .into_iter()
        .find(|f| f.code == "secret.inline")
        .unwrap();
    assert!(!finding.to_string().contains(SECRET));
}

#[test]
fn secret_refs_are_listed_with_paths() {
    let text = r#"{"security": {
        "authentication": [{"method": "oauth2", "client_secret": {"env": "HALO_CLIENT_SECRET"}}],
        "encryption": {"at_rest": {"keys": {"k1": {"file": "/run/secrets/k1"}}}},
        "auditing": {"storage": {"chain_key": {"env": "AUDIT_CHAIN_KEY"}}},
        "webhooks": {"providers": {"halopsa": {"authentication": {
            "basic": {"username": "halo", "password": {"env": "HALO_HOOK_PASSWORD"}}}}}}}}"#;
    let config = Config::from_json_str(text).unwrap();
    let paths: Vec<String> = config.secret_refs().into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        paths,
        [
            "security.authentication[0].client_secret",
            "security.encryption.at_rest.keys.k1",
            "security.auditing.storage.chain_key",
            "security.webhooks.providers.halopsa.authentication.basic.password",
        ]
    );
    assert_eq!(
        config.security.encryption.at_rest.primary_key_id(),
        Some("k1")
    );
}

#[test]
fn secret_heuristic_separates_tokens_from_names() {
    let tokens = [
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl",
        "Zm9vYmFyMTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3A",
        "AKIAIOSFODNN7EXAMPLE1234",
    ];
    let names = [
        "APOLLO_WEBHOOK_SECRET",
        "HaloPSA-Integration-2026",
        "https://your-instance.halopsa.com/oauth/token",
        "data.view.readonly",
        "/run/secrets/halo-webhook-secret-2026",
        "ECDHE-RSA-AES256-GCM-SHA512",
        "2026-01-25T14:30:00Z",
    ];
    for token in tokens {
        assert!(looks_like_secret(token), "missed {token}");
    }
    for name in names {
        assert!(!looks_like_secret(name), "flagged {name}");
    }
}

fn small_config() -> impl Strategy<Value = Config> {
    (
        1u32..=1_000_000,
        1u32..=1_000_000,
        proptest::option::of(1u64..=10_080),
        0u64..=300,
        1u64..=3650,
        proptest::bool::ANY,
        1u32..=36_525,
        "[a-z][a-z0-9_]{0,12}",
    )
        .prop_map(
            |(rate, burst, block, leeway, interval, immutable, days, name)| {
                let mut config = Config::default();
                let rule = RateRule {
                    requests: rate,
                    per: RatePeriod::Hour,
                    burst_limit: burst,
                    block_duration: block.map(|m| std::time::Duration::from_secs(m * 60)),
                };
                config
                    .security
                    .rate_limiting
                    .rules
                    .insert(name.clone(), rule);
                let mut oauth = OAuth2::default();
                oauth.token_validation.leeway = std::time::Duration::from_secs(leeway);
                let mut api_key = ApiKeyAuth::default();
                api_key.key_rotation.interval = std::time::Duration::from_secs(interval * 86_400);
                config.security.authentication.methods =
                    vec![AuthMethod::OAuth2(oauth), AuthMethod::ApiKey(api_key)];
                config.security.auditing.storage.immutable = immutable;
                config.security.auditing.storage.retention = Period::days(days).unwrap();
                config
                    .compliance
                    .gdpr
                    .data_retention
                    .insert(name, Period::days(days).unwrap());
                config
            },
        )
}

proptest! {
    #[test]
    fn serialised_config_loads_back_equal(config in small_config()) {
        let text = config.to_json_string().unwrap();
        prop_assert_eq!(Config::from_json_str(&text).unwrap(), config);
    }

    #[test]
    fn arbitrary_text_never_panics_and_errors_are_coded(text in ".{0,200}") {
        if let Err(err) = Config::from_json_str(&text) {
            prop_assert!(err.code().starts_with("config."));
        }
    }
}
