//! Runs `tests/vectors/halo/*.json` against the reply decoders.

use halo_core::halo::wire::{self, ListPage};
use halo_core::halo::{HaloError, Resource};
use serde_json::{Map, Value};

use crate::vectors;

/// A record with only an id and everything else kept.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Row {
    #[serde(default)]
    id: Option<Value>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

fn ids<R: Resource>(rows: &[R]) -> Value {
    rows.iter()
        .map(|r| r.id().map_or(Value::Null, Value::from))
        .collect()
}

fn check_error(name: &str, err: &HaloError, expect: &Value) {
    assert_eq!(
        err.code(),
        expect["code"].as_str().unwrap(),
        "{name}: {err}"
    );
    if let HaloError::Api {
        status, message, ..
    } = err
    {
        assert_eq!(
            Some(u64::from(*status)),
            expect["status"].as_u64(),
            "{name}"
        );
        assert_eq!(Some(message.as_str()), expect["message"].as_str(), "{name}");
    }
}

#[test]
fn every_reply_vector() {
    let mut ran = 0;
    for path in vectors::files(&vectors::dir("halo")) {
        for case in vectors::cases(&path) {
            let name = case["name"].as_str().unwrap();
            let body = case["body"].as_str().unwrap().as_bytes();
            let expect = &case["expect"];
            match case["kind"].as_str().unwrap() {
                "list" => {
                    let keys: Vec<&str> = case["keys"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|k| k.as_str().unwrap())
                        .collect();
                    // `Site` decodes ids strictly-leniently; the keys come from the vector.
                    match wire::decode_list::<halo_core::Site>("/api/X", &keys, body) {
                        Ok(ListPage { rows, record_count }) => {
                            assert_eq!(ids(&rows), expect["ids"], "{name}");
                            assert_eq!(
                                record_count.map(Value::from).unwrap_or(Value::Null),
                                expect["record_count"],
                                "{name}"
                            );
                        }
                        Err(err) => check_error(name, &err, expect),
                    }
                }
                "object" => match wire::decode_object::<halo_core::Client>("/api/X/{id}", body) {
                    Ok(row) => assert_eq!(ids(&[row]), expect["ids"], "{name}"),
                    Err(err) => check_error(name, &err, expect),
                },
                "upsert" => match wire::decode_upsert::<halo_core::User>("/api/X", body) {
                    Ok(rows) => assert_eq!(ids(&rows), expect["ids"], "{name}"),
                    Err(err) => check_error(name, &err, expect),
                },
                "error_message" => {
                    let message = wire::error_message(body);
                    assert_eq!(
                        message.map(Value::from).unwrap_or(Value::Null),
                        expect["message"],
                        "{name}"
                    );
                }
                other => panic!("{name}: unknown kind {other}"),
            }
            ran += 1;
        }
    }
    assert!(ran >= 25, "only {ran} vectors ran");
}

#[test]
fn decode_errors_do_not_echo_values() {
    let body = br#"{"record_count": 1, "sites": [{"id": "jane.doe@example.com"}]}"#;
    let err = wire::decode_list::<halo_core::Site>("/api/Site", &["sites"], body).unwrap_err();
    assert_eq!(err.code(), "halo.decode");
    assert!(!err.to_string().contains("jane.doe"), "{err}");
    let _ = Row {
        id: None,
        rest: Map::new(),
    };
}
