//! `tests/vectors/access/jwt-validation.json`, and key-set refresh over HTTP
//! against a server on 127.0.0.1.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use halo_core::access::{JwksCache, StaticJwks, TokenValidator};
use halo_core::config::JwtAlgorithm;
use halo_core::secret::SecretBytes;
use serde_json::Value;

use crate::vectors;

fn algorithm(name: &str) -> JwtAlgorithm {
    match name {
        "RS256" => JwtAlgorithm::Rs256,
        "ES256" => JwtAlgorithm::Es256,
        "HS256" => JwtAlgorithm::Hs256,
        other => panic!("algorithm {other} not used by the vectors"),
    }
}

fn validator(case: &Value, keys: JwksCache) -> TokenValidator {
    let settings = &case["settings"];
    let algorithms: Vec<JwtAlgorithm> = settings["algorithms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| algorithm(a.as_str().unwrap()))
        .filter(|a| *a != JwtAlgorithm::Hs256)
        .collect();
    let mut v = TokenValidator::new(keys)
        .with_leeway(Duration::from_secs(settings["leeway"].as_u64().unwrap()))
        .with_algorithms(&algorithms)
        .unwrap();
    if let Some(issuer) = settings["issuer"].as_str() {
        v = v.with_issuer(issuer);
    }
    if let Some(audience) = settings["audience"].as_str() {
        v = v.with_audience(audience);
    }
    if let Some(secret) = settings["hs256_secret_hex"].as_str() {
        let bytes: Vec<u8> = (0..secret.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&secret[i..i + 2], 16).unwrap())
            .collect();
        v = v.dangerous_accept_hs256(SecretBytes::new(bytes.into()));
    }
    v
}

#[test]
fn jwt_vectors() {
    let path = vectors::dir("access").join("jwt-validation.json");
    for case in vectors::cases(&path) {
        let name = case["name"].as_str().unwrap();
        let keys = StaticJwks::from_json(&case["jwks"].to_string()).unwrap();
        let v = validator(&case, JwksCache::new(keys));
        let now = UNIX_EPOCH + Duration::from_secs(case["now"].as_u64().unwrap());
        let result = v.validate_at(case["token"].as_str().unwrap(), now);
        let expect = &case["expect"];
        match result {
            Err(err) => assert_eq!(Some(err.code()), expect["error"].as_str(), "{name}: {err}"),
            Ok(token) => {
                assert_eq!(expect["ok"], true, "{name}: accepted, expected {expect}");
                assert_eq!(token.subject.as_deref(), expect["sub"].as_str(), "{name}");
                let scopes: Vec<&str> = expect["scopes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap())
                    .collect();
                assert_eq!(token.scopes, scopes, "{name}");
                if let Some(scope) = case["require_scope"].as_str() {
                    let code = token.require_scope(scope).err().map(|e| e.code());
                    assert_eq!(code, expect["scope_error"].as_str(), "{name}");
                }
            }
        }
    }
}

#[test]
fn debug_hides_the_hs256_secret() {
    let keys = JwksCache::new(StaticJwks::from_json(r#"{"keys":[]}"#).unwrap());
    let secret = SecretBytes::new(b"hs256-shared-secret".as_slice().into());
    let v = TokenValidator::new(keys).dangerous_accept_hs256(secret);
    let shown = format!("{v:?}");
    assert!(shown.contains("[REDACTED]") && !shown.contains("hs256-shared"));
}

/// Serves `bodies[n]` (status and JSON) to the n-th request, the last one
/// after that; counts requests.
fn serve(bodies: Vec<(u16, String)>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/.well-known/jwks.json",
        listener.local_addr().unwrap()
    );
    let count = Arc::new(AtomicUsize::new(0));
    let served = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let n = served.fetch_add(1, Ordering::SeqCst);
            let (status, body) = bodies.get(n).or(bodies.last()).unwrap();
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (url, count)
}

#[cfg(feature = "jwks-http")]
#[test]
fn jwks_refreshes_over_http_at_most_once_per_interval() {
    use halo_core::access::HttpJwks;

    let path = vectors::dir("access").join("jwt-validation.json");
    let case = vectors::cases(&path)
        .into_iter()
        .find(|c| c["name"] == "rs256-valid")
        .unwrap();
    let all = case["jwks"].clone();
    let mut ec_only = all.clone();
    ec_only["keys"]
        .as_array_mut()
        .unwrap()
        .retain(|k| k["kid"] == "ec-1");

    let (url, requests) = serve(vec![(200, ec_only.to_string()), (200, all.to_string())]);
    let source = HttpJwks::new(url.parse().unwrap());
    let keys = JwksCache::new(source).with_min_refresh(Duration::from_secs(60));
    let v = validator(&case, keys);
    let token = case["token"].as_str().unwrap();
    let t = |s: u64| UNIX_EPOCH + Duration::from_secs(case["now"].as_u64().unwrap() - 100 + s);

    // The first fetch lacks `rsa-1`; the unknown kid cannot refetch yet.
    let err = v.validate_at(token, t(0)).unwrap_err();
    assert_eq!(err.code(), "access.token_unknown_key");
    let err = v.validate_at(token, t(59)).unwrap_err();
    assert_eq!(err.code(), "access.token_unknown_key");
    assert_eq!(requests.load(Ordering::SeqCst), 1);

    // Once the interval has passed, the unknown kid triggers one refresh.
    v.validate_at(token, t(60)).unwrap();
    v.validate_at(token, t(61)).unwrap();
    assert_eq!(requests.load(Ordering::SeqCst), 2);
}

#[cfg(feature = "jwks-http")]
#[test]
fn jwks_http_failure_is_coded() {
    use halo_core::access::{HttpJwks, JwksSource};

    let (url, _) = serve(vec![(500, "{}".to_owned())]);
    let err = HttpJwks::new(url.parse().unwrap()).fetch().unwrap_err();
    assert_eq!(err.code(), "access.jwks_unavailable");
    assert_eq!(
        err.to_string(),
        "the JSON web key set cannot be loaded: request failed: status 500"
    );

    let (url, _) = serve(vec![(200, "[1, 2]".to_owned())]);
    let err = HttpJwks::new(url.parse().unwrap()).fetch().unwrap_err();
    assert_eq!(err.code(), "access.jwks_unavailable");
}
