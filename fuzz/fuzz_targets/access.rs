//! Arbitrary text as a bearer token, an API key and an RBAC question: each
//! must return an answer or a coded error, and never accept a forgery.

#![no_main]

use std::sync::OnceLock;
use std::time::{Duration, UNIX_EPOCH};

use halo_core::access::{JwksCache, KEY_LENGTH, Policy, StaticJwks, TokenValidator, parse_api_key};
use halo_core::config::Config;
use libfuzzer_sys::fuzz_target;

/// A P-256 public key (RFC 7515 Appendix A.3) as the only key.
const JWKS: &str = r#"{"keys":[{"kty":"EC","kid":"ec-1","crv":"P-256",
"x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
"y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;

fn validator() -> &'static TokenValidator {
    static VALIDATOR: OnceLock<TokenValidator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let keys = StaticJwks::from_json(JWKS).expect("static key set");
        TokenValidator::new(JwksCache::new(keys))
    })
}

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| Policy::from_config(&Config::default()).expect("guide roles"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    match validator().validate_at(text, at) {
        Ok(_) => panic!("a token verified against a key nobody holds"),
        Err(err) => assert!(err.code().starts_with("access.")),
    }

    if let Some(id) = parse_api_key(text) {
        assert_eq!(text.len(), KEY_LENGTH);
        assert_eq!(id.len(), 16);
    }

    let (role, permission) = text.split_once(' ').unwrap_or((text, ""));
    let allowed = policy().is_allowed(role, permission);
    assert_eq!(allowed, policy().decide(&[role], permission).allowed);
});
