//! The typed models against Halo-shaped JSON: unknown fields survive a
//! read-modify-write, ids decode leniently.

use halo_core::halo::{Client, Opportunity, Resource};
use proptest::prelude::*;
use serde_json::{Value, json};

fn fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/halo-wide.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `value` with the typed id fields' `42.0`-style floats made integers, as
/// the models write them; unknown fields stay exactly as given.
fn normalise_ids(mut value: Value, typed: &[&str]) -> Value {
    if let Value::Object(object) = &mut value {
        for (key, field) in object.iter_mut() {
            if typed.contains(&key.as_str()) && field.is_f64() {
                *field = json!(field.as_f64().unwrap() as i64);
            }
        }
    }
    value
}

#[test]
fn a_wide_client_keeps_every_field_through_modify_and_write() {
    let original = fixture()["client"].clone();
    let mut client: Client = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(client.id, Some(42));
    assert_eq!(client.name.as_deref(), Some("Acme Managed Services"));

    client.name = Some("Acme MSP".into());
    let written = serde_json::to_value(&client).unwrap();

    let mut expected = normalise_ids(original, &["id"]);
    expected["name"] = json!("Acme MSP");
    assert_eq!(written, expected);
}

#[test]
fn a_wide_opportunity_round_trips_with_lenient_ids() {
    let original = fixture()["opportunity"].clone();
    let opp: Opportunity = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(
        (opp.id, opp.client_id, opp.site_id),
        (Some(901), Some(42), Some(17))
    );
    assert_eq!(opp.oppemailaddress.as_deref(), Some("hank@globex.example"));
    assert_eq!(opp.extra["customfields"][0]["value"], json!("ZoomInfo"));
    // Unknown fields keep even their nulls.
    assert_eq!(
        serde_json::to_value(&opp).unwrap(),
        normalise_ids(original, &["id", "client_id", "site_id"])
    );
}

#[test]
fn unknown_floats_keep_their_value() {
    // Found by fuzzing: without exact float parsing this value drifted.
    let input = r#"{"id": 1, "di": 3620666.667666666666666}"#;
    let client: Client = serde_json::from_str(input).unwrap();
    let again: Client = serde_json::from_slice(&serde_json::to_vec(&client).unwrap()).unwrap();
    assert_eq!(again, client);
    assert_eq!(client.extra["di"].as_f64(), Some(3_620_666.667_666_666_6));
}

#[test]
fn typed_nulls_are_left_out_on_write() {
    let client: Client =
        serde_json::from_value(json!({"id": 1, "name": null, "notes": null})).unwrap();
    assert_eq!(
        serde_json::to_value(&client).unwrap(),
        json!({"id": 1, "notes": null})
    );
}

#[test]
fn fractional_and_text_ids_are_rejected() {
    assert!(serde_json::from_value::<Client>(json!({"id": 1.5})).is_err());
    assert!(serde_json::from_value::<Client>(json!({"id": "1"})).is_err());
}

#[test]
fn a_new_record_has_no_id_on_the_wire() {
    let client = Client {
        name: Some("New".into()),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&client).unwrap(),
        json!({"name": "New"})
    );
    assert_eq!(client.id(), None);
}

proptest! {
    #[test]
    fn integer_and_whole_float_ids_decode_equal(id in -(1i64 << 53)..=(1i64 << 53)) {
        let int: Client = serde_json::from_value(json!({"id": id})).unwrap();
        let float: Client = serde_json::from_str(&format!("{{\"id\": {id}.0}}")).unwrap();
        prop_assert_eq!(int.id, Some(id));
        prop_assert_eq!(float.id, Some(id));
    }

    #[test]
    fn unknown_string_fields_survive(key in "[a-z]{3,12}", value in "[ -~]{0,20}") {
        prop_assume!(!["id", "name", "website", "inactive"].contains(&key.as_str()));
        let input = json!({"id": 1, key.clone(): value.clone()});
        let client: Client = serde_json::from_value(input.clone()).unwrap();
        prop_assert_eq!(serde_json::to_value(&client).unwrap(), input);
    }
}
