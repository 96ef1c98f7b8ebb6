//! Leads: the model, validation against the guide's schema, normalisation,
//! and mapping from lead sources (Apollo.io, ZoomInfo, CSV).
//!
//! [`LeadSchema::default`] is the security guide's Joi schema:
//! `first_name` and `last_name` of 1–50 characters, a valid `email`, an
//! optional `phone` matching `^\+?[\d\s\-\(\)]+$` and a `company` of 1–100
//! characters, unknown fields rejected. Validation collects every
//! [`Violation`], each with a stable code (`lead.required`,
//! `lead.email_invalid`, …) and a message that never quotes the value, so
//! errors can be shown and logged without leaking personal data.
//!
//! ```
//! use halo_core::lead::{LeadSchema, UnknownFields};
//!
//! let schema = LeadSchema::builder().unknown_fields(UnknownFields::Strip).build();
//! let json = r#"{"first_name": "José", "last_name": "Núñez", "email": "jose@bücher.example",
//!                "company": "Bücher  GmbH", "utm_campaign": "spring"}"#;
//! let lead = schema.validate_json(json.as_bytes())?;
//! assert_eq!(lead.email(), "jose@xn--bcher-kva.example");
//! assert_eq!(lead.company(), "Bücher GmbH");
//! assert!(lead.extra().is_empty());
//! # Ok::<(), halo_core::lead::LeadError>(())
//! ```
//!
//! # Rules and their limits
//!
//! - Every value is trimmed of Unicode whitespace first. A value with a
//!   control character (Unicode category Cc: tab, line feed, NUL, DEL, C1)
//!   is refused, in every field.
//! - Names, company, title and country have each inner run of whitespace
//!   replaced by one space. Lengths count Unicode scalar values of the
//!   normalised value (see [`Length`]).
//! - Email: see the rules below. The local part keeps its case;
//!   [`ValidLead::dedupe_key`] lower-cases the whole address.
//! - Phone: the guide's pattern plus "at least one digit"; or, with the
//!   `phone` feature, `PhonePolicy::E164` (libphonenumber's rules, E.164
//!   output).
//! - Optional fields that are blank count as absent. Website, source and
//!   source id are only trimmed and length-checked: the website is not
//!   parsed as a URL.
//! - Values of fields kept under [`UnknownFields::Keep`] are not checked.
//!
//! Email addresses: the local part is RFC 5322 dot-atom text (with UTF-8 as
//! RFC 6531 allows) of at most 64 octets; the domain is mapped to ASCII by
//! UTS 46 and must be a host name of at least two labels whose last label
//! is not all digits; the whole address is at most 254 octets. Quoted local
//! parts, comments, domain literals (`user@[192.0.2.1]`) and single-label
//! domains are refused; nothing is looked up in DNS or in the list of
//! top-level domains.
//!
//! This module does not mask, store or send leads: see the masking and sync
//! modules for that.

mod csv;
mod email;
mod error;
mod field;
mod fields;
mod json;
mod model;
mod phone;
mod schema;
mod sources;
mod text;
mod validate;
mod violation;

pub use csv::{CsvLeads, CsvMapping, CsvRow};
pub use error::LeadError;
pub use field::LeadField;
pub use fields::LeadFields;
pub use json::{JsonLines, LineOutcome};
pub use model::{Extra, Lead, ValidLead};
#[cfg(feature = "phone")]
pub use schema::Region;
pub use schema::{
    DEFAULT_MAX_JSON_BYTES, LeadSchema, LeadSchemaBuilder, Length, PhonePolicy, UnknownFields,
};
pub use violation::{Violation, ViolationKind, Violations};

#[cfg(test)]
mod tests;
