//! The Redis store against a real `redis-server`: the vectors, limits shared
//! between two limiters, blocks, key expiry, claims, and the failure modes.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use halo_core::ratelimit::{
    ClientInfo, FailureMode, ManualClock, RateDecision, RateLimiter, RateStore, RedisStore, Rule,
};
use secrecy::SecretString;

use crate::redis_server::RedisServer;
use crate::{ratelimit_vectors, vectors};

const START: Duration = Duration::from_secs(1_700_000_000);

fn store(url: &str, prefix: &str) -> RedisStore {
    RedisStore::builder(SecretString::from(url))
        .key_prefix(prefix)
        .build()
        .unwrap()
}

fn limiter(store: RedisStore, clock: &ManualClock, rule: Rule) -> RateLimiter {
    RateLimiter::builder()
        .rule("api", rule)
        .store(store)
        .clock(clock.clone())
        .build()
        .unwrap()
}

fn client() -> ClientInfo<'static> {
    ClientInfo::new("203.0.113.1".parse::<IpAddr>().unwrap())
}

/// Seconds (rounded up) before `key` expires, read with `redis-cli`.
fn ttl_seconds(server: &RedisServer, key: &str) -> u64 {
    let millis: u64 = server.cli(&["PTTL", key]).parse().unwrap();
    assert!(millis > 0, "{key}: pttl {millis}");
    millis.div_ceil(1000)
}

#[test]
fn redis_store_passes_the_gcra_vectors() {
    let server = RedisServer::start();
    let path = vectors::dir("ratelimit").join("gcra.json");
    for (i, case) in vectors::cases(&path).iter().enumerate() {
        let store: Arc<dyn RateStore> = Arc::new(store(&server.url(), &format!("case{i}:")));
        ratelimit_vectors::run_gcra_case(case, Some(store));
    }
}

#[test]
fn two_limiters_on_one_redis_enforce_one_limit() {
    let server = RedisServer::start();
    let clock = ManualClock::new(START);
    let rule = Rule::per_minute(10).with_burst(5);
    let a = limiter(store(&server.url(), "t:"), &clock, rule);
    let b = limiter(store(&server.url(), "t:"), &clock, rule);

    for limiter in [&a, &b, &a, &b, &a] {
        assert!(limiter.check("api", "k", &client()).unwrap().is_allowed());
    }
    for limiter in [&a, &b] {
        let refused = limiter.check("api", "k", &client()).unwrap();
        assert_eq!(refused.retry_after(), Some(Duration::from_secs(6)));
    }

    clock.advance(Duration::from_secs(6));
    assert!(b.check("api", "k", &client()).unwrap().is_allowed());
    assert!(!a.check("api", "k", &client()).unwrap().is_allowed());
}

#[test]
fn a_block_set_by_one_limiter_holds_on_the_other() {
    let server = RedisServer::start();
    let clock = ManualClock::new(START);
    let rule = Rule::per_minute(100)
        .with_burst(2)
        .with_block(Duration::from_secs(900));
    let a = limiter(store(&server.url(), "t:"), &clock, rule);
    let b = limiter(store(&server.url(), "t:"), &clock, rule);

    assert!(a.check("api", "k", &client()).unwrap().is_allowed());
    assert!(a.check("api", "k", &client()).unwrap().is_allowed());
    assert!(matches!(
        b.check("api", "k", &client()).unwrap(),
        RateDecision::Blocked { .. }
    ));

    clock.advance(Duration::from_secs(899));
    let blocked = a.check("api", "k", &client()).unwrap();
    assert_eq!(blocked.retry_after(), Some(Duration::from_secs(1)));
    clock.advance(Duration::from_secs(1));
    assert!(b.check("api", "k", &client()).unwrap().is_allowed());
}

#[test]
fn rate_limit_keys_expire_when_idle() {
    let server = RedisServer::start();
    let clock = ManualClock::new(START);
    let rule = Rule::per_minute(10).with_burst(5);
    let a = limiter(store(&server.url(), "t:"), &clock, rule);
    a.check("api", "k", &client()).unwrap();

    // One request of burst 5 at 6 s each: idle again after 6 s.
    assert_eq!(ttl_seconds(&server, "t:rl:3:api:k"), 6);

    let blocking = limiter(
        store(&server.url(), "b:"),
        &clock,
        Rule::per_hour(1).with_block(Duration::from_secs(7200)),
    );
    blocking.check("api", "k", &client()).unwrap();
    blocking.check("api", "k", &client()).unwrap();
    assert_eq!(ttl_seconds(&server, "b:rl:3:api:k"), 7200);
}

#[test]
fn a_claim_is_refused_to_another_instance_until_released() {
    let server = RedisServer::start();
    let first = store(&server.url(), "t:");
    let second = store(&server.url(), "t:");
    let ttl = Duration::from_secs(300);

    assert!(first.claim_once("delivery-1", ttl).unwrap());
    assert!(!second.claim_once("delivery-1", ttl).unwrap());
    assert!(!first.claim_once("delivery-1", ttl).unwrap());
    assert!(second.claim_once("delivery-2", ttl).unwrap());

    assert_eq!(ttl_seconds(&server, "t:claim:delivery-1"), 300);

    first.release("delivery-1").unwrap();
    assert!(second.claim_once("delivery-1", ttl).unwrap());
}

#[test]
fn an_unreachable_redis_fails_closed_by_default() {
    let url = format!("redis://127.0.0.1:{}/", RedisServer::free_port());
    let clock = ManualClock::new(START);
    let closed = limiter(store(&url, "t:"), &clock, Rule::per_minute(1));

    let err = closed.check("api", "k", &client()).unwrap_err();
    assert_eq!(err.code(), "ratelimit.store_unavailable");
    // The next check falls in the reconnect back-off and fails at once.
    let err = closed.check("api", "k", &client()).unwrap_err();
    assert_eq!(err.code(), "ratelimit.store_unavailable");

    let down = store(&url, "t:");
    assert_eq!(
        down.claim_once("d", Duration::from_secs(1))
            .unwrap_err()
            .code(),
        "ratelimit.store_unavailable"
    );
    assert_eq!(
        down.ping().unwrap_err().code(),
        "ratelimit.store_unavailable"
    );
}

#[test]
fn an_unreachable_redis_fails_open_when_asked() {
    let url = format!("redis://127.0.0.1:{}/", RedisServer::free_port());
    let open = RateLimiter::builder()
        .rule("api", Rule::per_minute(1))
        .store(store(&url, "t:"))
        .failure_mode(FailureMode::Open)
        .build()
        .unwrap();

    let decision = open.check("api", "k", &client()).unwrap();
    assert_eq!(
        decision,
        RateDecision::Unchecked {
            code: "ratelimit.store_unavailable"
        }
    );
    assert!(decision.is_allowed());
    assert!(decision.headers().is_empty());
}

#[test]
fn a_store_reconnects_after_redis_restarts() {
    let server = RedisServer::start();
    let clock = ManualClock::new(START);
    let fast = RedisStore::builder(SecretString::from(server.url()))
        .connections(1)
        .reconnect_backoff(Duration::ZERO)
        .build()
        .unwrap();
    let a = limiter(fast, &clock, Rule::per_minute(10).with_burst(5));
    assert!(a.check("api", "k", &client()).unwrap().is_allowed());

    server.cli(&["CLIENT", "KILL", "TYPE", "normal"]);
    // The killed connection fails once, then a new one is made.
    let results: Vec<bool> = (0..3)
        .map(|_| a.check("api", "k", &client()).is_ok())
        .collect();
    assert!(results[1..].iter().all(|ok| *ok), "{results:?}");
}

#[test]
fn redis_store_debug_hides_the_url() {
    let store = store("redis://user:hunter2-secret@127.0.0.1:1/", "t:");
    let printed = format!("{store:?}");
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(printed.contains("[REDACTED]"));
    let builder = RedisStore::builder(SecretString::from("redis://:hunter2-secret@h/"));
    assert!(!format!("{builder:?}").contains("hunter2"));
}

#[test]
fn webhook_replicas_share_one_replay_guard() {
    use std::sync::Arc;
    use std::time::UNIX_EPOCH;

    use halo_core::ratelimit::RedisReplayGuard;
    use halo_core::webhook::{Provider, Signature, WebhookRequest, WebhookSigner, WebhookVerifier};

    let server = RedisServer::start();
    let secret = SecretString::from("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned());
    let signature = Signature::standard_webhooks().secret(&secret).unwrap();
    let replica = || {
        let guard = RedisReplayGuard::new(Arc::new(store(&server.url(), "hook:")));
        WebhookVerifier::builder()
            .default_provider(Provider::new().signature(signature.clone()))
            .replay_guard(Arc::new(guard))
            .build()
    };
    let (first, second) = (replica(), replica());

    let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let body = br#"{"lead": 1}"#;
    let headers = WebhookSigner::new(signature.clone())
        .sign("msg_1", 1_767_225_600, body)
        .unwrap();
    let request = WebhookRequest::from_pairs(&headers, body);

    let verified = first.verify_at(&request, now).unwrap();
    let replayed = second.verify_at(&request, now).unwrap_err();
    assert_eq!(replayed.code(), "webhook.replayed");

    // The first replica failed to process it: the sender's retry is accepted
    // by the other one, once.
    first.release(&verified).unwrap();
    second.verify_at(&request, now).unwrap();
    assert_eq!(
        first.verify_at(&request, now).unwrap_err().code(),
        "webhook.replayed"
    );
}

#[test]
fn an_unreachable_redis_refuses_webhook_deliveries() {
    use std::sync::Arc;
    use std::time::{SystemTime, UNIX_EPOCH};

    use halo_core::ratelimit::RedisReplayGuard;
    use halo_core::webhook::ReplayGuard;

    let url = format!("redis://127.0.0.1:{}/", RedisServer::free_port());
    let guard = RedisReplayGuard::new(Arc::new(store(&url, "hook:")));
    let now: SystemTime = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let err = guard
        .claim("msg_1", now + Duration::from_secs(300), now)
        .unwrap_err();
    assert_eq!(err.code(), "webhook.replay_guard_unavailable");
}
