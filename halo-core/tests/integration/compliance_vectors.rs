//! Every file under `tests/vectors/compliance/`: retention expiry
//! (`retention.json`) and CSV formula neutralisation
//! (`csv_injection.json`), the latter both directly and through a CSV
//! export read back with the `csv` crate.

use halo_core::Config;
use halo_core::compliance::{Exporter, RetentionPolicy, SubjectCopy, neutralise_cell};
use halo_core::config::ExportFormat;
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::vectors;

#[test]
fn retention_vectors() {
    let path = vectors::dir("compliance").join("retention.json");
    let cases = vectors::cases(&path);
    assert!(cases.len() >= 25, "{} cases", cases.len());
    for case in cases {
        run_retention_case(&case);
    }
}

#[test]
fn csv_injection_vectors() {
    let path = vectors::dir("compliance").join("csv_injection.json");
    let cases = vectors::cases(&path);
    assert!(cases.len() >= 20, "{} cases", cases.len());
    let exporter = Exporter::new([ExportFormat::Csv]);

    for case in cases {
        let name = case["name"].as_str().unwrap();
        let cell = case["cell"].as_str().unwrap();
        let expect = case["expect"].as_str().unwrap();
        assert_eq!(neutralise_cell(cell), expect, "{name}");

        let copy = SubjectCopy::new("s-1", [json!({ "v": cell })]);
        let csv = exporter.export(&copy, ExportFormat::Csv).unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let column = headers.iter().position(|h| h == "record.v").unwrap();
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[column], expect, "{name}: through the export");
    }
}

fn run_retention_case(case: &Value) {
    let name = case["name"].as_str().unwrap();
    let config = Config::from_value(&case["config"]).unwrap();
    let policy = RetentionPolicy::from_config(&config);
    let entity = case["entity"].as_str().unwrap();
    let created: Timestamp = case["created_at"].as_str().unwrap().parse().unwrap();

    let result = policy.expires_at(entity, created);
    if let Some(code) = case.get("error") {
        assert_eq!(result.unwrap_err().code(), code, "{name}");
        return;
    }
    let expect: Timestamp = case["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(result.unwrap(), expect, "{name}");

    if let Some(now) = case.get("now") {
        let now: Timestamp = now.as_str().unwrap().parse().unwrap();
        let expiry = policy.is_expired(entity, "record-1", created, now).unwrap();
        assert_eq!(expiry.is_expired(), case["expired"], "{name}: {expiry:?}");
    }
}
