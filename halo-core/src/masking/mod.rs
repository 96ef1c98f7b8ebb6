//! Masking personal data and secrets in records and log lines.
//!
//! One [`Masker`] holds the whole policy of `security.data_masking`:
//!
//! - [`Masker::mask_record`] masks a JSON record by field name: rules for
//!   emails, phone numbers, SSNs, card numbers and any other field
//!   ([`MaskRule`]), secret keys made `[REDACTED]`, the free text of other
//!   fields scanned, and a fail-closed mode that masks everything but an
//!   allow-list of keys.
//! - [`Masker::mask_text`] masks free text and log lines in one pass, with
//!   the detectors of [`Detector`]. It returns the text borrowed when there
//!   is nothing to mask, so it is cheap enough for every log line.
//! - A rule may replace values by keyed pseudonyms (`tok_…`, HMAC-SHA256),
//!   stable under one key, so masked logs can still be joined.
//! - With the `tracing` feature, `MaskingMakeWriter` masks every line a
//!   `tracing-subscriber` formatter writes.
//!
//! A masked value never shows how long the hidden part was: it is the rule's
//! pattern (see [`MaskRule`] for each kind and what `preserve_*` keeps).
//!
//! ```
//! use halo_core::config::Config;
//! use halo_core::masking::Masker;
//!
//! let config = Config::from_json_str(r#"{"security": {"data_masking": {
//!     "rules": {"email": {"preserve_domain": true}, "ssn": {"preserve_last_four": true}}
//! }}}"#)?;
//! let masker = Masker::from_config(&config)?;
//! assert_eq!(
//!     masker.mask_text("jane@example.com ssn 123-45-6789 Authorization: Bearer abc.def.ghi1"),
//!     "****@example.com ssn ***-**-6789 Authorization: Bearer [REDACTED]"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is detected in text, and what is not
//!
//! - Email addresses: a local part of ASCII letters, digits and `._%+-` (or
//!   any non-ASCII character), `@`, and two or more ASCII domain labels
//!   ending in a top-level domain of two or more letters (digits or `-`
//!   glued after it are left out: `jane@example.com123` masks
//!   `jane@example.com`). Quoted local parts,
//!   IP literal domains and internationalised domains not written in
//!   punycode (`bücher.de`, but `xn--bcher-kva.de` is found) are not
//!   detected.
//! - Phone numbers: NANP numbers in the usual forms (`415-555-0123`,
//!   `(415) 555-0123`, `+1 415 555 0123`, `4155550123`), and numbers of other
//!   countries only when written with `+` (8 to 15 digits). National forms of
//!   other countries (`020 7946 0018`) are not detected.
//! - SSNs: `AAA-GG-SSSS` or `AAA GG SSSS` in the issued ranges; a bare run of
//!   nine digits is not taken for one.
//! - Card numbers: 13 to 19 digits, bare or in the usual groups, starting
//!   with 2 to 6 and passing the Luhn check.
//! - `Bearer` and `Basic` credentials (eight or more characters that do not
//!   read as a word; a word that holds another finding, such as
//!   `Bearer x_token=*1`, is masked whole as the credential), JWTs (`eyJ…`
//!   in three or more segments), URL user information
//!   (`scheme://user:password@`, where the user may be an email address or
//!   hold non-ASCII characters: all of it up to the last `@` is masked).
//! - Values of secret keys: `key=value`, `key: value`, `"key": "value"` (and
//!   `\"key\": \"value\"` inside JSON strings), where the key contains a
//!   secret key after folding. An unquoted value ends at white space or one
//!   of ``,;&"'<>()[]{}\``; a quoted value that never closes is masked to the
//!   end of the text.
//!
//! Numbers are detected only as whole words: digits inside a word, after a
//! `.` or `-` that follows a letter, a digit, `.`, `-` or `@`, glued to a
//! `*` (where a mask stands for a word), or followed by `.`/`-` and a digit
//! (versions, dates, IP addresses, order ids) are left alone. Detection is pattern
//! based: a name, an address or a secret written as prose is not found, and
//! a number that merely looks like a phone number is masked.

mod classes;
mod error;
mod keys;
mod masker;
mod numbers;
mod pseudonym;
mod record;
mod rule;
mod scan;

#[cfg(feature = "tracing")]
mod log;

pub use error::MaskingError;
pub use keys::ALWAYS_SECRET_KEYS;
pub use masker::{Detection, Detector, Masker, MaskerBuilder};
pub use pseudonym::MIN_PSEUDONYM_KEY_BYTES;
pub use rule::MaskRule;

pub use crate::config::MaskKind;

#[cfg(feature = "tracing")]
pub use log::{MaskingMakeWriter, MaskingWriter};

#[cfg(test)]
mod tests;
