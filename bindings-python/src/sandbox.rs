//! `halo_core.testing`: the in-process HaloPSA sandbox, its faults and fault
//! plans.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use halo_core::halo::{self as models, RateLimit, Resource};
use halo_core::sandbox as core;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::errors::sandbox_error;
use crate::halo::HaloClient;
use crate::lead::{to_json, to_python};
use crate::runtime::block_on;

/// A HaloPSA simulator serving real HTTP on a loopback port until stopped
/// (or the `with` block ends).
#[pyclass(module = "halo_core.testing", frozen)]
pub(crate) struct Sandbox {
    inner: Mutex<Option<core::Sandbox>>,
    base_url: String,
}

/// A fault applied to the next resource requests.
#[pyclass(module = "halo_core.testing", frozen, eq, from_py_object)]
#[derive(Clone, PartialEq)]
pub(crate) struct Fault {
    inner: core::Fault,
}

/// Faults drawn at random (from a seed) for every resource request.
#[pyclass(module = "halo_core.testing", frozen, from_py_object)]
#[derive(Clone)]
pub(crate) struct FaultPlan {
    inner: core::FaultPlan,
}

#[pymethods]
impl Sandbox {
    /// Starts a sandbox; every option left out takes the core's default.
    #[new]
    #[pyo3(signature = (
        *, client_id = None, client_secret = None, tenant = None, token_lifetime = None,
        default_page_size = None, max_page_size = None, rate_limit = None,
        send_retry_after = None, discovery = None, port = None,
    ))]
    #[allow(
        clippy::too_many_arguments,
        reason = "keyword arguments of the options"
    )]
    fn new(
        py: Python<'_>,
        client_id: Option<String>,
        client_secret: Option<String>,
        tenant: Option<String>,
        token_lifetime: Option<Duration>,
        default_page_size: Option<usize>,
        max_page_size: Option<usize>,
        rate_limit: Option<(u32, Duration)>,
        send_retry_after: Option<bool>,
        discovery: Option<bool>,
        port: Option<u16>,
    ) -> PyResult<Self> {
        let mut o = core::SandboxOptions::default();
        o.client_id = client_id.unwrap_or(o.client_id);
        if let Some(secret) = client_secret {
            o.client_secret = SecretString::from(secret);
        }
        o.tenant = tenant.or(o.tenant);
        o.token_lifetime = token_lifetime.unwrap_or(o.token_lifetime);
        o.default_page_size = default_page_size.unwrap_or(o.default_page_size);
        o.max_page_size = max_page_size.unwrap_or(o.max_page_size);
        if let Some((requests, per)) = rate_limit {
            o.rate_limit = Some(RateLimit { requests, per });
        }
        o.send_retry_after = send_retry_after.unwrap_or(o.send_retry_after);
        o.discovery = discovery.unwrap_or(o.discovery);
        o.port = port.unwrap_or(o.port);
        let sandbox = block_on(py, core::Sandbox::start(o))?.map_err(|e| sandbox_error(&e))?;
        Ok(Self {
            base_url: sandbox.base_url(),
            inner: Mutex::new(Some(sandbox)),
        })
    }

    /// `http://127.0.0.1:<port>`.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A `HaloClient` for this sandbox (its credentials and tenant, and no
    /// client-side rate limit unless `rate_limit` is given); `settings` are
    /// `HaloClient`'s other keyword arguments.
    #[pyo3(signature = (**settings))]
    fn client(
        &self,
        py: Python<'_>,
        settings: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<HaloClient>> {
        let kwargs = PyDict::new(py);
        if let Some(settings) = settings {
            kwargs.update(settings.as_mapping())?;
        }
        self.with(|s| {
            let o = s.options();
            kwargs.set_item("base_url", s.base_url())?;
            kwargs.set_item("client_id", &o.client_id)?;
            kwargs.set_item("client_secret", o.client_secret.expose_secret())?;
            if let Some(tenant) = &o.tenant {
                kwargs.set_item("tenant", tenant)?;
            }
            let paced = kwargs.contains("rate_limit")? || kwargs.contains("without_rate_limit")?;
            if paced {
                Ok(())
            } else {
                kwargs.set_item("without_rate_limit", true)
            }
        })??;
        let client = py.get_type::<HaloClient>().call((), Some(&kwargs))?;
        Ok(client.cast_into::<HaloClient>()?.unbind())
    }

    /// Applies `fault` to the next `times` resource requests.
    #[pyo3(signature = (fault, times = 1))]
    fn inject(&self, fault: Fault, times: u32) -> PyResult<()> {
        self.with(|s| s.inject(fault.inner, times))
    }

    /// Draws faults from `plan` for every later request; `None` stops.
    fn set_fault_plan(&self, plan: Option<FaultPlan>) -> PyResult<()> {
        self.with(|s| s.set_fault_plan(plan.map(|p| p.inner)))
    }

    /// Drops every queued fault and the fault plan.
    fn clear_faults(&self) -> PyResult<()> {
        self.with(core::Sandbox::clear_faults)
    }

    /// Expires every token issued so far.
    fn expire_tokens(&self) -> PyResult<()> {
        self.with(core::Sandbox::expire_tokens)
    }

    /// Stores `records` (dicts) of `resource` (`"Client"`, `"Site"`,
    /// `"Users"`, `"Opportunities"`, `"Tickets"`, `"Actions"`, `"Agent"`,
    /// case-insensitive) as if created; returns their ids.
    fn seed(&self, resource: &str, records: Vec<Bound<'_, PyAny>>) -> PyResult<Vec<i64>> {
        let values = records.iter().map(to_json).collect::<PyResult<Vec<_>>>()?;
        match resource.to_ascii_lowercase().as_str() {
            "client" => self.seed_as::<models::Client>(values),
            "users" => self.seed_as::<models::User>(values),
            "opportunities" => self.seed_as::<models::Opportunity>(values),
            "site" => self.seed_as::<models::Site>(values),
            "tickets" => self.seed_as::<models::Ticket>(values),
            "actions" => self.seed_as::<models::Action>(values),
            "agent" => self.seed_as::<models::Agent>(values),
            _ => Err(unknown_resource()),
        }
    }

    /// The stored records of `resource` as dicts, by id.
    fn records(&self, py: Python<'_>, resource: &str) -> PyResult<Py<PyAny>> {
        let values = self.with(|s| s.record_values(resource))?;
        if values.is_empty() && !known(resource) {
            return Err(unknown_resource());
        }
        Ok(to_python(py, &Value::Array(values))?.unbind())
    }

    /// Requests served for `method` and `route` (a template such as
    /// `/api/Opportunities`); either left out matches all.
    #[pyo3(signature = (method = None, route = None))]
    fn request_count(&self, method: Option<&str>, route: Option<&str>) -> PyResult<u64> {
        let counts = self.with(core::Sandbox::requests)?;
        Ok(counts
            .iter()
            .filter(|c| method.is_none_or(|m| m.eq_ignore_ascii_case(&c.method)))
            .filter(|c| route.is_none_or(|r| r == c.route))
            .map(|c| c.count)
            .sum())
    }

    /// Every request served, as `(method, route, status, count)`; status 0
    /// is a broken connection.
    fn requests(&self) -> PyResult<Vec<(String, String, u16, u64)>> {
        let counts = self.with(core::Sandbox::requests)?;
        Ok(counts
            .into_iter()
            .map(|c| (c.method, c.route, c.status, c.count))
            .collect())
    }

    /// Token requests granted.
    #[getter]
    fn tokens_issued(&self) -> PyResult<u64> {
        self.with(core::Sandbox::tokens_issued)
    }

    /// Stops serving; later calls raise `RuntimeError`.
    fn stop(&self) {
        let taken = self.lock().take();
        if let Some(sandbox) = taken {
            sandbox.stop();
        }
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, _exc: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        self.stop();
        false
    }

    fn __repr__(&self) -> String {
        format!("Sandbox(base_url={:?})", self.base_url)
    }
}

#[pymethods]
impl Fault {
    /// Answer with `status` and `body` (JSON when it parses), optionally
    /// with `Retry-After` seconds, without handling the request.
    #[staticmethod]
    #[pyo3(signature = (status, body = String::new(), retry_after = None))]
    fn status(status: u16, body: String, retry_after: Option<u64>) -> Self {
        core::Fault::Status {
            status,
            body,
            retry_after,
        }
        .into()
    }

    /// A 429 with Halo's body, with or without `Retry-After`.
    #[staticmethod]
    #[pyo3(signature = (retry_after = None))]
    fn rate_limited(retry_after: Option<u64>) -> Self {
        core::Fault::rate_limited(retry_after).into()
    }

    /// Break the connection; nothing is applied.
    #[staticmethod]
    fn reset() -> Self {
        core::Fault::Reset.into()
    }

    /// Wait `by`, then handle the request.
    #[staticmethod]
    fn delay(by: Duration) -> Self {
        core::Fault::Delay(by).into()
    }

    /// Apply the request, then break the connection.
    #[staticmethod]
    fn commit_then_lose() -> Self {
        core::Fault::CommitThenLose.into()
    }

    /// Expire every token, then handle the request (it gets a 401).
    #[staticmethod]
    fn expire_tokens() -> Self {
        core::Fault::ExpireTokens.into()
    }

    fn __repr__(&self) -> String {
        format!("Fault({:?})", self.inner)
    }
}

#[pymethods]
impl FaultPlan {
    /// With probability `chance` a request starts one of `faults` (each
    /// `(fault, times_in_a_row)`), drawn from a generator seeded with `seed`.
    #[new]
    fn new(chance: f64, faults: Vec<(Fault, u32)>, seed: u64) -> PyResult<Self> {
        if !(0.0..=1.0).contains(&chance) {
            return Err(PyValueError::new_err("chance must be between 0 and 1"));
        }
        let faults = faults.into_iter().map(|(f, n)| (f.inner, n)).collect();
        Ok(Self {
            inner: core::FaultPlan {
                chance,
                faults,
                seed,
            },
        })
    }

    /// The core's mix of every kind of trouble, starting on one request in
    /// `every` on average.
    #[classmethod]
    fn mixed(_cls: &Bound<'_, PyType>, every: u32, seed: u64) -> Self {
        Self {
            inner: core::FaultPlan::mixed(every, seed),
        }
    }

    #[getter]
    fn chance(&self) -> f64 {
        self.inner.chance
    }

    fn __repr__(&self) -> String {
        format!(
            "FaultPlan(chance={}, faults={}, seed={})",
            self.inner.chance,
            self.inner.faults.len(),
            self.inner.seed
        )
    }
}

impl Sandbox {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<core::Sandbox>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn with<T>(&self, f: impl FnOnce(&core::Sandbox) -> T) -> PyResult<T> {
        let guard = self.lock();
        let sandbox = guard
            .as_ref()
            .ok_or_else(|| PyRuntimeError::new_err("the sandbox was stopped"))?;
        Ok(f(sandbox))
    }

    fn seed_as<R: Resource>(&self, values: Vec<Value>) -> PyResult<Vec<i64>> {
        let records = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value::<R>(v).map_err(|_| {
                    PyValueError::new_err(format!("record {i} does not fit /api/{}", R::PATH))
                })
            })
            .collect::<PyResult<Vec<R>>>()?;
        self.with(|s| s.seed(&records))
    }
}

fn known(resource: &str) -> bool {
    [
        "client",
        "site",
        "users",
        "opportunities",
        "tickets",
        "actions",
        "agent",
    ]
    .contains(&resource.to_ascii_lowercase().as_str())
}

fn unknown_resource() -> PyErr {
    PyValueError::new_err(
        "resource must be one of Client, Site, Users, Opportunities, Tickets, Actions, Agent",
    )
}

impl From<core::Fault> for Fault {
    fn from(inner: core::Fault) -> Self {
        Self { inner }
    }
}
