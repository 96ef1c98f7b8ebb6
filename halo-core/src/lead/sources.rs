//! Mapping records from lead sources (Apollo.io people, ZoomInfo contacts)
//! into [`Lead`].
//!
//! Mapping only moves values; it does not validate them. A record that lacks
//! a field the lead requires (or has it `null` or blank) fails with
//! `lead.source_field_missing`, naming the source's field; a field of an
//! unexpected JSON type fails with `lead.source_field_type`. Source fields
//! without a place in the model (LinkedIn URL, city, seniority, …) are not
//! carried over.

use std::borrow::Cow;

use serde_json::Value;

use super::error::LeadError;
use super::model::Lead;

/// Apollo's stand-in address for an email the plan has not revealed.
const APOLLO_LOCKED_EMAIL: &str = "email_not_unlocked@";

impl Lead {
    /// Maps an Apollo.io person record (from people enrichment or search;
    /// the `person` object, not the response around it).
    ///
    /// | lead | Apollo |
    /// |---|---|
    /// | `first_name`, `last_name`, `email`, `title`, `country` | the same names |
    /// | `phone` | the first of `phone_numbers[0]`, `organization.primary_phone` (*) |
    /// | `company` | `organization.name` |
    /// | `website` | `organization.website_url`, else `organization.primary_domain` |
    /// | `source`, `source_id` | `apollo`, `id` |
    ///
    /// (*) each one's `sanitized_number`, else its raw number (`raw_number`,
    /// `number`).
    ///
    /// Apollo's placeholder for a locked email (`email_not_unlocked@…`)
    /// counts as no email.
    ///
    /// ```
    /// use halo_core::lead::Lead;
    /// use serde_json::json;
    ///
    /// let person = json!({"id": "5f1", "first_name": "Tim", "last_name": "Zheng",
    ///     "email": "tim@apollo.example", "organization": {"name": "Apollo"}});
    /// let lead = Lead::from_apollo_person(&person)?;
    /// assert_eq!((lead.company.as_str(), lead.source.as_deref()), ("Apollo", Some("apollo")));
    ///
    /// let locked = json!({"first_name": "Tim", "last_name": "Zheng",
    ///     "email": "email_not_unlocked@domain.com", "organization": {"name": "Apollo"}});
    /// assert_eq!(Lead::from_apollo_person(&locked).unwrap_err().to_string(),
    ///     "apollo record has no usable `email`");
    /// # Ok::<(), halo_core::lead::LeadError>(())
    /// ```
    pub fn from_apollo_person(person: &Value) -> Result<Lead, LeadError> {
        let source = Source {
            provider: "apollo",
            record: person,
        };
        let email = source.required("email")?;
        if email
            .get(..APOLLO_LOCKED_EMAIL.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(APOLLO_LOCKED_EMAIL))
        {
            return Err(source.missing("email"));
        }

        let person_phone = source.first_of(&[
            "phone_numbers[0].sanitized_number",
            "phone_numbers[0].raw_number",
            "organization.primary_phone.sanitized_number",
            "organization.primary_phone.number",
        ])?;
        Ok(Lead {
            first_name: source.required("first_name")?,
            last_name: source.required("last_name")?,
            email,
            phone: person_phone,
            company: source.required("organization.name")?,
            title: source.optional("title")?,
            website: source
                .first_of(&["organization.website_url", "organization.primary_domain"])?,
            country: source.optional("country")?,
            source: Some("apollo".to_owned()),
            source_id: source.optional("id")?,
            extra: Default::default(),
        })
    }

    /// Maps a ZoomInfo contact record (search or enrich output).
    ///
    /// | lead | ZoomInfo |
    /// |---|---|
    /// | `first_name`, `last_name`, `email` | `firstName`, `lastName`, `email` |
    /// | `phone` | `phone`, else `mobilePhone` |
    /// | `company` | `companyName` |
    /// | `title` | `jobTitle` |
    /// | `source`, `source_id` | `zoominfo`, `id` (a number or a string) |
    ///
    /// ```
    /// use halo_core::lead::Lead;
    /// use serde_json::json;
    ///
    /// let contact = json!({"id": 1234, "firstName": "Ada", "lastName": "Byron",
    ///     "email": "ada@zoominfo.example", "companyName": "ZoomInfo"});
    /// let lead = Lead::from_zoominfo_contact(&contact)?;
    /// assert_eq!(lead.source_id.as_deref(), Some("1234"));
    ///
    /// let err = Lead::from_zoominfo_contact(&json!({"firstName": "Ada"})).unwrap_err();
    /// assert_eq!(err.code(), "lead.source_field_missing");
    /// # Ok::<(), halo_core::lead::LeadError>(())
    /// ```
    pub fn from_zoominfo_contact(contact: &Value) -> Result<Lead, LeadError> {
        let source = Source {
            provider: "zoominfo",
            record: contact,
        };
        Ok(Lead {
            first_name: source.required("firstName")?,
            last_name: source.required("lastName")?,
            email: source.required("email")?,
            phone: source.first_of(&["phone", "mobilePhone"])?,
            company: source.required("companyName")?,
            title: source.optional("jobTitle")?,
            website: None,
            country: None,
            source: Some("zoominfo".to_owned()),
            source_id: source.optional("id")?,
            extra: Default::default(),
        })
    }
}

/// One record of one provider.
struct Source<'r> {
    provider: &'static str,
    record: &'r Value,
}

impl Source<'_> {
    fn required(&self, path: &'static str) -> Result<String, LeadError> {
        self.optional(path)?.ok_or_else(|| self.missing(path))
    }

    fn first_of(&self, paths: &[&'static str]) -> Result<Option<String>, LeadError> {
        for path in paths {
            if let Some(value) = self.optional(path)? {
                return Ok(Some(value));
            }
        }
        Ok(None)
    }

    /// The text at `path` (`a.b[0].c`): strings as given, numbers in
    /// decimal; absent, `null` and blank strings are `None`.
    fn optional(&self, path: &'static str) -> Result<Option<String>, LeadError> {
        let Some(value) = lookup(self.record, path) else {
            return Ok(None);
        };
        match value {
            Value::Null => Ok(None),
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            Value::Number(n) => Ok(Some(n.to_string())),
            _ => Err(LeadError::SourceFieldType {
                provider: self.provider,
                field: Cow::Borrowed(path),
            }),
        }
    }

    fn missing(&self, path: &'static str) -> LeadError {
        LeadError::SourceFieldMissing {
            provider: self.provider,
            field: Cow::Borrowed(path),
        }
    }
}

/// The value at a path such as `phone_numbers[0].raw_number`; `None` when
/// any step is absent or `null`.
fn lookup<'v>(mut value: &'v Value, path: &str) -> Option<&'v Value> {
    for segment in path.split('.') {
        let (key, index) = match segment.split_once('[') {
            Some((key, index)) => (key, index.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        value = value.get(key)?;
        if let Some(index) = index {
            value = value.get(index)?;
        }
    }
    Some(value)
}
