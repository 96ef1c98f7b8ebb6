//! [`WebhookVerifier`], [`WebhookSigner`] and [`Verified`]. Failures are
//! `HaloCoreError::Webhook` with a code such as `webhook.signature_mismatch`.
//!
//! Bodies are the raw bytes as received; headers are name and value pairs
//! in any case. Times are Unix seconds; left out, the system clock.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use halo_core::SecretString;
use halo_core::secret::{ExposeSecret, MemorySource, SystemSource};
use halo_core::webhook::{self as core, WebhookError};

use crate::config::Config;
use crate::errors::{HaloCoreError, Result};

/// One HTTP header.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Header {
    /// The header name, any case.
    pub name: String,
    /// The header value.
    pub value: String,
}

/// Verifies inbound deliveries on their raw body bytes: source network,
/// user agent, body size, headers, timestamp tolerance, signature in
/// constant time against every active secret, then a replay guard in
/// memory. Build one at start-up and share it between threads.
#[derive(Debug, uniffi::Object)]
pub struct WebhookVerifier {
    inner: core::WebhookVerifier,
}

/// Produces the headers that authenticate a delivery (for tests and for
/// sending webhooks). Basic and API-key headers carry the credential.
#[derive(Debug, uniffi::Object)]
pub struct WebhookSigner {
    inner: core::WebhookSigner,
}

/// What a successful verification establishes; pass it to
/// [`WebhookVerifier::release`] when processing the delivery failed.
#[derive(Debug, uniffi::Object)]
pub struct Verified {
    inner: core::Verified,
}

#[uniffi::export]
impl WebhookVerifier {
    /// The verifier of `security.webhooks`, its secret references resolved
    /// from `secrets` only (environment variable name to value; each value
    /// is moved into zeroizing memory at once). A reference to a name not
    /// in the map is `webhook.secret_unavailable`.
    #[uniffi::constructor]
    pub fn from_config(config: &Config, secrets: HashMap<String, String>) -> Result<Arc<Self>> {
        let source = memory_source(secrets);
        let inner = core::WebhookVerifier::from_config(config.inner(), &source)?;
        Ok(Arc::new(Self { inner }))
    }

    /// The verifier of `security.webhooks`, its secret references resolved
    /// from the process environment and files.
    #[uniffi::constructor]
    pub fn from_config_and_environment(config: &Config) -> Result<Arc<Self>> {
        let inner = core::WebhookVerifier::from_config(config.inner(), &SystemSource)?;
        Ok(Arc::new(Self { inner }))
    }

    /// Verifies a delivery from `remote_addr` (one that does not parse as
    /// an IP address counts as none, which an allow-list refuses) against
    /// `provider` (`null` for the default) at `now` (Unix seconds).
    pub fn verify(
        &self,
        body: Vec<u8>,
        headers: Vec<Header>,
        remote_addr: Option<String>,
        provider: Option<String>,
        now: Option<i64>,
    ) -> Result<Arc<Verified>> {
        let delivery = Delivery::new(&body, &headers, remote_addr, provider);
        let inner = self.inner.verify_at(&delivery.request(), at(now)?)?;
        Ok(Arc::new(Verified { inner }))
    }

    /// Like `verify`, but accepts a signed timestamp at any distance from
    /// now: only for stored deliveries checked again later, or for tests.
    pub fn verify_ignoring_timestamp(
        &self,
        body: Vec<u8>,
        headers: Vec<Header>,
        remote_addr: Option<String>,
        provider: Option<String>,
        now: Option<i64>,
    ) -> Result<Arc<Verified>> {
        let delivery = Delivery::new(&body, &headers, remote_addr, provider);
        let request = delivery.request();
        let inner = self
            .inner
            .verify_ignoring_timestamp_at(&request, at(now)?)?;
        Ok(Arc::new(Verified { inner }))
    }

    /// Releases the replay claim of a delivery the caller failed to
    /// process, so that the sender's retry is accepted.
    pub fn release(&self, verified: &Verified) -> Result<()> {
        Ok(self.inner.release(&verified.inner)?)
    }

    /// The names of the named providers, sorted.
    pub fn provider_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.inner.provider_names().map(str::to_owned).collect();
        names.sort();
        names
    }
}

#[uniffi::export]
impl WebhookSigner {
    /// A signer for the signature method of `provider` (`null` for the
    /// default) in `security.webhooks`, secrets as in
    /// [`WebhookVerifier::from_config`].
    #[uniffi::constructor]
    pub fn from_config(
        config: &Config,
        provider: Option<String>,
        secrets: HashMap<String, String>,
    ) -> Result<Arc<Self>> {
        let source = memory_source(secrets);
        let inner = core::WebhookSigner::from_config(config.inner(), provider.as_deref(), &source);
        Ok(Arc::new(Self { inner: inner? }))
    }

    /// A signer that sends HTTP Basic credentials.
    #[uniffi::constructor]
    pub fn basic(username: String, password: String) -> Arc<Self> {
        let password = SecretString::from(password);
        Arc::new(Self {
            inner: core::WebhookSigner::basic(&username, &password),
        })
    }

    /// A signer that sends `key` in header `header`.
    #[uniffi::constructor]
    pub fn api_key(header: String, key: String) -> Result<Arc<Self>> {
        let key = SecretString::from(key);
        let inner = core::WebhookSigner::api_key(&header, &key)?;
        Ok(Arc::new(Self { inner }))
    }

    /// The scheme of the headers produced (`generic`, `standard_webhooks`,
    /// `stripe`, `github`, `basic`, `api_key`).
    pub fn scheme(&self) -> String {
        self.inner.scheme().as_str().to_owned()
    }

    /// The headers for a delivery of `body`. `id` is used by Standard
    /// Webhooks only (default empty); `timestamp` (Unix seconds, default
    /// now) by the schemes that sign one.
    pub fn sign(
        &self,
        body: Vec<u8>,
        id: Option<String>,
        timestamp: Option<i64>,
    ) -> Result<Vec<Header>> {
        let timestamp = match timestamp {
            Some(t) => u64::try_from(t).map_err(|_| setting("a timestamp is negative"))?,
            None => unix_now(),
        };
        let headers = self
            .inner
            .sign(id.as_deref().unwrap_or(""), timestamp, &body)?;
        let headers = headers.into_iter();
        Ok(headers
            .map(|(name, value)| Header { name, value })
            .collect())
    }
}

#[uniffi::export]
impl Verified {
    /// The provider checked against; `null` for the default.
    pub fn provider(&self) -> Option<String> {
        self.inner.provider.clone()
    }

    /// How the delivery authenticated; `null` for a provider that accepts
    /// unauthenticated deliveries.
    pub fn scheme(&self) -> Option<String> {
        self.inner.scheme.map(|s| s.as_str().to_owned())
    }

    /// The delivery id claimed in the replay guard; `null` for Basic and
    /// API-key deliveries.
    pub fn id(&self) -> Option<String> {
        self.inner.id.clone()
    }

    /// The signed timestamp in Unix seconds, for schemes that sign one.
    pub fn timestamp(&self) -> Option<i64> {
        self.inner.timestamp.and_then(|t| i64::try_from(t).ok())
    }
}

/// A delivery's parts in the core's shapes, borrowed by its request.
struct Delivery<'a> {
    body: &'a [u8],
    pairs: Vec<(&'a str, &'a str)>,
    remote_addr: Option<IpAddr>,
    provider: Option<String>,
}

impl<'a> Delivery<'a> {
    fn new(
        body: &'a [u8],
        headers: &'a [Header],
        remote_addr: Option<String>,
        provider: Option<String>,
    ) -> Self {
        let pairs = headers.iter();
        Self {
            body,
            pairs: pairs.map(|h| (h.name.as_str(), h.value.as_str())).collect(),
            remote_addr: remote_addr.and_then(|a| a.parse().ok()),
            provider,
        }
    }

    fn request(&self) -> core::WebhookRequest<'_> {
        let mut request = core::WebhookRequest::from_pairs(&self.pairs, self.body);
        if let Some(provider) = self.provider.as_deref() {
            request = request.provider(provider);
        }
        if let Some(addr) = self.remote_addr {
            request = request.remote_addr(addr);
        }
        request
    }
}

/// `secrets` as a source of environment variables; each value is moved
/// into a zeroizing `SecretString` before it is copied into the source.
pub(crate) fn memory_source(secrets: HashMap<String, String>) -> MemorySource {
    let mut source = MemorySource::new();
    for (name, value) in secrets {
        let value = SecretString::from(value);
        source = source.with_env(name, value.expose_secret());
    }
    source
}

fn at(now: Option<i64>) -> Result<SystemTime> {
    let Some(secs) = now else {
        return Ok(SystemTime::now());
    };
    let time = u64::try_from(secs)
        .ok()
        .and_then(|secs| UNIX_EPOCH.checked_add(Duration::from_secs(secs)));
    time.ok_or_else(|| HaloCoreError::from(setting("`now` is out of range")))
}

fn setting(reason: &str) -> WebhookError {
    WebhookError::InvalidSetting {
        reason: reason.to_owned(),
    }
}

fn unix_now() -> u64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH);
    now.map_or(0, |d| d.as_secs())
}
