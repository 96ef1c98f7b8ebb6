//! One sender's rules: where deliveries may come from, how large they may
//! be, and the methods that may authenticate them.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ipnet::IpNet;
use secrecy::{ExposeSecret, SecretString};
use subtle::Choice;
use zeroize::Zeroizing;

use super::keys::{self, CredentialDigest};
use super::request::{Field, WebhookRequest};
use super::signature::{Authenticated, Signature, Window};
use super::{Scheme, WebhookError};
use crate::config::DEFAULT_MAX_BODY_BYTES;

/// The default distance a delivery's timestamp may be from now (300 s).
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// How deliveries from one sender are checked.
///
/// Checks run in this order: source address, user agent, body size, then
/// the authentication methods. Methods are tried in the order they were
/// added, and **any one that succeeds authenticates the delivery** (the
/// guide's `methods` list). A method is tried only when the delivery
/// carries its header and the method has a secret; when none succeeds, the
/// error of the first method tried is returned, or a missing header when
/// the delivery carries none. A method without a secret is skipped, and a
/// provider left with no usable method refuses every delivery with
/// `webhook.no_secret`.
///
/// Defaults: no network restriction, no user-agent check, a tolerance of
/// 300 s, a body limit of 1 MiB, authentication required.
///
/// ```
/// use halo_core::SecretString;
/// use halo_core::webhook::{Provider, Signature};
///
/// let halopsa = Provider::new()
///     .basic("halo", &SecretString::from("correct horse"))
///     .allow_network("192.0.2.0/24".parse().unwrap());
/// let apollo = Provider::new()
///     .signature(Signature::generic().secret(&SecretString::from("s3cr3t"))?)
///     .api_key("X-API-Key", &SecretString::from("k3y"))?
///     .expect_user_agent("Apollo-Webhook/1.0");
/// # Ok::<(), halo_core::webhook::WebhookError>(())
/// ```
#[derive(Clone)]
pub struct Provider {
    methods: Vec<Method>,
    unauthenticated: bool,
    networks: Vec<IpNet>,
    user_agent: Option<String>,
    tolerance: Duration,
    max_body_bytes: u64,
}

#[derive(Debug, Clone)]
enum Method {
    Signature(Signature),
    ApiKey {
        header: Field,
        keys: Vec<CredentialDigest>,
    },
    Basic(CredentialDigest),
}

impl Provider {
    /// A provider with no method yet and the defaults above.
    pub fn new() -> Self {
        Self {
            methods: Vec::new(),
            unauthenticated: false,
            networks: Vec::new(),
            user_agent: None,
            tolerance: DEFAULT_TOLERANCE,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// Adds a signature method.
    pub fn signature(mut self, signature: Signature) -> Self {
        self.methods.push(Method::Signature(signature));
        self
    }

    /// Adds `key` as an accepted API key in header `header` (the guide's
    /// `api_key` method). Several keys may be added for rotation. A key must
    /// be visible ASCII (inner spaces allowed) without surrounding spaces.
    pub fn api_key(mut self, header: &str, key: &SecretString) -> Result<Self, WebhookError> {
        let field = Field::new(header)?;
        keys::check_api_key(key.expose_secret())?;
        let digest = CredentialDigest::of(key.expose_secret().as_bytes());
        let same =
            |m: &&mut Method| matches!(m, Method::ApiKey { header, .. } if header.same(&field));
        match self.methods.iter_mut().find(same) {
            Some(Method::ApiKey { keys, .. }) => keys.push(digest),
            _ => self.methods.push(Method::ApiKey {
                header: field,
                keys: vec![digest],
            }),
        }
        Ok(self)
    }

    /// Adds HTTP Basic credentials (what HaloPSA sends). Both the user name
    /// and the password are compared in constant time.
    pub fn basic(mut self, username: &str, password: &SecretString) -> Self {
        let credentials = Zeroizing::new(format!("{username}:{}", password.expose_secret()));
        self.methods
            .push(Method::Basic(CredentialDigest::of(credentials.as_bytes())));
        self
    }

    /// Accepts deliveries from `network` (v4 or v6). Once any network is
    /// allowed, a delivery from elsewhere, or without a known address, is
    /// refused.
    pub fn allow_network(mut self, network: IpNet) -> Self {
        self.networks.push(network);
        self
    }

    /// Requires the `User-Agent` header to equal `user_agent` exactly. A user
    /// agent is chosen by the sender, so this is a filter, not a proof.
    pub fn expect_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How far a signed timestamp may be from now, either way. It is also
    /// how long the replay guard remembers a delivery. Default 300 s.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The largest body accepted, checked before any hashing. Default 1 MiB.
    pub fn max_body_bytes(mut self, limit: u64) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Accepts deliveries without any authentication (the configuration's
    /// `"required": false`). Address, user-agent and size checks still run.
    /// Anyone who can reach the endpoint can then forge deliveries.
    pub fn dangerous_accept_unauthenticated(mut self) -> Self {
        self.unauthenticated = true;
        self
    }

    pub(crate) fn tolerance_secs(&self) -> u64 {
        self.tolerance.as_secs()
    }

    /// Runs every check on `request`; `Ok(None)` when the provider does not
    /// require authentication.
    pub(crate) fn check(
        &self,
        request: &WebhookRequest<'_>,
        now: u64,
        check_timestamp: bool,
    ) -> Result<Option<Authenticated>, WebhookError> {
        self.check_origin(request)?;
        let limit = self.max_body_bytes;
        if u64::try_from(request.body().len()).map_or(true, |len| len > limit) {
            return Err(WebhookError::BodyTooLarge { limit });
        }
        if self.unauthenticated {
            return Ok(None);
        }

        let window = Window {
            now,
            tolerance: self.tolerance_secs(),
            check: check_timestamp,
        };
        let mut failure = None;
        let mut first_absent = None;
        for method in self.methods.iter().filter(|m| m.has_secret()) {
            if !method.is_presented(request) {
                first_absent = first_absent.or(Some(method));
                continue;
            }
            match method.verify(request, window) {
                Ok(authenticated) => return Ok(Some(authenticated)),
                Err(err) => failure = failure.or(Some(err)),
            }
        }
        Err(failure
            .or_else(|| first_absent.map(Method::absent))
            .unwrap_or(WebhookError::NoSecret))
    }

    fn check_origin(&self, request: &WebhookRequest<'_>) -> Result<(), WebhookError> {
        if !self.networks.is_empty() {
            let allowed = request.addr().is_some_and(|addr| {
                let addr = addr.to_canonical();
                self.networks.iter().any(|net| net.contains(&addr))
            });
            if !allowed {
                return Err(WebhookError::IpNotAllowed);
            }
        }
        if let Some(expected) = &self.user_agent {
            let field = Field::user_agent();
            match request.text(&field) {
                Ok(Some(agent)) if agent == expected => {}
                _ => return Err(WebhookError::UserAgentRejected),
            }
        }
        Ok(())
    }
}

impl Method {
    fn has_secret(&self) -> bool {
        match self {
            Self::Signature(signature) => signature.has_secret(),
            Self::ApiKey { keys, .. } => !keys.is_empty(),
            Self::Basic(_) => true,
        }
    }

    fn is_presented(&self, request: &WebhookRequest<'_>) -> bool {
        match self {
            Self::Signature(signature) => signature.is_presented(request),
            Self::ApiKey { header, .. } => request.has(header),
            Self::Basic(_) => request.has(&Field::authorization()),
        }
    }

    fn absent(&self) -> WebhookError {
        match self {
            Self::Signature(signature) => signature.primary_header().missing(),
            Self::ApiKey { header, .. } => header.missing(),
            Self::Basic(_) => Field::authorization().missing(),
        }
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        window: Window,
    ) -> Result<Authenticated, WebhookError> {
        let matched = match self {
            Self::Signature(signature) => return signature.verify(request, window),
            Self::ApiKey { header, keys } => {
                let presented = request.required(header)?.as_bytes();
                keys.iter()
                    .fold(Choice::from(0), |found, key| found | key.matches(presented))
            }
            Self::Basic(expected) => {
                let field = Field::authorization();
                let credentials = basic_credentials(&field, request.required(&field)?)?;
                expected.matches(&credentials)
            }
        };
        if !bool::from(matched) {
            return Err(WebhookError::CredentialsRejected);
        }
        let scheme = if matches!(self, Self::Basic(_)) {
            Scheme::Basic
        } else {
            Scheme::ApiKey
        };
        Ok(Authenticated {
            scheme,
            id: None,
            timestamp: None,
        })
    }
}

/// The decoded `user:password` of an `Authorization: Basic ...` value.
fn basic_credentials(field: &Field, value: &str) -> Result<Zeroizing<Vec<u8>>, WebhookError> {
    let (kind, encoded) = value
        .split_once(' ')
        .ok_or_else(|| field.malformed("not HTTP Basic"))?;
    if !kind.eq_ignore_ascii_case("basic") {
        return Err(field.malformed("not HTTP Basic"));
    }
    match STANDARD.decode(encoded.trim_start_matches(' ')) {
        Ok(decoded) => Ok(Zeroizing::new(decoded)),
        Err(_) => Err(field.malformed("credentials are not base64")),
    }
}

impl Default for Provider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("methods", &self.methods)
            .field("unauthenticated", &self.unauthenticated)
            .field("networks", &self.networks)
            .field("user_agent", &self.user_agent)
            .field("tolerance", &self.tolerance)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}
