//! Unit tests for the lead module; the language-neutral cases live in
//! `tests/vectors/leads/`.

use std::borrow::Cow;

use proptest::prelude::*;

use super::*;

fn ada() -> Lead {
    Lead {
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        email: "ada@example.com".into(),
        company: "Analytical Engines".into(),
        ..Lead::default()
    }
}

#[test]
fn messages_never_show_values() {
    let lead = Lead {
        first_name: "Sensitivefirst\u{7}".into(),
        last_name: "Sensitivelast".repeat(10),
        email: "sensitive.mail@@example.com".into(),
        phone: Some("sensitive-phone-123".into()),
        company: "".into(),
        title: Some("Sensitivetitle".repeat(20)),
        extra: [(
            "sensitive_key_ok".to_owned(),
            serde_json::json!("sensitive-extra-value"),
        )]
        .into(),
        ..Lead::default()
    };
    let err = LeadSchema::default().validate(&lead).unwrap_err();
    assert_eq!(err.len(), 7, "{err}");

    let shown = format!("{err} {err:?} {}", LeadError::from(err.clone()));
    for value in [
        "Sensitivefirst",
        "Sensitivelast",
        "sensitive.mail",
        "sensitive-phone",
        "Sensitivetitle",
    ] {
        assert!(!shown.contains(value), "{value} shown in {shown}");
    }
    assert!(!shown.contains("sensitive-extra-value"));
    // Keys are names, not values: the unknown field is named.
    assert!(shown.contains("sensitive_key_ok"));
}

#[test]
fn json_errors_never_show_values() {
    let schema = LeadSchema::default();
    for text in [
        r#"{"first_name": "Secretname", "email": 12345678}"#,
        r#"{"first_name": "Secretname" "#,
        r#"["Secretname"]"#,
        r#"{"first_name": "Secretname", "first_name": "Secretname"}"#,
    ] {
        let err = schema.validate_json(text.as_bytes()).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("Secretname") && !shown.contains("12345678"),
            "{shown}"
        );
    }
}

#[test]
fn every_violation_is_collected_in_field_order() {
    let lead = Lead {
        first_name: " ".into(),
        email: "nope".into(),
        phone: Some("call me".into()),
        company: "x".repeat(101),
        ..ada()
    };
    let err = LeadSchema::default().validate(&lead).unwrap_err();
    let codes: Vec<_> = err.iter().map(|v| (v.field.as_ref(), v.code())).collect();
    assert_eq!(
        codes,
        [
            ("first_name", "lead.required"),
            ("email", "lead.email_invalid"),
            ("phone", "lead.phone_invalid"),
            ("company", "lead.too_long"),
        ]
    );
    assert_eq!(err.as_slice()[3].message, "must be at most 100 characters");
    assert!(
        err.to_string()
            .starts_with("invalid lead: 4 violations; first_name: is required")
    );
}

#[test]
fn normal_values_are_borrowed_not_copied() {
    let lead = Lead {
        phone: Some("+15550104477".into()),
        ..ada()
    };
    let valid = LeadSchema::default().validate(&lead).unwrap();
    assert_eq!(valid.first_name().as_ptr(), lead.first_name.as_ptr());
    assert_eq!(valid.email().as_ptr(), lead.email.as_ptr());
    assert_eq!(
        valid.phone().map(str::as_ptr),
        lead.phone.as_deref().map(str::as_ptr)
    );

    let json =
        br#"{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com","company":"A"}"#;
    let valid = LeadSchema::default().validate_json(json).unwrap();
    let start = json.as_ptr() as usize;
    let inside = |s: &str| (start..start + json.len()).contains(&(s.as_ptr() as usize));
    assert!(inside(valid.first_name()) && inside(valid.email()) && inside(valid.company()));
}

#[test]
fn into_owned_outlives_its_input() {
    let valid = {
        let lead = Lead {
            company: " Acme  Corp ".into(),
            ..ada()
        };
        LeadSchema::default().validate(&lead).unwrap().into_owned()
    };
    assert_eq!(valid.company(), "Acme Corp");
}

#[test]
fn dedupe_key_lowercases_the_whole_address() {
    let key = |email: &str| {
        let lead = Lead {
            email: email.into(),
            ..ada()
        };
        LeadSchema::default()
            .validate(&lead)
            .unwrap()
            .dedupe_key()
            .into_owned()
    };
    assert_eq!(key("Ada.Lovelace@Example.COM"), "ada.lovelace@example.com");
    assert_eq!(key("ÅSA@Bücher.example"), "åsa@xn--bcher-kva.example");
    assert_eq!(key("ada@example.com"), "ada@example.com");
}

#[test]
fn unknown_fields_follow_the_schema() {
    let lead = Lead {
        extra: [("utm".to_owned(), serde_json::json!(1))].into(),
        ..ada()
    };
    let strict = LeadSchema::default().validate(&lead).unwrap_err();
    assert_eq!(strict.as_slice()[0].code(), "lead.unknown_field");

    let strip = LeadSchema::builder()
        .unknown_fields(UnknownFields::Strip)
        .build();
    assert!(strip.validate(&lead).unwrap().extra().is_empty());

    let keep = LeadSchema::builder()
        .unknown_fields(UnknownFields::Keep)
        .build();
    let valid = keep.validate(&lead).unwrap();
    assert_eq!(valid.extra()["utm"], 1);
    assert_eq!(serde_json::to_value(&valid).unwrap()["utm"], 1);

    // An extra key that names a model field is a duplicate under any setting.
    let twice = Lead {
        extra: [("email".to_owned(), serde_json::json!("x"))].into(),
        ..ada()
    };
    let err = keep.validate(&twice).unwrap_err();
    assert_eq!(err.as_slice()[0].code(), "lead.duplicate_field");
}

#[test]
fn schema_builder_refuses_nonsense() {
    let code = |r: Result<LeadSchemaBuilder, LeadError>| r.map(|_| ()).unwrap_err().code();
    assert_eq!(
        code(LeadSchema::builder().length(LeadField::FirstName, 5, 4)),
        "lead.schema_invalid"
    );
    assert_eq!(
        code(LeadSchema::builder().length(LeadField::Title, 0, 0)),
        "lead.schema_invalid"
    );
    assert_eq!(
        code(LeadSchema::builder().length(LeadField::Email, 1, 10)),
        "lead.schema_invalid"
    );

    let schema = LeadSchema::builder()
        .length(LeadField::Title, 0, 10)
        .unwrap()
        .build();
    assert_eq!(schema.length(LeadField::Title), Length { min: 0, max: 10 });
    assert_eq!(
        LeadSchema::builder()
            .max_json_bytes(0)
            .build()
            .max_json_bytes(),
        2
    );
}

#[test]
fn json_lines_report_every_line() {
    let good = r#"{"first_name":"A","last_name":"B","email":"a@example.com","company":"C"}"#;
    let input = format!("{good}\r\n\n  \r\n{{\"first_name\": 1}}\nnot json\n{good}");
    let schema = LeadSchema::default();
    let outcomes: Vec<_> = schema
        .validate_jsonl(input.as_bytes())
        .map(|o| (o.line, o.result.map(|_| ()).map_err(|e| e.code())))
        .collect();
    assert_eq!(
        outcomes,
        [
            (1, Ok(())),
            (4, Err("lead.invalid")),
            (5, Err("lead.syntax")),
            (6, Ok(()))
        ]
    );
    assert_eq!(schema.validate_jsonl(b"").count(), 0);
}

#[test]
fn from_json_reads_without_validating() {
    let lead = Lead::from_json(br#"{"first_name": " a ", "phone": null, "x": [1]}"#).unwrap();
    assert_eq!(
        (lead.first_name.as_str(), lead.phone.as_deref()),
        (" a ", None)
    );
    assert_eq!(lead.extra["x"], serde_json::json!([1]));

    let err = Lead::from_json(br#"{"email": 5}"#).unwrap_err();
    assert_eq!(
        (err.code(), err.violations()[0].code()),
        ("lead.invalid", "lead.wrong_type")
    );
}

#[test]
fn lead_field_names_round_trip() {
    for field in LeadField::ALL {
        assert_eq!(LeadField::from_name(field.as_str()), Some(field));
    }
    assert_eq!(LeadField::from_name("First_Name"), None);
}

#[cfg(feature = "phone")]
#[test]
fn e164_policy_formats_numbers() {
    let schema = LeadSchema::builder()
        .phone_policy(PhonePolicy::E164 {
            default_region: Region::new("gb").unwrap(),
        })
        .build();
    let phone = |number: &str| {
        let lead = Lead {
            phone: Some(number.into()),
            ..ada()
        };
        schema
            .validate(&lead)
            .map(|v| v.phone().map(str::to_owned))
            .map_err(|e| e.as_slice()[0].code())
    };
    assert_eq!(phone("020 7946 0000"), Ok(Some("+442079460000".into())));
    assert_eq!(phone("+1 (415) 555-0132"), Ok(Some("+14155550132".into())));
    assert_eq!(phone("12"), Err("lead.phone_invalid"));
    assert_eq!(Region::new("ZZ").unwrap_err().code(), "lead.schema_invalid");
}

/// A name: letters from several scripts in one to three words, padded
/// with whitespace that normalisation removes.
fn name(max_chars: usize) -> impl Strategy<Value = (String, String)> {
    let word = proptest::string::string_regex("[A-Za-zÀ-ÖØ-öø-ÿĀ-žА-яא-ת一-龥ぁ-ゖ😀-🙏'-]{1,12}")
        .unwrap();
    let gap = prop_oneof![Just(" "), Just("  "), Just("\u{a0}"), Just(" \u{3000} ")];
    let pad = prop_oneof![Just(""), Just("  "), Just("\u{2003}")];
    (proptest::collection::vec(word, 1..4), gap, pad).prop_map(move |(words, gap, pad)| {
        let normal: String = words.join(" ").chars().take(max_chars).collect();
        let normal = normal.trim_end().to_owned();
        let raw = format!("{pad}{}{pad}", normal.replace(' ', gap));
        (raw, normal)
    })
}

fn email() -> impl Strategy<Value = String> {
    let local = proptest::string::string_regex(
        "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]{1,20}(\\.[a-zA-Z0-9_+-]{1,10}){0,2}",
    )
    .unwrap();
    // Labels with `--` in their third and fourth places are reserved for
    // encodings (`xn--` is punycode) and may be refused: not valid parts.
    let label =
        proptest::string::string_regex("[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?|bücher|例子|münchen")
            .unwrap()
            .prop_filter("reserved label", |l| l.get(2..4) != Some("--"));
    let tld = proptest::string::string_regex("[a-zA-Z]{2,10}|测试").unwrap();
    (local, proptest::collection::vec(label, 1..3), tld)
        .prop_map(|(local, labels, tld)| format!("{local}@{}.{tld}", labels.join(".")))
}

fn phone() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(proptest::string::string_regex("\\+?[0-9][0-9 ()-]{0,20}").unwrap())
}

#[test]
fn fields_follow_the_value_rules() {
    let text = |name: &'static str, value: &'static str| {
        (Cow::Borrowed(name), FieldValue::Text(Cow::Borrowed(value)))
    };
    let keep = LeadSchema::builder()
        .unknown_fields(UnknownFields::Keep)
        .build();
    let valid = keep
        .validate_fields([
            text("first_name", "Ada"),
            text("last_name", "Lovelace"),
            text("email", "ada@example.com"),
            text("company", "Analytical Engines"),
            (
                Cow::Borrowed("score"),
                FieldValue::Other(serde_json::json!([1, true])),
            ),
            text("utm", "spring"),
        ])
        .unwrap();
    assert_eq!(valid.extra()["score"], serde_json::json!([1, true]));
    assert_eq!(valid.extra()["utm"], "spring");

    let err = LeadSchema::default()
        .validate_fields([
            text("email", "ada@example.com"),
            (
                Cow::Borrowed("email"),
                FieldValue::Other(serde_json::json!(1)),
            ),
            (Cow::Borrowed("utm"), FieldValue::Null),
        ])
        .unwrap_err();
    let codes: Vec<_> = err
        .violations()
        .iter()
        .map(|v| (v.field.as_ref(), v.code()))
        .collect();
    assert!(codes.contains(&("email", "lead.duplicate_field")));
    assert!(codes.contains(&("utm", "lead.unknown_field")));
}

proptest! {
    #[test]
    fn leads_of_valid_parts_validate_and_normalise_once(
        (first, first_normal) in name(50),
        (last, last_normal) in name(50),
        (company, company_normal) in name(100),
        email in email(),
        phone in phone(),
    ) {
        let lead = Lead {
            first_name: first,
            last_name: last,
            email,
            phone,
            company,
            ..Lead::default()
        };
        let schema = LeadSchema::default();
        let valid = schema.validate(&lead);
        prop_assert!(valid.is_ok(), "{:?}: {:?}", lead, valid);
        let valid = valid.unwrap();
        prop_assert_eq!(valid.first_name(), first_normal.as_str());
        prop_assert_eq!(valid.last_name(), last_normal.as_str());
        prop_assert_eq!(valid.company(), company_normal.as_str());

        let again = valid.to_lead();
        prop_assert_eq!(schema.validate(&again).unwrap(), valid.clone());

        let json = serde_json::to_vec(&lead).unwrap();
        prop_assert_eq!(schema.validate_json(&json).unwrap(), valid);
    }

    #[test]
    fn validate_json_never_panics_and_codes_errors(
        bytes in proptest::collection::vec(any::<u8>(), 0..200)
    ) {
        match LeadSchema::default().validate_json(&bytes) {
            Ok(valid) => prop_assert!(!valid.email().is_empty()),
            Err(err) => prop_assert!(err.code().starts_with("lead.")),
        }
    }
}
