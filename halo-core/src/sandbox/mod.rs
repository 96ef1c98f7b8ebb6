//! An in-process HaloPSA simulator with fault injection (feature `sandbox`).
//!
//! [`Sandbox::start`] serves, over real HTTP on a loopback port, the parts of
//! the Halo API that [`crate::halo`] uses, behaving as
//! `shared/reference/halopsa-api.md` describes Halo:
//!
//! - `POST /auth/token` (client credentials, optional `?tenant=`, tokens
//!   that expire) and `GET /api/authinfo`;
//! - `Client`, `Site`, `Users`, `Opportunities`, `Tickets`, `Actions` and
//!   `Agent` (read-only, including `Agent/me`), paths case-insensitive;
//! - lists with Halo's paging: a default page without `pageinate=true` and
//!   `page_no`, at most 100 rows per page whatever is asked, and
//!   `record_count`; the filters `search`, `client_id`, `site_id`,
//!   `ticket_id`, `domain`, `search_oppemailaddress`,
//!   `search_oppcompanyname`, `search_phonenumbers`, `open_only`,
//!   `includeinactive`, `order`/`orderdesc`; unknown parameters ignored;
//! - `POST` of an array to create (new ids) and update (by id, merging
//!   fields); a single record comes back as an object, several as an array;
//! - 401, 403 (scopes), 404 with Halo-shaped bodies, and an optional rolling
//!   rate limit answering 429 with `Retry-After`.
//!
//! Faults ([`Fault`]) apply to the next resource requests: a status with any
//! body (also 200 with an error body), a broken connection, a delay, and
//! "commit then lose" (applied, then the connection breaks).
//! [`Sandbox::expire_tokens`] expires every token at once, and a
//! [`FaultPlan`] draws faults at random for soak tests. Records and
//! request counts can be inspected at any time.
//!
//! Limits: it is a simulator, not a copy of Halo. Records are plain JSON
//! with no validation or relations, only the routes above exist, and state
//! lives in memory for the life of the [`Sandbox`].

mod fault;
mod routes;
mod state;

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use secrecy::SecretString;
use serde_json::Value;
use tokio::sync::oneshot;

pub use fault::{Fault, FaultPlan};

use crate::halo::{RateLimit, Resource};
use state::{Kind, State};

/// How the sandbox behaves.
#[derive(Clone)]
pub struct SandboxOptions {
    /// The client id it accepts. Default `sandbox-client`.
    pub client_id: String,
    /// The client secret it accepts. Default `sandbox-secret`.
    pub client_secret: SecretString,
    /// The tenant required as `?tenant=` on the token URL. Default: none.
    pub tenant: Option<String>,
    /// How long tokens live. Default one hour.
    pub token_lifetime: Duration,
    /// Rows returned without paging, and the page size when none is asked.
    /// Default 50.
    pub default_page_size: usize,
    /// The most rows a page holds whatever is asked. Default 100.
    pub max_page_size: usize,
    /// A rolling rate limit over resource requests. Default: none.
    pub rate_limit: Option<RateLimit>,
    /// Whether its 429s carry `Retry-After`. Default true.
    pub send_retry_after: bool,
    /// Whether `/api/authinfo` answers. Default true.
    pub discovery: bool,
    /// The loopback port; 0 picks a free one. Default 0.
    pub port: u16,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            client_id: "sandbox-client".into(),
            client_secret: SecretString::from("sandbox-secret"),
            tenant: None,
            token_lifetime: Duration::from_secs(3600),
            default_page_size: 50,
            max_page_size: 100,
            rate_limit: None,
            send_retry_after: true,
            discovery: true,
            port: 0,
        }
    }
}

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The loopback port could not be bound.
    #[error("the sandbox could not listen on port {port}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// The socket error.
        #[source]
        source: std::io::Error,
    },
}

impl SandboxError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Bind { .. } => "sandbox.bind",
        }
    }
}

/// How often one route answered with one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestCount {
    /// The HTTP method.
    pub method: String,
    /// The route template, such as `/api/Client/{id}`.
    pub route: String,
    /// The status sent; 0 for a broken connection.
    pub status: u16,
    /// How many times.
    pub count: u64,
}

/// A running sandbox; it stops when dropped.
pub struct Sandbox {
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
}

pub(crate) struct Shared {
    options: SandboxOptions,
    addr: SocketAddr,
    state: Mutex<State>,
}

impl Sandbox {
    /// Starts serving on `127.0.0.1` on the current tokio runtime.
    pub async fn start(options: SandboxOptions) -> Result<Sandbox, SandboxError> {
        let port = options.port;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|source| SandboxError::Bind { port, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { port, source })?;
        let shared = Arc::new(Shared {
            options,
            addr,
            state: Mutex::new(State::new()),
        });
        let router = axum::Router::new()
            .fallback(routes::dispatch)
            .with_state(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            if serve.await.is_err() {
                tracing::warn!("halo sandbox stopped with an error");
            }
        });
        tracing::debug!(port = addr.port(), "halo sandbox listening");
        Ok(Sandbox {
            shared,
            stop: Some(stop),
        })
    }

    /// The base URL to give a client, `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// The options it runs with.
    pub fn options(&self) -> &SandboxOptions {
        &self.shared.options
    }

    /// A client builder pointed at this sandbox with its credentials and
    /// tenant, and without a client-side rate limit.
    #[cfg(feature = "client")]
    pub fn client_builder(&self) -> crate::halo::HaloClientBuilder {
        let options = &self.shared.options;
        let builder = crate::halo::HaloClient::builder()
            .base_url(self.base_url())
            .client_id(options.client_id.clone())
            .client_secret(options.client_secret.clone())
            .without_rate_limit();
        match &options.tenant {
            Some(tenant) => builder.tenant(tenant.clone()),
            None => builder,
        }
    }

    /// Applies `fault` to the next `times` resource requests (after any
    /// faults already queued).
    pub fn inject(&self, fault: Fault, times: u32) {
        if times > 0 {
            self.lock().faults.push_back((fault, times));
        }
    }

    /// Draws faults at random for every later resource request (after any
    /// queued ones), or stops drawing with `None`.
    pub fn set_fault_plan(&self, plan: Option<FaultPlan>) {
        self.lock().plan = plan.map(|plan| {
            let rng = fastrand::Rng::with_seed(plan.seed);
            (plan, rng)
        });
    }

    /// Drops every queued fault and the fault plan.
    pub fn clear_faults(&self) {
        let mut state = self.lock();
        state.faults.clear();
        state.plan = None;
    }

    /// Expires every token issued so far: their next use gets a 401.
    pub fn expire_tokens(&self) {
        self.lock().tokens.clear();
    }

    /// Stores `records` as if created, and returns their new ids.
    pub fn seed<R: Resource>(&self, records: &[R]) -> Vec<i64> {
        let Some(kind) = Kind::from_path(R::PATH) else {
            return Vec::new();
        };
        let mut state = self.lock();
        records
            .iter()
            .filter_map(|r| match serde_json::to_value(r) {
                Ok(Value::Object(mut object)) => {
                    object.remove("id");
                    state.insert(kind, object).get("id").and_then(Value::as_i64)
                }
                _ => None,
            })
            .collect()
    }

    /// The stored records of `R`, by id.
    pub fn records<R: Resource>(&self) -> Vec<R> {
        self.record_values(R::PATH)
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect()
    }

    /// The stored records under `path` (`"Users"`, case-insensitive) as JSON.
    pub fn record_values(&self, path: &str) -> Vec<Value> {
        let Some(kind) = Kind::from_path(path) else {
            return Vec::new();
        };
        self.lock()
            .table(kind)
            .map(|r| Value::Object(r.clone()))
            .collect()
    }

    /// Every request served so far, by method, route template and status.
    pub fn requests(&self) -> Vec<RequestCount> {
        self.lock()
            .counts
            .iter()
            .map(|((method, route, status), count)| RequestCount {
                method: method.clone(),
                route: route.clone(),
                status: *status,
                count: *count,
            })
            .collect()
    }

    /// Requests served for `method` and `route`, whatever their status.
    pub fn request_count(&self, method: &str, route: &str) -> u64 {
        self.requests()
            .iter()
            .filter(|c| c.method == method && c.route == route)
            .map(|c| c.count)
            .sum()
    }

    /// Token requests that were granted.
    pub fn tokens_issued(&self) -> u64 {
        self.requests()
            .iter()
            .filter(|c| c.route == "/auth/token" && c.status == 200)
            .map(|c| c.count)
            .sum()
    }

    /// Stops serving and waits briefly for the server task to wind down.
    pub fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.shared.addr)
            .field("options", &self.shared.options)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for SandboxOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxOptions")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("tenant", &self.tenant)
            .field("token_lifetime", &self.token_lifetime)
            .field("default_page_size", &self.default_page_size)
            .field("max_page_size", &self.max_page_size)
            .field("rate_limit", &self.rate_limit)
            .field("send_retry_after", &self.send_retry_after)
            .field("discovery", &self.discovery)
            .field("port", &self.port)
            .finish()
    }
}
