//! `halo_core.HaloClient` and its statistics; the handler of each resource
//! is in [`handlers`]. Records go in and out as dicts (the typed fields and
//! every other field Halo sent).

mod handlers;

use std::time::Duration;

use halo_core::halo as core;
use pyo3::prelude::*;
use secrecy::SecretString;

use crate::config::Config;
use crate::errors::halo_error;

pub(crate) use handlers::{Actions, Agents, Clients, Opportunities, Sites, Tickets, Users};

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

    /// Sites (locations of clients).
    #[getter]
    fn sites(&self) -> Sites {
        Sites {
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

    /// Tickets.
    #[getter]
    fn tickets(&self) -> Tickets {
        Tickets {
            client: self.inner.clone(),
        }
    }

    /// Actions (notes, emails, updates) on tickets.
    #[getter]
    fn actions(&self) -> Actions {
        Actions {
            client: self.inner.clone(),
        }
    }

    /// Agents; read-only.
    #[getter]
    fn agents(&self) -> Agents {
        Agents {
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
