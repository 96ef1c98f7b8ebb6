//! Every file under `tests/vectors/webhooks/`: deliveries verified step by
//! step against a verifier built from the case's configuration, and
//! headers produced by signers built the same way.

use std::net::IpAddr;
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use halo_core::config::Config;
use halo_core::secret::MemorySource;
use halo_core::webhook::{Verified, WebhookRequest, WebhookSigner, WebhookVerifier};
use serde_json::{Value, json};

use crate::vectors;

fn config_and_source(case: &Value) -> (Config, MemorySource) {
    let config = Config::from_json_str(&case["config"].to_string()).unwrap();
    let mut source = MemorySource::new();
    for (name, value) in case["env"].as_object().into_iter().flatten() {
        source = source.with_env(name, value.as_str().unwrap());
    }
    (config, source)
}

fn body_of(step: &Value) -> Vec<u8> {
    match step.get("body_base64") {
        Some(encoded) => STANDARD.decode(encoded.as_str().unwrap()).unwrap(),
        None => step["body"].as_str().unwrap().as_bytes().to_vec(),
    }
}

fn outcome(result: &Result<Verified, halo_core::WebhookError>) -> Value {
    match result {
        Ok(v) => json!({
            "ok": true,
            "provider": v.provider,
            "scheme": v.scheme.map(|s| s.as_str()),
            "id": v.id,
            "timestamp": v.timestamp,
        }),
        Err(err) => json!({"ok": false, "code": err.code()}),
    }
}

fn run_verify_case(name: &str, case: &Value) -> usize {
    let (config, source) = config_and_source(case);
    let verifier = WebhookVerifier::from_config(&config, &source).unwrap();
    let mut last_ok: Option<Verified> = None;

    let steps = case["steps"].as_array().unwrap();
    for (i, step) in steps.iter().enumerate() {
        let headers: Vec<(String, String)> = step["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h[0].as_str().unwrap().to_owned(),
                    h[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let body = body_of(step);
        let mut request = WebhookRequest::from_pairs(&headers, &body);
        if let Some(provider) = step.get("provider").and_then(Value::as_str) {
            request = request.provider(provider);
        }
        if let Some(addr) = step.get("remote_addr").and_then(Value::as_str) {
            request = request.remote_addr(addr.parse::<IpAddr>().unwrap());
        }
        if step.get("release_before").and_then(Value::as_bool) == Some(true) {
            verifier.release(last_ok.as_ref().unwrap()).unwrap();
        }

        let now = UNIX_EPOCH + Duration::from_secs(step["now"].as_u64().unwrap());
        let result = match step.get("mode").and_then(Value::as_str) {
            None | Some("verify") => verifier.verify_at(&request, now),
            Some("verify_ignoring_timestamp") => {
                verifier.verify_ignoring_timestamp_at(&request, now)
            }
            Some(other) => panic!("{name}: unknown mode {other}"),
        };
        assert_eq!(
            outcome(&result),
            step["expect"],
            "{name} step {i}: {result:?}"
        );

        if let Ok(verified) = result {
            if step.get("release").and_then(Value::as_bool) == Some(true) {
                verifier.release(&verified).unwrap();
            }
            last_ok = Some(verified);
        }
    }
    steps.len()
}

fn run_sign_case(name: &str, case: &Value) {
    let (config, source) = config_and_source(case);
    let signer = WebhookSigner::from_config(&config, case["provider"].as_str(), &source).unwrap();
    let body = body_of(case);
    let id = case["id"].as_str().unwrap();
    let headers = signer
        .sign(id, case["timestamp"].as_u64().unwrap(), &body)
        .unwrap();

    let mut actual: Vec<Value> = headers
        .iter()
        .map(|(n, v)| json!([n.to_ascii_lowercase(), v]))
        .collect();
    let mut expected: Vec<Value> = case["expect"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| json!([h[0].as_str().unwrap().to_ascii_lowercase(), h[1]]))
        .collect();
    actual.sort_by_key(Value::to_string);
    expected.sort_by_key(Value::to_string);
    assert_eq!(actual, expected, "{name}");
}

#[test]
fn every_webhook_verify_vector() {
    let files = vectors::files(&vectors::dir("webhooks/verify"));
    assert!(files.len() >= 6, "vector files missing: {}", files.len());

    let (mut cases, mut steps) = (0, 0);
    for file in files {
        for case in vectors::cases(&file) {
            let name = format!("{}#{}", file.display(), case["name"].as_str().unwrap());
            steps += run_verify_case(&name, &case);
            cases += 1;
        }
    }
    assert!(cases >= 80 && steps >= 95, "cases {cases}, steps {steps}");
}

#[test]
fn every_webhook_sign_vector() {
    let mut count = 0;
    for file in vectors::files(&vectors::dir("webhooks/sign")) {
        for case in vectors::cases(&file) {
            let name = format!("{}#{}", file.display(), case["name"].as_str().unwrap());
            run_sign_case(&name, &case);
            count += 1;
        }
    }
    assert!(count >= 6, "sign cases: {count}");
}

#[test]
fn published_standard_webhooks_example_is_among_the_vectors() {
    let file = vectors::dir("webhooks/verify/standard-webhooks.json");
    let cases = vectors::cases(&file);
    let spec = cases
        .iter()
        .find(|c| c["name"] == "spec-example-verifies")
        .unwrap();
    let headers = &spec["steps"][0]["headers"];
    assert_eq!(
        headers[2][1],
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
    assert_eq!(
        spec["env"]["SW_SECRET"],
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    );
}
