//! `halo_core.HaloClient`, its resource handlers and statistics. Records go
//! in and out as dicts (the typed fields and every other field Halo sent).

use std::time::Duration;

use halo_core::halo as core;
use halo_core::halo::Resource;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use secrecy::SecretString;
use serde_json::Value;

use crate::config::Config;
use crate::errors::halo_error;
use crate::lead::{to_json, to_python};
use crate::runtime::{block_on, spawn};

/// A HaloPSA API client. Clones of the handlers share its token cache and
/// pacer.
#[pyclass(module = "halo_core", frozen)]
pub(crate) struct HaloClient {
    pub(crate) inner: core::HaloClient,
}

/// Requests sent and retried so far by a client.
#[pyclass(module = "halo_core", frozen, get_all, eq)]
#[derive(PartialEq)]
pub(crate) struct ClientStats {
    requests: u64,
    retries: u64,
}

#[pymethods]
impl HaloClient {
    /// Builds a client; every setting left out takes the core's default.
    #[new]
    #[pyo3(signature = (
        *, base_url, client_id, client_secret, config = None, tenant = None, scope = None,
        discover_auth = None, timeout = None, connect_timeout = None, user_agent = None,
        rate_limit = None, without_rate_limit = false, max_attempts = None,
        retry_base_delay = None, retry_max_delay = None, max_retry_after = None,
        renew_before_expiry = None,
    ))]
    #[allow(
        clippy::too_many_arguments,
        reason = "keyword arguments of the builder"
    )]
    fn new(
        base_url: String,
        client_id: String,
        client_secret: String,
        config: Option<PyRef<'_, Config>>,
        tenant: Option<String>,
        scope: Option<String>,
        discover_auth: Option<bool>,
        timeout: Option<Duration>,
        connect_timeout: Option<Duration>,
        user_agent: Option<String>,
        rate_limit: Option<(u32, Duration)>,
        without_rate_limit: bool,
        max_attempts: Option<u32>,
        retry_base_delay: Option<Duration>,
        retry_max_delay: Option<Duration>,
        max_retry_after: Option<Duration>,
        renew_before_expiry: Option<Duration>,
    ) -> PyResult<Self> {
        let mut b = match config {
            Some(config) => core::HaloClientBuilder::from_config(config.inner()),
            None => core::HaloClient::builder(),
        };
        b = b
            .base_url(base_url)
            .client_id(client_id)
            .client_secret(SecretString::from(client_secret));
        if let Some(tenant) = tenant {
            b = b.tenant(tenant);
        }
        if let Some(scope) = scope {
            b = b.scope(scope);
        }
        if let Some(discover) = discover_auth {
            b = b.discover_auth(discover);
        }
        if let Some(timeout) = timeout {
            b = b.timeout(timeout);
        }
        if let Some(timeout) = connect_timeout {
            b = b.connect_timeout(timeout);
        }
        if let Some(agent) = user_agent {
            b = b.user_agent(agent);
        }
        if let Some((requests, per)) = rate_limit {
            b = b.rate_limit(core::RateLimit { requests, per });
        }
        if without_rate_limit {
            b = b.without_rate_limit();
        }
        let mut retry = core::RetryPolicy::default();
        retry.max_attempts = max_attempts.unwrap_or(retry.max_attempts);
        retry.base_delay = retry_base_delay.unwrap_or(retry.base_delay);
        retry.max_delay = retry_max_delay.unwrap_or(retry.max_delay);
        retry.max_retry_after = max_retry_after.unwrap_or(retry.max_retry_after);
        b = b.retry(retry);
        if let Some(margin) = renew_before_expiry {
            b = b.renew_before_expiry(margin);
        }
        let inner = b.build().map_err(|e| halo_error(&e))?;
        Ok(Self { inner })
    }

    /// Clients (customers and prospect companies).
    #[getter]
    fn clients(&self) -> Clients {
        Clients {
            client: self.inner.clone(),
        }
    }

    /// Users (contacts).
    #[getter]
    fn users(&self) -> Users {
        Users {
            client: self.inner.clone(),
        }
    }

    /// Opportunities (CRM leads).
    #[getter]
    fn opportunities(&self) -> Opportunities {
        Opportunities {
            client: self.inner.clone(),
        }
    }

    /// Requests and retries sent so far by this client.
    fn stats(&self) -> ClientStats {
        let stats = self.inner.stats();
        ClientStats {
            requests: stats.requests,
            retries: stats.retries,
        }
    }

    fn __repr__(&self) -> String {
        "HaloClient(..)".to_owned()
    }
}

#[pymethods]
impl ClientStats {
    fn __repr__(&self) -> String {
        format!(
            "ClientStats(requests={}, retries={})",
            self.requests, self.retries
        )
    }
}

/// Declares the handler of one resource: its list filters, and blocking and
/// awaitable `list_all`, `get`, `upsert` and `delete`.
macro_rules! handler {
    (
        $(#[$meta:meta])* $name:ident, $model:ty, $params:ident, $accessor:ident,
        { $($field:ident : $ty:ty),* $(,)? }
    ) => {
        $(#[$meta])*
        #[pyclass(module = "halo_core", frozen)]
        pub(crate) struct $name {
            client: core::HaloClient,
        }

        #[pymethods]
        impl $name {
            /// Every matching record, read page by page.
            #[pyo3(signature = (
                *, page_size = None, max_rows = None, search = None, order = None,
                order_desc = None, include_active = None, include_inactive = None,
                last_updated_from = None $(, $field = None)*
            ))]
            #[allow(clippy::too_many_arguments, reason = "the typed list filters")]
            fn list_all(
                &self,
                py: Python<'_>,
                page_size: Option<u32>,
                max_rows: Option<u64>,
                search: Option<String>,
                order: Option<String>,
                order_desc: Option<bool>,
                include_active: Option<bool>,
                include_inactive: Option<bool>,
                last_updated_from: Option<String>,
                $($field: Option<$ty>,)*
            ) -> PyResult<Py<PyAny>> {
                let params = core::$params {
                    common: common(
                        page_size, max_rows, search, order, order_desc,
                        include_active, include_inactive, last_updated_from,
                    ),
                    $($field,)*
                };
                let handler = self.client.$accessor();
                let rows = block_on(py, async move { handler.list_all(params).await })?;
                records_out(py, &rows.map_err(|e| halo_error(&e))?)
            }

            /// `list_all`, awaitable.
            #[pyo3(signature = (
                *, page_size = None, max_rows = None, search = None, order = None,
                order_desc = None, include_active = None, include_inactive = None,
                last_updated_from = None $(, $field = None)*
            ))]
            #[allow(clippy::too_many_arguments, reason = "the typed list filters")]
            async fn list_all_async(
                &self,
                page_size: Option<u32>,
                max_rows: Option<u64>,
                search: Option<String>,
                order: Option<String>,
                order_desc: Option<bool>,
                include_active: Option<bool>,
                include_inactive: Option<bool>,
                last_updated_from: Option<String>,
                $($field: Option<$ty>,)*
            ) -> PyResult<Py<PyAny>> {
                let params = core::$params {
                    common: common(
                        page_size, max_rows, search, order, order_desc,
                        include_active, include_inactive, last_updated_from,
                    ),
                    $($field,)*
                };
                let handler = self.client.$accessor();
                let rows = spawn(async move { handler.list_all(params).await })?.await?;
                let rows = rows.map_err(|e| halo_error(&e))?;
                Python::attach(|py| records_out(py, &rows))
            }

            /// The record with `id`.
            fn get(&self, py: Python<'_>, id: i64) -> PyResult<Py<PyAny>> {
                let handler = self.client.$accessor();
                let row = block_on(py, async move { handler.get(id).await })?;
                record_out(py, &row.map_err(|e| halo_error(&e))?)
            }

            /// `get`, awaitable.
            async fn get_async(&self, id: i64) -> PyResult<Py<PyAny>> {
                let handler = self.client.$accessor();
                let row = spawn(async move { handler.get(id).await })?.await?;
                let row = row.map_err(|e| halo_error(&e))?;
                Python::attach(|py| record_out(py, &row))
            }

            /// Creates the records without an `id` and updates those with
            /// one, in one request; returns what Halo sent back.
            fn upsert(
                &self,
                py: Python<'_>,
                records: Vec<Bound<'_, PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let records: Vec<$model> = records_in(&records)?;
                let handler = self.client.$accessor();
                let rows = block_on(py, async move { handler.upsert(&records).await })?;
                records_out(py, &rows.map_err(|e| halo_error(&e))?)
            }

            /// `upsert`, awaitable.
            async fn upsert_async(&self, records: Vec<Py<PyAny>>) -> PyResult<Py<PyAny>> {
                let records: Vec<$model> = Python::attach(|py| {
                    let bound: Vec<_> = records.iter().map(|r| r.bind(py).clone()).collect();
                    records_in(&bound)
                })?;
                let handler = self.client.$accessor();
                let rows = spawn(async move { handler.upsert(&records).await })?.await?;
                let rows = rows.map_err(|e| halo_error(&e))?;
                Python::attach(|py| records_out(py, &rows))
            }

            /// Deletes the record with `id`.
            fn delete(&self, py: Python<'_>, id: i64) -> PyResult<()> {
                let handler = self.client.$accessor();
                let done = block_on(py, async move { handler.delete(id).await })?;
                done.map_err(|e| halo_error(&e))
            }

            /// `delete`, awaitable.
            async fn delete_async(&self, id: i64) -> PyResult<()> {
                let handler = self.client.$accessor();
                let done = spawn(async move { handler.delete(id).await })?.await?;
                done.map_err(|e| halo_error(&e))
            }

            /// How many records match, as Halo counts them (one request).
            fn count(&self, py: Python<'_>) -> PyResult<Option<u64>> {
                let handler = self.client.$accessor();
                let params = <$model as Resource>::Params::default();
                let n = block_on(py, async move { handler.count(params).await })?;
                n.map_err(|e| halo_error(&e))
            }

            fn __repr__(&self) -> &'static str {
                concat!(stringify!($name), "(..)")
            }
        }
    };
}

handler! {
    /// `/api/Client`: filter `domain`.
    Clients, core::Client, ClientParams, clients, { domain: String }
}

handler! {
    /// `/api/Users`: filters `client_id`, `site_id`, `search_phonenumbers`.
    Users, core::User, UserParams, users,
    { client_id: i64, site_id: i64, search_phonenumbers: bool }
}

handler! {
    /// `/api/Opportunities`: filters `client_id`, `search_oppemailaddress`,
    /// `search_oppcompanyname`, `open_only`.
    Opportunities, core::Opportunity, OpportunityParams, opportunities,
    {
        client_id: i64,
        search_oppemailaddress: String,
        search_oppcompanyname: String,
        open_only: bool,
    }
}

#[allow(clippy::too_many_arguments, reason = "one per common list parameter")]
fn common(
    page_size: Option<u32>,
    max_rows: Option<u64>,
    search: Option<String>,
    order: Option<String>,
    order_desc: Option<bool>,
    include_active: Option<bool>,
    include_inactive: Option<bool>,
    last_updated_from: Option<String>,
) -> core::ListParams {
    let defaults = core::ListParams::default();
    core::ListParams {
        page_size: page_size.unwrap_or(defaults.page_size),
        max_rows,
        search,
        order,
        order_desc,
        include_active,
        include_inactive,
        last_updated_from,
    }
}

/// Dicts as typed records; `ValueError` naming the position and what kind of
/// mismatch, never the value.
fn records_in<R: Resource>(records: &[Bound<'_, PyAny>]) -> PyResult<Vec<R>> {
    records
        .iter()
        .enumerate()
        .map(|(i, record)| {
            let value = to_json(record)?;
            serde_json::from_value(value).map_err(|e| {
                PyValueError::new_err(format!(
                    "record {i} does not fit /api/{}: {}",
                    R::PATH,
                    core_decode_reason(&e)
                ))
            })
        })
        .collect()
}

fn core_decode_reason(err: &serde_json::Error) -> &'static str {
    match err.classify() {
        serde_json::error::Category::Data => "a field has the wrong type",
        _ => "not a JSON object",
    }
}

fn record_out<R: Resource>(py: Python<'_>, record: &R) -> PyResult<Py<PyAny>> {
    let value = serde_json::to_value(record).map_err(|_| {
        PyValueError::new_err(format!("a /api/{} record did not serialise", R::PATH))
    })?;
    Ok(to_python(py, &value)?.unbind())
}

fn records_out<R: Resource>(py: Python<'_>, records: &[R]) -> PyResult<Py<PyAny>> {
    let values: Vec<Value> = records
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<_, _>>()
        .map_err(|_| {
            PyValueError::new_err(format!("a /api/{} record did not serialise", R::PATH))
        })?;
    Ok(to_python(py, &Value::Array(values))?.unbind())
}
