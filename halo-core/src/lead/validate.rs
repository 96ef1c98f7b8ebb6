//! The field checks shared by struct and JSON input.

use std::borrow::Cow;

use super::email;
use super::field::{FIELD_COUNT, LeadField};
use super::model::{Extra, Lead, ValidLead};
use super::phone;
use super::schema::{LeadSchema, PhonePolicy, UnknownFields};
use super::text;
use super::violation::{Violation, ViolationKind, Violations};

/// A lead's field values before checking, in [`LeadField`] order; `None`
/// is absent.
pub(super) type RawValues<'a> = [Option<Cow<'a, str>>; FIELD_COUNT];

impl LeadSchema {
    /// Validates a lead and normalises it, collecting every violation.
    ///
    /// Each field gets at most one violation, the first rule it breaks, in
    /// this order: control characters, required, format (email, phone),
    /// length. Optional fields that are blank after trimming count as
    /// absent. The [`ValidLead`] borrows from `lead` wherever a value was
    /// already normal.
    ///
    /// ```
    /// use halo_core::lead::{Lead, LeadSchema};
    ///
    /// let lead = Lead {
    ///     first_name: "  Ada ".into(),
    ///     last_name: "Lovelace".into(),
    ///     email: "ada@Example.COM".into(),
    ///     company: "Analytical   Engines".into(),
    ///     phone: Some("+44 (20) 7946-0000".into()),
    ///     ..Lead::default()
    /// };
    /// let valid = LeadSchema::default().validate(&lead)?;
    /// assert_eq!(valid.first_name(), "Ada");
    /// assert_eq!(valid.email(), "ada@example.com");
    /// assert_eq!(valid.company(), "Analytical Engines");
    /// assert_eq!(valid.phone(), Some("+442079460000"));
    ///
    /// let broken = Lead { email: "ada.example.com".into(), ..lead };
    /// let err = LeadSchema::default().validate(&broken).unwrap_err();
    /// assert_eq!(err.as_slice()[0].code(), "lead.email_invalid");
    /// assert!(!err.to_string().contains("ada.example.com"));
    /// # Ok::<(), halo_core::lead::Violations>(())
    /// ```
    pub fn validate<'a>(&self, lead: &'a Lead) -> Result<ValidLead<'a>, Violations> {
        let borrow = |s: &'a String| Some(Cow::Borrowed(s.as_str()));
        let optional = |s: &'a Option<String>| s.as_deref().map(Cow::Borrowed);
        let values = [
            borrow(&lead.first_name),
            borrow(&lead.last_name),
            borrow(&lead.email),
            optional(&lead.phone),
            borrow(&lead.company),
            optional(&lead.title),
            optional(&lead.website),
            optional(&lead.country),
            optional(&lead.source),
            optional(&lead.source_id),
        ];

        let mut violations = Vec::new();
        let extra = self.extra(Cow::Borrowed(&lead.extra), &mut violations);
        self.check(values, extra, violations)
    }

    /// Checks every field and builds the lead when nothing is wrong.
    /// `violations` may already hold problems found while reading.
    pub(super) fn check<'a>(
        &self,
        mut values: RawValues<'a>,
        extra: Cow<'a, Extra>,
        mut violations: Vec<Violation>,
    ) -> Result<ValidLead<'a>, Violations> {
        for field in LeadField::ALL {
            let slot = &mut values[field.index()];
            if !violations.is_empty() && violations.iter().any(|v| v.field == field.as_str()) {
                continue; // already refused while reading
            }
            match self.check_field(field, slot.take()) {
                Ok(value) => *slot = value,
                Err(violation) => violations.push(violation),
            }
        }

        if violations.is_empty() {
            Ok(ValidLead::new(values, extra))
        } else {
            Err(Violations::new(violations))
        }
    }

    /// Applies the unknown-field setting to fields outside the model.
    pub(super) fn extra<'a>(
        &self,
        extra: Cow<'a, Extra>,
        violations: &mut Vec<Violation>,
    ) -> Cow<'a, Extra> {
        for key in extra.keys() {
            if LeadField::from_name(key).is_some() {
                violations.push(Violation::for_key(
                    key,
                    ViolationKind::DuplicateField,
                    DUPLICATE,
                ));
            } else if self.unknown == UnknownFields::Reject {
                violations.push(Violation::for_key(
                    key,
                    ViolationKind::UnknownField,
                    UNKNOWN,
                ));
            }
        }
        match self.unknown {
            UnknownFields::Keep => extra,
            UnknownFields::Reject | UnknownFields::Strip => Cow::Owned(Extra::new()),
        }
    }

    fn check_field<'a>(
        &self,
        field: LeadField,
        value: Option<Cow<'a, str>>,
    ) -> Result<Option<Cow<'a, str>>, Violation> {
        let collapse = matches!(
            field,
            LeadField::FirstName
                | LeadField::LastName
                | LeadField::Company
                | LeadField::Title
                | LeadField::Country
        );
        let scanned = match value.map(|v| text::scan(v, collapse)) {
            Some(Ok(scanned)) => Some(scanned),
            Some(Err(text::ControlCharacter)) => {
                return Err(Violation::new(
                    field,
                    ViolationKind::ControlCharacter,
                    CONTROL,
                ));
            }
            None => None,
        };
        let Some(text::Scanned { text, chars }) = scanned.filter(|s| !s.text.is_empty()) else {
            return if field.is_required() {
                Err(Violation::new(field, ViolationKind::Required, REQUIRED))
            } else {
                Ok(None)
            };
        };

        match field {
            LeadField::Email => email::normalise(text)
                .map(Some)
                .map_err(|p| Violation::new(field, ViolationKind::EmailInvalid, p.message())),
            LeadField::Phone => {
                let number = self.phone(text)?;
                self.check_length(field, number.chars().count())?;
                Ok(Some(number))
            }
            _ => {
                self.check_length(field, chars)?;
                Ok(Some(text))
            }
        }
    }

    fn phone<'a>(&self, number: Cow<'a, str>) -> Result<Cow<'a, str>, Violation> {
        let invalid =
            |message| Violation::new(LeadField::Phone, ViolationKind::PhoneInvalid, message);
        match self.phone {
            PhonePolicy::Pattern => phone::normalise_pattern(number).map_err(invalid),
            #[cfg(feature = "phone")]
            PhonePolicy::E164 { default_region } => phone::normalise_e164(&number, default_region)
                .map(Cow::Owned)
                .map_err(invalid),
        }
    }

    fn check_length(&self, field: LeadField, chars: usize) -> Result<(), Violation> {
        let limit = self.lengths[field.index()];
        if chars < limit.min {
            let message = format!("must be at least {} characters", limit.min);
            return Err(Violation::with_message(
                field,
                ViolationKind::TooShort,
                message,
            ));
        }
        if chars > limit.max {
            let message = format!("must be at most {} characters", limit.max);
            return Err(Violation::with_message(
                field,
                ViolationKind::TooLong,
                message,
            ));
        }
        Ok(())
    }
}

const CONTROL: &str = "contains a control character";
const REQUIRED: &str = "is required";
const UNKNOWN: &str = "is not a lead field";
pub(super) const DUPLICATE: &str = "is given more than once";
