//! Access tokens: discovery of the token endpoint, the client-credentials
//! grant, caching, early renewal shared by all callers, and invalidation
//! after a 401.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use super::error::HaloError;
use super::pacing::Pacer;
use super::wire;

/// The token lifetime assumed when Halo does not send `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);
/// The route template used for token requests in logs and errors.
pub(crate) const TOKEN_ROUTE: &str = "/auth/token";
const AUTHINFO_ROUTE: &str = "/api/authinfo";

/// What the client authenticates with.
pub(crate) struct Credentials {
    pub(crate) client_id: String,
    pub(crate) secret: SecretString,
    pub(crate) scope: String,
    pub(crate) tenant: Option<String>,
}

/// A cached access token.
pub(crate) struct Token {
    value: SecretString,
    renew_at: Instant,
    generation: u64,
}

/// The token cache of one client.
pub(crate) struct Auth {
    credentials: Credentials,
    base: Url,
    discover: bool,
    margin: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    token_url: Option<Url>,
    current: Option<Arc<Token>>,
    generation: u64,
}

#[derive(Deserialize)]
struct TokenReply {
    access_token: String,
    #[serde(default)]
    expires_in: Option<f64>,
}

#[derive(Deserialize)]
struct AuthInfo {
    auth_url: Option<String>,
}

impl Token {
    pub(crate) fn secret(&self) -> &str {
        self.value.expose_secret()
    }
}

impl Auth {
    pub(crate) fn new(
        credentials: Credentials,
        base: Url,
        discover: bool,
        margin: Duration,
    ) -> Self {
        Self {
            credentials,
            base,
            discover,
            margin,
            state: Mutex::new(State::default()),
        }
    }

    /// A valid token: the cached one, or a fresh one. Concurrent callers
    /// wait on one renewal instead of each fetching their own.
    pub(crate) async fn token(
        &self,
        http: &reqwest::Client,
        pacer: &Pacer,
    ) -> Result<Arc<Token>, HaloError> {
        let mut state = self.state.lock().await;
        if let Some(token) = state
            .current
            .as_ref()
            .filter(|t| t.renew_at > Instant::now())
        {
            return Ok(Arc::clone(token));
        }
        let url = match &state.token_url {
            Some(url) => url.clone(),
            None => {
                let url = self.token_url(http, pacer).await;
                state.token_url = Some(url.clone());
                url
            }
        };
        state.generation += 1;
        let token = Arc::new(self.fetch(http, pacer, url, state.generation).await?);
        state.current = Some(Arc::clone(&token));
        Ok(token)
    }

    /// Drops `used` if it is still the cached token (after a 401).
    pub(crate) async fn invalidate(&self, used: &Token) {
        let mut state = self.state.lock().await;
        if state
            .current
            .as_ref()
            .is_some_and(|t| t.generation == used.generation)
        {
            state.current = None;
        }
    }

    async fn fetch(
        &self,
        http: &reqwest::Client,
        pacer: &Pacer,
        url: Url,
        generation: u64,
    ) -> Result<Token, HaloError> {
        let c = &self.credentials;
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_id", &c.client_id)
            .append_pair("client_secret", c.secret.expose_secret())
            .append_pair("scope", &c.scope)
            .finish();
        pacer.acquire().await;
        let started = Instant::now();
        let reply = http
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(SecretBody(SecretString::from(form)).into_bytes())
            .send()
            .await
            .map_err(|e| transport(TOKEN_ROUTE, e))?;
        let status = reply.status().as_u16();
        let body = reply.bytes().await.map_err(|e| transport(TOKEN_ROUTE, e))?;
        tracing::debug!(
            route = TOKEN_ROUTE,
            status,
            elapsed_ms = elapsed_ms(started),
            "halo token"
        );
        match status {
            200..=299 => {}
            400 | 401 | 403 => {
                let description = wire::error_message(&body)
                    .unwrap_or_else(|| format!("token endpoint answered {status}"));
                return Err(HaloError::AuthFailed { description });
            }
            _ => {
                let message = wire::error_message(&body).unwrap_or_default();
                return Err(HaloError::Api {
                    status,
                    route: TOKEN_ROUTE.into(),
                    message,
                });
            }
        }
        let reply: TokenReply = serde_json::from_slice(&body).map_err(|e| HaloError::decode(&e))?;
        let lifetime = reply
            .expires_in
            .filter(|s| s.is_finite() && *s > 0.0)
            .map_or(DEFAULT_LIFETIME, |s| {
                Duration::from_secs_f64(s.min(86_400.0 * 365.0))
            });
        // Renew `margin` early, but never later than half-way through a
        // short-lived token, so a short lifetime cannot mean a fetch per call.
        let early = self.margin.min(lifetime / 2);
        Ok(Token {
            value: SecretString::from(reply.access_token),
            renew_at: started + (lifetime - early),
            generation,
        })
    }

    /// The token endpoint: discovered through `/api/authinfo` when enabled
    /// and on the same host as the base URL, else `{base}/auth/token`.
    async fn token_url(&self, http: &reqwest::Client, pacer: &Pacer) -> Url {
        let discovered = if self.discover {
            self.discover_url(http, pacer).await
        } else {
            None
        };
        let mut url = discovered.unwrap_or_else(|| join(&self.base, &["auth", "token"]));
        if let Some(tenant) = &self.credentials.tenant {
            url.query_pairs_mut().append_pair("tenant", tenant);
        }
        url
    }

    async fn discover_url(&self, http: &reqwest::Client, pacer: &Pacer) -> Option<Url> {
        pacer.acquire().await;
        let reply = http
            .get(join(&self.base, &["api", "authinfo"]))
            .send()
            .await
            .ok()?;
        let status = reply.status().as_u16();
        tracing::debug!(route = AUTHINFO_ROUTE, status, "halo auth discovery");
        if !reply.status().is_success() {
            return None;
        }
        let info: AuthInfo = serde_json::from_slice(&reply.bytes().await.ok()?).ok()?;
        let auth = Url::parse(info.auth_url?.trim_end_matches('/')).ok()?;
        // INVARIANT: the client secret only ever goes to the configured host.
        let same_origin = auth.scheme() == self.base.scheme()
            && auth.host_str() == self.base.host_str()
            && auth.port_or_known_default() == self.base.port_or_known_default();
        if !same_origin {
            tracing::warn!(
                route = AUTHINFO_ROUTE,
                "halo auth_url on another host ignored"
            );
            return None;
        }
        Some(join(&auth, &["token"]))
    }
}

/// `base` with `segments` appended to its path.
pub(crate) fn join(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

pub(crate) fn transport(route: &str, err: reqwest::Error) -> HaloError {
    if err.is_timeout() {
        HaloError::Timeout {
            route: route.to_owned(),
        }
    } else {
        // The URL can carry a query string (search terms, e-mail addresses).
        HaloError::Transport {
            route: route.to_owned(),
            source: Box::new(err.without_url()),
        }
    }
}

pub(crate) fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The form body carrying the secret; handed to the HTTP library as bytes.
struct SecretBody(SecretString);

impl SecretBody {
    fn into_bytes(self) -> Vec<u8> {
        self.0.expose_secret().as_bytes().to_vec()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("value", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("client_id", &self.credentials.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("scope", &self.credentials.scope)
            .field("tenant", &self.credentials.tenant)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token_and_the_secret() {
        let token = Token {
            value: SecretString::from("tok-1234567890"),
            renew_at: Instant::now(),
            generation: 1,
        };
        let credentials = Credentials {
            client_id: "app".into(),
            secret: SecretString::from("secret-0987654321"),
            scope: "all".into(),
            tenant: None,
        };
        let base = Url::parse("https://acme.halopsa.com").unwrap();
        let auth = Auth::new(credentials, base, true, Duration::from_secs(60));
        let shown = format!("{token:?} {auth:?}");
        assert!(!shown.contains("tok-1234567890") && !shown.contains("secret-0987654321"));
        assert!(shown.contains("[REDACTED]"));
    }

    #[test]
    fn join_appends_segments_to_any_base_path() {
        let base = Url::parse("https://acme.halopsa.com/halo/").unwrap();
        assert_eq!(
            join(&base, &["auth", "token"]).as_str(),
            "https://acme.halopsa.com/halo/auth/token"
        );
        let bare = Url::parse("https://acme.halopsa.com").unwrap();
        assert_eq!(
            join(&bare, &["api", "Client"]).as_str(),
            "https://acme.halopsa.com/api/Client"
        );
    }
}
