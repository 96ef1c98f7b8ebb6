//! An inbound delivery as the verifier sees it: raw body bytes, headers
//! looked up without regard to case, the source address and the provider.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use http::{HeaderMap, HeaderName};

use super::WebhookError;
use crate::bytes::same;

/// The longest header value that is parsed, in bytes. Longer values are
/// refused as malformed before any work is done on them.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

/// One inbound webhook delivery, borrowed from the caller's request.
///
/// The body is the raw bytes as received (they need not be UTF-8): verify
/// before parsing, never a re-serialised body. Headers come from an
/// [`http::HeaderMap`], from name/value pairs, or both; names are compared
/// without regard to case. A header that appears twice is refused as
/// malformed when the verifier needs it.
///
/// `Debug` shows header names and the body's length only.
#[derive(Clone)]
pub struct WebhookRequest<'a> {
    provider: Option<&'a str>,
    map: Option<&'a HeaderMap>,
    pairs: Vec<(&'a str, &'a [u8])>,
    body: &'a [u8],
    remote_addr: Option<IpAddr>,
}

/// A header the verifier reads: its parsed name for lookups and its
/// configured spelling for messages.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    name: HeaderName,
    label: Cow<'static, str>,
}

impl<'a> WebhookRequest<'a> {
    /// A delivery of `body` without headers, for the default provider.
    pub fn new(body: &'a [u8]) -> Self {
        Self {
            provider: None,
            map: None,
            pairs: Vec::new(),
            body,
            remote_addr: None,
        }
    }

    /// A delivery of `body` with the headers of an `http` request.
    pub fn from_header_map(headers: &'a HeaderMap, body: &'a [u8]) -> Self {
        Self {
            map: Some(headers),
            ..Self::new(body)
        }
    }

    /// A delivery of `body` with headers given as name/value pairs.
    pub fn from_pairs<N, V>(headers: &'a [(N, V)], body: &'a [u8]) -> Self
    where
        N: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let pairs = headers
            .iter()
            .map(|(n, v)| (n.as_ref(), v.as_ref()))
            .collect();
        Self {
            pairs,
            ..Self::new(body)
        }
    }

    /// Adds one header.
    pub fn header(mut self, name: &'a str, value: &'a [u8]) -> Self {
        self.pairs.push((name, value));
        self
    }

    /// Verifies the delivery against the named provider instead of the
    /// default one (usually chosen by the route, such as
    /// `/webhooks/apollo`).
    pub fn provider(mut self, name: &'a str) -> Self {
        self.provider = Some(name);
        self
    }

    /// The address the delivery came from, checked against the provider's
    /// `ip_whitelist`. Behind a proxy, pass the client address the proxy
    /// reports only if the proxy is trusted to set it.
    pub fn remote_addr(mut self, addr: IpAddr) -> Self {
        self.remote_addr = Some(addr);
        self
    }

    /// The body bytes.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The provider named by the request, `None` for the default.
    pub fn provider_name(&self) -> Option<&'a str> {
        self.provider
    }

    pub(crate) fn addr(&self) -> Option<IpAddr> {
        self.remote_addr
    }

    /// Whether the header is present at least once.
    pub(crate) fn has(&self, field: &Field) -> bool {
        self.map.is_some_and(|m| m.contains_key(&field.name))
            || self.pairs.iter().any(|(n, _)| field.matches(n))
    }

    /// The header's only value as trimmed ASCII text, `None` when absent.
    pub(crate) fn text(&self, field: &Field) -> Result<Option<&'a str>, WebhookError> {
        let Some(raw) = self.single(field)? else {
            return Ok(None);
        };
        if raw.len() > MAX_HEADER_BYTES {
            return Err(field.malformed("too long"));
        }
        if !raw.is_ascii() {
            return Err(field.malformed("not ASCII text"));
        }
        let blank = |b: &u8| matches!(b, b' ' | b'\t');
        let start = raw.iter().position(|b| !blank(b)).unwrap_or(raw.len());
        let end = raw
            .iter()
            .rposition(|b| !blank(b))
            .map_or(start, |last| last + 1);
        let trimmed = raw.get(start..end).unwrap_or_default();
        // ASCII is UTF-8: this cannot fail.
        std::str::from_utf8(trimmed)
            .map(Some)
            .map_err(|_| field.malformed("not ASCII text"))
    }

    /// The header's only value as trimmed ASCII text; absence is an error.
    pub(crate) fn required(&self, field: &Field) -> Result<&'a str, WebhookError> {
        self.text(field)?.ok_or_else(|| field.missing())
    }

    fn single(&self, field: &Field) -> Result<Option<&'a [u8]>, WebhookError> {
        let mut found = None;
        if let Some(map) = self.map {
            let mut values = map.get_all(&field.name).iter();
            found = values.next().map(|v| v.as_bytes());
            if found.is_some() && values.next().is_some() {
                return Err(field.malformed("repeated"));
            }
        }
        for &(name, value) in &self.pairs {
            if field.matches(name) {
                if found.is_some() {
                    return Err(field.malformed("repeated"));
                }
                found = Some(value);
            }
        }
        Ok(found)
    }
}

impl Field {
    /// A header to read, refused when HTTP does not allow the name.
    pub(crate) fn new(label: &str) -> Result<Self, WebhookError> {
        match HeaderName::from_bytes(label.as_bytes()) {
            Ok(name) => Ok(Self {
                name,
                label: Cow::Owned(label.to_owned()),
            }),
            Err(_) => Err(WebhookError::setting(format!(
                "`{label}` is not a valid header name"
            ))),
        }
    }

    /// A header whose name is known to be valid.
    pub(crate) fn fixed(name: HeaderName, label: &'static str) -> Self {
        Self {
            name,
            label: Cow::Borrowed(label),
        }
    }

    /// `User-Agent`.
    pub(crate) fn user_agent() -> Self {
        Self::fixed(http::header::USER_AGENT, "User-Agent")
    }

    /// `Authorization`.
    pub(crate) fn authorization() -> Self {
        Self::fixed(http::header::AUTHORIZATION, "Authorization")
    }

    /// Whether both name the same header.
    pub(crate) fn same(&self, other: &Self) -> bool {
        self.name == other.name
    }

    pub(crate) fn label(&self) -> &str {
        &self.label
    }

    pub(crate) fn missing(&self) -> WebhookError {
        WebhookError::missing(&self.label)
    }

    pub(crate) fn malformed(&self, reason: &'static str) -> WebhookError {
        WebhookError::malformed(&self.label, reason)
    }

    /// Whether `name` is this header's, in any case. Names of another
    /// length are told apart without looking at their bytes, and names
    /// sent in lowercase, as HTTP/2 and most frameworks give them, by one
    /// comparison of their bytes.
    #[inline]
    fn matches(&self, name: &str) -> bool {
        let own = self.name.as_str();
        name.len() == own.len()
            && (same(name.as_bytes(), own.as_bytes()) || name.eq_ignore_ascii_case(own))
    }
}

impl fmt::Debug for WebhookRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self
            .map
            .into_iter()
            .flat_map(|m| m.keys())
            .map(|n| n.as_str())
            .collect();
        names.extend(self.pairs.iter().map(|(n, _)| *n));
        f.debug_struct("WebhookRequest")
            .field("provider", &self.provider)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .field("remote_addr", &self.remote_addr.map(|_| "[set]"))
            .finish()
    }
}
