//! `tests/vectors/access/totp-*.json`: RFC 6238 Appendix B, and the replay
//! and throttling rules with an injected clock.

use std::time::{Duration, UNIX_EPOCH};

use halo_core::access::{MemoryOtpStore, Totp, TotpAlgorithm};
use serde_json::Value;

use crate::vectors;

fn totp(case: &Value) -> Totp {
    let secret = hex(case["secret_hex"].as_str().unwrap());
    let algorithm = match case["algorithm"].as_str().unwrap() {
        "SHA1" => TotpAlgorithm::Sha1,
        "SHA256" => TotpAlgorithm::Sha256,
        "SHA512" => TotpAlgorithm::Sha512,
        other => panic!("unknown algorithm {other}"),
    };
    let digits = u32::try_from(case["digits"].as_u64().unwrap()).unwrap();
    Totp::new(&secret, algorithm, digits).unwrap()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn rfc6238_appendix_b() {
    let path = vectors::dir("access").join("totp-rfc6238.json");
    let cases = vectors::cases(&path);
    assert_eq!(cases.len(), 18);
    for case in cases {
        let at = UNIX_EPOCH + Duration::from_secs(case["time"].as_u64().unwrap());
        let totp = totp(&case);
        assert_eq!(
            totp.generate(at),
            case["code"].as_str().unwrap(),
            "{}",
            case["name"]
        );

        // Tamper: the neighbouring code of the same length must not verify.
        let code = case["code"].as_str().unwrap();
        let last = code.as_bytes()[7];
        let tampered = format!(
            "{}{}",
            &code[..7],
            if last == b'9' {
                '0'
            } else {
                char::from(last + 1)
            }
        );
        let err = totp
            .verify("t", &tampered, at, &MemoryOtpStore::new())
            .unwrap_err();
        assert_eq!(err.code(), "access.otp_mismatch");
    }
}

#[test]
fn verification_rules() {
    let path = vectors::dir("access").join("totp-verify.json");
    for case in vectors::cases(&path) {
        let name = case["name"].as_str().unwrap();
        let lockout = Duration::from_secs(case["lockout_seconds"].as_u64().unwrap());
        let max = u32::try_from(case["max_failures"].as_u64().unwrap()).unwrap();
        let totp = totp(&case).with_throttle(max, lockout);
        let store = MemoryOtpStore::new();
        for (i, attempt) in case["attempts"].as_array().unwrap().iter().enumerate() {
            let at = UNIX_EPOCH + Duration::from_secs(attempt["time"].as_u64().unwrap());
            let account = attempt
                .get("account")
                .and_then(Value::as_str)
                .unwrap_or("alice");
            let code = attempt["code"].as_str().unwrap();
            let result = totp.verify(account, code, at, &store);
            let actual = result.err().map(|e| e.code());
            assert_eq!(actual, attempt["error"].as_str(), "{name}: attempt {i}");
        }
    }
}
