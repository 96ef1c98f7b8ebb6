//! The verifier: providers by name, the replay guard, and the order in
//! which a delivery is checked.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::provider::Provider;
use super::replay::{Claim, MemoryReplayGuard, ReplayGuard};
use super::signature::Authenticated;
use super::{Verified, WebhookError, WebhookRequest};

/// Verifies inbound webhook deliveries for a default provider and any
/// number of named ones.
///
/// Build one at start-up ([`WebhookVerifier::builder`] or
/// [`WebhookVerifier::from_config`]) and share it: verification takes
/// `&self` and the type is `Send + Sync`. By default deliveries are claimed
/// in a [`MemoryReplayGuard`].
pub struct WebhookVerifier {
    default: Option<Provider>,
    named: HashMap<String, Provider>,
    guard: Option<Arc<dyn ReplayGuard>>,
}

/// Builds a [`WebhookVerifier`].
#[derive(Debug)]
pub struct WebhookVerifierBuilder {
    default: Option<Provider>,
    named: HashMap<String, Provider>,
    guard: Option<Arc<dyn ReplayGuard>>,
}

impl WebhookVerifier {
    /// A builder with no provider and a [`MemoryReplayGuard`] of the
    /// default capacity.
    pub fn builder() -> WebhookVerifierBuilder {
        WebhookVerifierBuilder {
            default: None,
            named: HashMap::new(),
            guard: Some(Arc::new(MemoryReplayGuard::default())),
        }
    }

    /// Checks `request` against its provider at the current system time.
    ///
    /// The checks run in this order, and the first failure is returned:
    /// source address, user agent, body size, the provider's
    /// authentication methods (header presence and format, timestamp within
    /// tolerance either way, signature against every active secret and
    /// every signature in the header), then the replay guard.
    pub fn verify(&self, request: &WebhookRequest<'_>) -> Result<Verified, WebhookError> {
        self.verify_at(request, SystemTime::now())
    }

    /// [`WebhookVerifier::verify`] with the current time given.
    pub fn verify_at(
        &self,
        request: &WebhookRequest<'_>,
        now: SystemTime,
    ) -> Result<Verified, WebhookError> {
        self.run(request, now, true)
    }

    /// Like [`WebhookVerifier::verify`] but accepts a signed timestamp at
    /// any distance from now. Only for deliveries that were stored and are
    /// checked again later, or for tests: an old captured delivery then
    /// verifies. Timestamps must still be well formed, and the replay guard
    /// still runs (remembering the id for the tolerance from now).
    pub fn verify_ignoring_timestamp(
        &self,
        request: &WebhookRequest<'_>,
    ) -> Result<Verified, WebhookError> {
        self.verify_ignoring_timestamp_at(request, SystemTime::now())
    }

    /// [`WebhookVerifier::verify_ignoring_timestamp`] with the current time
    /// given (for the replay guard).
    pub fn verify_ignoring_timestamp_at(
        &self,
        request: &WebhookRequest<'_>,
        now: SystemTime,
    ) -> Result<Verified, WebhookError> {
        self.run(request, now, false)
    }

    /// Releases the replay claim of a verified delivery that the caller
    /// failed to process, so that the sender's retry is accepted. Does
    /// nothing for deliveries without an id.
    pub fn release(&self, verified: &Verified) -> Result<(), WebhookError> {
        match &verified.id {
            Some(id) => self.release_id(verified.provider.as_deref(), id),
            None => Ok(()),
        }
    }

    /// Releases the replay claim of delivery `id` verified against
    /// `provider` (`None` for the default), as [`WebhookVerifier::release`]
    /// does with a [`Verified`]. For callers that keep only those two of
    /// its fields, such as a language binding handing them out as plain
    /// data. Releasing an id that holds no claim does nothing.
    pub fn release_id(&self, provider: Option<&str>, id: &str) -> Result<(), WebhookError> {
        match &self.guard {
            Some(guard) => guard.release(&replay_key(provider, id)),
            None => Ok(()),
        }
    }

    /// The names of the configured named providers, in no particular order.
    pub fn provider_names(&self) -> impl Iterator<Item = &str> {
        self.named.keys().map(String::as_str)
    }

    fn run(
        &self,
        request: &WebhookRequest<'_>,
        now: SystemTime,
        check: bool,
    ) -> Result<Verified, WebhookError> {
        let name = request.provider_name();
        let provider = match name {
            None => self.default.as_ref(),
            Some(name) => self.named.get(name),
        };
        let provider = provider.ok_or_else(|| WebhookError::UnknownProvider {
            name: name.unwrap_or("(default)").to_owned(),
        })?;

        let now_secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let Some(Authenticated {
            scheme,
            id,
            timestamp,
        }) = provider.check(request, now_secs, check)?
        else {
            return Ok(Verified {
                provider: name.map(str::to_owned),
                scheme: None,
                id: None,
                timestamp: None,
            });
        };

        if let (Some(guard), Some(id)) = (&self.guard, &id) {
            // Remembered until the timestamp check would refuse the delivery.
            let until = timestamp
                .unwrap_or(now_secs)
                .max(now_secs)
                .saturating_add(provider.tolerance_secs());
            let expires_at = UNIX_EPOCH
                .checked_add(Duration::from_secs(until))
                .ok_or_else(|| {
                    let reason = "the expiry of a claim is out of range".to_owned();
                    WebhookError::ReplayGuardUnavailable {
                        reason,
                        source: None,
                    }
                })?;
            if guard.claim(&replay_key(name, id), expires_at, now)? == Claim::Replayed {
                return Err(WebhookError::Replayed);
            }
        }
        Ok(Verified {
            provider: name.map(str::to_owned),
            scheme: Some(scheme),
            id,
            timestamp,
        })
    }
}

impl WebhookVerifierBuilder {
    /// Sets the provider for requests that name none.
    pub fn default_provider(mut self, provider: Provider) -> Self {
        self.default = Some(provider);
        self
    }

    /// Adds (or replaces) the provider called `name`.
    pub fn provider(mut self, name: impl Into<String>, provider: Provider) -> Self {
        self.named.insert(name.into(), provider);
        self
    }

    /// Claims deliveries in `guard` instead of a [`MemoryReplayGuard`] (for
    /// instance a store shared by several processes).
    pub fn replay_guard(mut self, guard: Arc<dyn ReplayGuard>) -> Self {
        self.guard = Some(guard);
        self
    }

    /// Accepts a delivery as often as it is sent, within its tolerance.
    /// Only for callers that de-duplicate deliveries themselves.
    pub fn dangerous_without_replay_guard(mut self) -> Self {
        self.guard = None;
        self
    }

    /// The verifier.
    pub fn build(self) -> WebhookVerifier {
        WebhookVerifier {
            default: self.default,
            named: self.named,
            guard: self.guard,
        }
    }
}

/// The key of a delivery id in the replay guard; see [`ReplayGuard`].
fn replay_key(provider: Option<&str>, id: &str) -> String {
    match provider {
        None => format!(":{id}"),
        Some(name) => format!("{}:{name}:{id}", name.len()),
    }
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("default", &self.default)
            .field("named", &self.named)
            .field("guard", &self.guard)
            .finish()
    }
}
