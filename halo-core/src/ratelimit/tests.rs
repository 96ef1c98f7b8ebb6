#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation should stop the test"
)]

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::config::Config;

const SECOND: u64 = 1_000_000_000;
const T0: u64 = 1_700_000_000 * SECOND;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn exactly_the_burst_is_allowed_at_once_and_one_more_is_not() {
    let rule = Rule::per_second(2).with_burst(3);
    let mut state = KeyState::default();
    for i in 1..=3 {
        let tat = T0 + i * SECOND / 2;
        assert_eq!(rule.apply(&mut state, T0), Verdict::Allowed { tat });
    }
    let over = rule.apply(&mut state, T0);
    assert_eq!(
        over,
        Verdict::Limited {
            allowed_at: T0 + SECOND / 2
        }
    );
    assert_eq!(state.tat, T0 + 3 * SECOND / 2, "a refusal is not counted");
}

#[test]
fn one_request_recovers_per_emission_interval() {
    let rule = Rule::per_second(2).with_burst(3);
    let mut state = KeyState::default();
    for _ in 0..3 {
        rule.apply(&mut state, T0);
    }
    let just_before = T0 + SECOND / 2 - 1;
    assert!(
        matches!(rule.apply(&mut state, just_before), Verdict::Limited { allowed_at } if allowed_at == T0 + SECOND / 2)
    );
    assert!(matches!(
        rule.apply(&mut state, T0 + SECOND / 2),
        Verdict::Allowed { .. }
    ));
    assert!(matches!(
        rule.apply(&mut state, T0 + SECOND / 2),
        Verdict::Limited { .. }
    ));
}

#[test]
fn a_key_idle_for_the_whole_burst_is_like_a_new_key() {
    let rule = Rule::per_second(2).with_burst(3);
    let mut state = KeyState::default();
    for _ in 0..3 {
        rule.apply(&mut state, T0);
    }
    assert_eq!(state.expires_at(), T0 + 3 * SECOND / 2);
    let later = state.expires_at();
    let mut fresh = KeyState::default();
    assert_eq!(rule.apply(&mut state, later), rule.apply(&mut fresh, later));
    assert_eq!(rule.remaining(state.tat, later), 2);
}

#[test]
fn a_block_starts_at_the_refusal_and_ends_exactly_on_time() {
    let rule = Rule::per_second(1)
        .with_burst(1)
        .with_block(Duration::from_secs(60));
    let mut state = KeyState::default();
    assert!(matches!(
        rule.apply(&mut state, T0),
        Verdict::Allowed { .. }
    ));
    let until = T0 + 60 * SECOND;
    assert_eq!(rule.apply(&mut state, T0), Verdict::Blocked { until });
    assert_eq!(
        rule.apply(&mut state, until - 1),
        Verdict::Blocked { until }
    );
    assert_eq!(state.expires_at(), until);
    assert_eq!(
        rule.apply(&mut state, until),
        Verdict::Allowed {
            tat: until + SECOND
        }
    );
}

#[test]
fn arithmetic_saturates_instead_of_overflowing() {
    let rule = Rule::per_hour(1)
        .with_burst(1_000_000)
        .with_block(Duration::MAX);
    let mut state = KeyState::default();
    let end = u64::MAX - 1;
    assert!(matches!(
        rule.apply(&mut state, end),
        Verdict::Allowed { .. }
    ));
    for _ in 0..3 {
        let _ = rule.apply(&mut state, end);
    }
    assert!(rule.remaining(state.tat, end) <= 1_000_000);
}

#[test]
fn rules_of_the_default_configuration() {
    let limiter = RateLimiter::from_config(&Config::default()).unwrap();
    let names: Vec<&str> = limiter.rule_names().collect();
    assert_eq!(names, ["api_endpoints", "auth_endpoints", "webhooks"]);
    let api = limiter.rule("api_endpoints").unwrap();
    assert_eq!(api.emission_interval(), Duration::from_millis(600));
    assert_eq!(api.burst(), 20);
    assert_eq!(api.block(), Some(Duration::from_secs(900)));
    assert_eq!(limiter.rule("webhooks").unwrap().block(), None);
    assert_eq!(limiter.failure_mode(), FailureMode::Closed);
}

#[test]
fn impossible_or_repeated_rules_are_refused() {
    let zero = RateLimiter::builder()
        .rule("a", Rule::per_minute(0))
        .build();
    assert_eq!(zero.unwrap_err().code(), "ratelimit.invalid_rule");
    let no_burst = RateLimiter::builder()
        .rule("a", Rule::per_minute(1).with_burst(0))
        .build();
    assert_eq!(no_burst.unwrap_err().code(), "ratelimit.invalid_rule");
    let too_fast = RateLimiter::builder()
        .rule("a", Rule::per(2, Duration::from_nanos(1)))
        .build();
    assert_eq!(too_fast.unwrap_err().code(), "ratelimit.invalid_rule");
    let twice = RateLimiter::builder()
        .rule("a", Rule::per_minute(1))
        .unlimited_rule("a")
        .build();
    assert_eq!(twice.unwrap_err().code(), "ratelimit.duplicate_rule");
}

#[test]
fn exemptions_by_network_and_exact_user_agent() {
    let limiter = RateLimiter::builder()
        .rule("a", Rule::per_hour(1))
        .exempt_network("10.0.0.0/8".parse().unwrap())
        .exempt_user_agent("Probe/1.0")
        .build()
        .unwrap();
    assert!(limiter.is_exempt(&ClientInfo::new(ip("10.2.3.4"))));
    assert!(!limiter.is_exempt(&ClientInfo::new(ip("11.2.3.4"))));
    assert!(limiter.is_exempt(&ClientInfo::default().with_user_agent("Probe/1.0")));
    assert!(!limiter.is_exempt(&ClientInfo::default().with_user_agent("probe/1.0")));
    assert!(!limiter.is_exempt(&ClientInfo::default().with_user_agent("Probe/1.0 x")));
    assert!(!limiter.is_exempt(&ClientInfo::default()));
}

#[test]
fn exempt_networks_match_by_prefix_and_family() {
    let limiter = RateLimiter::builder()
        .rule("a", Rule::per_hour(1))
        .exempt_network("192.168.1.77/24".parse().unwrap())
        .exempt_network("203.0.113.9/32".parse().unwrap())
        .exempt_network("2001:db8::/32".parse().unwrap())
        .build()
        .unwrap();
    let exempt = |addr: &str| limiter.is_exempt(&ClientInfo::new(ip(addr)));
    assert!(exempt("192.168.1.0") && exempt("192.168.1.255"));
    assert!(!exempt("192.168.2.1") && !exempt("192.169.1.1"));
    assert!(exempt("203.0.113.9") && !exempt("203.0.113.8"));
    assert!(exempt("2001:db8:ffff::1") && !exempt("2001:db9::1"));
    assert!(
        !exempt("::ffff:192.168.1.5"),
        "an IPv6 address is not in an IPv4 network"
    );

    let everyone = RateLimiter::builder()
        .rule("a", Rule::per_hour(1))
        .exempt_network("0.0.0.0/0".parse().unwrap())
        .build()
        .unwrap();
    assert!(everyone.is_exempt(&ClientInfo::new(ip("8.8.8.8"))));
    assert!(!everyone.is_exempt(&ClientInfo::new(ip("::1"))));
}

#[derive(Debug)]
struct BrokenStore;

impl RateStore for BrokenStore {
    fn acquire(&self, _: &str, _: &Rule, _: &str, _: u64) -> Result<Verdict, RateLimitError> {
        Err(RateLimitError::StoreFailed {
            reason: "test".to_owned(),
        })
    }
}

#[test]
fn a_failing_store_fails_closed_or_open_as_configured() {
    let client = ClientInfo::new(ip("192.0.2.1"));
    let closed = RateLimiter::builder()
        .rule("a", Rule::per_hour(1))
        .store(BrokenStore)
        .build()
        .unwrap();
    let err = closed.check("a", "k", &client).unwrap_err();
    assert_eq!(err.code(), "ratelimit.store_failed");

    let open = RateLimiter::builder()
        .rule("a", Rule::per_hour(1))
        .store(BrokenStore)
        .failure_mode(FailureMode::Open)
        .build()
        .unwrap();
    let decision = open.check("a", "k", &client).unwrap();
    assert_eq!(
        decision,
        RateDecision::Unchecked {
            code: "ratelimit.store_failed"
        }
    );
    assert!(decision.is_allowed());
    let long = "k".repeat(MAX_KEY_BYTES + 1);
    assert_eq!(
        open.check("a", &long, &client).unwrap_err().code(),
        "ratelimit.key_too_long"
    );
}

#[test]
fn retry_after_is_rounded_up_to_at_least_one_second() {
    let limited = RateDecision::Limited {
        limit: 1,
        retry_after: Duration::from_nanos(1),
    };
    assert!(limited.headers().contains(&("Retry-After", "1".to_owned())));
    let allowed = RateDecision::Allowed {
        limit: 5,
        remaining: 4,
        reset: Duration::from_millis(1500),
    };
    assert!(
        allowed
            .headers()
            .contains(&("RateLimit-Reset", "2".to_owned()))
    );
    assert!(
        !allowed
            .headers()
            .iter()
            .any(|(name, _)| *name == "Retry-After")
    );
}

#[test]
fn memory_store_stays_under_its_cap() {
    let store = MemoryStore::with_max_keys(64);
    let rule = Rule::per_hour(1).with_block(Duration::from_secs(3600));
    for i in 0..1000 {
        store.acquire("r", &rule, &format!("key-{i}"), T0).unwrap();
    }
    assert!(store.len() <= 64, "{}", store.len());
    assert!(!store.is_empty());
}

#[test]
fn memory_store_forgets_idle_keys() {
    let store = MemoryStore::new();
    let rule = Rule::per_second(1).with_burst(2);
    for i in 0..100 {
        store.acquire("r", &rule, &i.to_string(), T0).unwrap();
    }
    store.evict_idle(T0 + SECOND - 1);
    assert_eq!(store.len(), 100);
    store.evict_idle(T0 + SECOND);
    assert!(store.is_empty());
}

#[test]
fn memory_store_keeps_rules_and_keys_apart() {
    let store = MemoryStore::new();
    let rule = Rule::per_hour(1);
    assert!(matches!(
        store.acquire("ab", &rule, "c", T0),
        Ok(Verdict::Allowed { .. })
    ));
    assert!(matches!(
        store.acquire("a", &rule, "bc", T0),
        Ok(Verdict::Allowed { .. })
    ));
    assert!(matches!(
        store.acquire("ab", &rule, "c", T0),
        Ok(Verdict::Limited { .. })
    ));
}

#[test]
fn a_memory_store_given_to_the_builder_is_the_one_used() {
    // A store of 64 keys (one per shard) forgets an exhausted key once
    // others have filled its shard; the default store of 100 000 keys keeps
    // it refused.
    let clock = ManualClock::new(Duration::from_nanos(T0));
    let build = |store: Option<MemoryStore>| {
        let builder = RateLimiter::builder()
            .rule("a", Rule::per_hour(1).with_burst(1))
            .clock(clock.clone());
        match store {
            Some(store) => builder.store(store),
            None => builder,
        }
        .build()
        .unwrap()
    };
    let client = ClientInfo::default();
    for (store, refused_after) in [(Some(MemoryStore::with_max_keys(64)), false), (None, true)] {
        let limiter = build(store);
        assert!(limiter.check("a", "first", &client).unwrap().is_allowed());
        assert!(!limiter.check("a", "first", &client).unwrap().is_allowed());
        for other in 0..1000 {
            limiter.check("a", &other.to_string(), &client).unwrap();
        }
        let again = limiter.check("a", "first", &client).unwrap();
        assert_eq!(!again.is_allowed(), refused_after);
    }
}

#[test]
fn concurrent_checks_never_exceed_the_burst() {
    let clock = ManualClock::new(Duration::from_nanos(T0));
    let limiter = RateLimiter::builder()
        .rule("a", Rule::per_hour(1).with_burst(50))
        .clock(clock)
        .build()
        .unwrap();
    let allowed = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    std::thread::scope(|scope| {
        for _ in 0..8 {
            let (limiter, allowed) = (limiter.clone(), allowed.clone());
            scope.spawn(move || {
                for _ in 0..100 {
                    let client = ClientInfo::default();
                    if limiter.check("a", "hot", &client).unwrap().is_allowed() {
                        allowed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                }
            });
        }
    });
    assert_eq!(allowed.load(std::sync::atomic::Ordering::SeqCst), 50);
}

proptest! {
    /// From an idle start, at most `burst + elapsed / interval` requests are
    /// ever allowed, and waiting a refusal's retry-after always succeeds.
    #[test]
    fn gcra_never_allows_more_than_burst_plus_rate(
        requests in 1u32..100,
        burst in 1u32..20,
        gaps in proptest::collection::vec(0u64..3_000, 1..200),
    ) {
        let rule = Rule::per_second(requests).with_burst(burst);
        let interval = rule.emission_interval().as_nanos() as u64;
        let mut state = KeyState::default();
        let mut now = T0;
        let mut allowed = 0u64;
        for gap in gaps {
            now += gap * 1_000_000;
            match rule.apply(&mut state, now) {
                Verdict::Allowed { .. } => allowed += 1,
                Verdict::Limited { allowed_at } => {
                    prop_assert!(allowed_at > now);
                    let mut retry = state;
                    let verdict = rule.apply(&mut retry, allowed_at);
                    prop_assert!(matches!(verdict, Verdict::Allowed { .. }), "retry refused");
                }
                Verdict::Blocked { .. } => prop_assert!(false, "no block configured"),
            }
            prop_assert!(allowed <= u64::from(burst) + (now - T0) / interval);
        }
    }

    /// The requests left are the whole intervals of headroom, counted by a
    /// plain division, for any rate and any distance to the key's time.
    #[test]
    fn remaining_counts_whole_intervals(
        requests in 1u32..=u32::MAX,
        period_ms in 1u64..10_000_000,
        burst in 1u32..=u32::MAX,
        ahead in 0u64..u64::MAX / 2,
    ) {
        let rule = Rule::per(requests, Duration::from_millis(period_ms)).with_burst(burst);
        let interval = rule.emission_interval().as_nanos() as u64;
        prop_assume!(interval > 0);
        let now = T0;
        let tat = now.saturating_add(ahead % rule.window().saturating_add(interval));
        let headroom = now.saturating_add(rule.window()).saturating_sub(tat);
        let expected = u32::try_from(headroom / interval).unwrap_or(u32::MAX);
        prop_assert_eq!(rule.remaining(tat, now), expected);
    }
}

#[test]
fn system_clock_agrees_with_the_wall_clock_on_every_thread() {
    let wall = || {
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        since.unwrap().as_nanos() as u64
    };
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..10_000 {
                    let before = wall();
                    let read = SystemClock.now_nanos();
                    let after = wall();
                    assert!(before <= read + 1_000_000 && read <= after + 1_000_000);
                }
            });
        }
    });
}

#[test]
fn system_clock_follows_the_wall_clock() {
    let wall = || {
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        since.unwrap().as_nanos() as u64
    };
    let before = wall();
    let read = SystemClock.now_nanos();
    let after = wall();
    assert!(
        before <= read && read <= after + 1_000_000,
        "{before} {read} {after}"
    );
    assert!(SystemClock.now_nanos() >= read);
}

#[test]
fn memory_store_keeps_long_keys_apart_too() {
    let store = MemoryStore::new();
    let rule = Rule::per_hour(1);
    let long = "x".repeat(100);
    let longer = format!("{long}y");
    assert!(matches!(
        store.acquire("r", &rule, &long, T0),
        Ok(Verdict::Allowed { .. })
    ));
    assert!(matches!(
        store.acquire("r", &rule, &longer, T0),
        Ok(Verdict::Allowed { .. })
    ));
    assert!(matches!(
        store.acquire("r", &rule, &long, T0),
        Ok(Verdict::Limited { .. })
    ));
    let edge = "z".repeat(29);
    assert!(matches!(
        store.acquire("r", &rule, &edge, T0),
        Ok(Verdict::Allowed { .. })
    ));
    assert!(matches!(
        store.acquire("r", &rule, &edge, T0),
        Ok(Verdict::Limited { .. })
    ));
}
