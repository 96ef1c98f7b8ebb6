//! Every file under `tests/vectors/masking/`: text through `mask_text` (with
//! the detectors that must fire), value rules, records, pseudonyms and
//! refused policies.

use std::borrow::Cow;
use std::path::Path;

use halo_core::config::{Config, MaskRuleConfig};
use halo_core::masking::{MaskRule, Masker};
use halo_core::secret::MemorySource;
use serde_json::Value;

use crate::vectors;

fn config_of(case: &Value) -> Config {
    match case.get("config") {
        Some(doc) => Config::from_json_str(&doc.to_string()).unwrap(),
        None => Config::default(),
    }
}

fn source_of(case: &Value) -> MemorySource {
    let source = MemorySource::new().with_env("MASKING_SHORT_KEY", [7u8; 16]);
    match case.get("key_hex").and_then(Value::as_str) {
        Some(key) => source.with_env("MASKING_KEY", hex::decode(key).unwrap()),
        None => source,
    }
}

fn masker_of(case: &Value) -> Masker {
    Masker::from_config_with(&config_of(case), &source_of(case)).unwrap()
}

fn check_text(name: &str, masker: &Masker, case: &Value) {
    let input = case["input"].as_str().unwrap();
    let expected = case["output"].as_str().unwrap();
    let masked = masker.mask_text(input);
    assert_eq!(masked, expected, "{name}");
    assert_eq!(
        matches!(masked, Cow::Borrowed(_)),
        input == expected,
        "{name}: borrowed iff unchanged"
    );
    assert_eq!(
        masker.mask_text(expected),
        expected,
        "{name}: not idempotent"
    );

    if let Some(detectors) = case.get("detectors") {
        let found: Vec<&str> = masker
            .find(input)
            .iter()
            .map(|d| d.detector.as_str())
            .collect();
        assert_eq!(
            found,
            detectors
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap())
                .collect::<Vec<_>>(),
            "{name}"
        );
    }
}

fn check_value(name: &str, case: &Value) {
    let doc = serde_json::json!({"security": {"data_masking": {"rules": {"rule": case["rule"]}}}});
    let config = Config::from_json_str(&doc.to_string()).unwrap();
    let rule: &MaskRuleConfig = &config.security.data_masking.rules["rule"];
    assert!(rule.kind.is_some(), "{name}: vector rules name their kind");
    let masker = Masker::from_config(&config).unwrap();
    let input = case["input"].as_str().unwrap();
    let output = masker.mask_value("rule", input).unwrap();
    assert_eq!(output, case["output"].as_str().unwrap(), "{name}");
    assert_eq!(
        masker.mask_value("rule", &output).unwrap(),
        output,
        "{name}: not idempotent"
    );
}

fn check_record(name: &str, masker: &Masker, case: &Value, input: &str) {
    let mut record = case[input].clone();
    masker.mask_record(&mut record);
    assert_eq!(record, case["output"], "{name}");
    masker.mask_record(&mut record);
    assert_eq!(record, case["output"], "{name}: not idempotent");
}

fn check_error(name: &str, case: &Value) {
    let expected = case["error"].as_str().unwrap();
    let loaded = Config::from_json_str(&case["config"].to_string());
    if expected.starts_with("config.") {
        let err = loaded.unwrap_err();
        assert_eq!(err.code(), expected, "{name}: {err}");
        let problems: Vec<(String, &str)> = err
            .problems()
            .iter()
            .map(|p| (p.path.clone(), p.code()))
            .collect();
        let wanted: Vec<(String, &str)> = case["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["path"].as_str().unwrap().to_owned(),
                    p["code"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(problems, wanted, "{name}");
    } else {
        let config = loaded.unwrap();
        let err = Masker::from_config_with(&config, &source_of(case)).unwrap_err();
        assert_eq!(err.code(), expected, "{name}: {err}");
    }
}

fn run(file: &Path, failures: &mut Vec<String>) -> usize {
    let cases = vectors::cases(file);
    for case in &cases {
        let outcome = std::panic::catch_unwind(|| run_case(file, case));
        if let Err(panic) = outcome {
            let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
            failures.push(message);
        }
    }
    cases.len()
}

fn run_case(file: &Path, case: &Value) {
    {
        let name = format!("{}#{}", file.display(), case["name"].as_str().unwrap());
        match file.file_stem().unwrap().to_str().unwrap() {
            "values" => check_value(&name, case),
            "records" => check_record(&name, &masker_of(case), case, "input"),
            "errors" => check_error(&name, case),
            "pseudonyms" if case.get("record").is_some() => {
                check_record(&name, &masker_of(case), case, "record");
            }
            "pseudonyms" => {
                let masker = masker_of(case);
                let text = case["text"].as_str().unwrap();
                assert_eq!(
                    masker.mask_text(text),
                    case["output"].as_str().unwrap(),
                    "{name}"
                );
            }
            _ => check_text(&name, &masker_of(case), case),
        }
    }
}

#[test]
fn every_masking_vector() {
    let files = vectors::files(&vectors::dir("masking"));
    assert!(files.len() >= 11, "vector files missing: {}", files.len());
    let mut failures = Vec::new();
    let count: usize = files.iter().map(|f| run(f, &mut failures)).sum();
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count >= 140, "only {count} cases");
}

#[test]
fn value_rules_match_the_free_rule_api() {
    // The code-first rules give what the configured ones give.
    assert_eq!(
        MaskRule::email()
            .preserving_domain()
            .mask("jane@example.com"),
        "****@example.com"
    );
    assert_eq!(
        MaskRule::phone()
            .preserving_area_code()
            .mask("415.555.0123"),
        "415-***-****"
    );
    assert_eq!(
        MaskRule::ssn().preserving_last_four().mask("123-45-6789"),
        "***-**-6789"
    );
    assert_eq!(
        MaskRule::card().mask("4111111111111111"),
        "**** **** **** ****"
    );
}
