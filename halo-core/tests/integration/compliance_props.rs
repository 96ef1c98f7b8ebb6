//! Properties of the CSV export: whatever the records hold, no cell read
//! back by the `csv` crate starts with a formula trigger, and every
//! non-trigger string survives unchanged.

use halo_core::compliance::{ConsentEvent, Exporter, FORMULA_TRIGGERS, SubjectCopy};
use halo_core::config::ExportFormat;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value, json};

/// Text that often starts with a trigger, a quote, a separator or a line
/// break.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[=+\\-@\t\r\n\",' ]{0,2}[a-zA-Z0-9=+\\-@ ,\"\r\n\t]{0,12}",
        any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        cell_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z=+@\\-]{1,4}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #[test]
    fn no_exported_cell_starts_with_a_formula_trigger(
        records in prop::collection::vec(json_value(), 0..4),
        sources in prop::collection::vec(cell_text(), 0..3),
    ) {
        check_export(records, &sources)?;
    }
}

/// Exports `records` and one consent change per source, then reads the CSV
/// back.
fn check_export(records: Vec<Value>, sources: &[String]) -> Result<(), TestCaseError> {
    let consent = sources.iter().enumerate().map(|(i, source)| {
        let event = json!({
            "subject": "s", "purpose": "marketing", "action": "grant",
            "at": format!("2026-01-0{}T00:00:00Z", i + 1), "source": source,
        });
        serde_json::from_value::<ConsentEvent>(event).unwrap()
    });
    let copy = SubjectCopy::new("s", records).with_consent(consent);
    // Keys never hold a dot, so no two fields can collide: any error fails.
    let csv = Exporter::new([ExportFormat::Csv])
        .export(&copy, ExportFormat::Csv)
        .map_err(|e| TestCaseError::fail(e.code()))?;

    let rows: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    prop_assert_eq!(rows.len(), 1 + copy.records().len() + copy.consent().len());
    for cell in rows.iter().flatten() {
        prop_assert!(!cell.starts_with(FORMULA_TRIGGERS), "cell {:?}", cell);
    }

    // The consent source is the last column of each consent row.
    let back: Vec<&str> = rows[1 + copy.records().len()..]
        .iter()
        .map(|row| row.iter().next_back().unwrap())
        .collect();
    let expected: Vec<String> = sources
        .iter()
        .map(|s| {
            if s.starts_with(FORMULA_TRIGGERS) {
                format!("'{s}")
            } else {
                s.clone()
            }
        })
        .collect();
    prop_assert_eq!(back, expected);
    Ok(())
}
