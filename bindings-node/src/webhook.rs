//! `WebhookVerifier`, `WebhookSigner` and `Verified`. Errors are thrown as
//! `Error` objects with a `code` such as `webhook.signature_mismatch`.
//!
//! Bodies are a `Buffer` or `Uint8Array`, exactly as received (Express:
//! `express.raw()`). Headers are an object (Node's `req.headers`, string or
//! string-array values) or an array of `[name, value]` pairs (`[...new
//! Headers()]`, `req.rawHeaders` paired up). Verification is synchronous:
//! it is CPU-bound and takes microseconds.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::ops::Range;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use halo_core::SecretString;
use halo_core::secret::{MemorySource, SecretSource, SystemSource};
use halo_core::webhook::{self as core, SignatureEncoding, SignatureScheme, WebhookError};
use napi::bindgen_prelude::{Uint8Array, Unknown};
use napi::{Env, Result};
use napi_derive::napi;

use crate::builders;
use crate::config::Config;
use crate::errors::throw_webhook_error;
use crate::js::{Handle, Js, Kind};

/// A signature method: one scheme and its active secrets.
#[napi(object)]
pub struct SignatureOptions {
    /// `generic`, `standard_webhooks`, `stripe` or `github`.
    pub scheme: String,
    /// Active secrets (several during a rotation). Standard Webhooks
    /// secrets are `whsec_` and base64; the others are used as given.
    pub secrets: Vec<String>,
    /// Overrides the scheme's signature header.
    pub header: Option<String>,
    /// `generic` only: signs and reads a timestamp in this header.
    pub timestamp_header: Option<String>,
    /// `generic` only: `hex` (default) or `base64`.
    pub encoding: Option<String>,
}

/// HTTP Basic credentials.
#[napi(object)]
pub struct BasicCredentials {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
}

/// One sender's checks. Any one of its methods (signature, API keys,
/// Basic) may authenticate a delivery.
#[napi(object)]
pub struct ProviderOptions {
    /// A signature method.
    pub signature: Option<SignatureOptions>,
    /// Accepted API keys (several during a rotation).
    pub api_keys: Option<Vec<String>>,
    /// The header carrying an API key. Default `X-API-Key`.
    pub api_key_header: Option<String>,
    /// HTTP Basic credentials (what HaloPSA sends).
    pub basic: Option<BasicCredentials>,
    /// CIDRs or addresses, v4 or v6. Once given, deliveries from elsewhere
    /// or without an address are refused.
    pub allow_networks: Option<Vec<String>>,
    /// The exact `User-Agent` required.
    pub expected_user_agent: Option<String>,
    /// How far a signed timestamp may be from now, in seconds. Default 300.
    pub tolerance_secs: Option<u32>,
    /// The largest body accepted, checked before hashing. Default 1 MiB.
    pub max_body_bytes: Option<u32>,
    /// Accepts deliveries without authentication. Anyone who can reach the
    /// endpoint can then forge deliveries.
    pub dangerous_accept_unauthenticated: Option<bool>,
}

/// The providers of a verifier built in code.
#[napi(object)]
#[derive(Debug)]
pub struct VerifierOptions {
    /// The provider of deliveries that name none.
    pub default: Option<ProviderOptions>,
    /// Named providers.
    pub providers: Option<HashMap<String, ProviderOptions>>,
    /// How many deliveries the replay guard in memory remembers.
    pub replay_capacity: Option<u32>,
    /// Accepts a delivery as often as it is sent. Only for callers that
    /// de-duplicate deliveries themselves.
    pub dangerous_without_replay_guard: Option<bool>,
}

/// Where a delivery came from and when it is checked.
#[napi(object)]
#[derive(Debug)]
pub struct VerifyOptions {
    /// The client address. One that does not parse as an IP address
    /// counts as no address, which a provider with an allow-list refuses.
    pub remote_addr: Option<String>,
    /// The named provider to check against; absent for the default.
    pub provider: Option<String>,
    /// The verifier's clock in Unix seconds; default the system clock.
    pub now: Option<i64>,
}

/// Verifies inbound deliveries on their raw body bytes: source network,
/// user agent, body size, headers, timestamp tolerance, signature in
/// constant time against every active secret, then a replay guard in
/// memory. Build one at start-up and share it.
#[napi]
#[derive(Debug)]
pub struct WebhookVerifier {
    inner: core::WebhookVerifier,
}

/// Produces the headers that authenticate a delivery (for tests and for
/// sending webhooks). Basic and API-key headers carry the credential.
#[napi]
#[derive(Debug)]
pub struct WebhookSigner {
    inner: core::WebhookSigner,
}

/// What a successful verification establishes, as plain data (what
/// `JSON.stringify` shows). `WebhookVerifier.release` takes it back.
#[napi(object, use_nullable = true)]
#[derive(Debug)]
pub struct Verified {
    /// The provider checked against; `null` for the default.
    pub provider: Option<String>,
    /// How the delivery authenticated (`generic`, `standard_webhooks`,
    /// `stripe`, `github`, `basic`, `api_key`); `null` for a provider that
    /// accepts unauthenticated deliveries.
    pub scheme: Option<String>,
    /// The delivery id claimed in the replay guard (Standard Webhooks
    /// `webhook-id`, or `sig_` and 32 hex digits); `null` for Basic and
    /// API-key deliveries.
    pub id: Option<String>,
    /// The signed timestamp in Unix seconds, for schemes that sign one.
    pub timestamp: Option<i64>,
}

// Options carrying secrets show none in `Debug`.
impl fmt::Debug for SignatureOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureOptions")
            .field("scheme", &self.scheme)
            .field(
                "secrets",
                &format_args!("[REDACTED; {}]", self.secrets.len()),
            )
            .field("header", &self.header)
            .field("timestamp_header", &self.timestamp_header)
            .field("encoding", &self.encoding)
            .finish()
    }
}

impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("username", &self.username)
            .field("password", &"[REDACTED]")
            .finish()
    }
}

impl fmt::Debug for ProviderOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = self.api_keys.as_ref().map(Vec::len);
        f.debug_struct("ProviderOptions")
            .field("signature", &self.signature)
            .field("api_keys", &format_args!("[REDACTED; {keys:?}]"))
            .field("api_key_header", &self.api_key_header)
            .field("basic", &self.basic)
            .field("allow_networks", &self.allow_networks)
            .field("expected_user_agent", &self.expected_user_agent)
            .field("tolerance_secs", &self.tolerance_secs)
            .field("max_body_bytes", &self.max_body_bytes)
            .field(
                "dangerous_accept_unauthenticated",
                &self.dangerous_accept_unauthenticated,
            )
            .finish()
    }
}

#[napi]
impl WebhookVerifier {
    /// A verifier for the providers given in code.
    #[napi(constructor)]
    pub fn new(env: Env, options: Option<VerifierOptions>) -> Result<Self> {
        let inner = build_verifier(options).map_err(|e| throw_webhook_error(&env, &e))?;
        Ok(Self { inner })
    }

    /// The verifier of `security.webhooks`. Secret references are resolved
    /// from `secrets` (environment variable name to value) when given,
    /// otherwise from the process environment and files.
    #[napi(factory)]
    pub fn from_config(
        env: Env,
        config: &Config,
        secrets: Option<HashMap<String, String>>,
    ) -> Result<Self> {
        let inner = core::WebhookVerifier::from_config(config.inner(), &*source(secrets));
        Ok(Self {
            inner: inner.map_err(|e| throw_webhook_error(&env, &e))?,
        })
    }

    /// Verifies a delivery; throws an `Error` with the `code` of the first
    /// failed check.
    #[napi(ts_return_type = "Verified")]
    pub fn verify<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "Uint8Array")] body: &[u8],
        #[napi(ts_arg_type = "Record<string, string | string[]> | Array<[string, string]>")]
        headers: Unknown<'_>,
        options: Option<VerifyOptions>,
    ) -> Result<Unknown<'env>> {
        self.run(env, body, headers, options, true)
    }

    /// Like `verify`, but accepts a signed timestamp at any distance from
    /// now: only for stored deliveries checked again later, or for tests.
    #[napi(ts_return_type = "Verified")]
    pub fn verify_ignoring_timestamp<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "Uint8Array")] body: &[u8],
        #[napi(ts_arg_type = "Record<string, string | string[]> | Array<[string, string]>")]
        headers: Unknown<'_>,
        options: Option<VerifyOptions>,
    ) -> Result<Unknown<'env>> {
        self.run(env, body, headers, options, false)
    }

    /// Releases the replay claim of a delivery the caller failed to
    /// process, so that the sender's retry is accepted.
    #[napi]
    pub fn release(&self, env: Env, verified: Verified) -> Result<()> {
        let Some(id) = verified.id.as_deref() else {
            return Ok(());
        };
        let released = self.inner.release_id(verified.provider.as_deref(), id);
        released.map_err(|e| throw_webhook_error(&env, &e))
    }

    /// The names of the named providers, sorted.
    #[napi(getter)]
    pub fn provider_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.inner.provider_names().map(str::to_owned).collect();
        names.sort();
        names
    }

    fn run<'env>(
        &self,
        env: &'env Env,
        body: &[u8],
        headers: Unknown<'_>,
        options: Option<VerifyOptions>,
        check_timestamp: bool,
    ) -> Result<Unknown<'env>> {
        let js = Js::new(env);
        let headers = HeaderPairs::read(js, Handle::of(&headers))?;
        let options = options.unwrap_or(VerifyOptions {
            remote_addr: None,
            provider: None,
            now: None,
        });
        let result = at(options.now).and_then(|now| {
            let mut request = headers.request(body);
            if let Some(provider) = options.provider.as_deref() {
                request = request.provider(provider);
            }
            let addr = options.remote_addr.as_deref();
            if let Some(addr) = addr.and_then(|a| a.parse::<IpAddr>().ok()) {
                request = request.remote_addr(addr);
            }
            if check_timestamp {
                self.inner.verify_at(&request, now)
            } else {
                self.inner.verify_ignoring_timestamp_at(&request, now)
            }
        });
        match result {
            Ok(verified) => js.unknown(verified_object(js, &verified)?),
            Err(e) => Err(throw_webhook_error(env, &e)),
        }
    }
}

/// `verified` as the plain object `Verified` describes.
fn verified_object(js: Js, verified: &core::Verified) -> Result<Handle> {
    let text = |value: Option<&str>| value.map_or_else(|| js.null(), |v| js.string(v));
    let timestamp = verified.timestamp.and_then(|t| i64::try_from(t).ok());
    builders::verified(
        js,
        [
            text(verified.provider.as_deref())?,
            text(verified.scheme.map(core::Scheme::as_str))?,
            text(verified.id.as_deref())?,
            timestamp.map_or_else(|| js.null(), |t| js.int64(t))?,
        ],
    )
}

#[napi]
impl WebhookSigner {
    /// A signer for a signature method, using its secrets.
    #[napi(factory)]
    pub fn from_signature(env: Env, signature: SignatureOptions) -> Result<Self> {
        let signature = build_signature(signature).map_err(|e| throw_webhook_error(&env, &e))?;
        Ok(Self {
            inner: core::WebhookSigner::new(signature),
        })
    }

    /// A signer that sends HTTP Basic credentials.
    #[napi(factory)]
    pub fn basic(username: String, password: String) -> Self {
        let password = SecretString::from(password);
        Self {
            inner: core::WebhookSigner::basic(&username, &password),
        }
    }

    /// A signer that sends `key` in header `header`.
    #[napi(factory)]
    pub fn api_key(env: Env, header: String, key: String) -> Result<Self> {
        let inner = core::WebhookSigner::api_key(&header, &SecretString::from(key));
        Ok(Self {
            inner: inner.map_err(|e| throw_webhook_error(&env, &e))?,
        })
    }

    /// A signer for the signature method of `provider` (`null` for the
    /// default) in `security.webhooks`; secrets as in
    /// `WebhookVerifier.fromConfig`.
    #[napi(factory)]
    pub fn from_config(
        env: Env,
        config: &Config,
        provider: Option<String>,
        secrets: Option<HashMap<String, String>>,
    ) -> Result<Self> {
        let source = source(secrets);
        let inner = core::WebhookSigner::from_config(config.inner(), provider.as_deref(), &*source);
        Ok(Self {
            inner: inner.map_err(|e| throw_webhook_error(&env, &e))?,
        })
    }

    /// The scheme of the headers produced.
    #[napi(getter)]
    pub fn scheme(&self) -> &'static str {
        self.inner.scheme().as_str()
    }

    /// The `[name, value]` headers for a delivery of `body`. `id` is used
    /// by Standard Webhooks only; `timestamp` (Unix seconds, default now)
    /// by the schemes that sign one.
    #[napi]
    pub fn sign(
        &self,
        env: Env,
        body: Uint8Array,
        id: Option<String>,
        timestamp: Option<i64>,
    ) -> Result<Vec<(String, String)>> {
        let timestamp = match timestamp {
            Some(t) => u64::try_from(t).map_err(|_| setting("a timestamp is negative".into())),
            None => Ok(unix_now()),
        };
        let headers =
            timestamp.and_then(|t| self.inner.sign(id.as_deref().unwrap_or(""), t, &body));
        let headers = headers.map_err(|e| throw_webhook_error(&env, &e))?;
        Ok(headers)
    }
}

fn build_verifier(
    options: Option<VerifierOptions>,
) -> std::result::Result<core::WebhookVerifier, WebhookError> {
    let mut builder = core::WebhookVerifier::builder();
    let Some(options) = options else {
        return Ok(builder.build());
    };
    if let Some(default) = options.default {
        builder = builder.default_provider(build_provider(default)?);
    }
    for (name, provider) in options.providers.into_iter().flatten() {
        builder = builder.provider(name, build_provider(provider)?);
    }
    if let Some(capacity) = options.replay_capacity {
        let guard = core::MemoryReplayGuard::new(capacity as usize);
        builder = builder.replay_guard(std::sync::Arc::new(guard));
    }
    if options.dangerous_without_replay_guard == Some(true) {
        builder = builder.dangerous_without_replay_guard();
    }
    Ok(builder.build())
}

fn build_provider(options: ProviderOptions) -> std::result::Result<core::Provider, WebhookError> {
    let mut provider = core::Provider::new();
    if let Some(signature) = options.signature {
        provider = provider.signature(build_signature(signature)?);
    }
    let header = options.api_key_header.as_deref().unwrap_or("X-API-Key");
    for key in options.api_keys.into_iter().flatten() {
        provider = provider.api_key(header, &SecretString::from(key))?;
    }
    if let Some(basic) = options.basic {
        provider = provider.basic(&basic.username, &SecretString::from(basic.password));
    }
    for network in options.allow_networks.into_iter().flatten() {
        let parsed = network.parse::<ipnet::IpNet>().or_else(|_| {
            let addr = network.parse::<IpAddr>();
            addr.map(ipnet::IpNet::from)
                .map_err(|_| setting(format!("`{network}` is not a network")))
        })?;
        provider = provider.allow_network(parsed);
    }
    if let Some(agent) = options.expected_user_agent {
        provider = provider.expect_user_agent(agent);
    }
    if let Some(secs) = options.tolerance_secs {
        provider = provider.tolerance(Duration::from_secs(u64::from(secs)));
    }
    if let Some(limit) = options.max_body_bytes {
        provider = provider.max_body_bytes(u64::from(limit));
    }
    if options.dangerous_accept_unauthenticated == Some(true) {
        provider = provider.dangerous_accept_unauthenticated();
    }
    Ok(provider)
}

fn build_signature(
    options: SignatureOptions,
) -> std::result::Result<core::Signature, WebhookError> {
    let scheme = match options.scheme.as_str() {
        "generic" => SignatureScheme::Generic,
        "standard_webhooks" => SignatureScheme::StandardWebhooks,
        "stripe" => SignatureScheme::Stripe,
        "github" => SignatureScheme::Github,
        other => return Err(setting(format!("unknown signature scheme `{other}`"))),
    };
    let mut signature = core::Signature::new(scheme);
    if let Some(header) = options.header.as_deref() {
        signature = signature.header(header)?;
    }
    if let Some(header) = options.timestamp_header.as_deref() {
        signature = signature.timestamp_header(header)?;
    }
    if let Some(encoding) = options.encoding.as_deref() {
        let encoding = match encoding {
            "hex" => SignatureEncoding::Hex,
            "base64" => SignatureEncoding::Base64,
            other => return Err(setting(format!("unknown signature encoding `{other}`"))),
        };
        signature = signature.encoding(encoding)?;
    }
    for secret in options.secrets {
        signature = signature.secret(&SecretString::from(secret))?;
    }
    Ok(signature)
}

fn setting(reason: String) -> WebhookError {
    WebhookError::InvalidSetting { reason }
}

/// `secrets` as a source, or the process environment and files.
fn source(secrets: Option<HashMap<String, String>>) -> Box<dyn SecretSource> {
    match secrets {
        None => Box::new(SystemSource),
        Some(secrets) => {
            let mut source = MemorySource::new();
            for (name, value) in secrets {
                let value = SecretString::from(value);
                source = source.with_env(name, secrecy::ExposeSecret::expose_secret(&value));
            }
            Box::new(source)
        }
    }
}

/// Headers read from an object (string or string-array values) or from an
/// array of `[name, value]` pairs: their text in one buffer, and where each
/// name and value is in it.
struct HeaderPairs {
    text: Vec<u8>,
    pairs: Vec<(Range<usize>, Range<usize>)>,
}

impl HeaderPairs {
    /// Reads `headers`; array values of an object become one pair each and
    /// keys whose value is `undefined` are skipped. Anything else than
    /// strings is a `TypeError`.
    fn read(js: Js, headers: Handle) -> Result<Self> {
        let mut read = Self {
            text: Vec::with_capacity(1024),
            pairs: Vec::new(),
        };
        if js.kind(headers)? != Kind::Object {
            return Err(type_error("headers must be an object or an array of pairs"));
        }
        if js.is_array(headers)? {
            for index in 0..js.len(headers)? {
                read.pair(js, js.element(headers, index)?)?;
            }
            return Ok(read);
        }
        let flat = builders::entries(js, headers)?;
        for index in 0..js.len(flat)? / 2 {
            let key = js.element(flat, 2 * index)?;
            let value = js.element(flat, 2 * index + 1)?;
            match js.kind(value)? {
                Kind::Undefined => {}
                Kind::String => {
                    let name = js.read(key, &mut read.text)?;
                    let value = js.read(value, &mut read.text)?;
                    read.pairs.push((name, value));
                }
                Kind::Object if js.is_array(value)? => {
                    let name = js.read(key, &mut read.text)?;
                    for index in 0..js.len(value)? {
                        let item = js.element(value, index)?;
                        if js.kind(item)? != Kind::String {
                            return Err(type_error("a header value must be a string"));
                        }
                        let item = js.read(item, &mut read.text)?;
                        read.pairs.push((name.clone(), item));
                    }
                }
                _ => return Err(type_error("a header value must be a string or strings")),
            }
        }
        Ok(read)
    }

    fn pair(&mut self, js: Js, pair: Handle) -> Result<()> {
        let is_pair = js.kind(pair)? == Kind::Object && js.is_array(pair)? && js.len(pair)? == 2;
        if !is_pair {
            return Err(type_error("each header must be a [name, value] pair"));
        }
        let (name, value) = (js.element(pair, 0)?, js.element(pair, 1)?);
        if js.kind(name)? != Kind::String || js.kind(value)? != Kind::String {
            return Err(type_error(
                "each header must be a [name, value] pair of strings",
            ));
        }
        let name = js.read(name, &mut self.text)?;
        let value = js.read(value, &mut self.text)?;
        self.pairs.push((name, value));
        Ok(())
    }

    /// A delivery of `body` with these headers.
    fn request<'a>(&'a self, body: &'a [u8]) -> core::WebhookRequest<'a> {
        self.pairs
            .iter()
            .fold(core::WebhookRequest::new(body), |request, (name, value)| {
                // V8 writes UTF-8; a name that were not would match no header.
                let name = std::str::from_utf8(&self.text[name.clone()]).unwrap_or_default();
                request.header(name, &self.text[value.clone()])
            })
    }
}

fn type_error(message: &str) -> napi::Error {
    napi::Error::new(napi::Status::InvalidArg, message)
}

fn at(now: Option<i64>) -> std::result::Result<SystemTime, WebhookError> {
    let Some(secs) = now else {
        return Ok(SystemTime::now());
    };
    u64::try_from(secs)
        .ok()
        .and_then(|secs| UNIX_EPOCH.checked_add(Duration::from_secs(secs)))
        .ok_or_else(|| setting("`now` is out of range".into()))
}

fn unix_now() -> u64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH);
    now.map_or(0, |d| d.as_secs())
}
