//! `HaloClient` and its resources (`clients`, `users`, `opportunities`).
//!
//! Every call returns a Promise, rejected with an `Error` whose `code` is
//! the core's (`halo.not_found`, `halo.rate_limited`,
//! `halo.outcome_unknown`, ...). Records are plain objects in Halo's own
//! field names; fields the core does not name are kept as Halo sent them.
//! Paging, token renewal, pacing and retries are the core's.

use std::fmt;
use std::time::Duration;

use halo_core::SecretString;
use halo_core::config::TlsVersion;
use halo_core::halo::{
    self as core, ClientParams, ListParams, OpportunityParams, RateLimit, Resource, RetryPolicy,
    UserParams,
};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{Rejection, promise, throw_invalid_argument};
use crate::sandbox::Sandbox;

/// A client-side request budget: at most `requests` in any rolling `perMs`.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct RateLimitOptions {
    /// Requests allowed in one window (Halo's fair use: 500).
    pub requests: u32,
    /// The rolling window in milliseconds (Halo's fair use: 180 000).
    pub per_ms: u32,
}

/// How failed requests are retried; each field left out keeps the core's
/// default. Creates that may have been applied are never retried.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct RetryOptions {
    /// Attempts in total, the first included. Default 5; 1 disables retries.
    pub max_attempts: Option<u32>,
    /// The first backoff delay, doubled on each retry. Default 2 000 ms.
    pub base_delay_ms: Option<u32>,
    /// The longest backoff delay. Default 60 000 ms.
    pub max_delay_ms: Option<u32>,
    /// The longest `Retry-After` honoured. Default 300 000 ms.
    pub max_retry_after_ms: Option<u32>,
}

/// Settings of a `HaloClient`. Only `baseUrl`, `clientId` and
/// `clientSecret` are required.
#[napi(object)]
pub struct HaloClientOptions {
    /// The tenant's base URL (`https://acme.halopsa.com`); `https` except
    /// on a loopback address.
    pub base_url: String,
    /// The application's client id.
    pub client_id: String,
    /// The application's client secret.
    pub client_secret: String,
    /// Sent as `?tenant=` to the token endpoint. Default: none.
    pub tenant: Option<String>,
    /// The space-separated scopes requested. Default `all`.
    pub scope: Option<String>,
    /// Ask `/api/authinfo` for the token endpoint first. Default `true`.
    pub discover_auth: Option<bool>,
    /// The timeout of one attempt. Default 70 000 ms.
    pub timeout_ms: Option<u32>,
    /// The connect timeout. Default 10 000 ms.
    pub connect_timeout_ms: Option<u32>,
    /// The `User-Agent`. Default `halo-core/<version>`.
    pub user_agent: Option<String>,
    /// The client-side budget. Default 500 requests per 180 000 ms.
    pub rate_limit: Option<RateLimitOptions>,
    /// Sends without a client-side budget (Halo's own 429s still apply).
    pub without_rate_limit: Option<bool>,
    /// The retry policy; see `RetryOptions` for the defaults.
    pub retry: Option<RetryOptions>,
    /// How long before expiry a token is renewed. Default 120 000 ms.
    pub renew_before_expiry_ms: Option<u32>,
    /// The lowest TLS version, `'1.2'` (default) or `'1.3'`.
    pub min_tls_version: Option<String>,
}

/// Settings of a client made by `HaloClient.forSandbox`; it has the
/// sandbox's URL and credentials and no client-side budget.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct SandboxClientOptions {
    /// The retry policy; see `RetryOptions` for the defaults.
    pub retry: Option<RetryOptions>,
    /// A client-side budget. Default: none.
    pub rate_limit: Option<RateLimitOptions>,
    /// The timeout of one attempt. Default 70 000 ms.
    pub timeout_ms: Option<u32>,
}

/// What a client has sent so far.
#[napi(object)]
#[derive(Debug)]
pub struct ClientStats {
    /// API requests, each attempt counted (token requests excluded).
    pub requests: i64,
    /// Attempts that repeated an earlier one (429, 5xx, broken connection,
    /// refused token).
    pub retries: i64,
}

/// Declares a filter object: the filters every list takes, then `$own`.
macro_rules! filters {
    ($doc:literal $name:ident { $( $fdoc:literal $field:ident : $ty:ty, )* }) => {
        #[doc = $doc]
        #[napi(object)]
        #[derive(Debug, Clone, Default)]
        pub struct $name {
            /// Rows per page, 1 to 100. Default 100.
            pub page_size: Option<u32>,
            /// Stop after this many rows. Default: no limit.
            pub max_rows: Option<i64>,
            /// `search`: free-text search.
            pub search: Option<String>,
            /// `order`: the field to sort by.
            pub order: Option<String>,
            /// `orderdesc`: sort descending.
            pub order_desc: Option<bool>,
            /// `includeactive`.
            pub include_active: Option<bool>,
            /// `includeinactive`.
            pub include_inactive: Option<bool>,
            /// `lastupdatefromdate` (ISO 8601).
            pub last_updated_from: Option<String>,
            $( #[doc = $fdoc] pub $field: Option<$ty>, )*
        }

        impl $name {
            fn common(&self) -> ListParams {
                let defaults = ListParams::default();
                ListParams {
                    page_size: self.page_size.unwrap_or(defaults.page_size),
                    max_rows: self.max_rows.and_then(|n| u64::try_from(n).ok()),
                    search: self.search.clone(),
                    order: self.order.clone(),
                    order_desc: self.order_desc,
                    include_active: self.include_active,
                    include_inactive: self.include_inactive,
                    last_updated_from: self.last_updated_from.clone(),
                }
            }
        }
    };
}

filters! {
    "Filters of `client.clients.listAll`."
    ClientFilters {
        "`domain`: clients whose domain matches."
        domain: String,
    }
}

filters! {
    "Filters of `client.users.listAll`."
    UserFilters {
        "`client_id`: contacts of this client."
        client_id: i64,
        "`site_id`: contacts of this site."
        site_id: i64,
        "`search_phonenumbers`: let `search` match phone numbers too."
        search_phonenumbers: bool,
    }
}

filters! {
    "Filters of `client.opportunities.listAll`."
    OpportunityFilters {
        "`client_id`: opportunities of this client."
        client_id: i64,
        "`search_oppemailaddress`: by the prospect's email address."
        search_oppemailaddress: String,
        "`search_oppcompanyname`: by the prospect's company name."
        search_oppcompanyname: String,
        "`open_only`: leave out closed opportunities."
        open_only: bool,
    }
}

/// The HaloPSA REST client: OAuth2 client credentials with a cached token,
/// Halo's paging, fair-use pacing and retries that never create a record
/// twice. Build one and share it.
#[napi]
#[derive(Debug, Clone)]
pub struct HaloClient {
    inner: core::HaloClient,
}

/// Declares a resource class: `listAll`, `get`, `upsert`, `delete`.
macro_rules! resource {
    ($doc:literal $name:ident, $model:ty, $filters:ident, $params:expr) => {
        #[doc = $doc]
        #[napi]
        #[derive(Debug)]
        pub struct $name {
            handler: core::Handler<$model>,
        }

        #[napi]
        impl $name {
            /// Every matching record, read page by page.
            #[napi(ts_return_type = "Promise<Array<Record<string, any>>>")]
            pub fn list_all<'env>(
                &self,
                env: &'env Env,
                filters: Option<$filters>,
            ) -> Result<PromiseRaw<'env, Value>> {
                let filters = filters.unwrap_or_default();
                let params = ($params)(&filters);
                let handler = self.handler.clone();
                let listed = async move { Ok(handler.list_all(params).await?) };
                promise(env, listed, |_, rows| records_out(&rows))
            }

            /// The record with `id`; rejects with `halo.not_found`.
            #[napi(ts_return_type = "Promise<Record<string, any>>")]
            pub fn get<'env>(&self, env: &'env Env, id: i64) -> Result<PromiseRaw<'env, Value>> {
                let handler = self.handler.clone();
                let fetched = async move { Ok(handler.get(id).await?) };
                promise(env, fetched, |_, row| record_out(&row))
            }

            /// Creates the records without an `id` and updates those with
            /// one, in one request; resolves to the records Halo sent back.
            /// A create whose outcome is unknown rejects with
            /// `halo.outcome_unknown` and is not retried.
            #[napi(ts_return_type = "Promise<Array<Record<string, any>>>")]
            pub fn upsert<'env>(
                &self,
                env: &'env Env,
                #[napi(ts_arg_type = "Array<Record<string, any>>")] records: Vec<Value>,
            ) -> Result<PromiseRaw<'env, Value>> {
                let handler = self.handler.clone();
                let parsed = records_in::<$model>(records);
                let written = async move { Ok(handler.upsert(&parsed?).await?) };
                promise(env, written, |_, rows| records_out(&rows))
            }

            /// Deletes the record with `id`.
            #[napi(ts_return_type = "Promise<void>")]
            pub fn delete<'env>(&self, env: &'env Env, id: i64) -> Result<PromiseRaw<'env, ()>> {
                let handler = self.handler.clone();
                let deleted = async move { Ok(handler.delete(id).await?) };
                promise(env, deleted, |_, ()| Ok(()))
            }
        }
    };
}

resource! {
    "Clients (customers and prospect companies), `/api/Client`."
    ClientResource, core::Client, ClientFilters, |f: &ClientFilters| ClientParams {
        common: f.common(),
        domain: f.domain.clone(),
    }
}

resource! {
    "Contacts, `/api/Users`."
    UserResource, core::User, UserFilters, |f: &UserFilters| UserParams {
        common: f.common(),
        client_id: f.client_id,
        site_id: f.site_id,
        search_phonenumbers: f.search_phonenumbers,
    }
}

resource! {
    "Opportunities (Halo's CRM leads), `/api/Opportunities`."
    OpportunityResource, core::Opportunity, OpportunityFilters,
    |f: &OpportunityFilters| OpportunityParams {
        common: f.common(),
        client_id: f.client_id,
        search_oppemailaddress: f.search_oppemailaddress.clone(),
        search_oppcompanyname: f.search_oppcompanyname.clone(),
        open_only: f.open_only,
    }
}

impl HaloClient {
    /// The core client.
    pub(crate) fn inner(&self) -> &core::HaloClient {
        &self.inner
    }
}

#[napi]
impl HaloClient {
    /// A client for a tenant; throws `halo.config` for a missing or invalid
    /// setting.
    #[napi(constructor)]
    pub fn new(env: Env, options: HaloClientOptions) -> Result<Self> {
        let mut builder = core::HaloClient::builder()
            .base_url(options.base_url)
            .client_id(options.client_id)
            .client_secret(SecretString::from(options.client_secret));
        if let Some(tenant) = options.tenant {
            builder = builder.tenant(tenant);
        }
        if let Some(scope) = options.scope {
            builder = builder.scope(scope);
        }
        if let Some(discover) = options.discover_auth {
            builder = builder.discover_auth(discover);
        }
        if let Some(ms) = options.timeout_ms {
            builder = builder.timeout(millis(ms));
        }
        if let Some(ms) = options.connect_timeout_ms {
            builder = builder.connect_timeout(millis(ms));
        }
        if let Some(agent) = options.user_agent {
            builder = builder.user_agent(agent);
        }
        if let Some(limit) = options.rate_limit {
            builder = builder.rate_limit(rate_limit(limit));
        }
        if options.without_rate_limit == Some(true) {
            builder = builder.without_rate_limit();
        }
        if let Some(retry) = options.retry {
            builder = builder.retry(retry_policy(retry));
        }
        if let Some(ms) = options.renew_before_expiry_ms {
            builder = builder.renew_before_expiry(millis(ms));
        }
        match options.min_tls_version.as_deref() {
            None => {}
            Some("1.2") => builder = builder.min_tls_version(TlsVersion::V1_2),
            Some("1.3") => builder = builder.min_tls_version(TlsVersion::V1_3),
            Some(_) => {
                return Err(throw_halo_config(&env, "minTlsVersion must be 1.2 or 1.3"));
            }
        }
        Self::built(&env, builder)
    }

    /// A client pointed at `sandbox`, with its URL and credentials.
    #[napi(factory)]
    pub fn for_sandbox(
        env: Env,
        sandbox: &Sandbox,
        options: Option<SandboxClientOptions>,
    ) -> Result<Self> {
        let mut builder = sandbox
            .client_builder()
            .ok_or_else(|| throw_invalid_argument(&env, "the sandbox is stopped"))?;
        if let Some(options) = options {
            if let Some(retry) = options.retry {
                builder = builder.retry(retry_policy(retry));
            }
            if let Some(limit) = options.rate_limit {
                builder = builder.rate_limit(rate_limit(limit));
            }
            if let Some(ms) = options.timeout_ms {
                builder = builder.timeout(millis(ms));
            }
        }
        Self::built(&env, builder)
    }

    /// Clients (customers and prospect companies).
    #[napi(getter)]
    pub fn clients(&self) -> ClientResource {
        ClientResource {
            handler: self.inner.clients(),
        }
    }

    /// Contacts.
    #[napi(getter)]
    pub fn users(&self) -> UserResource {
        UserResource {
            handler: self.inner.users(),
        }
    }

    /// Opportunities (Halo's CRM leads).
    #[napi(getter)]
    pub fn opportunities(&self) -> OpportunityResource {
        OpportunityResource {
            handler: self.inner.opportunities(),
        }
    }

    /// What this client (and every client sharing its connection) has sent.
    #[napi]
    pub fn stats(&self) -> ClientStats {
        let stats = self.inner.stats();
        ClientStats {
            requests: i64::try_from(stats.requests).unwrap_or(i64::MAX),
            retries: i64::try_from(stats.retries).unwrap_or(i64::MAX),
        }
    }

    fn built(env: &Env, builder: core::HaloClientBuilder) -> Result<Self> {
        match builder.build() {
            Ok(inner) => Ok(Self { inner }),
            Err(err) => Err(crate::errors::throw_halo_error(env, &err)),
        }
    }
}

/// The records of a JavaScript array as core models; a record that is not
/// an object of the model's fields is `invalid_argument` naming its index.
fn records_in<R: Resource>(records: Vec<Value>) -> std::result::Result<Vec<R>, Rejection> {
    records
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            let message = "a record is not an object of the resource's fields";
            let model = serde_json::from_value(integral(value));
            model.map_err(|_| Rejection::new("invalid_argument", message).at(index))
        })
        .collect()
}

fn record_out<R: Resource>(record: &R) -> Result<Value> {
    serde_json::to_value(record).map_err(|e| napi::Error::from_reason(e.to_string()))
}

fn records_out<R: Resource>(records: &[R]) -> Result<Value> {
    records
        .iter()
        .map(record_out)
        .collect::<Result<Vec<_>>>()
        .map(Value::Array)
}

/// Whole JavaScript numbers as integers, so ids arrive as `i64`.
fn integral(value: Value) -> Value {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() <= SAFE => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(integral).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, integral(v))).collect())
        }
        other => other,
    }
}

fn throw_halo_config(env: &Env, reason: &str) -> napi::Error {
    let err = core::HaloError::Config {
        reason: reason.to_owned(),
    };
    crate::errors::throw_halo_error(env, &err)
}

fn millis(ms: u32) -> Duration {
    Duration::from_millis(u64::from(ms))
}

pub(crate) fn rate_limit(options: RateLimitOptions) -> RateLimit {
    RateLimit {
        requests: options.requests,
        per: millis(options.per_ms),
    }
}

fn retry_policy(options: RetryOptions) -> RetryPolicy {
    let defaults = RetryPolicy::default();
    RetryPolicy {
        max_attempts: options.max_attempts.unwrap_or(defaults.max_attempts),
        base_delay: options.base_delay_ms.map_or(defaults.base_delay, millis),
        max_delay: options.max_delay_ms.map_or(defaults.max_delay, millis),
        max_retry_after: options
            .max_retry_after_ms
            .map_or(defaults.max_retry_after, millis),
    }
}

// The client secret never shows in `Debug`.
impl fmt::Debug for HaloClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HaloClientOptions")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("tenant", &self.tenant)
            .field("scope", &self.scope)
            .field("rate_limit", &self.rate_limit)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}
