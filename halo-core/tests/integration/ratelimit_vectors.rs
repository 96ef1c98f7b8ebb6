//! Every file under `tests/vectors/ratelimit/`: GCRA sequences on a manual
//! clock (`gcra.json`) and client addresses behind proxies
//! (`client_ip.json`).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use halo_core::config::Config;
use halo_core::ratelimit::{
    ClientInfo, ManualClock, ProxyHeader, RateDecision, RateLimiter, RateStore, TrustedProxies,
    client_ip,
};
use serde_json::{Value, json};

use crate::vectors;

/// The vectors' time zero, in milliseconds since the UNIX epoch.
const START_MS: u64 = 1_700_000_000_000;

#[test]
fn gcra_vectors() {
    let path = vectors::dir("ratelimit").join("gcra.json");
    for case in vectors::cases(&path) {
        run_gcra_case(&case, None);
    }
}

#[test]
fn client_ip_vectors() {
    let path = vectors::dir("ratelimit").join("client_ip.json");
    for case in vectors::cases(&path) {
        let name = case["name"].as_str().unwrap();
        let header = match case["header"].as_str().unwrap() {
            "forwarded" => ProxyHeader::Forwarded,
            _ => ProxyHeader::XForwardedFor,
        };
        let networks = case["trusted"].as_array().unwrap();
        let networks = networks
            .iter()
            .map(|n| n.as_str().unwrap().parse().unwrap());
        let trusted = TrustedProxies::new(networks.collect(), header);
        let headers: Vec<(String, String)> =
            serde_json::from_value(case["headers"].clone()).unwrap();
        let remote: IpAddr = case["remote"].as_str().unwrap().parse().unwrap();
        let expect: IpAddr = case["expect"].as_str().unwrap().parse().unwrap();
        assert_eq!(client_ip(remote, headers, &trusted), expect, "{name}");
    }
}

/// Runs one `gcra.json` case on a memory store, or on `store` when given.
pub(crate) fn run_gcra_case(case: &Value, store: Option<Arc<dyn RateStore>>) {
    let name = case["name"].as_str().unwrap();
    let document = case.get("config").cloned().unwrap_or_else(|| json!({}));
    let config = Config::from_value(&document).unwrap();
    let clock = ManualClock::new(Duration::from_millis(START_MS));
    let mut builder = RateLimiter::builder_from_config(&config).clock(clock.clone());
    if let Some(store) = store {
        builder = builder.shared_store(store);
    }
    let built = builder.build();
    if let Some(code) = case.get("build_error") {
        assert_eq!(built.unwrap_err().code(), code, "{name}");
        return;
    }
    let limiter = built.unwrap();
    let rule = case["rule"].as_str().unwrap();

    for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
        let at = step["at_ms"].as_u64().unwrap();
        clock.set(Duration::from_millis(START_MS + at));
        let key = match step.get("key_repeat") {
            Some(n) => "k".repeat(usize::try_from(n.as_u64().unwrap()).unwrap()),
            None => step["key"].as_str().unwrap_or("client").to_owned(),
        };
        let client = ClientInfo {
            ip: step["ip"].as_str().map(|ip| ip.parse().unwrap()),
            user_agent: step["user_agent"].as_str(),
        };
        for _ in 0..step["repeat"].as_u64().unwrap_or(1) {
            let result = limiter.check(rule, &key, &client);
            let context = format!("{name}, step {i}");
            match step.get("error") {
                Some(code) => assert_eq!(result.unwrap_err().code(), code, "{context}"),
                None => check_decision(&result.unwrap(), step, &context),
            }
        }
    }
}

fn check_decision(decision: &RateDecision, step: &Value, context: &str) {
    assert_eq!(decision.kind(), step["decision"], "{context}: {decision:?}");
    if let Some(remaining) = step.get("remaining") {
        let RateDecision::Allowed { remaining: r, .. } = decision else {
            panic!("{context}: not allowed")
        };
        assert_eq!(
            u64::from(*r),
            remaining.as_u64().unwrap(),
            "{context}: remaining"
        );
    }
    if let Some(reset) = step.get("reset_ms") {
        let RateDecision::Allowed { reset: r, .. } = decision else {
            panic!("{context}: not allowed")
        };
        assert_eq!(
            *r,
            Duration::from_millis(reset.as_u64().unwrap()),
            "{context}: reset"
        );
    }
    if let Some(retry) = step.get("retry_after_ms") {
        let expected = Duration::from_millis(retry.as_u64().unwrap());
        assert_eq!(
            decision.retry_after(),
            Some(expected),
            "{context}: retry after"
        );
    }
    if let Some(headers) = step.get("headers") {
        let actual: serde_json::Map<String, Value> = decision
            .headers()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Value::String(v)))
            .collect();
        assert_eq!(&Value::Object(actual), headers, "{context}: headers");
    }
}
