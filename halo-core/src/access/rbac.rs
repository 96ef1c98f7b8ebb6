//! Role-based access control: a policy compiled once from the configured
//! roles, then asked cheaply whether a role holds a permission.
//!
//! # Semantics
//!
//! - A role has its own permissions and those of every role it inherits,
//!   transitively.
//! - Permission names are dotted words (`data.view.readonly`). Granting a
//!   name grants it and every name below it: `data.view` also grants
//!   `data.view.readonly`, but not `data.viewer` or `data`.
//! - `data.*` grants every name below `data` (`data.sync`, `data.view.raw`),
//!   not `data` itself. `*` grants everything.
//! - An unknown role, an unknown permission and a malformed permission name
//!   (empty, a leading, trailing or doubled dot, a character other than
//!   ASCII letters, digits, `_`, `-`) are denied. A `*` in a request is an
//!   ordinary character: asking for `data.*` is allowed only to roles
//!   granted `data.*`, `data` or `*`.
//! - `enabled: false` in `security.authorization.rbac` means the deployment
//!   does not check roles at all. [`Policy::from_config`] refuses to build a
//!   policy from such a configuration (`access.rbac_disabled`) rather than
//!   answer every question with "allowed", and
//!   [`Config::posture`](crate::config::Config::posture) reports it as
//!   `rbac.disabled`.
//!
//! There is no deny rule and no condition on attributes: a grant is all
//! there is.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use foldhash::fast::RandomState;

use super::AccessError;
use crate::config::{Config, Rbac, is_permission};

/// A compiled role policy.
///
/// ```
/// use halo_core::access::Policy;
/// use halo_core::config::Config;
///
/// let policy = Policy::from_config(&Config::default())?;
/// assert!(policy.is_allowed("admin", "data.view.readonly")); // via operator
/// assert!(!policy.is_allowed("viewer", "data.sync"));
///
/// let decision = policy.decide(&["viewer", "operator"], "data.sync");
/// let grant = decision.granted_by.unwrap();
/// assert_eq!((grant.role.as_str(), grant.permission.as_str()), ("operator", "data.sync"));
/// # Ok::<(), halo_core::access::AccessError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    roles: HashMap<Box<str>, CompiledRole, RandomState>,
    /// The answers for every role and every grant root of the policy, keyed
    /// by one hash of both names, so a check is one look-up per dot at most.
    answers: HashMap<u64, Answer, BuildHasherDefault<PassThrough>>,
    pair_hasher: RandomState,
    /// Two pairs shared a hash (never seen in practice): every check walks.
    walk_only: bool,
}

/// Precomputed answers for one role and one grant root.
#[derive(Debug, Clone)]
struct Answer {
    role: Box<str>,
    root: Box<str>,
    /// The grant allowing the root itself.
    itself: Option<u32>,
    /// The grant allowing a name below the root that is not itself a root.
    below: Option<u32>,
}

/// A hasher for keys that are already hashes.
#[derive(Debug, Default, Clone, Copy)]
struct PassThrough(u64);

/// The answer to [`Policy::decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the permission is granted.
    pub allowed: bool,
    /// The grant that allowed it, for the audit trail; `None` when denied.
    pub granted_by: Option<Grant>,
}

/// One permission as written in one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The role whose permission list holds the grant (the asked role or one
    /// it inherits).
    pub role: String,
    /// The permission as written there (`data.view`, `data.*`, `*`).
    pub permission: String,
}

/// Builds a [`Policy`] in code.
///
/// ```
/// use halo_core::access::Policy;
///
/// let policy = Policy::builder()
///     .role("auditor", ["logs.view"], [] as [&str; 0])
///     .role("lead", ["leads.*"], ["auditor"])
///     .build()?;
/// assert!(policy.is_allowed("lead", "logs.view"));
/// # Ok::<(), halo_core::access::AccessError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct PolicyBuilder {
    roles: Vec<RoleSpec>,
}

#[derive(Debug, Clone)]
struct RoleSpec {
    name: String,
    permissions: Vec<String>,
    inherits: Vec<String>,
}

/// One role with its inherited grants merged in.
#[derive(Debug, Clone)]
struct CompiledRole {
    /// Every grant of the role's closure, nearest role first.
    grants: Vec<Grant>,
    /// Grant roots (`data.view` for both `data.view` and `data.view.*`).
    by_root: HashMap<Box<str>, Slot, RandomState>,
    /// The grant of `*`, if any.
    everything: Option<u32>,
}

/// The grants rooted at one name: the name itself (which also covers what
/// is below it) and `name.*` (only what is below it).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    itself: Option<u32>,
    below: Option<u32>,
}

impl Policy {
    /// Builds the policy of `security.authorization.rbac`.
    ///
    /// Fails with `access.rbac_disabled` when the configuration turns role
    /// checks off, `access.rbac_unknown_role` for inheritance from a role that
    /// does not exist, and `access.rbac_cycle` for an inheritance cycle.
    pub fn from_config(config: &Config) -> Result<Self, AccessError> {
        let rbac = &config.security.authorization.rbac;
        if !rbac.enabled {
            return Err(AccessError::RbacDisabled);
        }
        Self::from_rbac(rbac)
    }

    /// Builds the policy of an `rbac` section's roles, whether or not it is
    /// enabled.
    pub fn from_rbac(rbac: &Rbac) -> Result<Self, AccessError> {
        let mut builder = Self::builder();
        for (name, role) in &rbac.roles {
            builder = builder.role(name, &role.permissions, &role.inherits);
        }
        builder.build()
    }

    /// A builder with no roles.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::default()
    }

    /// Whether `role` holds `permission`, directly or by inheritance.
    #[inline]
    pub fn is_allowed(&self, role: &str, permission: &str) -> bool {
        self.find(role, permission).is_some()
    }

    /// Whether any of `roles` holds `permission`, and which grant allowed it.
    /// Roles are tried in order; within a role, the most specific grant
    /// wins, and among equal grants the nearest role (itself first, then
    /// inherited roles breadth-first in `inherits` order).
    pub fn decide<S: AsRef<str>>(&self, roles: &[S], permission: &str) -> Decision {
        let granted_by = roles.iter().find_map(|role| {
            let role = role.as_ref();
            let index = self.find(role, permission)?;
            self.roles
                .get(role)
                .and_then(|r| r.grants.get(index as usize))
                .cloned()
        });
        Decision {
            allowed: granted_by.is_some(),
            granted_by,
        }
    }

    /// Every permission `role` holds as written in its roles, sorted and
    /// without repeats; `None` for an unknown role.
    pub fn effective_permissions(&self, role: &str) -> Option<Vec<String>> {
        let compiled = self.roles.get(role)?;
        let mut out: Vec<String> = compiled
            .grants
            .iter()
            .map(|g| g.permission.clone())
            .collect();
        out.sort();
        out.dedup();
        Some(out)
    }

    /// The role names, sorted.
    pub fn roles(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.roles.keys().map(AsRef::as_ref).collect();
        names.sort_unstable();
        names
    }

    /// The index (into the role's grants) of the grant allowing `permission`:
    /// the answer of the permission itself when it is a grant root, else the
    /// `below` answer of its nearest ancestor that is one, else the `*`
    /// answer (the root `""`).
    #[inline]
    fn find(&self, role: &str, permission: &str) -> Option<u32> {
        if self.walk_only {
            return self.find_by_walking(role, permission);
        }
        if let Some(answer) = self.answer(role, permission) {
            return answer.itself;
        }
        if !is_request(permission) {
            return None;
        }
        let bytes = permission.as_bytes();
        let mut end = bytes.len();
        while let Some(dot) = bytes[..end].iter().rposition(|&b| b == b'.') {
            if let Some(answer) = self.answer(role, &permission[..dot]) {
                return answer.below;
            }
            end = dot;
        }
        self.answer(role, "").and_then(|a| a.below)
    }

    #[inline]
    fn answer(&self, role: &str, root: &str) -> Option<&Answer> {
        let answer = self.answers.get(&self.pair_hash(role, root))?;
        (*answer.role == *role && *answer.root == *root).then_some(answer)
    }

    fn pair_hash(&self, role: &str, root: &str) -> u64 {
        let mut hasher = self.pair_hasher.build_hasher();
        hasher.write(role.as_bytes());
        // 0xff never occurs in UTF-8, so ("ab", "c") and ("a", "bc") differ.
        hasher.write_u8(0xff);
        hasher.write(root.as_bytes());
        hasher.finish()
    }

    /// Precomputes the answers of every role for every grant root (`data.view`
    /// for `data.view` and `data.view.*`, `""` for `*`).
    fn with_answers(mut self) -> Self {
        let mut roots: Vec<&str> = self
            .roles
            .values()
            .flat_map(|r| r.grants.iter())
            .map(|g| g.permission.as_str())
            .map(|p| match p {
                "*" => "",
                _ => p.strip_suffix(".*").unwrap_or(p),
            })
            .collect();
        roots.push("");
        roots.sort_unstable();
        roots.dedup();

        let mut answers: HashMap<u64, Answer, BuildHasherDefault<PassThrough>> = HashMap::default();
        let mut collided = false;
        for (role, compiled) in &self.roles {
            for root in &roots {
                let answer = Answer {
                    role: role.clone(),
                    root: (*root).into(),
                    itself: if root.is_empty() {
                        None
                    } else {
                        self.find_by_walking(role, root)
                    },
                    below: compiled.below(root),
                };
                collided |= answers.insert(self.pair_hash(role, root), answer).is_some();
            }
        }
        self.answers = answers;
        self.walk_only = collided;
        self
    }

    fn find_by_walking(&self, role: &str, permission: &str) -> Option<u32> {
        let compiled = self.roles.get(role)?;
        if !is_request(permission) {
            return None;
        }
        if let Some(slot) = compiled.by_root.get(permission)
            && let Some(index) = slot.itself
        {
            return Some(index);
        }
        let bytes = permission.as_bytes();
        let mut end = bytes.len();
        while let Some(dot) = bytes[..end].iter().rposition(|&b| b == b'.') {
            if let Some(slot) = compiled.by_root.get(&permission[..dot])
                && let Some(index) = slot.itself.or(slot.below)
            {
                return Some(index);
            }
            end = dot;
        }
        compiled.everything
    }
}

impl PolicyBuilder {
    /// Adds a role with its own permissions and the roles it inherits from.
    pub fn role<P, I>(mut self, name: &str, permissions: P, inherits: I) -> Self
    where
        P: IntoIterator,
        P::Item: AsRef<str>,
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.roles.push(RoleSpec {
            name: name.to_owned(),
            permissions: permissions
                .into_iter()
                .map(|p| p.as_ref().to_owned())
                .collect(),
            inherits: inherits
                .into_iter()
                .map(|r| r.as_ref().to_owned())
                .collect(),
        });
        self
    }

    /// Checks the roles and compiles them.
    ///
    /// Fails with `access.rbac_invalid_role` for an empty or repeated role
    /// name, `access.rbac_invalid_permission` for a malformed permission,
    /// `access.rbac_unknown_role` and `access.rbac_cycle`.
    pub fn build(self) -> Result<Policy, AccessError> {
        let index: HashMap<&str, usize> = self
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.as_str(), i))
            .collect();
        if index.len() != self.roles.len() || index.contains_key("") {
            return Err(AccessError::InvalidRole);
        }
        for role in &self.roles {
            if !role.permissions.iter().all(|p| is_permission(p)) {
                return Err(AccessError::InvalidPermission {
                    role: role.name.clone(),
                });
            }
            if let Some(parent) = role
                .inherits
                .iter()
                .find(|p| !index.contains_key(p.as_str()))
            {
                return Err(AccessError::UnknownParentRole {
                    role: role.name.clone(),
                    parent: parent.clone(),
                });
            }
        }
        self.check_cycles(&index)?;

        let roles = self
            .roles
            .iter()
            .enumerate()
            .map(|(i, role)| (role.name.clone().into_boxed_str(), self.compile(i, &index)))
            .collect();
        let policy = Policy {
            roles,
            answers: HashMap::default(),
            pair_hasher: RandomState::default(),
            walk_only: true,
        };
        Ok(policy.with_answers())
    }

    /// Depth-first search in name order, so the reported cycle is stable.
    fn check_cycles(&self, index: &HashMap<&str, usize>) -> Result<(), AccessError> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            OnPath,
            Done,
        }
        let mut marks = vec![Mark::New; self.roles.len()];
        let mut order: Vec<usize> = (0..self.roles.len()).collect();
        order.sort_by(|&a, &b| self.roles[a].name.cmp(&self.roles[b].name));

        for start in order {
            if marks[start] != Mark::New {
                continue;
            }
            // (role, next parent to visit)
            let mut path: Vec<(usize, usize)> = vec![(start, 0)];
            marks[start] = Mark::OnPath;
            while let Some(top) = path.last_mut() {
                let role = top.0;
                let Some(parent) = self.roles[role].inherits.get(top.1) else {
                    marks[role] = Mark::Done;
                    path.pop();
                    continue;
                };
                top.1 += 1;
                let parent = index[parent.as_str()];
                match marks[parent] {
                    Mark::Done => {}
                    Mark::New => {
                        marks[parent] = Mark::OnPath;
                        path.push((parent, 0));
                    }
                    Mark::OnPath => {
                        let from = path.iter().position(|&(r, _)| r == parent).unwrap_or(0);
                        let mut cycle: Vec<String> = path[from..]
                            .iter()
                            .map(|&(r, _)| self.roles[r].name.clone())
                            .collect();
                        cycle.push(self.roles[parent].name.clone());
                        return Err(AccessError::InheritanceCycle { cycle });
                    }
                }
            }
        }
        Ok(())
    }

    /// Merges the grants of role `start` and every role it inherits,
    /// breadth-first, so nearer roles win equal grants.
    fn compile(&self, start: usize, index: &HashMap<&str, usize>) -> CompiledRole {
        let mut seen = vec![false; self.roles.len()];
        let mut queue = VecDeque::from([start]);
        seen[start] = true;
        let mut compiled = CompiledRole {
            grants: Vec::new(),
            by_root: HashMap::default(),
            everything: None,
        };

        while let Some(current) = queue.pop_front() {
            let role = &self.roles[current];
            for permission in &role.permissions {
                compiled.add(&role.name, permission);
            }
            for parent in &role.inherits {
                let parent = index[parent.as_str()];
                if !seen[parent] {
                    seen[parent] = true;
                    queue.push_back(parent);
                }
            }
        }
        compiled
    }
}

impl CompiledRole {
    /// The grant allowing a name strictly below `root` that is not itself a
    /// grant root: grants at `root`, then at its ancestors, then `*`.
    fn below(&self, root: &str) -> Option<u32> {
        if root.is_empty() {
            return self.everything;
        }
        let slot = |name: &str| self.by_root.get(name).and_then(|s| s.itself.or(s.below));
        if let Some(index) = slot(root) {
            return Some(index);
        }
        let bytes = root.as_bytes();
        let mut end = bytes.len();
        while let Some(dot) = bytes[..end].iter().rposition(|&b| b == b'.') {
            if let Some(index) = slot(&root[..dot]) {
                return Some(index);
            }
            end = dot;
        }
        self.everything
    }

    fn add(&mut self, role: &str, permission: &str) {
        let Ok(at) = u32::try_from(self.grants.len()) else {
            return;
        };
        self.grants.push(Grant {
            role: role.to_owned(),
            permission: permission.to_owned(),
        });
        if permission == "*" {
            self.everything.get_or_insert(at);
        } else if let Some(root) = permission.strip_suffix(".*") {
            let slot = self.by_root.entry(root.into()).or_default();
            slot.below.get_or_insert(at);
        } else {
            let slot = self.by_root.entry(permission.into()).or_default();
            slot.itself.get_or_insert(at);
        }
    }
}

/// Whether `name` can be asked about: non-empty dotted words without empty
/// parts. `*` is allowed as an ordinary character.
#[inline]
fn is_request(name: &str) -> bool {
    let bytes = name.as_bytes();
    let mut previous_dot = true;
    for &b in bytes {
        if b == b'.' {
            if previous_dot {
                return false;
            }
            previous_dot = true;
        } else if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'*' {
            previous_dot = false;
        } else {
            return false;
        }
    }
    !previous_dot
}

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
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

    proptest::proptest! {
        #[test]
        fn one_look_up_agrees_with_walking(
            role in "(admin|operator|viewer|x)",
            permission in "(data|view|sync|readonly|config|\\*)(\\.(data|view|sync|readonly|\\*)){0,3}",
        ) {
            let p = policy();
            proptest::prop_assert_eq!(
                p.find(&role, &permission),
                p.find_by_walking(&role, &permission)
            );
        }

        #[test]
        fn one_look_up_agrees_with_walking_on_wildcards(
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
                p.find(&role, &permission),
                p.find_by_walking(&role, &permission)
            );
        }
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
}
