//! The HaloPSA REST client.
//!
//! `HaloClient` (feature `client`, on by default) gets Halo's awkward parts right:
//!
//! - **Tokens**: client-credentials grant, cached, renewed ahead of expiry
//!   with one renewal shared by all concurrent callers, dropped and retried
//!   once on a 401. The token endpoint is discovered through `/api/authinfo`
//!   (only on the base URL's host) with a fallback to `{base}/auth/token`,
//!   with the optional `?tenant=`.
//! - **Paging**: lists always send `pageinate=true` and `page_no`, ask for at
//!   most 100 rows and read on until `record_count` rows have arrived.
//! - **Writes**: create and update are one `POST` of an array; the reply is
//!   read whether Halo sends an object or an array.
//! - **Fair use**: a client-side rolling window (500 requests per 180 s by
//!   default) paces requests; a 429 honours `Retry-After` (delta-seconds) or
//!   backs off exponentially with jitter, and holds back every caller.
//! - **Retries** never repeat a create that may have been applied: such a
//!   failure is [`HaloError::OutcomeUnknown`] for the caller to reconcile.
//! - **Models** keep the fields this crate uses and carry every other field
//!   in an `extra` map, so a read-modify-write loses nothing.
//!
//! Logs (`tracing`) carry the method, route template (`/api/Client/{id}`),
//! status, attempt and duration; never query strings, bodies, headers or
//! tokens.
//!
//! Limits: `Retry-After` as an HTTP date is not interpreted (the backoff
//! applies). Only the client-credentials grant is implemented. The HTTP
//! client needs the default `client` feature; the models, parameters and
//! reply decoding ([`wire`]) do not.

mod error;
mod id;
mod models;
mod params;
mod policy;
pub mod wire;

#[cfg(feature = "client")]
mod auth;
#[cfg(feature = "client")]
mod builder;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod handler;
#[cfg(feature = "client")]
mod pacing;

pub use error::{BoxError, HaloError};
pub use models::{Action, Agent, Client, Opportunity, Resource, Site, Ticket, User};
pub use params::{
    ActionParams, AgentParams, ClientParams, ListParams, ListQuery, MAX_PAGE_SIZE,
    OpportunityParams, QueryPairs, SiteParams, TicketParams, UserParams,
};
pub use policy::{RateLimit, RetryPolicy};

#[cfg(feature = "client")]
pub use builder::HaloClientBuilder;
#[cfg(feature = "client")]
pub use client::{ClientStats, HaloClient};
#[cfg(feature = "client")]
pub use handler::Handler;
#[cfg(feature = "client")]
pub use reqwest::Method;

#[cfg(test)]
mod tests;
