//! `tests/vectors/access/rbac-*.json`: decisions of compiled role policies
//! and the codes of broken ones.

use halo_core::access::{AccessError, Policy};
use halo_core::config::Config;
use serde_json::{Value, json};

use crate::vectors;

fn build(case: &Value) -> Result<Policy, AccessError> {
    if let Some(document) = case.get("document") {
        let config = Config::from_json_str(&document.to_string()).unwrap();
        return Policy::from_config(&config);
    }
    let mut builder = Policy::builder();
    for (name, role) in case["roles"].as_object().unwrap() {
        let strings = |key: &str| -> Vec<String> {
            role.get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect()
        };
        builder = builder.role(name, strings("permissions"), strings("inherits"));
    }
    builder.build()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn decisions() {
    let path = vectors::dir("access").join("rbac-decisions.json");
    for case in vectors::cases(&path) {
        let name = case["name"].as_str().unwrap();
        let policy = build(&case).unwrap();
        for check in case["checks"].as_array().unwrap() {
            let roles = strings(&check["roles"]);
            let permission = check["permission"].as_str().unwrap();
            let decision = policy.decide(&roles, permission);
            let granted_by = decision.granted_by.as_ref().map_or(
                Value::Null,
                |g| json!({"role": g.role, "permission": g.permission}),
            );
            let what = format!("{name}: {roles:?} {permission}");
            assert_eq!(decision.allowed, check["allowed"], "{what}");
            assert_eq!(granted_by, check["granted_by"], "{what}");
            if let [role] = roles.as_slice() {
                assert_eq!(
                    policy.is_allowed(role, permission),
                    check["allowed"],
                    "{what}"
                );
            }
        }
        for (role, expected) in case["effective"].as_object().into_iter().flatten() {
            let actual = policy.effective_permissions(role);
            let expected = (!expected.is_null()).then(|| strings(expected));
            assert_eq!(actual, expected, "{name}: effective permissions of {role}");
        }
    }
}

#[test]
fn broken_policies() {
    let path = vectors::dir("access").join("rbac-broken.json");
    for case in vectors::cases(&path) {
        let name = case["name"].as_str().unwrap();
        let err = build(&case).unwrap_err();
        assert_eq!(err.code(), case["error"], "{name}: {err}");
        if let Some(expected) = case.get("cycle") {
            let AccessError::InheritanceCycle { cycle } = &err else {
                panic!("{name}: not a cycle error");
            };
            assert_eq!(cycle, &strings(expected), "{name}");
        }
    }
}
