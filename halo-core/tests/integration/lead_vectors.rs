//! Every file under `tests/vectors/leads/`: leads that must validate to the
//! listed normal form, leads that must fail with exactly the listed
//! violations, and source records (Apollo, ZoomInfo, CSV) with the lead
//! they must map to.

use halo_core::lead::{
    CsvMapping, FieldValue, Lead, LeadError, LeadField, LeadSchema, UnknownFields,
};
use serde_json::{Value, json};

use crate::vectors;

fn schema(options: Option<&Value>) -> LeadSchema {
    let mut builder = LeadSchema::builder();
    let Some(options) = options else {
        return builder.build();
    };
    if let Some(unknown) = options.get("unknown_fields") {
        builder = builder.unknown_fields(match unknown.as_str().unwrap() {
            "reject" => UnknownFields::Reject,
            "strip" => UnknownFields::Strip,
            "keep" => UnknownFields::Keep,
            other => panic!("unknown_fields {other}"),
        });
    }
    for (name, range) in options
        .get("lengths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let field = LeadField::from_name(name).unwrap();
        let (min, max) = (range[0].as_u64().unwrap(), range[1].as_u64().unwrap());
        builder = builder.length(field, min as usize, max as usize).unwrap();
    }
    if let Some(bytes) = options.get("max_json_bytes") {
        builder = builder.max_json_bytes(bytes.as_u64().unwrap() as usize);
    }
    builder.build()
}

fn input(case: &Value) -> Vec<u8> {
    if let Some(text) = case.get("text") {
        return text.as_str().unwrap().as_bytes().to_vec();
    }
    if let Some(hex) = case.get("hex") {
        let hex = hex.as_str().unwrap();
        return (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
    }
    serde_json::to_vec(&case["lead"]).unwrap()
}

fn codes(err: &LeadError) -> Value {
    let list: Vec<Value> = err
        .violations()
        .iter()
        .map(|v| json!({"field": v.field, "code": v.code()}))
        .collect();
    Value::Array(list)
}

fn check_case(name: &str, case: &Value) {
    let schema = schema(case.get("schema"));
    let expect = &case["expect"];
    let bytes = input(case);
    let outcome = schema.validate_json(&bytes);

    match (outcome, expect["ok"].as_bool().unwrap()) {
        (Ok(lead), true) => {
            assert_eq!(
                serde_json::to_value(&lead).unwrap(),
                expect["lead"],
                "{name}: normal form"
            );
            if let Some(key) = expect.get("dedupe_key") {
                assert_eq!(
                    lead.dedupe_key(),
                    key.as_str().unwrap(),
                    "{name}: dedupe key"
                );
            }
            let plain = lead.to_lead();
            let again = schema.validate(&plain).unwrap();
            assert_eq!(again, lead, "{name}: normalising twice changed the lead");
        }
        (Err(err), false) => {
            assert_eq!(err.code(), expect["error"], "{name}: error code ({err})");
            let want = expect.get("violations").cloned().unwrap_or(json!([]));
            assert_eq!(codes(&err), want, "{name}: violations ({err})");
            assert_no_values(name, &err, &bytes);
        }
        (Ok(lead), false) => panic!("{name}: validated but should fail: {lead:?}"),
        (Err(err), true) => panic!("{name}: failed: {err} {:?}", err.violations()),
    }

    // A parsed value must give the JSON path's outcome, bar the size limit.
    if let (Some(value), false) = (case.get("lead"), expect["error"] == "lead.too_large") {
        match (
            schema.validate_value(value),
            expect["ok"].as_bool().unwrap(),
        ) {
            (Ok(lead), true) => assert_eq!(
                serde_json::to_value(&lead).unwrap(),
                expect["lead"],
                "{name}: value path"
            ),
            (Err(err), false) => {
                assert_eq!(err.code(), expect["error"], "{name}: value path");
                let want = expect.get("violations").cloned().unwrap_or(json!([]));
                assert_eq!(codes(&err), want, "{name}: value path violations");
            }
            (outcome, _) => panic!("{name}: value path disagrees: {outcome:?}"),
        }
        if let Some(object) = value.as_object() {
            let by_fields = validate_fields(&schema, object).map_err(|e| codes(&e));
            let by_value = schema.validate_value(value).map_err(|e| codes(&e));
            assert_eq!(by_fields, by_value, "{name}: field-by-field path");
        }
    }

    // The struct path must agree with the JSON path on what it can see.
    let comparable = expect["ok"] == true || expect["error"] == "lead.invalid";
    if let (true, Ok(lead)) = (comparable, Lead::from_json(&bytes)) {
        let by_struct = schema.validate(&lead);
        match (by_struct, expect["ok"].as_bool().unwrap()) {
            (Ok(valid), true) => assert_eq!(
                serde_json::to_value(&valid).unwrap(),
                expect["lead"],
                "{name}"
            ),
            (Err(violations), false) => {
                let codes = codes(&LeadError::Invalid(violations));
                assert_eq!(codes, expect["violations"], "{name}: struct path");
            }
            (outcome, _) => panic!("{name}: struct path disagrees: {outcome:?}"),
        }
    }
}

/// `object` given to the schema one entry at a time, as the bindings do.
fn validate_fields<'a>(
    schema: &LeadSchema,
    object: &'a serde_json::Map<String, Value>,
) -> Result<halo_core::ValidLead<'a>, LeadError> {
    let fields = object.iter().map(|(key, value)| {
        let value = match value {
            Value::String(text) => FieldValue::Text(text.as_str().into()),
            Value::Null => FieldValue::Null,
            other => FieldValue::Other(other.clone()),
        };
        (key.as_str().into(), value)
    });
    schema.validate_fields(fields)
}

/// No message may quote a value of the lead.
fn assert_no_values(name: &str, err: &LeadError, bytes: &[u8]) {
    let Ok(Value::Object(lead)) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    let shown = format!("{err} {err:?}");
    for value in lead
        .values()
        .filter_map(Value::as_str)
        .map(str::trim)
        .filter(|v| v.len() > 3)
    {
        assert!(
            !shown.contains(value),
            "{name}: error shows a value: {shown}"
        );
    }
}

#[test]
fn every_lead_vector() {
    let files = vectors::files(&vectors::dir("leads"));
    let (mut valid, mut invalid) = (0, 0);
    for file in files
        .iter()
        .filter(|f| !f.to_string_lossy().contains("sources"))
    {
        for case in vectors::cases(file) {
            let name = format!("{}#{}", file.display(), case["name"].as_str().unwrap());
            check_case(&name, &case);
            if case["expect"]["ok"].as_bool().unwrap() {
                valid += 1
            } else {
                invalid += 1
            }
        }
    }
    assert!(
        valid >= 20 && invalid >= 40,
        "valid {valid}, invalid {invalid}"
    );
}

fn check_mapped(name: &str, mapped: Result<Lead, LeadError>, expect: &Value) {
    match mapped {
        Ok(lead) => {
            assert!(
                expect.get("error").is_none(),
                "{name}: mapped but should fail"
            );
            assert_eq!(
                serde_json::to_value(&lead).unwrap(),
                expect["lead"],
                "{name}: lead"
            );
        }
        Err(err) => {
            assert_eq!(err.code(), expect["error"], "{name}: error code ({err})");
            let field = match &err {
                LeadError::SourceFieldMissing { field, .. }
                | LeadError::SourceFieldType { field, .. } => Value::from(field.as_ref()),
                _ => Value::Null,
            };
            assert_eq!(field, expect["field"], "{name}: source field");
        }
    }
}

#[test]
fn every_source_vector() {
    let (mut records, mut tables) = (0, 0);
    for file in vectors::files(&vectors::dir("leads/sources")) {
        let provider = file.file_stem().unwrap().to_string_lossy().into_owned();
        let map: fn(&Value) -> Result<Lead, LeadError> = match provider.as_str() {
            "apollo" => Lead::from_apollo_person,
            "zoominfo" => Lead::from_zoominfo_contact,
            "csv" => {
                for case in vectors::cases(&file) {
                    check_csv(&format!("csv#{}", case["name"].as_str().unwrap()), &case);
                    tables += 1;
                }
                continue;
            }
            other => panic!("no mapper for {other}"),
        };
        for case in vectors::cases(&file) {
            let name = format!("{provider}#{}", case["name"].as_str().unwrap());
            let expect = &case["expect"];
            check_mapped(&name, map(&case["record"]), expect);
            if let Some(valid) = expect.get("valid") {
                let outcome = LeadSchema::default()
                    .validate(&map(&case["record"]).unwrap())
                    .map(|_| ());
                assert_eq!(
                    outcome.is_ok(),
                    valid.as_bool().unwrap(),
                    "{name}: validation {outcome:?}"
                );
            }
            records += 1;
        }
    }
    assert!(
        records >= 15 && tables >= 8,
        "records {records}, csv tables {tables}"
    );
}

fn check_csv(name: &str, case: &Value) {
    let mut mapping = CsvMapping::new();
    for (header, field) in case
        .get("mapping")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        mapping = mapping.column(
            header,
            LeadField::from_name(field.as_str().unwrap()).unwrap(),
        );
    }
    if case.get("keep_other_columns").and_then(Value::as_bool) == Some(true) {
        mapping = mapping.keep_other_columns();
    }
    if let Some(delimiter) = case.get("delimiter") {
        mapping = mapping.delimiter(delimiter.as_str().unwrap().as_bytes()[0]);
    }

    let expect = &case["expect"];
    let rows = match mapping.read(case["csv"].as_str().unwrap().as_bytes()) {
        Ok(rows) => rows,
        Err(err) => return check_mapped(name, Err(err), expect),
    };
    let rows: Vec<_> = rows.collect();
    let want = expect["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: read but should fail"));
    assert_eq!(rows.len(), want.len(), "{name}: row count");
    for (row, want) in rows.into_iter().zip(want) {
        assert_eq!(row.line, want["line"].as_u64().unwrap(), "{name}: line");
        check_mapped(&format!("{name} line {}", row.line), row.lead, want);
    }
}
