//! `Sandbox`: the core's in-process HaloPSA simulator on a loopback port,
//! with fault injection, for tests and offline runs.
//!
//! It serves from the binding's async runtime (in the Node process, off
//! the JavaScript thread) until `stop()` or until it is garbage collected.

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use halo_core::SecretString;
use halo_core::halo::{self as models, HaloClientBuilder, Resource};
use halo_core::sandbox::{self as core, Fault, FaultPlan};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{Rejection, promise, throw_invalid_argument};
use crate::halo::{RateLimitOptions, decode_records, rate_limit};

/// How the sandbox behaves; each field left out keeps the core's default.
#[napi(object)]
pub struct SandboxOptions {
    /// The client id accepted. Default `sandbox-client`.
    pub client_id: Option<String>,
    /// The client secret accepted. Default `sandbox-secret`.
    pub client_secret: Option<String>,
    /// The tenant required as `?tenant=`. Default: none.
    pub tenant: Option<String>,
    /// How long tokens live. Default 3 600 000 ms.
    pub token_lifetime_ms: Option<u32>,
    /// Rows without paging, and the page size when none is asked. Default 50.
    pub default_page_size: Option<u32>,
    /// The most rows a page holds. Default 100.
    pub max_page_size: Option<u32>,
    /// A rolling limit over resource requests, answered with 429. Default:
    /// none.
    pub rate_limit: Option<RateLimitOptions>,
    /// Whether 429s carry `Retry-After`. Default `true`.
    pub send_retry_after: Option<bool>,
    /// Whether `/api/authinfo` answers. Default `true`.
    pub discovery: Option<bool>,
    /// The loopback port; 0 picks a free one. Default 0.
    pub port: Option<u16>,
}

/// A fault for the next resource requests.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct FaultSpec {
    /// `status` (answer `status` with `body` without handling the request),
    /// `reset` (break the connection, nothing applied), `delay` (wait
    /// `delayMs`, then handle), `commit_then_lose` (apply, then break the
    /// connection) or `expire_tokens` (expire every token, then handle).
    pub kind: String,
    /// The HTTP status of a `status` fault (200 sends an error body with
    /// success).
    pub status: Option<u16>,
    /// The body of a `status` fault, sent as JSON when it parses as JSON.
    /// Default empty.
    pub body: Option<String>,
    /// A `Retry-After` in seconds for a `status` fault.
    pub retry_after: Option<u32>,
    /// The wait of a `delay` fault.
    pub delay_ms: Option<u32>,
}

/// One entry of a fault plan: a fault and how many requests in a row it
/// hits.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct PlannedFault {
    /// The fault.
    pub fault: FaultSpec,
    /// Requests in a row. Default 1.
    pub times: Option<u32>,
}

/// Faults drawn at random: each request without a queued fault starts one
/// with probability `chance`, picked evenly from `faults`; or, with
/// `mixedEvery`, the core's mix (500, 503, resets, 429 storms, token
/// expiry, commit-then-lose) starting on one request in `mixedEvery`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct FaultPlanOptions {
    /// The generator's seed: the same plan replays the same faults.
    pub seed: i64,
    /// The chance, from 0 to 1, that a request starts a fault.
    pub chance: Option<f64>,
    /// The faults to draw from.
    pub faults: Option<Vec<PlannedFault>>,
    /// Use the core's mix, starting on one request in this many.
    pub mixed_every: Option<u32>,
}

/// How often one route answered with one status.
#[napi(object)]
#[derive(Debug)]
pub struct RequestCount {
    /// The HTTP method.
    pub method: String,
    /// The route template, such as `/api/Client/{id}`.
    pub route: String,
    /// The status sent; 0 for a broken connection.
    pub status: u16,
    /// How many times.
    pub count: i64,
}

/// A running HaloPSA simulator on `127.0.0.1`.
#[napi]
pub struct Sandbox {
    inner: Mutex<Option<core::Sandbox>>,
    base_url: String,
}

impl Sandbox {
    /// A client builder for this sandbox; `None` once stopped.
    pub(crate) fn client_builder(&self) -> Option<HaloClientBuilder> {
        self.lock().as_ref().map(core::Sandbox::client_builder)
    }

    fn lock(&self) -> MutexGuard<'_, Option<core::Sandbox>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn seed_as<R: Resource>(&self, env: &Env, records: Vec<Value>) -> Result<Vec<i64>> {
        let records = decode_records::<R>(records).map_err(|index| {
            let message = format!("record {index} is not an object of the resource's fields");
            throw_invalid_argument(env, &message)
        })?;
        self.with(env, |s| s.seed(&records))
    }

    fn with<T>(&self, env: &Env, f: impl FnOnce(&core::Sandbox) -> T) -> Result<T> {
        match self.lock().as_ref() {
            Some(sandbox) => Ok(f(sandbox)),
            None => Err(throw_invalid_argument(env, "the sandbox is stopped")),
        }
    }
}

#[napi]
impl Sandbox {
    /// Starts serving on a loopback port; rejects with `sandbox.bind` when
    /// the port cannot be bound.
    #[napi(ts_return_type = "Promise<Sandbox>")]
    pub fn start(env: &Env, options: Option<SandboxOptions>) -> Result<PromiseRaw<'_, Sandbox>> {
        let options = core_options(options);
        let started = async move {
            let sandbox = core::Sandbox::start(options).await;
            sandbox.map_err(|e| Rejection::new(e.code(), e.to_string()))
        };
        promise(env, started, |_, sandbox| {
            Ok(Sandbox {
                base_url: sandbox.base_url(),
                inner: Mutex::new(Some(sandbox)),
            })
        })
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Applies `fault` to the next `times` (default 1) resource requests,
    /// after any already queued.
    #[napi]
    pub fn inject(&self, env: Env, fault: FaultSpec, times: Option<u32>) -> Result<()> {
        let fault = core_fault(&fault).map_err(|m| throw_invalid_argument(&env, m))?;
        self.with(&env, |s| s.inject(fault, times.unwrap_or(1)))
    }

    /// Draws faults at random for every later request, or stops with `null`.
    #[napi]
    pub fn set_fault_plan(&self, env: Env, plan: Option<FaultPlanOptions>) -> Result<()> {
        let plan = plan.map(core_plan).transpose();
        let plan = plan.map_err(|m| throw_invalid_argument(&env, m))?;
        self.with(&env, |s| s.set_fault_plan(plan))
    }

    /// Drops every queued fault and the fault plan.
    #[napi]
    pub fn clear_faults(&self, env: Env) -> Result<()> {
        self.with(&env, core::Sandbox::clear_faults)
    }

    /// Expires every token issued so far.
    #[napi]
    pub fn expire_tokens(&self, env: Env) -> Result<()> {
        self.with(&env, core::Sandbox::expire_tokens)
    }

    /// Stores `records` of `resource` (`'Client'`, `'Site'`, `'Users'`,
    /// `'Opportunities'`, `'Tickets'`, `'Actions'` or `'Agent'`;
    /// case-insensitive) as if created, and returns their new ids. Throws
    /// `invalid_argument` for another resource or a record that does not
    /// fit it.
    #[napi]
    pub fn seed(
        &self,
        env: Env,
        resource: String,
        #[napi(ts_arg_type = "Array<Record<string, any>>")] records: Vec<Value>,
    ) -> Result<Vec<i64>> {
        match resource.to_ascii_lowercase().as_str() {
            "client" => self.seed_as::<models::Client>(&env, records),
            "site" => self.seed_as::<models::Site>(&env, records),
            "users" => self.seed_as::<models::User>(&env, records),
            "opportunities" => self.seed_as::<models::Opportunity>(&env, records),
            "tickets" => self.seed_as::<models::Ticket>(&env, records),
            "actions" => self.seed_as::<models::Action>(&env, records),
            "agent" => self.seed_as::<models::Agent>(&env, records),
            _ => Err(throw_invalid_argument(
                &env,
                "resource must be one of Client, Site, Users, Opportunities, Tickets, Actions, \
                 Agent",
            )),
        }
    }

    /// The stored records of `resource` (`'Client'`, `'Users'`,
    /// `'Opportunities'`, ...; case-insensitive), in id order; empty for an
    /// unknown resource.
    #[napi(ts_return_type = "Array<Record<string, any>>")]
    pub fn records(&self, env: Env, resource: String) -> Result<Value> {
        self.with(&env, |s| Value::Array(s.record_values(&resource)))
    }

    /// Requests served for `method` and route template `route`
    /// (`'/api/Opportunities'`), whatever their status.
    #[napi]
    pub fn request_count(&self, env: Env, method: String, route: String) -> Result<i64> {
        let count = self.with(&env, |s| s.request_count(&method, &route))?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }

    /// Every request served so far, by method, route template and status.
    #[napi]
    pub fn requests(&self, env: Env) -> Result<Vec<RequestCount>> {
        let counts = self.with(&env, core::Sandbox::requests)?;
        let counts = counts.into_iter().map(|c| RequestCount {
            method: c.method,
            route: c.route,
            status: c.status,
            count: i64::try_from(c.count).unwrap_or(i64::MAX),
        });
        Ok(counts.collect())
    }

    /// Token requests that were granted.
    #[napi]
    pub fn tokens_issued(&self, env: Env) -> Result<i64> {
        let issued = self.with(&env, core::Sandbox::tokens_issued)?;
        Ok(i64::try_from(issued).unwrap_or(i64::MAX))
    }

    /// Stops serving; later calls on it throw. Resolves at once when it is
    /// already stopped.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn stop<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, ()>> {
        let sandbox = self.lock().take();
        let stopped = async move {
            if let Some(sandbox) = sandbox {
                sandbox.stop();
            }
            Ok(())
        };
        promise(env, stopped, |_, ()| Ok(()))
    }
}

fn core_options(options: Option<SandboxOptions>) -> core::SandboxOptions {
    let mut out = core::SandboxOptions::default();
    let Some(o) = options else {
        return out;
    };
    if let Some(id) = o.client_id {
        out.client_id = id;
    }
    if let Some(secret) = o.client_secret {
        out.client_secret = SecretString::from(secret);
    }
    out.tenant = o.tenant.or(out.tenant);
    if let Some(ms) = o.token_lifetime_ms {
        out.token_lifetime = Duration::from_millis(u64::from(ms));
    }
    if let Some(size) = o.default_page_size {
        out.default_page_size = size as usize;
    }
    if let Some(size) = o.max_page_size {
        out.max_page_size = size as usize;
    }
    out.rate_limit = o.rate_limit.map(rate_limit).or(out.rate_limit);
    out.send_retry_after = o.send_retry_after.unwrap_or(out.send_retry_after);
    out.discovery = o.discovery.unwrap_or(out.discovery);
    out.port = o.port.unwrap_or(out.port);
    out
}

fn core_fault(spec: &FaultSpec) -> std::result::Result<Fault, &'static str> {
    Ok(match spec.kind.as_str() {
        "status" => Fault::Status {
            status: spec.status.ok_or("a status fault needs `status`")?,
            body: spec.body.clone().unwrap_or_default(),
            retry_after: spec.retry_after.map(u64::from),
        },
        "reset" => Fault::Reset,
        "delay" => {
            let ms = spec.delay_ms.ok_or("a delay fault needs `delayMs`")?;
            Fault::Delay(Duration::from_millis(u64::from(ms)))
        }
        "commit_then_lose" => Fault::CommitThenLose,
        "expire_tokens" => Fault::ExpireTokens,
        _ => return Err("unknown fault kind"),
    })
}

fn core_plan(plan: FaultPlanOptions) -> std::result::Result<FaultPlan, &'static str> {
    let seed = u64::try_from(plan.seed).map_err(|_| "a fault plan seed is not negative")?;
    match (plan.mixed_every, plan.chance, plan.faults) {
        (Some(every), None, None) => Ok(FaultPlan::mixed(every, seed)),
        (None, Some(chance), Some(faults)) => {
            if !(0.0..=1.0).contains(&chance) {
                return Err("a fault plan chance is between 0 and 1");
            }
            let faults = faults
                .iter()
                .map(|p| core_fault(&p.fault).map(|f| (f, p.times.unwrap_or(1))))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            Ok(FaultPlan {
                chance,
                faults,
                seed,
            })
        }
        _ => Err("a fault plan has either `mixedEvery` or `chance` and `faults`"),
    }
}

// The accepted client secret never shows in `Debug`.
impl fmt::Debug for SandboxOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxOptions")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("tenant", &self.tenant)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}
