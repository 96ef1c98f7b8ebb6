//! The in-process store: sharded, bounded, forgetting idle keys.

use std::hash::{BuildHasher, Hasher};
use std::sync::{Mutex, PoisonError};

use foldhash::fast::RandomState;
use hashbrown::HashTable;

use super::RateLimitError;
use super::rule::{KeyState, Rule, Verdict};
use super::store::RateStore;
use crate::bytes::same;

/// The default number of keys a [`MemoryStore`] holds (100 000, a few MiB).
pub const DEFAULT_MAX_KEYS: usize = 100_000;

const SHARDS: usize = 64;
/// How many keys are compared to choose one to displace at the cap.
const EVICTION_SAMPLE: usize = 16;
/// The longest rule name and key kept inside an entry, in bytes: 30 keeps
/// an entry (hash, these bytes with their length, the rule length and the
/// key state) within one 64-byte cache line, so a check on a cold key costs
/// one memory access. A rule name and an IPv4 address or key id fit.
const INLINE_BYTES: usize = 30;

/// Key state in this process's memory.
///
/// Safe to share between threads: keys are spread over 64 shards, each
/// behind its own lock, by a fast hash (foldhash) seeded randomly per store,
/// so that clients cannot choose keys that collide or land on one shard
/// without knowing the seed. State is lost when the process
/// stops and is not shared between processes; use the Redis store for
/// replicas.
///
/// Memory is bounded by `max_keys` (default [`DEFAULT_MAX_KEYS`]), divided
/// evenly between shards. A key that is idle (its burst whole again and not
/// blocked) means the same as an absent one, so it is dropped whenever room
/// is needed. When a shard is full and none of its keys is idle, a new key
/// displaces the one, among 16 of that shard's keys, that would become idle
/// soonest; the displaced key starts afresh when it returns, which can give
/// it a fresh burst. The cap thus bounds memory at the cost of accuracy for
/// the least active keys, and never refuses a request because of it.
/// Finding room costs one pass over the shard.
#[derive(Debug)]
pub struct MemoryStore {
    shards: Box<[Mutex<HashTable<Entry>>]>,
    hasher: RandomState,
    per_shard: usize,
}

/// Aligned to a cache line, so that an entry never straddles two: the
/// table would otherwise place it at any multiple of 16 bytes.
#[derive(Debug)]
#[repr(align(64))]
struct Entry {
    /// The hash of the rule name and the key, kept so that growing a table
    /// or evicting from it hashes nothing.
    hash: u64,
    /// The rule name followed by the key.
    joined: Joined,
    rule_len: u32,
    state: KeyState,
}

/// Rule name and key bytes: inside the entry when short (most client
/// addresses and key ids), saving a memory access per check.
#[derive(Debug)]
enum Joined {
    Inline { len: u8, bytes: [u8; INLINE_BYTES] },
    Heap(Box<[u8]>),
}

impl MemoryStore {
    /// A store holding up to [`DEFAULT_MAX_KEYS`] keys.
    pub fn new() -> Self {
        Self::with_max_keys(DEFAULT_MAX_KEYS)
    }

    /// A store holding up to `max_keys` keys (rounded up to a multiple of
    /// 64, at least 64).
    pub fn with_max_keys(max_keys: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::new(HashTable::new())).collect(),
            hasher: RandomState::default(),
            per_shard: max_keys.div_ceil(SHARDS).max(1),
        }
    }

    /// The number of keys held, idle ones included.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len()).sum()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every key that is idle at `now` (nanoseconds since the UNIX
    /// epoch). Not needed for correctness; it returns memory early.
    pub fn evict_idle(&self, now: u64) {
        for shard in self.shards.iter() {
            lock(shard).retain(|e| e.state.expires_at() > now);
        }
    }
}

impl MemoryStore {
    /// One pass of the store's hasher over the rule name then the key; the
    /// rule name's length, compared on look-up, tells apart pairs whose
    /// bytes run together alike.
    #[inline]
    fn hash(&self, rule_name: &[u8], key: &[u8]) -> u64 {
        let mut hasher = self.hasher.build_hasher();
        hasher.write(rule_name);
        hasher.write(key);
        hasher.finish()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl RateStore for MemoryStore {
    #[inline]
    fn acquire(
        &self,
        rule_name: &str,
        rule: &Rule,
        key: &str,
        now: u64,
    ) -> Result<Verdict, RateLimitError> {
        let hash = self.hash(rule_name.as_bytes(), key.as_bytes());
        let index = (hash >> 32) as usize % SHARDS;
        let mut table = lock(&self.shards[index]);

        if let Some(entry) = table.find_mut(hash, |e| e.is(hash, rule_name, key)) {
            return Ok(rule.apply(&mut entry.state, now));
        }

        let mut state = KeyState::default();
        let verdict = rule.apply(&mut state, now);
        if table.len() >= self.per_shard {
            make_room(&mut table, now);
        }
        let entry = Entry {
            hash,
            joined: Joined::new(rule_name.as_bytes(), key.as_bytes()),
            rule_len: u32::try_from(rule_name.len()).unwrap_or(u32::MAX),
            state,
        };
        table.insert_unique(hash, entry, |e| e.hash);
        Ok(verdict)
    }
}

impl Entry {
    #[inline]
    fn is(&self, hash: u64, rule_name: &str, key: &str) -> bool {
        let (rule, own_key) = self.parts();
        self.hash == hash && same(rule, rule_name.as_bytes()) && same(own_key, key.as_bytes())
    }

    /// The rule name and the key.
    fn parts(&self) -> (&[u8], &[u8]) {
        let joined = self.joined.bytes();
        joined
            .split_at_checked(self.rule_len as usize)
            .unwrap_or((joined, &[]))
    }
}

impl Joined {
    fn new(rule_name: &[u8], key: &[u8]) -> Self {
        let len = rule_name.len() + key.len();
        match u8::try_from(len) {
            Ok(short) if len <= INLINE_BYTES => {
                let mut bytes = [0; INLINE_BYTES];
                bytes[..rule_name.len()].copy_from_slice(rule_name);
                bytes[rule_name.len()..len].copy_from_slice(key);
                Self::Inline { len: short, bytes }
            }
            _ => Self::Heap([rule_name, key].concat().into_boxed_slice()),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Self::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or(bytes),
            Self::Heap(bytes) => bytes,
        }
    }
}

/// Drops the shard's idle keys, or else the sampled key nearest to idle.
fn make_room(table: &mut HashTable<Entry>, now: u64) {
    table.retain(|e| e.state.expires_at() > now);
    if table.is_empty() {
        return;
    }
    let sampled = table.iter().take(EVICTION_SAMPLE);
    let victim = sampled
        .min_by_key(|e| e.state.expires_at())
        .map(|e| (e.hash, std::ptr::from_ref(e)));
    if let Some((hash, ptr)) = victim
        && let Ok(entry) = table.find_entry(hash, |e| std::ptr::eq(e, ptr))
    {
        entry.remove();
    }
}

/// The shard's table; a panic elsewhere while holding the lock leaves plain
/// numbers behind, which stay valid, so poisoning is ignored.
fn lock(shard: &Mutex<HashTable<Entry>>) -> std::sync::MutexGuard<'_, HashTable<Entry>> {
    shard.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod layout {
    #[test]
    fn an_entry_fits_one_cache_line() {
        assert!(size_of::<super::Entry>() <= 64);
    }
}
