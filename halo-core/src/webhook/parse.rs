//! Reading signature headers: timestamps, delivery ids and the tags each
//! scheme carries. Parsers only check format; nothing here compares a tag.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use smallvec::SmallVec;

use super::WebhookError;
use super::keys::{TAG_LEN, Tag};
use super::request::Field;
use crate::config::SignatureEncoding;

/// The most signatures read from one header; more is refused as malformed.
pub const MAX_SIGNATURES: usize = 32;

/// The longest delivery id accepted, in bytes.
pub const MAX_ID_BYTES: usize = 256;

/// The most digits a Unix timestamp in seconds may have.
const MAX_TIMESTAMP_DIGITS: usize = 12;

/// What a `t=...,v1=...` header carries.
#[derive(Debug)]
pub(crate) struct StripeHeader<'a> {
    /// The timestamp as written, which is what was signed.
    pub(crate) timestamp: &'a str,
    /// Every well-formed `v1` tag.
    pub(crate) tags: Tags,
}

/// The tags of one header. The first two are held inline: nearly every
/// delivery carries one signature, or two while a secret is rotated, and
/// verifying it then allocates nothing for them.
pub(crate) type Tags = SmallVec<[Tag; 2]>;

/// A Unix timestamp in whole seconds: ASCII digits only.
pub(crate) fn timestamp(field: &Field, text: &str) -> Result<u64, WebhookError> {
    let digits = !text.is_empty() && text.len() <= MAX_TIMESTAMP_DIGITS;
    match text.parse::<u64>() {
        Ok(value) if digits && text.bytes().all(|b| b.is_ascii_digit()) => Ok(value),
        _ => Err(field.malformed("not a Unix timestamp in seconds")),
    }
}

/// A delivery id: 1 to 256 visible ASCII characters.
pub(crate) fn delivery_id<'a>(field: &Field, text: &'a str) -> Result<&'a str, WebhookError> {
    if is_delivery_id(text) {
        Ok(text)
    } else {
        Err(field.malformed("not 1 to 256 visible ASCII characters"))
    }
}

/// Whether `text` is acceptable as a delivery id.
pub(crate) fn is_delivery_id(text: &str) -> bool {
    // Every byte is looked at, without an early exit, so that the test runs
    // on many bytes at once.
    let graphic = text.bytes().fold(true, |all, b| all & b.is_ascii_graphic());
    !text.is_empty() && text.len() <= MAX_ID_BYTES && graphic
}

/// The guide's generic header: one tag in `encoding`, optionally after
/// `sha256=`.
pub(crate) fn generic(
    field: &Field,
    text: &str,
    encoding: SignatureEncoding,
) -> Result<Tag, WebhookError> {
    let value = text.strip_prefix("sha256=").unwrap_or(text);
    match encoding {
        SignatureEncoding::Hex => {
            hex_tag(value).ok_or_else(|| field.malformed("not a hex HMAC-SHA256"))
        }
        SignatureEncoding::Base64 => {
            base64_tag(value).ok_or_else(|| field.malformed("not a base64 HMAC-SHA256"))
        }
    }
}

/// GitHub's header: `sha256=` and one hex tag.
pub(crate) fn github(field: &Field, text: &str) -> Result<Tag, WebhookError> {
    text.strip_prefix("sha256=")
        .and_then(hex_tag)
        .ok_or_else(|| field.malformed("not `sha256=` and a hex HMAC-SHA256"))
}

/// Standard Webhooks' header: space-separated `version,base64` entries.
/// Entries of other versions are skipped; at least one well-formed `v1`
/// entry is required.
pub(crate) fn standard_webhooks(field: &Field, text: &str) -> Result<Tags, WebhookError> {
    let mut tags = Tags::new();
    for (i, entry) in text.split(' ').filter(|e| !e.is_empty()).enumerate() {
        if i >= MAX_SIGNATURES {
            return Err(field.malformed("too many signatures"));
        }
        tags.extend(entry.strip_prefix("v1,").and_then(base64_tag));
    }
    if tags.is_empty() {
        return Err(field.malformed("no well-formed `v1` signature"));
    }
    Ok(tags)
}

/// Stripe's header: comma-separated `key=value` pairs with exactly one `t`
/// and at least one well-formed `v1`; other keys are skipped.
pub(crate) fn stripe<'a>(field: &Field, text: &'a str) -> Result<StripeHeader<'a>, WebhookError> {
    let mut timestamp = None;
    let mut tags = Tags::new();
    for (i, item) in text.split(',').enumerate() {
        if i >= 2 * MAX_SIGNATURES {
            return Err(field.malformed("too many entries"));
        }
        let Some((key, value)) = item.trim().split_once('=') else {
            return Err(field.malformed("an entry is not `key=value`"));
        };
        match key {
            "t" if timestamp.is_some() => return Err(field.malformed("more than one timestamp")),
            "t" => timestamp = Some(value),
            "v1" => tags.extend(hex_tag(value)),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or_else(|| field.malformed("no `t` timestamp"))?;
    if tags.is_empty() {
        return Err(field.malformed("no well-formed `v1` signature"));
    }
    Ok(StripeHeader { timestamp, tags })
}

fn hex_tag(text: &str) -> Option<Tag> {
    if text.len() != 2 * TAG_LEN {
        return None;
    }
    let mut tag = [0u8; TAG_LEN];
    base16ct::mixed::decode(text, &mut tag).ok()?;
    Some(tag)
}

fn base64_tag(text: &str) -> Option<Tag> {
    // 32 bytes are exactly 44 padded base64 characters; checking the length
    // first keeps decoding bounded.
    if text.len() != 44 {
        return None;
    }
    // One spare byte: the decoder wants room for its length estimate.
    let mut decoded = [0u8; TAG_LEN + 1];
    match STANDARD.decode_slice(text, &mut decoded) {
        Ok(TAG_LEN) => decoded[..TAG_LEN].try_into().ok(),
        _ => None,
    }
}
