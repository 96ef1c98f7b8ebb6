//! Unit tests of the halo module's pure parts.

use super::error::bounded;
use super::*;

#[test]
fn list_parameters_become_halo_query_names() {
    let params = OpportunityParams {
        common: ListParams {
            search: Some("globex".into()),
            order_desc: Some(true),
            include_inactive: Some(true),
            ..ListParams::default()
        },
        client_id: Some(12),
        search_oppemailaddress: Some("hank@globex.example".into()),
        open_only: Some(true),
        ..OpportunityParams::default()
    };
    let pairs = params.query_pairs();
    let expected = [
        ("search", "globex"),
        ("orderdesc", "true"),
        ("includeinactive", "true"),
        ("client_id", "12"),
        ("search_oppemailaddress", "hank@globex.example"),
        ("open_only", "true"),
    ];
    let got: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(got, expected);
}

#[test]
fn page_size_is_clamped_to_halos_cap() {
    let mut params = UserParams::default();
    assert_eq!(params.effective_page_size(), 100);
    params.common.page_size = 1000;
    assert_eq!(params.effective_page_size(), 100);
    params.common.page_size = 0;
    assert_eq!(params.effective_page_size(), 1);
}

#[test]
fn error_codes_are_stable() {
    let route = || "/api/Client".to_owned();
    let cases: [(HaloError, &str); 6] = [
        (
            HaloError::AuthFailed {
                description: "x".into(),
            },
            "halo.auth_failed",
        ),
        (
            HaloError::Forbidden {
                route: route(),
                message: None,
            },
            "halo.forbidden",
        ),
        (HaloError::NotFound { route: route() }, "halo.not_found"),
        (
            HaloError::RateLimited {
                attempts: 5,
                retry_after: None,
            },
            "halo.rate_limited",
        ),
        (HaloError::Timeout { route: route() }, "halo.timeout"),
        (
            HaloError::OutcomeUnknown {
                route: route(),
                source: None,
            },
            "halo.outcome_unknown",
        ),
    ];
    for (err, code) in cases {
        assert_eq!(err.code(), code);
        let text = err.to_string();
        assert!(
            text.chars().next().is_some_and(char::is_lowercase),
            "{text}"
        );
        assert!(!text.ends_with('.'), "{text}");
    }
}

#[test]
fn long_messages_are_cut() {
    let long = "é".repeat(1000);
    let cut = bounded(&long);
    assert_eq!(cut.chars().count(), 303);
    assert_eq!(bounded("  short  "), "short");
}
