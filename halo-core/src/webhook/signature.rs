//! The signature method: one HMAC-SHA256 layout, its headers and its
//! active secrets, used both to verify and to sign.

use std::fmt;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::HeaderName;
use secrecy::{ExposeSecret, SecretString};

use super::keys::{self, MacKey, Tag};
use super::parse;
use super::request::{Field, WebhookRequest};
use super::{Scheme, WebhookError};
use crate::config::{SignatureEncoding, SignatureScheme};

/// An HMAC-SHA256 signature method: a layout of headers and every active
/// secret.
///
/// Secrets are tried in the order given, so a new secret can be added
/// before the sender switches to it and the old one removed after. Each
/// secret is kept only as a keyed HMAC state, zeroized on drop; `Debug`
/// shows the scheme, header names and the number of secrets.
///
/// ```
/// use halo_core::SecretString;
/// use halo_core::webhook::Signature;
///
/// let signature = Signature::generic()
///     .header("X-Apollo-Signature")?
///     .timestamp_header("X-Apollo-Timestamp")?
///     .secret(&SecretString::from("new-secret"))?
///     .secret(&SecretString::from("old-secret"))?;
/// # Ok::<(), halo_core::webhook::WebhookError>(())
/// ```
#[derive(Clone)]
pub struct Signature {
    scheme: SignatureScheme,
    header: Field,
    timestamp_header: Option<Field>,
    encoding: SignatureEncoding,
    keys: Vec<MacKey>,
}

/// The clock a delivery is checked against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    /// Now, in Unix seconds.
    pub(crate) now: u64,
    /// The allowed distance of a timestamp from now, in seconds.
    pub(crate) tolerance: u64,
    /// Whether the distance is checked at all.
    pub(crate) check: bool,
}

/// What a verified signature establishes.
#[derive(Debug)]
pub(crate) struct Authenticated {
    pub(crate) scheme: Scheme,
    pub(crate) id: Option<String>,
    pub(crate) timestamp: Option<u64>,
}

/// The three Standard Webhooks headers, under one prefix.
struct StandardHeaders {
    id: Field,
    timestamp: Field,
    signature: Field,
}

impl Signature {
    /// A signature method of `scheme` with its default header and no secret.
    pub fn new(scheme: SignatureScheme) -> Self {
        let header = match scheme {
            SignatureScheme::Generic => ("x-webhook-signature", "X-Webhook-Signature"),
            SignatureScheme::StandardWebhooks => ("webhook-signature", "webhook-signature"),
            SignatureScheme::Stripe => ("stripe-signature", "Stripe-Signature"),
            SignatureScheme::Github => ("x-hub-signature-256", "X-Hub-Signature-256"),
        };
        Self {
            scheme,
            header: Field::fixed(HeaderName::from_static(header.0), header.1),
            timestamp_header: None,
            encoding: SignatureEncoding::Hex,
            keys: Vec::new(),
        }
    }

    /// The guide's generic scheme: a hex HMAC of the body in
    /// `X-Webhook-Signature`, optionally after `sha256=`.
    pub fn generic() -> Self {
        Self::new(SignatureScheme::Generic)
    }

    /// Standard Webhooks: `webhook-id`, `webhook-timestamp` and
    /// `webhook-signature` (or the same headers prefixed `svix-`), over
    /// `{id}.{timestamp}.{body}`, with `whsec_` secrets.
    pub fn standard_webhooks() -> Self {
        Self::new(SignatureScheme::StandardWebhooks)
    }

    /// Stripe style: `Stripe-Signature: t=...,v1=...` over
    /// `{timestamp}.{body}`, keyed by the secret string as given.
    pub fn stripe() -> Self {
        Self::new(SignatureScheme::Stripe)
    }

    /// GitHub style: `X-Hub-Signature-256: sha256=...` over the body.
    pub fn github() -> Self {
        Self::new(SignatureScheme::Github)
    }

    /// Reads the signature from header `name` instead. Standard Webhooks
    /// headers are fixed and only accept `webhook-signature`.
    pub fn header(mut self, name: &str) -> Result<Self, WebhookError> {
        let fixed = self.scheme == SignatureScheme::StandardWebhooks;
        if fixed && !name.eq_ignore_ascii_case("webhook-signature") {
            return Err(WebhookError::setting("Standard Webhooks headers are fixed"));
        }
        self.header = Field::new(name)?;
        Ok(self)
    }

    /// Signs and reads a timestamp in header `name`; the signed content
    /// becomes `{timestamp}.{body}`. Generic scheme only.
    pub fn timestamp_header(mut self, name: &str) -> Result<Self, WebhookError> {
        self.generic_only("a timestamp header")?;
        self.timestamp_header = Some(Field::new(name)?);
        Ok(self)
    }

    /// Writes and reads the signature in `encoding` (default hex). Generic
    /// scheme only.
    pub fn encoding(mut self, encoding: SignatureEncoding) -> Result<Self, WebhookError> {
        self.generic_only("an encoding")?;
        self.encoding = encoding;
        Ok(self)
    }

    /// Adds an active secret. For Standard Webhooks it is `whsec_` (which may
    /// be left out) and the base64 of the key; for the other schemes its
    /// bytes are the key.
    pub fn secret(self, secret: &SecretString) -> Result<Self, WebhookError> {
        self.secret_bytes(secret.expose_secret().as_bytes())
    }

    /// Adds an active secret given as bytes; see [`Signature::secret`].
    pub fn secret_bytes(mut self, secret: &[u8]) -> Result<Self, WebhookError> {
        let key = match self.scheme {
            SignatureScheme::StandardWebhooks => MacKey::standard_webhooks(secret)?,
            _ => MacKey::new(secret)?,
        };
        self.keys.push(key);
        Ok(self)
    }

    /// The scheme of this method.
    pub fn scheme(&self) -> Scheme {
        match self.scheme {
            SignatureScheme::Generic => Scheme::Generic,
            SignatureScheme::StandardWebhooks => Scheme::StandardWebhooks,
            SignatureScheme::Stripe => Scheme::Stripe,
            SignatureScheme::Github => Scheme::Github,
        }
    }

    /// The header a delivery must carry for this method, for messages.
    pub(crate) fn primary_header(&self) -> &Field {
        &self.header
    }

    pub(crate) fn has_secret(&self) -> bool {
        !self.keys.is_empty()
    }

    /// Whether the delivery carries any header of this method.
    pub(crate) fn is_presented(&self, request: &WebhookRequest<'_>) -> bool {
        match self.scheme {
            SignatureScheme::StandardWebhooks => {
                WEBHOOK_HEADERS.any_in(request) || SVIX_HEADERS.any_in(request)
            }
            _ => request.has(&self.header),
        }
    }

    /// Checks the delivery's headers, timestamp and signature.
    pub(crate) fn verify(
        &self,
        request: &WebhookRequest<'_>,
        window: Window,
    ) -> Result<Authenticated, WebhookError> {
        let body = request.body();
        match self.scheme {
            SignatureScheme::Generic => {
                let tag =
                    parse::generic(&self.header, request.required(&self.header)?, self.encoding)?;
                match &self.timestamp_header {
                    None => self.check(&[body], &[tag], None, None),
                    Some(field) => {
                        let text = request.required(field)?;
                        let at = checked_timestamp(field, text, window)?;
                        self.check(&[text.as_bytes(), b".", body], &[tag], None, Some(at))
                    }
                }
            }
            SignatureScheme::StandardWebhooks => {
                let headers = StandardHeaders::of(request);
                let id = parse::delivery_id(&headers.id, request.required(&headers.id)?)?;
                let text = request.required(&headers.timestamp)?;
                let signatures = request.required(&headers.signature)?;
                let tags = parse::standard_webhooks(&headers.signature, signatures)?;
                let at = checked_timestamp(&headers.timestamp, text, window)?;
                let content = [id.as_bytes(), b".", text.as_bytes(), b".", body];
                self.check(&content, &tags, Some(id), Some(at))
            }
            SignatureScheme::Stripe => {
                let header = parse::stripe(&self.header, request.required(&self.header)?)?;
                let at = checked_timestamp(&self.header, header.timestamp, window)?;
                let content = [header.timestamp.as_bytes(), b".", body];
                self.check(&content, &header.tags, None, Some(at))
            }
            SignatureScheme::Github => {
                let tag = parse::github(&self.header, request.required(&self.header)?)?;
                self.check(&[body], &[tag], None, None)
            }
        }
    }

    /// The headers that sign `body`, as `(name, value)` pairs. `id` is used
    /// by Standard Webhooks only, `timestamp` (Unix seconds) by the schemes
    /// that sign one. Standard Webhooks and Stripe sign with every secret;
    /// the generic and GitHub schemes carry one signature, made with the
    /// first secret.
    pub(crate) fn sign(
        &self,
        id: &str,
        timestamp: u64,
        body: &[u8],
    ) -> Result<Vec<(String, String)>, WebhookError> {
        let first = self.keys.first().ok_or(WebhookError::NoSecret)?;
        let ts = timestamp.to_string();
        let header = self.header.label().to_owned();
        let headers = match self.scheme {
            SignatureScheme::Generic => {
                let mut out = Vec::with_capacity(2);
                let tag = match &self.timestamp_header {
                    None => first.tag(&[body]),
                    Some(field) => {
                        out.push((field.label().to_owned(), ts.clone()));
                        first.tag(&[ts.as_bytes(), b".", body])
                    }
                };
                let value = match self.encoding {
                    SignatureEncoding::Hex => base16ct::lower::encode_string(&tag),
                    SignatureEncoding::Base64 => STANDARD.encode(tag),
                };
                out.insert(0, (header, value));
                out
            }
            SignatureScheme::StandardWebhooks => {
                if !parse::is_delivery_id(id) {
                    let reason = "a delivery id is 1 to 256 visible ASCII characters";
                    return Err(WebhookError::setting(reason));
                }
                let content = [id.as_bytes(), b".", ts.as_bytes(), b".", body];
                let entries: Vec<String> = self
                    .keys
                    .iter()
                    .map(|k| format!("v1,{}", STANDARD.encode(k.tag(&content))))
                    .collect();
                vec![
                    ("webhook-id".to_owned(), id.to_owned()),
                    ("webhook-timestamp".to_owned(), ts),
                    (header, entries.join(" ")),
                ]
            }
            SignatureScheme::Stripe => {
                let content = [ts.as_bytes(), b".", body];
                let mut value = format!("t={ts}");
                for key in &self.keys {
                    value.push_str(",v1=");
                    value.push_str(&base16ct::lower::encode_string(&key.tag(&content)));
                }
                vec![(header, value)]
            }
            SignatureScheme::Github => {
                vec![(
                    header,
                    format!(
                        "sha256={}",
                        base16ct::lower::encode_string(&first.tag(&[body]))
                    ),
                )]
            }
        };
        Ok(headers)
    }

    /// Compares the expected tag under every secret with every presented
    /// tag, in constant time.
    fn check(
        &self,
        content: &[&[u8]],
        tags: &[Tag],
        id: Option<&str>,
        timestamp: Option<u64>,
    ) -> Result<Authenticated, WebhookError> {
        for key in &self.keys {
            let expected = key.tag(content);
            if keys::any_matches(&expected, tags) {
                let id = id.map_or_else(|| keys::id_of_tag(&expected), str::to_owned);
                return Ok(Authenticated {
                    scheme: self.scheme(),
                    id: Some(id),
                    timestamp,
                });
            }
        }
        Err(WebhookError::SignatureMismatch)
    }

    fn generic_only(&self, what: &str) -> Result<(), WebhookError> {
        if self.scheme == SignatureScheme::Generic {
            Ok(())
        } else {
            Err(WebhookError::setting(format!(
                "only the generic scheme takes {what}"
            )))
        }
    }
}

static WEBHOOK_HEADERS: LazyLock<StandardHeaders> = LazyLock::new(|| StandardHeaders {
    id: Field::fixed(HeaderName::from_static("webhook-id"), "webhook-id"),
    timestamp: Field::fixed(
        HeaderName::from_static("webhook-timestamp"),
        "webhook-timestamp",
    ),
    signature: Field::fixed(
        HeaderName::from_static("webhook-signature"),
        "webhook-signature",
    ),
});

static SVIX_HEADERS: LazyLock<StandardHeaders> = LazyLock::new(|| StandardHeaders {
    id: Field::fixed(HeaderName::from_static("svix-id"), "svix-id"),
    timestamp: Field::fixed(HeaderName::from_static("svix-timestamp"), "svix-timestamp"),
    signature: Field::fixed(HeaderName::from_static("svix-signature"), "svix-signature"),
});

impl StandardHeaders {
    /// The `webhook-` headers, or the `svix-` ones when the delivery carries
    /// only those.
    fn of(request: &WebhookRequest<'_>) -> &'static Self {
        if !WEBHOOK_HEADERS.any_in(request) && SVIX_HEADERS.any_in(request) {
            &SVIX_HEADERS
        } else {
            &WEBHOOK_HEADERS
        }
    }

    fn any_in(&self, request: &WebhookRequest<'_>) -> bool {
        [&self.id, &self.timestamp, &self.signature]
            .iter()
            .any(|f| request.has(f))
    }
}

/// Parses a timestamp and checks it is within the window, either way.
fn checked_timestamp(field: &Field, text: &str, window: Window) -> Result<u64, WebhookError> {
    let at = parse::timestamp(field, text)?;
    if window.check && at.abs_diff(window.now) > window.tolerance {
        return Err(WebhookError::TimestampOutOfTolerance {
            tolerance_secs: window.tolerance,
        });
    }
    Ok(at)
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("scheme", &self.scheme)
            .field("header", &self.header.label())
            .field(
                "timestamp_header",
                &self.timestamp_header.as_ref().map(Field::label),
            )
            .field("encoding", &self.encoding)
            .field("secrets", &self.keys.len())
            .finish()
    }
}
