//! Producing the headers of a delivery, for tests and for integrations
//! that send webhooks themselves.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};

use super::keys;
use super::request::Field;
use super::signature::Signature;
use super::{Scheme, WebhookError};

/// Produces the headers that authenticate a delivery under one scheme.
///
/// The returned values of the Basic and API-key methods contain the
/// credential itself: send them, never log them. `Debug` shows no secret.
///
/// ```
/// use halo_core::SecretString;
/// use halo_core::webhook::{Signature, WebhookSigner};
///
/// let secret = SecretString::from("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
/// let signer = WebhookSigner::new(Signature::standard_webhooks().secret(&secret)?);
/// let body = br#"{"test": 2432232314}"#;
/// let headers = signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)?;
/// assert_eq!(headers[2].1, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
/// # Ok::<(), halo_core::webhook::WebhookError>(())
/// ```
pub struct WebhookSigner {
    kind: Kind,
}

enum Kind {
    Signature(Signature),
    Basic(SecretString),
    ApiKey { header: String, key: SecretString },
}

impl WebhookSigner {
    /// A signer for a signature method, using its secrets.
    pub fn new(signature: Signature) -> Self {
        Self {
            kind: Kind::Signature(signature),
        }
    }

    /// A signer that sends HTTP Basic credentials.
    pub fn basic(username: &str, password: &SecretString) -> Self {
        let credentials =
            zeroize::Zeroizing::new(format!("{username}:{}", password.expose_secret()));
        let value = format!("Basic {}", STANDARD.encode(credentials.as_bytes()));
        Self {
            kind: Kind::Basic(SecretString::from(value)),
        }
    }

    /// A signer that sends `key` in header `header`.
    pub fn api_key(header: &str, key: &SecretString) -> Result<Self, WebhookError> {
        Field::new(header)?;
        keys::check_api_key(key.expose_secret())?;
        let key = SecretString::from(key.expose_secret().to_owned());
        Ok(Self {
            kind: Kind::ApiKey {
                header: header.to_owned(),
                key,
            },
        })
    }

    /// The scheme of the headers this signer produces.
    pub fn scheme(&self) -> Scheme {
        match &self.kind {
            Kind::Signature(signature) => signature.scheme(),
            Kind::Basic(_) => Scheme::Basic,
            Kind::ApiKey { .. } => Scheme::ApiKey,
        }
    }

    /// The headers for a delivery of `body`, as `(name, value)` pairs.
    ///
    /// `id` is used by Standard Webhooks only (1 to 256 visible ASCII
    /// characters) and `timestamp` (Unix seconds) only by the schemes that
    /// sign one. Standard Webhooks and Stripe sign with every secret, one
    /// signature each; the generic and GitHub schemes carry one signature,
    /// made with the first secret. Fails with `webhook.no_secret` when the
    /// signature method has no secret.
    pub fn sign(
        &self,
        id: &str,
        timestamp: u64,
        body: &[u8],
    ) -> Result<Vec<(String, String)>, WebhookError> {
        match &self.kind {
            Kind::Signature(signature) => signature.sign(id, timestamp, body),
            Kind::Basic(value) => Ok(vec![(
                "Authorization".to_owned(),
                value.expose_secret().to_owned(),
            )]),
            Kind::ApiKey { header, key } => {
                Ok(vec![(header.clone(), key.expose_secret().to_owned())])
            }
        }
    }
}

impl fmt::Debug for WebhookSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Signature(signature) => f.debug_tuple("WebhookSigner").field(signature).finish(),
            Kind::Basic(_) => f.write_str("WebhookSigner(Basic([REDACTED]))"),
            Kind::ApiKey { header, .. } => {
                write!(f, "WebhookSigner(ApiKey({header:?}, [REDACTED]))")
            }
        }
    }
}
