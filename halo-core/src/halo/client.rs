//! The client: sending one call with pacing, authentication and retries.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use super::auth::{Auth, elapsed_ms, join, transport};
use super::builder::HaloClientBuilder;
use super::error::HaloError;
use super::handler::Handler;
use super::models::{Action, Agent, Client, Opportunity, Site, Ticket, User};
use super::pacing::Pacer;
use super::policy::RetryPolicy;
use super::wire;

/// A HaloPSA API client. Cheap to clone; clones share the token cache and
/// the pacer.
///
/// ```no_run
/// # async fn run() -> Result<(), halo_core::halo::HaloError> {
/// use futures_util::TryStreamExt;
/// use halo_core::halo::{HaloClient, UserParams};
/// use halo_core::SecretString;
///
/// let halo = HaloClient::builder()
///     .base_url("https://acme.halopsa.com")
///     .client_id("integration")
///     .client_secret(SecretString::from(std::env::var("HALO_SECRET").unwrap_or_default()))
///     .build()?;
/// let params = UserParams { client_id: Some(12), ..Default::default() };
/// let contacts: Vec<_> = halo.users().list(params).try_collect().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HaloClient {
    pub(crate) core: Arc<Core>,
}

/// What a call may safely do again after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Safety {
    /// Reads, deletes and updates carrying ids.
    Repeatable,
    /// A create: a failure after sending leaves the outcome unknown.
    Create,
}

/// One API call.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) method: Method,
    /// The route template for logs and errors, such as `/api/Client/{id}`.
    pub(crate) route: String,
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) safety: Safety,
}

pub(crate) struct Core {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) auth: Auth,
    pub(crate) pacer: Pacer,
    pub(crate) retry: RetryPolicy,
    pub(crate) counters: Counters,
}

/// Requests sent and retried by one client and its clones.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests: AtomicU64,
    retries: AtomicU64,
}

/// What a client (and every clone of it) has sent so far; see
/// [`HaloClient::stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientStats {
    /// API requests sent, each attempt counted (token requests excluded).
    pub requests: u64,
    /// Attempts that were repeats of an earlier one: after a 429, a 5xx, a
    /// broken connection or a refused token.
    pub retries: u64,
}

impl ClientStats {
    /// The counts accumulated since `earlier`, a snapshot of the same client.
    pub fn since(self, earlier: ClientStats) -> ClientStats {
        ClientStats {
            requests: self.requests.saturating_sub(earlier.requests),
            retries: self.retries.saturating_sub(earlier.retries),
        }
    }
}

enum Step {
    Done(Vec<u8>),
    Retry(Duration),
    Fail(HaloError),
}

impl HaloClient {
    /// A builder; see [`HaloClientBuilder`] for the settings and defaults.
    pub fn builder() -> HaloClientBuilder {
        HaloClientBuilder::default()
    }

    /// Clients (customers and prospect companies).
    pub fn clients(&self) -> Handler<Client> {
        Handler::new(self)
    }

    /// Sites.
    pub fn sites(&self) -> Handler<Site> {
        Handler::new(self)
    }

    /// Users (contacts).
    pub fn users(&self) -> Handler<User> {
        Handler::new(self)
    }

    /// Opportunities (CRM leads).
    pub fn opportunities(&self) -> Handler<Opportunity> {
        Handler::new(self)
    }

    /// Tickets.
    pub fn tickets(&self) -> Handler<Ticket> {
        Handler::new(self)
    }

    /// Actions on tickets.
    pub fn actions(&self) -> Handler<Action> {
        Handler::new(self)
    }

    /// Agents.
    pub fn agents(&self) -> Handler<Agent> {
        Handler::new(self)
    }

    /// Requests and retries sent so far by this client and its clones.
    pub fn stats(&self) -> ClientStats {
        ClientStats {
            requests: self.core.counters.requests.load(Ordering::Relaxed),
            retries: self.core.counters.retries.load(Ordering::Relaxed),
        }
    }

    /// Any other endpoint: `path` is relative to `/api` (`"TicketType"`).
    ///
    /// `GET`, `PUT` and `DELETE` are retried like reads. A `POST` is retried
    /// only when its body is an array whose items all carry an `id`;
    /// otherwise it is treated as a create. Returns `None` for an empty reply.
    /// Logs show only the path's first segment.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Option<Value>, HaloError> {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let first = segments.first().map_or("", String::as_str);
        let route = if segments.len() > 1 {
            format!("/api/{first}/…")
        } else {
            format!("/api/{first}")
        };
        let updates_only = match body {
            Some(Value::Array(items)) => items
                .iter()
                .all(|i| i.get("id").is_some_and(|id| !id.is_null())),
            _ => false,
        };
        let safety = if method == Method::POST && !updates_only || method == Method::PATCH {
            Safety::Create
        } else {
            Safety::Repeatable
        };
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| HaloError::decode(&e))?;
        let call = Call {
            method,
            route,
            segments,
            query: query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body,
            safety,
        };
        let reply = self.core.execute(&call).await?;
        if reply.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&reply)
            .map(Some)
            .map_err(|e| HaloError::decode(&e))
    }
}

impl Core {
    /// Sends `call`, pacing, authenticating and retrying as the policy allows.
    pub(crate) async fn execute(&self, call: &Call) -> Result<Vec<u8>, HaloError> {
        let span = tracing::debug_span!("halo", method = %call.method, route = %call.route);
        self.attempts(call).instrument(span).await
    }

    async fn attempts(&self, call: &Call) -> Result<Vec<u8>, HaloError> {
        let mut url = join(&self.base, &["api"]);
        if let Ok(mut path) = url.path_segments_mut() {
            path.extend(&call.segments);
        }
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&call.query);
        }
        let mut reauthenticated = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let token = match self.auth.token(&self.http, &self.pacer).await {
                Ok(token) => token,
                Err(err) if err.is_transient() && attempt < self.retry.max_attempts => {
                    tokio::time::sleep(self.backoff(attempt)).await;
                    continue;
                }
                Err(err) => return Err(err),
            };
            self.pacer.acquire().await;
            let started = Instant::now();
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            if attempt > 1 || reauthenticated {
                self.counters.retries.fetch_add(1, Ordering::Relaxed);
            }
            let mut request = self
                .http
                .request(call.method.clone(), url.clone())
                .bearer_auth(token.secret());
            if let Some(body) = &call.body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let sent = request.send().await;
            let step = match sent {
                Ok(reply) => {
                    let status = reply.status();
                    let retry_after = retry_after(reply.headers());
                    let body = reply.bytes().await;
                    tracing::debug!(
                        status = status.as_u16(),
                        attempt,
                        elapsed_ms = elapsed_ms(started),
                        "halo reply"
                    );
                    match body {
                        Ok(body) if status == StatusCode::UNAUTHORIZED && !reauthenticated => {
                            drop(body);
                            reauthenticated = true;
                            self.auth.invalidate(&token).await;
                            attempt -= 1;
                            continue;
                        }
                        Ok(body) => self.judge(call, status, retry_after, body.to_vec(), attempt),
                        Err(err) => self.broken(call, err, attempt),
                    }
                }
                Err(err) => self.broken(call, err, attempt),
            };
            match step {
                Step::Done(body) => return Ok(body),
                Step::Fail(err) => {
                    tracing::warn!(code = err.code(), attempt, "halo call failed");
                    return Err(err);
                }
                Step::Retry(delay) => {
                    let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
                    tracing::debug!(attempt, delay_ms, "halo retry");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// What to do with a reply.
    fn judge(
        &self,
        call: &Call,
        status: StatusCode,
        retry_after: Option<Duration>,
        body: Vec<u8>,
        attempt: u32,
    ) -> Step {
        let route = || call.route.clone();
        let may_retry = attempt < self.retry.max_attempts;
        match status.as_u16() {
            200..=299 => Step::Done(body),
            401 => Step::Fail(HaloError::AuthFailed {
                description: wire::error_message(&body)
                    .unwrap_or_else(|| "a fresh token was refused".into()),
            }),
            403 => Step::Fail(HaloError::Forbidden {
                route: route(),
                message: wire::error_message(&body),
            }),
            404 => Step::Fail(HaloError::NotFound { route: route() }),
            429 if may_retry => {
                let delay = match retry_after {
                    Some(d) => d.min(self.retry.max_retry_after),
                    None => self.backoff(attempt),
                };
                self.pacer.pause_until(Instant::now() + delay);
                Step::Retry(delay)
            }
            429 => Step::Fail(HaloError::RateLimited {
                attempts: attempt,
                retry_after,
            }),
            500..=599 if call.safety == Safety::Create => Step::Fail(HaloError::OutcomeUnknown {
                route: route(),
                source: None,
            }),
            500..=599 if may_retry => Step::Retry(self.backoff(attempt)),
            code => Step::Fail(HaloError::Api {
                status: code,
                route: route(),
                message: wire::error_message(&body).unwrap_or_else(|| "no message".into()),
            }),
        }
    }

    /// What to do when the exchange broke.
    fn broken(&self, call: &Call, err: reqwest::Error, attempt: u32) -> Step {
        // A failed connect means nothing was sent: even a create may retry.
        let unsent = err.is_connect();
        if call.safety == Safety::Create && !unsent {
            return Step::Fail(HaloError::OutcomeUnknown {
                route: call.route.clone(),
                source: Some(Box::new(err.without_url())),
            });
        }
        if attempt < self.retry.max_attempts {
            return Step::Retry(self.backoff(attempt));
        }
        Step::Fail(transport(&call.route, err))
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.retry.backoff(attempt, fastrand::f64())
    }
}

/// `Retry-After` in delta-seconds. HTTP-date values are not interpreted
/// (no source shows Halo sending them); the exponential backoff applies.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

impl fmt::Debug for HaloClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HaloClient")
            .field("base_url", &self.core.base.as_str())
            .field("auth", &self.core.auth)
            .field("retry", &self.core.retry)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}
