//! `halo_core.WebhookVerifier`, `WebhookSigner`, `Provider`, `Signature`
//! and `Verified`.
//!
//! Bodies are `bytes` (or `bytearray`), exactly as received. Headers are a
//! mapping (a `dict`, Flask's `request.headers`, Starlette's
//! `request.headers`) or an iterable of `(name, value)` pairs, names and
//! values as `str` or `bytes` (ASGI's raw headers).

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use halo_core::SecretString;
use halo_core::secret::{MemorySource, SecretBytes, SecretSource, SystemSource};
use halo_core::webhook::{self as core, SignatureEncoding, SignatureScheme};
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use secrecy::ExposeSecret;

use crate::config::Config;
use crate::errors::webhook_error;

/// Bodies at least this long are verified with the GIL released.
const DETACH_BYTES: usize = 16 * 1024;

/// Stands for a `bytes` header name that is not UTF-8: not a valid HTTP
/// header name, so no header the verifier reads matches it.
const NOT_UTF8_NAME: &str = "(not UTF-8)";

/// How a provider checks signatures: one scheme and its active secrets.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct Signature {
    inner: core::Signature,
}

/// One sender's checks: authentication methods, networks, user agent,
/// tolerance and body size.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct Provider {
    inner: core::Provider,
}

/// Verifies inbound deliveries for a default provider and named ones.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct WebhookVerifier {
    inner: core::WebhookVerifier,
}

/// Produces the headers that authenticate a delivery.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct WebhookSigner {
    inner: core::WebhookSigner,
}

/// What a successful verification establishes.
#[pyclass(module = "halo_core", frozen, eq)]
#[derive(PartialEq)]
pub(crate) struct Verified {
    inner: core::Verified,
}

/// A secret given as `str` or `bytes`.
#[derive(FromPyObject)]
enum SecretArg {
    Text(String),
    Bytes(Vec<u8>),
}

#[pymethods]
impl Signature {
    /// A signature method of `scheme` (`generic`, `standard_webhooks`,
    /// `stripe` or `github`) with `secrets` as its active secrets.
    #[new]
    #[pyo3(signature = (scheme, secrets, *, header = None, timestamp_header = None, encoding = None))]
    fn new(
        scheme: &str,
        secrets: Vec<SecretArg>,
        header: Option<&str>,
        timestamp_header: Option<&str>,
        encoding: Option<&str>,
    ) -> PyResult<Self> {
        let err = |e: core::WebhookError| webhook_error(&e);
        let mut inner = core::Signature::new(parse_scheme(scheme).map_err(err)?);
        if let Some(header) = header {
            inner = inner.header(header).map_err(err)?;
        }
        if let Some(name) = timestamp_header {
            inner = inner.timestamp_header(name).map_err(err)?;
        }
        if let Some(encoding) = encoding {
            inner = inner
                .encoding(parse_encoding(encoding).map_err(err)?)
                .map_err(err)?;
        }
        for secret in secrets {
            inner = match secret {
                SecretArg::Text(text) => inner.secret(&SecretString::from(text)),
                SecretArg::Bytes(bytes) => {
                    let bytes = SecretBytes::from(bytes.into_boxed_slice());
                    inner.secret_bytes(bytes.expose_secret())
                }
            }
            .map_err(err)?;
        }
        Ok(Self { inner })
    }

    /// The scheme's name.
    #[getter]
    fn scheme(&self) -> &'static str {
        self.inner.scheme().as_str()
    }

    fn __repr__(&self) -> String {
        format!("Signature(scheme={:?}, secrets=[REDACTED])", self.scheme())
    }
}

#[pymethods]
impl Provider {
    /// A provider accepting any one of the methods given.
    #[new]
    #[pyo3(signature = (
        signature = None,
        *,
        api_keys = Vec::new(),
        api_key_header = "X-API-Key",
        basic = None,
        allow_networks = Vec::new(),
        expected_user_agent = None,
        tolerance = None,
        max_body_bytes = None,
        dangerous_accept_unauthenticated = false,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        signature: Option<&Signature>,
        api_keys: Vec<String>,
        api_key_header: &str,
        basic: Option<(String, String)>,
        allow_networks: Vec<String>,
        expected_user_agent: Option<String>,
        tolerance: Option<u64>,
        max_body_bytes: Option<u64>,
        dangerous_accept_unauthenticated: bool,
    ) -> PyResult<Self> {
        let err = |e: core::WebhookError| webhook_error(&e);
        let mut inner = core::Provider::new();
        if let Some(signature) = signature {
            inner = inner.signature(signature.inner.clone());
        }
        for key in api_keys {
            inner = inner
                .api_key(api_key_header, &SecretString::from(key))
                .map_err(err)?;
        }
        if let Some((username, password)) = basic {
            inner = inner.basic(&username, &SecretString::from(password));
        }
        for network in allow_networks {
            let parsed = network.parse::<ipnet::IpNet>().or_else(|_| {
                network
                    .parse::<IpAddr>()
                    .map(ipnet::IpNet::from)
                    .map_err(|_| err(setting(format!("`{network}` is not a network"))))
            })?;
            inner = inner.allow_network(parsed);
        }
        if let Some(agent) = expected_user_agent {
            inner = inner.expect_user_agent(agent);
        }
        if let Some(secs) = tolerance {
            inner = inner.tolerance(Duration::from_secs(secs));
        }
        if let Some(limit) = max_body_bytes {
            inner = inner.max_body_bytes(limit);
        }
        if dangerous_accept_unauthenticated {
            inner = inner.dangerous_accept_unauthenticated();
        }
        Ok(Self { inner })
    }

    fn __repr__(&self) -> String {
        "Provider(...)".to_owned()
    }
}

#[pymethods]
impl WebhookVerifier {
    /// A verifier for `default` (deliveries naming no provider) and the
    /// named `providers`, claiming deliveries in a replay guard in memory.
    #[new]
    #[pyo3(signature = (default = None, providers = None, *, replay_capacity = None, dangerous_without_replay_guard = false))]
    fn new(
        default: Option<&Provider>,
        providers: Option<HashMap<String, PyRef<'_, Provider>>>,
        replay_capacity: Option<usize>,
        dangerous_without_replay_guard: bool,
    ) -> Self {
        let mut builder = core::WebhookVerifier::builder();
        if let Some(default) = default {
            builder = builder.default_provider(default.inner.clone());
        }
        for (name, provider) in providers.into_iter().flatten() {
            builder = builder.provider(name, provider.inner.clone());
        }
        if let Some(capacity) = replay_capacity {
            let guard = core::MemoryReplayGuard::new(capacity);
            builder = builder.replay_guard(std::sync::Arc::new(guard));
        }
        if dangerous_without_replay_guard {
            builder = builder.dangerous_without_replay_guard();
        }
        Self {
            inner: builder.build(),
        }
    }

    /// The verifier of `security.webhooks`. Secret references are resolved
    /// from `secrets` (environment variable name to value) when given,
    /// otherwise from the process environment and files.
    #[staticmethod]
    #[pyo3(signature = (config, secrets = None))]
    fn from_config(config: &Config, secrets: Option<HashMap<String, SecretArg>>) -> PyResult<Self> {
        let inner = core::WebhookVerifier::from_config(config.inner(), &*source(secrets));
        Ok(Self {
            inner: inner.map_err(|e| webhook_error(&e))?,
        })
    }

    /// Verifies a delivery at the current time (or at `now`, Unix seconds).
    #[pyo3(signature = (body, headers, remote_addr = None, provider = None, *, now = None))]
    fn verify(
        &self,
        py: Python<'_>,
        body: Cow<'_, [u8]>,
        headers: &Bound<'_, PyAny>,
        remote_addr: Option<&str>,
        provider: Option<&str>,
        now: Option<u64>,
    ) -> PyResult<Verified> {
        let objects = header_objects(headers)?;
        let request = request(&objects, &body, remote_addr, provider)?;
        self.run(py, &request, at(now)?, core::WebhookVerifier::verify_at)
    }

    /// Like `verify`, but accepts a signed timestamp at any distance from
    /// now: only for stored deliveries checked again later, or for tests.
    #[pyo3(signature = (body, headers, remote_addr = None, provider = None, *, now = None))]
    fn verify_ignoring_timestamp(
        &self,
        py: Python<'_>,
        body: Cow<'_, [u8]>,
        headers: &Bound<'_, PyAny>,
        remote_addr: Option<&str>,
        provider: Option<&str>,
        now: Option<u64>,
    ) -> PyResult<Verified> {
        let objects = header_objects(headers)?;
        let request = request(&objects, &body, remote_addr, provider)?;
        let check = core::WebhookVerifier::verify_ignoring_timestamp_at;
        self.run(py, &request, at(now)?, check)
    }

    /// Releases the replay claim of a delivery the caller failed to
    /// process, so that the sender's retry is accepted.
    fn release(&self, verified: &Verified) -> PyResult<()> {
        self.inner
            .release(&verified.inner)
            .map_err(|e| webhook_error(&e))
    }

    /// The names of the named providers, sorted.
    #[getter]
    fn provider_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.inner.provider_names().map(str::to_owned).collect();
        names.sort();
        names
    }

    fn __repr__(&self) -> String {
        format!("WebhookVerifier(providers={:?})", self.provider_names())
    }
}

/// A verification method of the core verifier.
type Check = fn(
    &core::WebhookVerifier,
    &core::WebhookRequest<'_>,
    SystemTime,
) -> Result<core::Verified, core::WebhookError>;

impl WebhookVerifier {
    /// Runs `check` on a converted delivery. The GIL is released only for
    /// large bodies: for a small one, releasing and taking it back costs
    /// more than the hashing.
    fn run(
        &self,
        py: Python<'_>,
        request: &core::WebhookRequest<'_>,
        now: SystemTime,
        check: Check,
    ) -> PyResult<Verified> {
        let verify = || check(&self.inner, request, now);
        let result = if request.body().len() >= DETACH_BYTES {
            py.detach(verify)
        } else {
            verify()
        };
        match result {
            Ok(inner) => Ok(Verified { inner }),
            Err(e) => Err(webhook_error(&e)),
        }
    }
}

#[pymethods]
impl WebhookSigner {
    /// A signer for `signature`, using its secrets.
    #[new]
    fn new(signature: &Signature) -> Self {
        Self {
            inner: core::WebhookSigner::new(signature.inner.clone()),
        }
    }

    /// A signer that sends HTTP Basic credentials.
    #[staticmethod]
    fn basic(username: &str, password: String) -> Self {
        let password = SecretString::from(password);
        Self {
            inner: core::WebhookSigner::basic(username, &password),
        }
    }

    /// A signer that sends `key` in header `header`.
    #[staticmethod]
    fn api_key(header: &str, key: String) -> PyResult<Self> {
        let inner = core::WebhookSigner::api_key(header, &SecretString::from(key));
        Ok(Self {
            inner: inner.map_err(|e| webhook_error(&e))?,
        })
    }

    /// A signer for the signature method of `provider` (`None` for the
    /// default) in `security.webhooks`; secrets as in
    /// `WebhookVerifier.from_config`.
    #[staticmethod]
    #[pyo3(signature = (config, provider = None, secrets = None))]
    fn from_config(
        config: &Config,
        provider: Option<&str>,
        secrets: Option<HashMap<String, SecretArg>>,
    ) -> PyResult<Self> {
        let inner = core::WebhookSigner::from_config(config.inner(), provider, &*source(secrets));
        Ok(Self {
            inner: inner.map_err(|e| webhook_error(&e))?,
        })
    }

    /// The scheme of the headers produced.
    #[getter]
    fn scheme(&self) -> &'static str {
        self.inner.scheme().as_str()
    }

    /// The `(name, value)` headers for a delivery of `body`. `id` is used
    /// by Standard Webhooks only; `timestamp` (Unix seconds, default now)
    /// by the schemes that sign one.
    #[pyo3(signature = (body, *, id = "", timestamp = None))]
    fn sign(
        &self,
        body: Cow<'_, [u8]>,
        id: &str,
        timestamp: Option<u64>,
    ) -> PyResult<Vec<(String, String)>> {
        let timestamp = timestamp.unwrap_or_else(|| {
            let now = SystemTime::now().duration_since(UNIX_EPOCH);
            now.map_or(0, |d| d.as_secs())
        });
        let headers = self.inner.sign(id, timestamp, &body);
        headers.map_err(|e| webhook_error(&e))
    }

    fn __repr__(&self) -> String {
        format!("WebhookSigner(scheme={:?})", self.scheme())
    }
}

#[pymethods]
impl Verified {
    /// The provider checked against; `None` for the default.
    #[getter]
    fn provider(&self) -> Option<&str> {
        self.inner.provider.as_deref()
    }

    /// How the delivery authenticated (`generic`, `standard_webhooks`,
    /// `stripe`, `github`, `basic`, `api_key`); `None` for a provider that
    /// accepts unauthenticated deliveries.
    #[getter]
    fn scheme(&self) -> Option<&'static str> {
        self.inner.scheme.map(core::Scheme::as_str)
    }

    /// The delivery id claimed in the replay guard, if any.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.inner.id.as_deref()
    }

    /// The signed timestamp in Unix seconds, if any.
    #[getter]
    fn timestamp(&self) -> Option<u64> {
        self.inner.timestamp
    }

    fn __repr__(&self) -> String {
        format!(
            "Verified(provider={:?}, scheme={:?}, id={:?}, timestamp={:?})",
            self.provider(),
            self.scheme(),
            self.id(),
            self.timestamp()
        )
    }
}

fn parse_scheme(name: &str) -> Result<SignatureScheme, core::WebhookError> {
    match name {
        "generic" => Ok(SignatureScheme::Generic),
        "standard_webhooks" => Ok(SignatureScheme::StandardWebhooks),
        "stripe" => Ok(SignatureScheme::Stripe),
        "github" => Ok(SignatureScheme::Github),
        _ => Err(setting(format!("unknown signature scheme `{name}`"))),
    }
}

fn parse_encoding(name: &str) -> Result<SignatureEncoding, core::WebhookError> {
    match name {
        "hex" => Ok(SignatureEncoding::Hex),
        "base64" => Ok(SignatureEncoding::Base64),
        _ => Err(setting(format!("unknown signature encoding `{name}`"))),
    }
}

fn setting(reason: String) -> core::WebhookError {
    core::WebhookError::InvalidSetting { reason }
}

/// `secrets` as a source, or the process environment and files.
fn source(secrets: Option<HashMap<String, SecretArg>>) -> Box<dyn SecretSource> {
    match secrets {
        None => Box::new(SystemSource),
        Some(secrets) => {
            let mut source = MemorySource::new();
            for (name, value) in secrets {
                source = match value {
                    SecretArg::Text(text) => {
                        let text = SecretString::from(text);
                        source.with_env(name, text.expose_secret())
                    }
                    SecretArg::Bytes(bytes) => {
                        let bytes = SecretBytes::from(bytes.into_boxed_slice());
                        source.with_env(name, bytes.expose_secret())
                    }
                };
            }
            Box::new(source)
        }
    }
}

/// The `(name, value)` objects of the headers, held (not copied) so that
/// the text borrowed from them stays valid while the GIL is released: a
/// `dict` and lists or tuples of pairs are read directly, any other mapping
/// through its `items()`, anything else as an iterable of pairs.
fn header_objects<'py>(headers: &Bound<'py, PyAny>) -> PyResult<Vec<HeaderPair<'py>>> {
    if let Ok(dict) = headers.cast_exact::<PyDict>() {
        return Ok(dict.iter().collect());
    }
    if let Ok(list) = headers.cast_exact::<PyList>() {
        return list.iter().map(|item| item.extract()).collect();
    }
    if let Ok(tuple) = headers.cast_exact::<PyTuple>() {
        return tuple.iter().map(|item| item.extract()).collect();
    }
    // Looked up only here: on a list, a failed lookup would build an
    // AttributeError on every call.
    let items = match headers.getattr_opt(intern!(headers.py(), "items"))? {
        Some(items) => items.call0()?,
        None => headers.clone(),
    };
    items.try_iter()?.map(|item| item?.extract()).collect()
}

/// One header's name and value objects.
type HeaderPair<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>);

/// The core request, borrowing header text from its objects. An address
/// that does not parse counts as no address, which a provider with an
/// allow-list refuses.
fn request<'a>(
    objects: &'a [HeaderPair<'_>],
    body: &'a [u8],
    remote_addr: Option<&str>,
    provider: Option<&'a str>,
) -> PyResult<core::WebhookRequest<'a>> {
    let mut request = core::WebhookRequest::new(body);
    for (name, value) in objects {
        request = request.header(header_name(name)?, header_value(value)?);
    }
    if let Some(provider) = provider {
        request = request.provider(provider);
    }
    if let Some(addr) = remote_addr.and_then(|a| a.parse::<IpAddr>().ok()) {
        request = request.remote_addr(addr);
    }
    Ok(request)
}

/// A header name as text. A `bytes` name that is not UTF-8 cannot be any
/// header the verifier reads, so it stands in as a name no header has.
fn header_name<'a>(name: &'a Bound<'_, PyAny>) -> PyResult<&'a str> {
    match name.cast::<PyString>() {
        Ok(text) => text.to_str(),
        Err(_) => Ok(std::str::from_utf8(header_bytes(name)?).unwrap_or(NOT_UTF8_NAME)),
    }
}

/// A header value's bytes: UTF-8 for `str`.
fn header_value<'a>(value: &'a Bound<'_, PyAny>) -> PyResult<&'a [u8]> {
    match value.cast::<PyString>() {
        Ok(text) => Ok(text.to_str()?.as_bytes()),
        Err(_) => header_bytes(value),
    }
}

fn header_bytes<'a>(value: &'a Bound<'_, PyAny>) -> PyResult<&'a [u8]> {
    match value.cast::<PyBytes>() {
        Ok(bytes) => Ok(bytes.as_bytes()),
        Err(_) => Err(PyTypeError::new_err(
            "header names and values must be str or bytes",
        )),
    }
}

fn at(now: Option<u64>) -> PyResult<SystemTime> {
    match now {
        Some(secs) => UNIX_EPOCH
            .checked_add(Duration::from_secs(secs))
            .ok_or_else(|| PyOverflowError::new_err("`now` is out of range")),
        None => Ok(SystemTime::now()),
    }
}
