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
//!
//! # Cost
//!
//! Building merges every role's inherited grants into one table of (role,
//! grant root) entries, so memory grows with the sum over roles of the
//! grants they hold, inherited ones included. A check allocates nothing: it
//! hashes the role name (an unknown role stops there), then looks up the
//! permission and, if that does not decide, each dotted prefix from the
//! longest, skipping lengths that none of the role's grant roots has.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};

use foldhash::fast::{FixedState, RandomState};
use hashbrown::HashTable;

use super::AccessError;
use crate::bytes::same;
use crate::config::{Config, Rbac, is_permission};

/// The class of each byte in a request: [`WORD`], [`DOT`] or neither (0).
const REQUEST_BYTES: [u8; 256] = {
    let mut classes = [0; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'*' {
            classes[b] = WORD;
        } else if c == b'.' {
            classes[b] = DOT;
        }
        b += 1;
    }
    classes
};
const WORD: u8 = 1;
const DOT: u8 = 2;
/// Names of this many bytes and more share the last bit of a length mask.
const LONG: usize = 63;
/// Eight copies of one byte value, for word-at-a-time comparisons.
const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const DOTS: u64 = 0x2e2e_2e2e_2e2e_2e2e;

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
    roles: Vec<CompiledRole>,
    /// Indexes into `roles`, by the hash of the role's name.
    by_name: HashTable<u32>,
    /// Every grant root of every role, by the root's hash seeded with the
    /// hash of the role's name.
    by_root: HashTable<RootEntry>,
    name_hasher: RandomState,
}

/// The grants of one role rooted at one name.
#[derive(Debug, Clone)]
struct RootEntry {
    hash: u64,
    role: u32,
    root: Box<str>,
    slot: Slot,
}

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
    name: Box<str>,
    /// Every grant of the role's closure, nearest role first.
    grants: Vec<Grant>,
    /// Grant roots (`data.view` for both `data.view` and `data.view.*`),
    /// moved into the policy's table once it is built.
    by_root: HashMap<Box<str>, Slot>,
    /// The grant of `*`, if any.
    everything: Option<u32>,
    /// Bit `n` is set when one of the role's grant roots is `n` bytes long
    /// (bit 63 for 63 bytes and more): a prefix of another length is not
    /// looked up.
    root_lengths: u64,
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
    ///
    /// One hash of the role name and one pass over the permission's parts,
    /// then a table look-up per dotted prefix at most, longest first; an
    /// unknown role stops after the first look-up.
    #[inline]
    pub fn is_allowed(&self, role: &str, permission: &str) -> bool {
        self.find(role, permission).is_some()
    }

    /// Whether any of `roles` holds `permission`, and which grant allowed it.
    /// Roles are tried in order; within a role, the most specific grant
    /// wins, and among equal grants the nearest role (itself first, then
    /// inherited roles breadth-first in `inherits` order).
    pub fn decide<S: AsRef<str>>(&self, roles: &[S], permission: &str) -> Decision {
        let granted_by = roles
            .iter()
            .find_map(|role| self.find(role.as_ref(), permission))
            .cloned();
        Decision {
            allowed: granted_by.is_some(),
            granted_by,
        }
    }

    /// Every permission `role` holds as written in its roles, sorted and
    /// without repeats; `None` for an unknown role.
    pub fn effective_permissions(&self, role: &str) -> Option<Vec<String>> {
        let (_, index) = self.role(role)?;
        let compiled = self.roles.get(index as usize)?;
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
        let mut names: Vec<&str> = self.roles.iter().map(|r| &*r.name).collect();
        names.sort_unstable();
        names
    }

    /// The grant allowing `permission` to `role`: the grant of the
    /// permission itself when it is a grant root, else the nearest
    /// ancestor's grant (the ancestor itself or `ancestor.*`), else `*`.
    ///
    /// A name equal to a grant root is well formed, so the first look-up
    /// needs no check of the name. After that, the dots are found eight
    /// bytes at a time; a dot at byte `n` ends the ancestor of length `n`,
    /// so the ancestors worth a look-up are the dots whose length one of the
    /// role's roots has: one AND of two masks. Only the part below an
    /// ancestor that matched is checked (the ancestor, being a root, is well
    /// formed), its dots by the mask. Each prefix is hashed on its own: foldhash
    /// takes the same few instructions for any name up to 16 bytes, so this
    /// costs no more than extending one hash part by part.
    #[inline]
    fn find(&self, role: &str, permission: &str) -> Option<&Grant> {
        let (seed, role) = self.role(role)?;
        let compiled = self.roles.get(role as usize)?;
        let lengths = compiled.root_lengths;
        let grant = |index: u32| compiled.grants.get(index as usize);

        if lengths & length_bit(permission.len()) != 0
            && let Some(index) = self.slot(seed, role, permission).and_then(|s| s.itself)
        {
            return grant(index);
        }
        let bytes = permission.as_bytes();
        let dots = head_dots(&bytes[..bytes.len().min(LONG)]);
        let below = |len: usize| {
            let slot = self.slot(seed, role, permission.get(..len)?)?;
            let index = slot.itself.or(slot.below)?;
            Some(is_request_from(bytes, dots, len + 1).then_some(index))
        };
        // Ancestors of 63 bytes and more share the mask's last bit.
        if bytes.len() > LONG && lengths & length_bit(LONG) != 0 {
            let mut end = bytes.len();
            while let Some(dot) = bytes[LONG..end].iter().rposition(|&b| b == b'.') {
                end = LONG + dot;
                if let Some(found) = below(end) {
                    return found.and_then(grant);
                }
            }
        }
        let mut candidates = dots & lengths;
        while candidates != 0 {
            let len = 63 - candidates.leading_zeros() as usize;
            if let Some(found) = below(len) {
                return found.and_then(grant);
            }
            candidates &= !(1 << len);
        }
        let index = compiled
            .everything
            .filter(|_| is_request_from(bytes, dots, 0))?;
        grant(index)
    }

    /// The hash seeding the role's roots, and the role's index.
    #[inline]
    fn role(&self, role: &str) -> Option<(u64, u32)> {
        let seed = self.seed_of(role);
        let is_role = |&i: &u32| {
            self.roles
                .get(i as usize)
                .is_some_and(|r| same(r.name.as_bytes(), role.as_bytes()))
        };
        let &index = self.by_name.find(seed, is_role)?;
        Some((seed, index))
    }

    /// The grants of role number `role` rooted at `root`.
    #[inline]
    fn slot(&self, seed: u64, role: u32, root: &str) -> Option<&Slot> {
        let hash = root_hash(seed, root);
        let entry = self.by_root.find(hash, |e| {
            e.role == role && same(e.root.as_bytes(), root.as_bytes())
        })?;
        Some(&entry.slot)
    }

    /// Indexes every role's name and grant roots.
    fn index(mut self) -> Self {
        let seeds: Vec<u64> = self.roles.iter().map(|r| self.seed_of(&r.name)).collect();
        self.by_name = HashTable::with_capacity(self.roles.len());
        for (i, &seed) in seeds.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            self.by_name.insert_unique(seed, i, |&j| seeds[j as usize]);
        }

        let mut by_root = HashTable::new();
        for ((role, compiled), &seed) in (0_u32..).zip(&mut self.roles).zip(&seeds) {
            for (root, slot) in std::mem::take(&mut compiled.by_root) {
                compiled.root_lengths |= length_bit(root.len());
                let entry = RootEntry {
                    hash: root_hash(seed, &root),
                    role,
                    root,
                    slot,
                };
                by_root.insert_unique(entry.hash, entry, |e: &RootEntry| e.hash);
            }
        }
        self.by_root = by_root;
        self
    }

    fn seed_of(&self, role: &str) -> u64 {
        let mut hasher = self.name_hasher.build_hasher();
        hasher.write(role.as_bytes());
        hasher.finish()
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

        let policy = Policy {
            roles: (0..self.roles.len())
                .map(|i| self.compile(i, &index))
                .collect(),
            by_name: HashTable::new(),
            by_root: HashTable::new(),
            name_hasher: RandomState::default(),
        };
        Ok(policy.index())
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
            name: self.roles[start].name.clone().into_boxed_str(),
            grants: Vec::new(),
            by_root: HashMap::default(),
            everything: None,
            root_lengths: 0,
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
fn is_request(name: &[u8]) -> bool {
    let mut previous_dot = true;
    for &b in name {
        match REQUEST_BYTES[usize::from(b)] {
            WORD => previous_dot = false,
            DOT if !previous_dot => previous_dot = true,
            _ => return false,
        }
    }
    !previous_dot
}

/// Whether `name[from..]` can be asked about (see [`is_request`]), given
/// the dots of `name`'s first 63 bytes as [`head_dots`] finds them.
///
/// For names of up to 63 bytes the dots already tell where the parts are:
/// the rest must not start or end with a dot nor hold two in a row, which
/// is three tests of the mask, and every byte must be a word character or
/// a dot, which one branch-free pass over the bytes checks.
#[inline]
fn is_request_from(name: &[u8], dots: u64, from: usize) -> bool {
    let Some(rest) = name.get(from..).filter(|rest| !rest.is_empty()) else {
        return false;
    };
    if name.len() > LONG {
        return is_request(rest);
    }
    let parts = dots >> from;
    let placed = parts & 1 == 0 && parts & (parts >> 1) == 0 && parts >> (rest.len() - 1) == 0;
    let strays = rest.iter().fold(0, |all, &b| {
        all | u8::from(REQUEST_BYTES[usize::from(b)] == 0)
    });
    placed && strays == 0
}

/// The dots of at most 63 bytes, as a mask.
#[inline]
fn head_dots(name: &[u8]) -> u64 {
    let mut dots = 0;
    let mut chunks = name.chunks_exact(8);
    let mut shift = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        dots |= dot_bits(u64::from_le_bytes(word)) << shift;
        shift += 8;
    }
    let rest = chunks.remainder();
    if rest.is_empty() {
        return dots;
    }
    // The tail is read as one word, never copied into a zeroed one first:
    // a wide load of bytes just stored narrowly stalls the processor for
    // longer than the rest of a check takes.
    let word = match name.last_chunk::<8>() {
        // The last eight bytes, overlapping the chunks before them.
        Some(last) => dot_bits(u64::from_le_bytes(*last)) >> (8 - rest.len()),
        None => dot_bits(rest.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b))),
    };
    dots | word << shift
}

/// One bit per byte of `word` (little-endian) that is a `.`.
#[inline]
fn dot_bits(word: u64) -> u64 {
    let x = word ^ DOTS;
    let zero = !((x & LOW_SEVEN).wrapping_add(LOW_SEVEN) | x | LOW_SEVEN);
    (zero >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The hash of a grant root of the role whose name hashes to `seed`.
#[inline]
fn root_hash(seed: u64, root: &str) -> u64 {
    let mut hasher = FixedState::with_seed(seed).build_hasher();
    hasher.write(root.as_bytes());
    hasher.finish()
}

/// The bit of [`CompiledRole::root_lengths`] for a name of `len` bytes.
#[inline]
fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

#[cfg(test)]
mod tests;
