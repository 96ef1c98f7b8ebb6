//! JSON Web Key Sets: where the keys that sign bearer tokens come from, and
//! a cache that refreshes them.
//!
//! [`JwksCache`] loads the set on first use, keeps it for [`JwksCache::
//! with_max_age`] (default 1 hour), and when a token names a key id it does
//! not know, fetches again at most once per refresh interval (default 60
//! seconds), so a stream of tokens with made-up key ids cannot make it hammer
//! the issuer. When a refresh fails, the keys it already has stay in use.
//!
//! [`HttpJwks`] (feature `jwks-http`, on by default) fetches the set with a
//! blocking HTTP GET: call token validation from a blocking context (for
//! example `tokio::task::spawn_blocking`) when it may fetch.

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

pub use jsonwebtoken::jwk::{Jwk, JwkSet};

use super::AccessError;

/// The largest key set document accepted, in bytes (256 KiB).
pub const MAX_JWKS_BYTES: u64 = 256 * 1024;
/// The default shortest time between two fetches (60 seconds).
pub const DEFAULT_MIN_REFRESH: Duration = Duration::from_secs(60);
/// The default longest time a fetched set is used without a refresh (1 hour).
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(3600);

/// Something that produces the current key set.
pub trait JwksSource: Send + Sync {
    /// Fetches the key set. Fails with `access.jwks_unavailable`.
    fn fetch(&self) -> Result<JwkSet, AccessError>;
}

/// A key set that never changes, for tests and for issuers whose keys are
/// configured by hand.
#[derive(Debug, Clone)]
pub struct StaticJwks(pub JwkSet);

/// Fetches a key set from a URL with a blocking GET.
#[cfg(feature = "jwks-http")]
#[derive(Debug, Clone)]
pub struct HttpJwks {
    url: url::Url,
    agent: ureq::Agent,
}

/// A cached key set with rate-limited refresh.
pub struct JwksCache {
    source: Box<dyn JwksSource>,
    min_refresh: Duration,
    max_age: Duration,
    state: Mutex<CacheState>,
}

#[derive(Debug, Default)]
struct CacheState {
    keys: Option<JwkSet>,
    fetched_at: u64,
    last_attempt: Option<u64>,
}

impl JwksSource for StaticJwks {
    fn fetch(&self) -> Result<JwkSet, AccessError> {
        Ok(self.0.clone())
    }
}

impl StaticJwks {
    /// A key set read from its JSON text. Fails with
    /// `access.jwks_unavailable`.
    pub fn from_json(text: &str) -> Result<Self, AccessError> {
        parse(text.as_bytes()).map(Self)
    }
}

#[cfg(feature = "jwks-http")]
impl HttpJwks {
    /// A source fetching `url`, with a 10-second timeout.
    pub fn new(url: url::Url) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .build();
        Self {
            url,
            agent: config.into(),
        }
    }
}

#[cfg(feature = "jwks-http")]
impl JwksSource for HttpJwks {
    fn fetch(&self) -> Result<JwkSet, AccessError> {
        let response = self
            .agent
            .get(self.url.as_str())
            .header("accept", "application/json")
            .call()
            .map_err(|e| AccessError::Jwks(format!("request failed: {}", describe(&e))))?;
        let body = response
            .into_body()
            .with_config()
            .limit(MAX_JWKS_BYTES)
            .read_to_vec()
            .map_err(|e| AccessError::Jwks(format!("reading the body failed: {}", describe(&e))))?;
        parse(&body)
    }
}

/// An HTTP failure without the URL (its query string could carry anything).
#[cfg(feature = "jwks-http")]
fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::StatusCode(status) => format!("status {status}"),
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        ureq::Error::BodyExceedsLimit(_) => format!("larger than {MAX_JWKS_BYTES} bytes"),
        _ => "connection or protocol error".to_owned(),
    }
}

fn parse(body: &[u8]) -> Result<JwkSet, AccessError> {
    serde_json::from_slice(body).map_err(|_| AccessError::Jwks("not a JSON web key set".to_owned()))
}

impl JwksCache {
    /// A cache over `source` with the default refresh interval and age.
    pub fn new(source: impl JwksSource + 'static) -> Self {
        Self {
            source: Box::new(source),
            min_refresh: DEFAULT_MIN_REFRESH,
            max_age: DEFAULT_MAX_AGE,
            state: Mutex::new(CacheState::default()),
        }
    }

    /// Sets the shortest time between two fetches.
    pub fn with_min_refresh(mut self, interval: Duration) -> Self {
        self.min_refresh = interval;
        self
    }

    /// Sets how long a fetched set is used before it is fetched again.
    pub fn with_max_age(mut self, age: Duration) -> Self {
        self.max_age = age;
        self
    }

    /// The key with id `kid` (or the only key, when `kid` is `None` and the
    /// set has exactly one) at `now` (Unix seconds), fetching when the set is
    /// missing, old, or lacks the key, and the refresh interval allows.
    ///
    /// Fails with `access.token_unknown_key`, or `access.jwks_unavailable`
    /// when no set was ever fetched.
    pub fn key(&self, kid: Option<&str>, now: u64) -> Result<Jwk, AccessError> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let fresh =
            state.keys.is_some() && now < state.fetched_at.saturating_add(self.max_age.as_secs());
        if fresh && let Some(jwk) = state.keys.as_ref().and_then(|k| find(k, kid)) {
            return Ok(jwk.clone());
        }

        let may_fetch = state
            .last_attempt
            .is_none_or(|last| now >= last.saturating_add(self.min_refresh.as_secs()));
        if may_fetch {
            state.last_attempt = Some(now);
            match self.source.fetch() {
                Ok(keys) => {
                    state.keys = Some(keys);
                    state.fetched_at = now;
                }
                Err(err) if state.keys.is_none() => return Err(err),
                Err(_) => {}
            }
        }
        match &state.keys {
            None => Err(AccessError::Jwks("no key set fetched yet".to_owned())),
            Some(keys) => find(keys, kid).cloned().ok_or(AccessError::TokenUnknownKey),
        }
    }
}

fn find<'k>(keys: &'k JwkSet, kid: Option<&str>) -> Option<&'k Jwk> {
    match kid {
        Some(kid) => keys.find(kid),
        None => match keys.keys.as_slice() {
            [only] => Some(only),
            _ => None,
        },
    }
}

impl fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksCache")
            .field("min_refresh", &self.min_refresh)
            .field("max_age", &self.max_age)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    struct Counting {
        calls: Arc<AtomicUsize>,
        sets: Vec<&'static str>,
    }

    impl JwksSource for Counting {
        fn fetch(&self) -> Result<JwkSet, AccessError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            let text = self.sets.get(n).or(self.sets.last()).copied().unwrap_or("");
            parse(text.as_bytes())
        }
    }

    const ONE: &str = r#"{"keys":[{"kty":"oct","kid":"one","k":"c2VjcmV0"}]}"#;
    const TWO: &str = r#"{"keys":[{"kty":"oct","kid":"one","k":"c2VjcmV0"},{"kty":"oct","kid":"two","k":"c2VjcmV0"}]}"#;

    #[test]
    fn unknown_kid_refreshes_at_most_once_per_interval() {
        let calls = Arc::new(AtomicUsize::new(0));
        let source = Counting {
            calls: calls.clone(),
            sets: vec![ONE, ONE, TWO],
        };
        let cache = JwksCache::new(source).with_min_refresh(Duration::from_secs(60));
        assert!(cache.key(Some("one"), 1000).is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        for now in [1001, 1030, 1059] {
            let err = cache.key(Some("two"), now).unwrap_err();
            assert_eq!(err.code(), "access.token_unknown_key");
        }
        // The first fetch was at 1000: nothing more is fetched before 1060.
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(
            cache.key(Some("two"), 1060).unwrap_err().code(),
            "access.token_unknown_key"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert!(cache.key(Some("two"), 1120).is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        // Known keys are served from the cache.
        assert!(cache.key(Some("one"), 1121).is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn kid_may_be_absent_only_with_a_single_key() {
        let cache = JwksCache::new(StaticJwks::from_json(ONE).unwrap());
        assert!(cache.key(None, 0).is_ok());
        let cache = JwksCache::new(StaticJwks::from_json(TWO).unwrap());
        assert_eq!(
            cache.key(None, 0).unwrap_err().code(),
            "access.token_unknown_key"
        );
    }

    #[test]
    fn a_failed_first_fetch_is_an_error() {
        let cache = JwksCache::new(Counting {
            calls: Arc::new(AtomicUsize::new(0)),
            sets: vec!["not json"],
        });
        assert_eq!(
            cache.key(Some("one"), 0).unwrap_err().code(),
            "access.jwks_unavailable"
        );
    }
}
