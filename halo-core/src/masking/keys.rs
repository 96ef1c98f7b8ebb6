//! Key names, folded for matching: `X-Api-Key`, `api_key` and `apiKey` are
//! all `xapikey` / `apikey`, and a secret key matches every key that contains
//! it (`password` matches `password_confirmation`).

/// Key names whose values are always secret, whatever the configuration
/// says. The configured `mask_in_logs` keys are added to these.
pub const ALWAYS_SECRET_KEYS: [&str; 9] = [
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "authorization",
    "cookie",
    "private_key",
    "credential",
];

/// A key reduced to its lowercase ASCII letters and digits.
pub(crate) fn fold(key: &str) -> String {
    key.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect()
}

/// A state of the automaton with no transition for a symbol.
const NONE: u16 = u16::MAX;

/// The symbol of each byte: 0 to 35 for letters (either case) and digits,
/// [`SKIP`] for the separators a key may hold, [`STOP`] for the rest.
static SYMBOL: [u8; 256] = {
    let mut table = [STOP; 256];
    let mut c = 0;
    while c < 26 {
        table[b'a' as usize + c] = c as u8;
        table[b'A' as usize + c] = c as u8;
        c += 1;
    }
    let mut d = 0;
    while d < 10 {
        table[b'0' as usize + d] = 26 + d as u8;
        d += 1;
    }
    table[b'_' as usize] = SKIP;
    table[b'-' as usize] = SKIP;
    table[b'.' as usize] = SKIP;
    table
};
const SKIP: u8 = 254;
const STOP: u8 = 255;
const SYMBOLS: usize = 36;

/// Secret key names, folded, matched by containment.
///
/// The names are compiled into one automaton (Aho-Corasick, as a full
/// transition table) over their reversed folded bytes, so that a key is
/// matched in one backwards walk from the `=` or `:` that ends it, without
/// copying or folding it first.
#[derive(Debug, Clone)]
pub(crate) struct KeySet {
    /// While building: the trie, then the transition table.
    next: Vec<[u16; SYMBOLS]>,
    accepts: Vec<bool>,
    /// The transition table, flat (`state * SYMBOLS + symbol`), with
    /// transitions into an accepting state replaced by [`ACCEPT`].
    table: Box<[u16]>,
    /// For each key, the set of its symbols (bit `symbol`): a key can only
    /// be contained in a name holding all of them, which rules out most
    /// names before the automaton runs.
    letters: Vec<u64>,
    /// The rarest symbol of each key (see [`RARITY`]): a name holding none
    /// of them contains no key, which one test tells.
    anchors: u64,
    /// The length of the shortest key, folded: shorter names contain none.
    shortest: usize,
}

/// Letters and digits from the rarest in key names to the most common, to
/// pick the symbol of a key that fewest names hold.
const RARITY: &[u8; 36] = b"zqxjkvwbyfpgcmudlhrsnioate0123456789";

/// The longest key looked at: 128 bytes before the `=` or `:`.
const MAX_KEY: usize = 128;

/// The bit of each byte in a set of symbols: the symbol's bit for letters and
/// digits, 0 for separators, [`STOP_BIT`] for the rest.
static BITS: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = match SYMBOL[i] {
            SKIP => 0,
            STOP => STOP_BIT,
            symbol => 1 << symbol,
        };
        i += 1;
    }
    table
};
const STOP_BIT: u64 = 1 << 63;

/// The symbol bits of the ten digits, in a set of symbols.
const DIGIT_BITS: u64 = ((1 << 10) - 1) << 26;

/// The transition into an accepting state.
const ACCEPT: u16 = u16::MAX - 1;

impl KeySet {
    /// The set of `keys`; keys that fold to nothing are skipped (the builder
    /// refuses them first).
    pub(crate) fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        let mut set = Self {
            next: vec![[NONE; SYMBOLS]],
            accepts: vec![false],
            table: Box::new([]),
            letters: Vec::new(),
            anchors: 0,
            shortest: usize::MAX,
        };
        for key in keys {
            set.insert(key.bytes().rev());
            let letters = key.bytes().fold(0, |set, b| set | BITS[usize::from(b)]) & !STOP_BIT;
            if letters != 0 && !set.letters.contains(&letters) {
                set.letters.push(letters);
            }
            let mut rarest = RARITY.iter().map(|&b| BITS[usize::from(b)]);
            set.anchors |= rarest.find(|&bit| letters & bit != 0).unwrap_or(0);
            let folded = key.bytes().filter(u8::is_ascii_alphanumeric).count();
            if folded > 0 {
                set.shortest = set.shortest.min(folded);
            }
        }
        set.link();
        let accepts = std::mem::take(&mut set.accepts);
        let rows = std::mem::take(&mut set.next);
        let flat = rows
            .iter()
            .flatten()
            .map(|&to| if accepts[usize::from(to)] { ACCEPT } else { to });
        set.table = flat.collect();
        set
    }

    fn insert(&mut self, bytes: impl Iterator<Item = u8>) {
        let mut state = 0;
        for symbol in bytes.map(|b| SYMBOL[usize::from(b)]).filter(|&s| s < SKIP) {
            let slot = self.next[state][usize::from(symbol)];
            state = if slot == NONE {
                self.next.push([NONE; SYMBOLS]);
                self.accepts.push(false);
                let new = self.next.len() - 1;
                self.next[state][usize::from(symbol)] = new as u16;
                new
            } else {
                usize::from(slot)
            };
        }
        if state != 0 {
            self.accepts[state] = true;
        }
    }

    /// Turns the trie into a full transition table (breadth first, each
    /// missing transition taken from the failure state).
    fn link(&mut self) {
        let mut fail = vec![0usize; self.next.len()];
        let mut queue = std::collections::VecDeque::new();
        for symbol in 0..SYMBOLS {
            match self.next[0][symbol] {
                NONE => self.next[0][symbol] = 0,
                child => queue.push_back(usize::from(child)),
            }
        }
        while let Some(state) = queue.pop_front() {
            self.accepts[state] |= self.accepts[fail[state]];
            for symbol in 0..SYMBOLS {
                let fallback = self.next[fail[state]][symbol];
                match self.next[state][symbol] {
                    NONE => self.next[state][symbol] = fallback,
                    child => {
                        fail[usize::from(child)] = usize::from(fallback);
                        queue.push_back(usize::from(child));
                    }
                }
            }
        }
    }

    /// Whether the key that ends just before `end` in `b` contains a secret
    /// key once folded. The key is the run of letters, digits, `_`, `-` and
    /// `.` before `end`, at most 128 bytes of it.
    ///
    /// This runs at every `=` and `:` of a log line, so it is one walk that
    /// gathers the key's symbols, then tests that rule out nearly every key
    /// before the automaton runs.
    pub(crate) fn matches_before(&self, b: &[u8], end: usize) -> bool {
        let window = b.get(end.saturating_sub(MAX_KEY)..end).unwrap_or_default();
        // One walk finds where the key starts and gathers its symbols; the
        // stop byte that ends the walk adds only `STOP_BIT`, which no test
        // below looks at.
        let mut seen = 0;
        let start = window
            .iter()
            .rposition(|&c| {
                let bits = BITS[usize::from(c)];
                seen |= bits;
                bits == STOP_BIT
            })
            .map_or(0, |stop| stop + 1);
        let key = &window[start..];
        if seen & self.anchors == 0
            || key.len() < self.shortest
            || !self.letters.iter().any(|&letters| letters & !seen == 0)
        {
            return false;
        }
        self.matches_bytes(key)
    }

    #[inline]
    fn step(&self, state: usize, symbol: u8) -> u16 {
        self.table
            .get(state * SYMBOLS + usize::from(symbol))
            .copied()
            .unwrap_or(0)
    }

    /// Whether a name made of the letters `letters` (bit 0 for `a`, either
    /// case, up to bit 25 for `z`), and of digits and separators, may contain
    /// a secret key: it holds every letter of some key.
    #[inline]
    pub(crate) fn may_hold_key(&self, letters: u32) -> bool {
        // Letters are the first 26 symbols. The name's digits are not
        // known, so every digit is taken to be there: a key of digits alone
        // may be in any name.
        let held = u64::from(letters) | DIGIT_BITS;
        held & self.anchors != 0 && self.letters.iter().any(|&set| set & !held == 0)
    }

    /// Whether the byte `c` ends a key: it is neither a letter, a digit nor
    /// one of the separators `_`, `-` and `.` a key may hold.
    pub(crate) const fn ends_key(c: u8) -> bool {
        SYMBOL[c as usize] == STOP
    }

    /// Whether `key` contains a secret key once folded.
    pub(crate) fn matches(&self, key: &str) -> bool {
        self.matches_bytes(key.as_bytes())
    }

    /// Whether the name `b` contains a secret key once folded (bytes other
    /// than letters and digits are skipped).
    fn matches_bytes(&self, b: &[u8]) -> bool {
        let mut state = 0;
        for &byte in b.iter().rev() {
            let symbol = SYMBOL[usize::from(byte)];
            if symbol < SKIP {
                match self.step(state, symbol) {
                    ACCEPT => return true,
                    to => state = usize::from(to),
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_punctuation() {
        assert_eq!(fold("X-Api-Key"), "xapikey");
        assert_eq!(fold("api_key"), "apikey");
        assert_eq!(fold("apiKey"), "apikey");
    }

    #[test]
    fn containment_catches_variants() {
        let set = KeySet::new(ALWAYS_SECRET_KEYS);
        for key in [
            "apiKey",
            "api-key",
            "X-Api-Key",
            "Authorization",
            "password_confirmation",
            "a:b c",
        ] {
            assert_eq!(set.matches(key), key != "a:b c", "{key}");
        }
        for key in ["user", "email", "api", "key_id", "pass", "tokn", "pi_key"] {
            assert!(!set.matches(key), "{key}");
        }
    }

    #[test]
    fn overlapping_names_are_all_found() {
        // `tok` fails inside `tokxtoken` and must restart from the failure state.
        let set = KeySet::new(["token", "ken_id", "xt"]);
        for key in ["tokxtoken", "a_ken-id", "next", "TOKEN"] {
            assert!(set.matches(key), "{key}");
        }
        assert!(!set.matches("toke_x"));
    }

    #[test]
    fn letters_rule_out_only_names_missing_a_letter_of_every_key() {
        let letters = |name: &str| {
            name.bytes()
                .fold(0u32, |set, b| set | 1 << (b.to_ascii_lowercase() - b'a'))
        };
        let set = KeySet::new(["token", "api_key"]);
        assert!(set.may_hold_key(letters("xTokEn")));
        assert!(set.may_hold_key(letters("keypadi")));
        assert!(!set.may_hold_key(letters("knot")));
        assert!(!set.may_hold_key(0));
        // A key without letters may be in a name of digits alone.
        let set = KeySet::new(["token", "00"]);
        assert!(set.may_hold_key(0));
        assert!(set.may_hold_key(letters("knot")));
    }

    #[test]
    fn backwards_walk_stops_at_the_key() {
        let set = KeySet::new(["password"]);
        let line = b"x user_password=1 pass word=2";
        assert!(set.matches_before(line, 15));
        assert!(!set.matches_before(line, 27));
        assert!(!set.matches_before(line, 18));
        assert!(set.matches_before(b"pass_word=", 9));
        assert!(!set.matches_before(b"xpassword", 8));
    }
}
