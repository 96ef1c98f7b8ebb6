//! Unit tests of the role policy: semantics, look-ups against a plain
//! reading of the grants, and build errors.

use super::*;

fn policy() -> Policy {
    Policy::from_config(&Config::default()).unwrap()
}

#[test]
fn inheritance_is_transitive() {
    let p = policy();
    assert!(p.is_allowed("admin", "data.view.readonly"));
    assert!(p.is_allowed("admin", "data.view"));
    assert!(!p.is_allowed("viewer", "data.view"));
    assert!(!p.is_allowed("nobody", "data.view"));
}

#[test]
fn below_a_grant_but_not_beside_it() {
    let p = Policy::builder().role("r", ["data.view", "x.*"], Vec::<&str>::new());
    let p = p.build().unwrap();
    assert!(p.is_allowed("r", "data.view.readonly"));
    assert!(!p.is_allowed("r", "data.viewer"));
    assert!(!p.is_allowed("r", "data"));
    assert!(p.is_allowed("r", "x.y.z"));
    assert!(!p.is_allowed("r", "x"));
    assert!(!p.is_allowed("r", "data.view."));
    assert!(!p.is_allowed("r", ""));
}

/// The grant allowing `permission`, straight from the semantics: the
/// longest grant root covering it wins, the name itself before
/// `name.*`, then `*`; among equal grants the first listed.
fn oracle(p: &Policy, role: &str, permission: &str) -> Option<Grant> {
    let (_, index) = p.role(role)?;
    let word = |w: &str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-*".contains(&b))
    };
    if !permission.split('.').all(word) {
        return None;
    }
    let covers = |g: &Grant| -> Option<(usize, bool)> {
        if g.permission == "*" {
            return Some((0, false));
        }
        let (root, itself) = match g.permission.strip_suffix(".*") {
            Some(root) => (root, false),
            None => (g.permission.as_str(), true),
        };
        let below = permission
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('.'));
        (below || (itself && permission == root)).then_some((root.len() + 1, itself))
    };
    let grants = &p.roles[index as usize].grants;
    let best = grants.iter().filter_map(covers).max()?;
    grants.iter().find(|g| covers(g) == Some(best)).cloned()
}

proptest::proptest! {
    #[test]
    fn look_up_agrees_with_the_semantics(
        role in "(admin|operator|viewer|x)",
        permission in "(data|view|sync|readonly|config|\\*)(\\.(data|view|sync|readonly|\\*)){0,3}",
    ) {
        let p = policy();
        proptest::prop_assert_eq!(
            p.find(&role, &permission).cloned(),
            oracle(&p, &role, &permission)
        );
    }

    #[test]
    fn look_up_agrees_with_the_semantics_on_wildcards(
        role in "(support|root|lead|importer|x)",
        permission in "(tickets|leads|data|x|\\*)?(\\.(tickets|import|view|x|\\*|)){0,4}",
    ) {
        let p = Policy::builder()
            .role("support", ["tickets.*", "data.view"], [] as [&str; 0])
            .role("root", ["*", "x.y"], [] as [&str; 0])
            .role("lead", ["leads.import", "data.*"], ["support"])
            .role("importer", ["leads.*", "leads.import.x"], ["lead"])
            .build()
            .unwrap();
        proptest::prop_assert_eq!(
            p.find(&role, &permission).cloned(),
            oracle(&p, &role, &permission)
        );
    }

    #[test]
    fn look_up_agrees_with_the_semantics_on_long_names(
        role in "(deep|wide|x)",
        permission in "a(\\.[ab*]){0,11}(\\.|\\.\\.)?",
    ) {
        let p = Policy::builder()
            .role("deep", ["a.a.a.a.a.a.a.a.a.a", "a.b.*", "a.a.a"], [] as [&str; 0])
            .role("wide", ["*", "a.a.a.a.a.a.a.a.a.b.a"], ["deep"])
            .build()
            .unwrap();
        proptest::prop_assert_eq!(
            p.find(&role, &permission).cloned(),
            oracle(&p, &role, &permission)
        );
    }

    /// Names and roots on both sides of 63 bytes, where dot positions stop
    /// fitting the look-up's mask.
    #[test]
    fn look_up_agrees_with_the_semantics_past_63_bytes(
        role in "(long|short|x)",
        permission in long_names(),
    ) {
        let [root_62, root_63, root_64, root_87] = long_roots();
        let p = Policy::builder()
            .role("long", [root_63, format!("{root_64}.*"), root_87], [] as [&str; 0])
            .role("short", [root_62, format!("{WORD_21}.a"), "ab.*".to_owned()], ["long"])
            .build()
            .unwrap();
        proptest::prop_assert_eq!(
            p.find(&role, &permission).cloned(),
            oracle(&p, &role, &permission)
        );
    }

    /// Any bytes at all: malformed names are denied, never matched.
    #[test]
    fn look_up_agrees_with_the_semantics_on_any_text(
        role in "(deep|wide)",
        permission in "[ab.*_ /\u{e9}-]{0,80}",
    ) {
        let p = Policy::builder()
            .role("deep", ["a", "a.b.*", "b-b", "_"], [] as [&str; 0])
            .role("wide", ["*"], [] as [&str; 0])
            .build()
            .unwrap();
        proptest::prop_assert_eq!(
            p.find(&role, &permission).cloned(),
            oracle(&p, &role, &permission)
        );
    }
}

const WORD_21: &str = "abcdefghijklmnopqrstu";

/// Grant roots of 62, 63, 64 and 87 bytes.
fn long_roots() -> [String; 4] {
    let w = WORD_21;
    [
        format!("{w}.{w}.{}", &w[..18]),
        format!("{w}.{w}.{}", &w[..19]),
        format!("{w}.{w}.{}", &w[..20]),
        format!("{w}.{w}.{w}.{w}.ab"),
    ]
}

/// Names starting with a long root (or a word) and going on below it.
fn long_names() -> impl proptest::strategy::Strategy<Value = String> {
    let [r62, r63, r64, r87] = long_roots();
    let w = WORD_21;
    let pattern = format!("({r62}|{r63}|{r64}|{r87}|{w}|a)(\\.({w}|ab|a|\\*)){{0,4}}\\.?");
    proptest::string::string_regex(&pattern).unwrap()
}

#[test]
fn cycle_is_named() {
    let err = Policy::builder()
        .role("a", ["x"], ["b"])
        .role("b", ["y"], ["c"])
        .role("c", ["z"], ["a"])
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "access.rbac_cycle");
    assert_eq!(
        err.to_string(),
        "roles inherit in a cycle: a -> b -> c -> a"
    );
}

#[test]
fn disabled_rbac_builds_nothing() {
    let config =
        Config::from_json_str(r#"{"security":{"authorization":{"rbac":{"enabled":false}}}}"#)
            .unwrap();
    let err = Policy::from_config(&config).unwrap_err();
    assert_eq!(err.code(), "access.rbac_disabled");
}
