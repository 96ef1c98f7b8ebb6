//! The lead as received ([`Lead`]) and as validated ([`ValidLead`]).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::LeadError;
use super::field::{FIELD_COUNT, LeadField};

/// Fields outside the lead model, by name, kept as JSON values.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// A lead as received from a form, an API or a file, before validation.
///
/// The four required fields are plain strings: an empty string stands for an
/// absent value and is reported as `lead.required`. Optional fields are
/// `None` when absent. `extra` holds any other field; what happens to it is
/// the schema's [`UnknownFields`](super::UnknownFields) setting.
///
/// `Debug` shows the values: a lead is personal data, so format it only
/// where personal data may go.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Lead {
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Email address.
    pub email: String,
    /// Telephone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Company name.
    pub company: String,
    /// Job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Company web site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Country, as the source spells it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Where the lead came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The lead's id at its source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A lead that passed a [`LeadSchema`](super::LeadSchema), normalised.
///
/// Values are trimmed; names, company, title and country have inner runs of
/// whitespace collapsed to one space; the email's domain is lower case ASCII
/// (internationalised domains in their `xn--` form); the phone keeps its
/// leading `+` and digits only (or is in E.164 form under that policy);
/// optional fields that were blank are absent.
///
/// A `ValidLead` borrows from the lead or JSON it was validated from where
/// nothing had to change, so validation does not allocate for a lead that is
/// already normal. [`ValidLead::into_owned`] detaches it.
///
/// It can only be made by validation. `Debug` shows the values.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidLead<'a> {
    values: [Option<Cow<'a, str>>; FIELD_COUNT],
    extra: Cow<'a, Extra>,
}

impl<'a> ValidLead<'a> {
    pub(super) fn new(values: [Option<Cow<'a, str>>; FIELD_COUNT], extra: Cow<'a, Extra>) -> Self {
        Self { values, extra }
    }

    /// The normalised value of a field, `None` when an optional field is
    /// absent.
    pub fn get(&self, field: LeadField) -> Option<&str> {
        self.values[field.index()].as_deref()
    }

    /// Given name.
    pub fn first_name(&self) -> &str {
        self.required(LeadField::FirstName)
    }

    /// Family name.
    pub fn last_name(&self) -> &str {
        self.required(LeadField::LastName)
    }

    /// Email address, its domain in lower case ASCII.
    pub fn email(&self) -> &str {
        self.required(LeadField::Email)
    }

    /// Telephone number: `+` and digits, or E.164 under that policy.
    pub fn phone(&self) -> Option<&str> {
        self.get(LeadField::Phone)
    }

    /// Company name.
    pub fn company(&self) -> &str {
        self.required(LeadField::Company)
    }

    /// Job title.
    pub fn title(&self) -> Option<&str> {
        self.get(LeadField::Title)
    }

    /// Company web site, trimmed (not checked as a URL).
    pub fn website(&self) -> Option<&str> {
        self.get(LeadField::Website)
    }

    /// Country, as given.
    pub fn country(&self) -> Option<&str> {
        self.get(LeadField::Country)
    }

    /// Where the lead came from.
    pub fn source(&self) -> Option<&str> {
        self.get(LeadField::Source)
    }

    /// The lead's id at its source.
    pub fn source_id(&self) -> Option<&str> {
        self.get(LeadField::SourceId)
    }

    /// Fields kept under [`UnknownFields::Keep`](super::UnknownFields::Keep);
    /// empty under the other settings.
    pub fn extra(&self) -> &Extra {
        &self.extra
    }

    /// The key under which two leads are the same person: the normalised
    /// email, lower-cased whole.
    ///
    /// RFC 5321 lets the local part be case-sensitive, but no mail provider
    /// in use treats it so and HaloPSA searches emails without regard to
    /// case, so `Ada@example.com` and `ada@example.com` share a key. The key
    /// borrows when the email is already lower case.
    pub fn dedupe_key(&self) -> Cow<'_, str> {
        let email = self.email();
        if email.is_ascii() {
            if email.bytes().any(|b| b.is_ascii_uppercase()) {
                return Cow::Owned(email.to_ascii_lowercase());
            }
            return Cow::Borrowed(email);
        }
        let lower = email.to_lowercase();
        if lower == email {
            Cow::Borrowed(email)
        } else {
            Cow::Owned(lower)
        }
    }

    /// The same lead with every value owned, so that it outlives its input.
    pub fn into_owned(self) -> ValidLead<'static> {
        ValidLead {
            values: self.values.map(|v| v.map(|v| Cow::Owned(v.into_owned()))),
            extra: Cow::Owned(self.extra.into_owned()),
        }
    }

    /// A [`Lead`] holding the normalised values, for code that wants the
    /// plain struct. Validating it again gives an equal `ValidLead`.
    pub fn to_lead(&self) -> Lead {
        let text = |field| self.get(field).map(str::to_owned);
        Lead {
            first_name: self.first_name().to_owned(),
            last_name: self.last_name().to_owned(),
            email: self.email().to_owned(),
            phone: text(LeadField::Phone),
            company: self.company().to_owned(),
            title: text(LeadField::Title),
            website: text(LeadField::Website),
            country: text(LeadField::Country),
            source: text(LeadField::Source),
            source_id: text(LeadField::SourceId),
            extra: self.extra.as_ref().clone(),
        }
    }

    fn required(&self, field: LeadField) -> &str {
        self.get(field).unwrap_or_default()
    }
}

impl Lead {
    /// A lead from values in [`LeadField`] order; absent required fields
    /// become empty strings.
    pub(super) fn from_values(values: [Option<String>; FIELD_COUNT], extra: Extra) -> Self {
        let [
            first_name,
            last_name,
            email,
            phone,
            company,
            title,
            website,
            country,
            source,
            source_id,
        ] = values;
        Lead {
            first_name: first_name.unwrap_or_default(),
            last_name: last_name.unwrap_or_default(),
            email: email.unwrap_or_default(),
            phone,
            company: company.unwrap_or_default(),
            title,
            website,
            country,
            source,
            source_id,
            extra,
        }
    }

    /// Reads a lead from a JSON object without validating it.
    ///
    /// Known fields must be strings or `null`; other fields land in
    /// [`Lead::extra`]. A field of another type or a repeated key fails with
    /// `lead.invalid`, malformed JSON with `lead.syntax`, anything but an
    /// object with `lead.not_object`. Prefer
    /// [`LeadSchema::validate_json`](super::LeadSchema::validate_json) for
    /// untrusted input: it validates in the same pass.
    pub fn from_json(json: &[u8]) -> Result<Lead, LeadError> {
        let raw = super::json::parse(json, super::UnknownFields::Keep, usize::MAX)?;
        raw.into_lead()
    }
}

impl Serialize for ValidLead<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let present = self.values.iter().filter(|v| v.is_some()).count();
        let mut map = serializer.serialize_map(Some(present + self.extra.len()))?;
        for field in LeadField::ALL {
            if let Some(value) = self.get(field) {
                map.serialize_entry(field.as_str(), value)?;
            }
        }
        for (key, value) in self.extra.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
