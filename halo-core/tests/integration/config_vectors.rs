//! Every file under `tests/vectors/config/`: guide blocks that must load with
//! the values the guide gives, broken documents that must fail with exactly
//! the listed problems, and posture findings.

use halo_core::config::Config;
use serde_json::{Value, json};

use crate::vectors;

fn load(case: &Value) -> Result<Config, halo_core::ConfigError> {
    match case.get("text") {
        Some(text) => Config::from_json_str(text.as_str().unwrap()),
        None => Config::from_json_str(&case["document"].to_string()),
    }
}

fn check_valid(name: &str, config: &Config, expect: &Value) {
    if config.secret_refs().iter().any(|(_, s)| s.is_inline()) {
        // Inline secrets are never written out, so there is nothing to reload.
        let err = config.to_json_string().unwrap_err();
        assert_eq!(err.code(), "config.inline_secret", "{name}");
    } else {
        let written = config.to_json_string().unwrap();
        let reloaded = Config::from_json_str(&written).unwrap();
        assert_eq!(&reloaded, config, "{name}: does not round-trip");

        let value: Value = serde_json::from_str(&written).unwrap();
        for (path, expected) in expect["values"].as_object().into_iter().flatten() {
            let actual = vectors::lookup(&value, path);
            assert_eq!(actual, Some(expected), "{name}: value at {path}");
        }
    }

    if let Some(expected) = expect.get("findings") {
        let mut actual: Vec<Value> = config
            .posture()
            .iter()
            .map(|f| json!({"code": f.code, "severity": f.severity, "path": f.path}))
            .collect();
        let mut expected = expected.as_array().unwrap().clone();
        let key = |v: &Value| v.to_string();
        actual.sort_by_key(key);
        expected.sort_by_key(key);
        assert_eq!(actual, expected, "{name}: findings");
    }
}

fn check_invalid(name: &str, err: &halo_core::ConfigError, expect: &Value) {
    assert_eq!(err.code(), expect["error"], "{name}: error code ({err})");

    let expected = expect["problems"].as_array().unwrap();
    let problems = err.problems();
    assert_eq!(
        problems.len(),
        expected.len(),
        "{name}: problem count in {err}"
    );
    for want in expected {
        let found = problems
            .iter()
            .find(|p| p.path == want["path"] && p.code() == want["code"]);
        let found = found.unwrap_or_else(|| panic!("{name}: no problem {want} in {err}"));
        if let Some(hint) = want.get("hint") {
            assert_eq!(
                found.hint.as_deref(),
                hint.as_str(),
                "{name}: hint at {}",
                found.path
            );
        }
    }
}

#[test]
fn every_config_vector() {
    let files = vectors::files(&vectors::dir("config"));
    assert!(files.len() >= 20, "vector files missing: {}", files.len());

    let (mut valid, mut invalid) = (0, 0);
    for file in files {
        for case in vectors::cases(&file) {
            let name = format!("{}#{}", file.display(), case["name"].as_str().unwrap());
            let expect = &case["expect"];
            match (load(&case), expect["ok"].as_bool().unwrap()) {
                (Ok(config), true) => {
                    check_valid(&name, &config, expect);
                    valid += 1;
                }
                (Err(err), false) => {
                    check_invalid(&name, &err, expect);
                    invalid += 1;
                }
                (Ok(_), false) => panic!("{name}: loaded but should fail"),
                (Err(err), true) => panic!("{name}: failed: {err}"),
            }
        }
    }
    assert!(
        valid >= 13 && invalid >= 15,
        "valid {valid}, invalid {invalid}"
    );
}

#[test]
fn every_guide_block_is_a_vector() {
    // The guide's JSON blocks are kept verbatim as vectors; the twelve
    // configuration blocks, one file each.
    let files = vectors::files(&vectors::dir("config/valid"));
    let guide = files.iter().filter(|f| {
        f.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("guide-")
    });
    assert_eq!(guide.count(), 13, "twelve blocks and the merged document");
}
