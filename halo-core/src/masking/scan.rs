//! The single pass over free text that finds what [`Masker::mask_text`]
//! replaces.
//!
//! Each byte is classified through one table; only the few classes that can
//! start a finding (`@`, `=`, `:`, `+`, `(`, digits, `b`/`B`, `J`) lead to
//! work, and that work looks at a handful of bytes before giving up. The
//! same table ([`CLASSES`]) flags the bytes that end a key and gives each
//! letter a bit, so most keys of a log line are ruled out by the letters the
//! skip loop passed, without being read again. Findings come out in order
//! and never overlap: a detector that looks backwards (the local part of an
//! email, the key of a pair) stops at the end of the last finding.
//!
//! [`Masker::mask_text`]: super::Masker::mask_text

use super::classes::{
    AT, CLASS_BITS, CLASSES, ENDS_KEY, LETTERS_SHIFT, NUMBER, PAIR, SCHEME, before, ends_value,
    is_base64url, is_credential, is_label, is_local, is_userinfo,
};
pub(crate) use super::classes::{at, is_word};
use super::keys::KeySet;
use super::numbers::{self, Number, NumberKind};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    /// An email address; the domain starts at `domain` and ends with the hit.
    Email { domain: usize },
    /// A phone number, SSN or card number.
    Number(NumberKind),
    /// The value of a secret key; `quote` when the replacement needs quotes
    /// (a JSON key with an unquoted value).
    Secret { quote: bool },
    /// The credential after `Bearer` or `Basic`.
    Bearer,
    /// A JSON Web Token (or JWE).
    Jwt,
    /// The user information of a URL (`user:password`).
    UrlCredentials,
}

/// A finding at `start..end` of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) found: Found,
}

/// The replacement of a secret value.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// Calls `emit` with every finding of `text`, in order.
pub(crate) fn scan(text: &str, keys: &KeySet, mut emit: impl FnMut(Hit)) {
    let mut scan = Scan {
        b: text.as_bytes(),
        keys,
        i: 0,
        committed: 0,
        nested: false,
    };
    while let Some(hit) = scan.next_hit(text.len()) {
        emit(hit);
    }
}

struct Scan<'a> {
    b: &'a [u8],
    keys: &'a KeySet,
    /// The next byte to look at.
    i: usize,
    /// The end of the last finding: nothing before it is looked at again.
    committed: usize,
    /// Whether this is the look ahead of a `Bearer` credential, which does
    /// not look ahead again.
    nested: bool,
}

impl Scan<'_> {
    /// The next finding triggered by a byte before `limit`.
    fn next_hit(&mut self, limit: usize) -> Option<Hit> {
        let bytes = self.b.get(..limit).unwrap_or(self.b);
        // After a pair that was no finding, the scan goes on just past its
        // `=` or `:`, which ends the next key as well as any byte would.
        let mut carried = 0;
        loop {
            // Bytes that start nothing are skipped in one tight loop, which
            // gathers their flags.
            let mut i = self.i;
            let mut passed = carried;
            let class = loop {
                let entry = CLASSES[usize::from(*bytes.get(i)?)];
                // The entry of a byte that starts work adds only its class,
                // which no test of `passed` looks at.
                passed |= entry;
                if entry & CLASS_BITS != 0 {
                    break entry;
                }
                i += 1;
            };
            self.i = i;
            let hit = match class {
                NUMBER => self.number(),
                AT => self.at_sign(),
                PAIR => self.pair(passed),
                SCHEME => self.scheme(),
                _ => self.jwt(),
            };
            carried = if class == PAIR { ENDS_KEY } else { 0 };
            if let Some(hit) = hit {
                debug_assert!(hit.start >= self.committed && hit.end > hit.start);
                self.committed = hit.end;
                self.i = hit.end;
                return Some(hit);
            }
        }
    }

    /// Skips the rest of the word at `i` and returns `None`.
    fn skip_word(&mut self) -> Option<Hit> {
        let mut j = self.i + 1;
        while is_word(at(self.b, j)) {
            j += 1;
        }
        self.i = j;
        None
    }

    /// Moves one byte on and returns `None`.
    fn step(&mut self) -> Option<Hit> {
        self.i += 1;
        None
    }

    /// The byte at `j` for a boundary test: bytes of an earlier finding
    /// count as a space, since a second pass sees their replacement there.
    fn boundary_byte(&self, j: usize) -> u8 {
        if j < self.committed {
            b' '
        } else {
            at(self.b, j)
        }
    }

    fn number(&mut self) -> Option<Hit> {
        let (b, i) = (self.b, self.i);
        let first = at(b, i);
        let prev = if i == 0 { 0 } else { self.boundary_byte(i - 1) };
        // Digits after `.` or `-` that follow a word, another `.` or `-`, or
        // an `@` are part of a word or a domain (`a-.1`, `b@-2`), which an
        // email address keeps on a second pass.
        let glued = is_word(prev)
            || prev == b'@'
            || (matches!(prev, b'.' | b'-') && {
                let prev2 = if i < 2 { 0 } else { self.boundary_byte(i - 2) };
                is_word(prev2) || matches!(prev2, b'.' | b'-' | b'@')
            });
        if !first.is_ascii_digit() {
            if glued || !at(b, i + 1).is_ascii_digit() {
                return self.step();
            }
        } else if glued {
            // Nothing starts inside the rest of the word either: every
            // trigger there follows a letter or digit.
            return self.skip_word();
        } else if at(b, i + 1).is_ascii_digit() && !at(b, i + 2).is_ascii_digit() {
            // Two digits (times, dates, small counts) start no number: the
            // commonest case of `quick_reject`, answered without the call.
            self.i = i + 2;
            return None;
        } else if let Some(run_end) = numbers::quick_reject(b, i) {
            // Most digit runs (counts, ids, times) are ruled out here,
            // without the full reading of their groups.
            self.i = run_end;
            return None;
        }
        match numbers::find(b, i) {
            Number::Found(m) => Some(self.userinfo_holding(m.start, m.end).unwrap_or(Hit {
                start: m.start,
                end: m.end,
                found: Found::Number(m.kind),
            })),
            // After a failed `+` or `(` the digits are tried on their own,
            // as they are on a second pass when an earlier mask ends in a
            // letter or digit before the `+` or `(`.
            Number::None { run_end } if first.is_ascii_digit() => {
                self.i = run_end;
                None
            }
            Number::None { .. } => self.step(),
        }
    }

    fn at_sign(&mut self) -> Option<Hit> {
        self.url_credentials()
            .or_else(|| self.email())
            .or_else(|| self.step())
    }

    /// `scheme://user:password@host`: the user information is the finding.
    fn url_credentials(&self) -> Option<Hit> {
        let (b, a) = (self.b, self.i);
        let mut u = a;
        while u > self.committed && is_userinfo(b[u - 1]) {
            u -= 1;
        }
        if u == a || u < 4 || &b[u - 3..u] != b"://" || !b[u - 4].is_ascii_alphanumeric() {
            return None;
        }
        Some(self.url_credentials_at(u, a))
    }

    /// The user information starting at `u` whose first `@` is at `a`.
    fn url_credentials_at(&self, u: usize, a: usize) -> Hit {
        let b = self.b;
        // A password may hold a raw `@`: the host follows the last one.
        let mut last = a;
        let mut k = a + 1;
        while k < b.len() && !matches!(b[k], b'/' | b'?' | b'#' | b'"' | b'\'' | b'<' | b'>') {
            if b[k].is_ascii_whitespace() {
                break;
            }
            if b[k] == b'@' {
                last = k;
            }
            k += 1;
        }
        Hit {
            start: u,
            end: last,
            found: Found::UrlCredentials,
        }
    }

    /// The user information after the `://` at `p`, found before anything
    /// in it (an email address, a number) can be found on its own: those
    /// masks are user information characters too, and a second pass would
    /// read them as such.
    fn userinfo_after(&self, p: usize) -> Option<Hit> {
        let b = self.b;
        if p == 0 || at(b, p + 2) != b'/' || !b[p - 1].is_ascii_alphanumeric() {
            return None;
        }
        let u = p + 3;
        let mut a = u;
        while is_userinfo(at(b, a)) {
            a += 1;
        }
        (a > u && at(b, a) == b'@').then(|| self.url_credentials_at(u, a))
    }

    /// The user information of a URL that holds the number at
    /// `start..end` (`https://4155550123:pw@host`): the whole of it is the
    /// finding, as it is on a second pass once the number is masked.
    fn userinfo_holding(&self, start: usize, end: usize) -> Option<Hit> {
        let b = self.b;
        let mut a = end;
        while a < b.len() && is_userinfo(b[a]) {
            a += 1;
        }
        if at(b, a) != b'@' {
            return None;
        }
        let mut u = start;
        while u > self.committed && is_userinfo(b[u - 1]) {
            u -= 1;
        }
        if u < 4 || &b[u - 3..u] != b"://" || !b[u - 4].is_ascii_alphanumeric() {
            return None;
        }
        Some(self.url_credentials_at(u, a))
    }

    fn email(&self) -> Option<Hit> {
        let (b, a) = (self.b, self.i);
        let mut start = a;
        while start > self.committed && is_local(b[start - 1]) {
            start -= 1;
        }
        while start < a && b[start] == b'.' {
            start += 1;
        }
        // A local part neither starts nor ends with a dot.
        if start == a || b[a - 1] == b'.' {
            return None;
        }
        // `a@b.io@c.io` is no address; the second `@` may start one.
        let end = domain_end(b, a + 1).filter(|&end| at(b, end) != b'@')?;
        Some(Hit {
            start,
            end,
            found: Found::Email { domain: a + 1 },
        })
    }

    /// `key=value`, `key: value`, `"key": "value"`: the value of a secret
    /// key is the finding.
    ///
    /// `passed` holds the [`CLASSES`] bits of the bytes the skip loop passed
    /// before `p`.
    fn pair(&mut self, passed: u32) -> Option<Hit> {
        let (b, p) = (self.b, self.i);
        if b[p] == b':' && at(b, p + 1) == b'/' {
            return self.userinfo_after(p).or_else(|| self.step());
        }
        // A key that ends at `p` after a key end the skip loop passed lies
        // in the bytes it passed; without every letter of some secret key
        // among them it is no secret key. (A key before a space or quote may
        // start earlier.)
        if passed & ENDS_KEY != 0
            && !matches!(before(b, p), b' ' | b'"' | b'\'')
            && !self.keys.may_hold_key(passed >> LETTERS_SHIFT)
        {
            return self.step();
        }
        let Some(quoted_key) = self.secret_key_before(p) else {
            return self.step();
        };

        // `key: value` and `key = value` are spaced; in `key= next=1` the
        // value is empty.
        let mut v = p + 1;
        if b[p] == b':' || before(b, p) == b' ' {
            while matches!(at(b, v), b' ' | b'\t') {
                v += 1;
            }
        }
        let hit = match at(b, v) {
            q @ (b'"' | b'\'') => quoted_value(b, v + 1, &[q]),
            b'\\' if at(b, v + 1) == b'"' => quoted_value(b, v + 2, b"\\\""),
            _ => self.unquoted_value(v, quoted_key),
        };
        match hit {
            Some(hit) => Some(hit),
            None => self.step(),
        }
    }

    /// Whether the key ending just before `p` is secret; `Some(true)` when
    /// it is in double quotes. The key is only read, so it may reach back
    /// into an earlier finding: what decides is the original text, which
    /// keeps masking idempotent.
    fn secret_key_before(&self, p: usize) -> Option<bool> {
        let b = self.b;
        let mut k = p;
        if before(b, k) == b' ' {
            k -= 1;
        }
        let quoted = matches!(before(b, k), b'"' | b'\'');
        if quoted {
            k -= 1;
            if before(b, k) == b'\\' {
                k -= 1;
            }
        }
        self.keys
            .matches_before(b, k)
            .then(|| quoted && b[k] == b'"')
    }

    fn unquoted_value(&self, v: usize, quoted_key: bool) -> Option<Hit> {
        let b = self.b;
        if b[v..].starts_with(REDACTED.as_bytes()) {
            return None;
        }
        let mut e = v;
        // `password=(415) 555-0123`: a value may open with a parenthesis.
        if at(b, e) == b'(' {
            while e < b.len() && b[e] != b')' {
                e += 1;
            }
            e = (e + 1).min(b.len());
        }
        while !ends_value(at(b, e)) {
            e += 1;
        }
        if e == v {
            return None;
        }
        let word = &b[v..e];
        if quoted_key && matches!(word, b"null" | b"true" | b"false") {
            return None;
        }
        // `Authorization: Bearer abc`: the scheme stays, the credential goes.
        if at(b, e) == b' ' && is_auth_scheme(word) {
            let c = e + 1;
            let mut end = c;
            while !ends_value(at(b, end)) {
                end += 1;
            }
            if b[c..].starts_with(REDACTED.as_bytes()) {
                return None;
            }
            if end > c {
                return Some(Hit {
                    start: c,
                    end,
                    found: Found::Secret { quote: false },
                });
            }
        }
        Some(Hit {
            start: v,
            end: e,
            found: Found::Secret { quote: quoted_key },
        })
    }

    /// `Bearer <credential>` and `Basic <credential>`, any case.
    fn scheme(&mut self) -> Option<Hit> {
        let (b, i) = (self.b, self.i);
        let prev = before(b, i);
        if is_word(prev) {
            return self.skip_word();
        }
        // The scheme starts a header value or a field, never the tail of a
        // domain or a word in another script.
        if !matches!(
            prev,
            0 | b'\t'
                | b'\n'
                | b'\r'
                | b' '
                | b'"'
                | b'\''
                | b':'
                | b'='
                | b'('
                | b'['
                | b'{'
                | b','
                | b';'
        ) {
            return self.step();
        }
        let word = if at(b, i + 1).eq_ignore_ascii_case(&b'e') {
            6
        } else {
            5
        };
        let Some(name) = b.get(i..i + word) else {
            return self.step();
        };
        if !is_auth_scheme(name) || at(b, i + word) != b' ' {
            return self.step();
        }
        let c = i + word + 1;
        let mut e = c;
        while is_credential(at(b, e)) {
            e += 1;
        }
        while at(b, e) == b'=' {
            e += 1;
        }
        // A run that runs into `*` ends at an earlier mask (a masked phone
        // number after a short word): taking it for a credential would mask
        // already-masked text differently a second time.
        let end = if at(b, e) != b'*' && looks_like_credential(&b[c..e]) {
            Some(e)
        } else {
            self.inner_findings_end(c, e)
        };
        match end {
            Some(end) => Some(Hit {
                start: c,
                end,
                found: Found::Bearer,
            }),
            None => self.step(),
        }
    }

    /// Where the findings that start in the word `c..e` after `Bearer` end,
    /// if any do (at most `e` itself). Such a word is masked whole, with
    /// them: masking them alone would change the word a second pass reads
    /// after `Bearer` (`Bearer tok_a=*123-45-6789` would become `Bearer
    /// tok_a=[REDACTED]`, which reads as a credential).
    fn inner_findings_end(&self, c: usize, e: usize) -> Option<usize> {
        // An empty word is no word: what follows keeps its own finding.
        if self.nested || e == c {
            return None;
        }
        // A finding that starts in the word is triggered in it or in the
        // user information or local part characters that follow it (the
        // `@` of an email address whose local part starts in the word).
        let mut limit = e;
        while is_userinfo(at(self.b, limit)) {
            limit += 1;
        }
        let limit = (limit + 1).min(self.b.len());
        let mut ahead = Scan {
            b: self.b,
            keys: self.keys,
            i: c,
            committed: c,
            nested: true,
        };
        let mut end = None;
        while let Some(hit) = ahead.next_hit(limit) {
            if hit.start > e {
                break;
            }
            end = Some(hit.end.max(e));
        }
        end
    }

    /// `eyJ…` in three or more base64url segments joined by dots.
    fn jwt(&mut self) -> Option<Hit> {
        let (b, j) = (self.b, self.i);
        if j < 2 || j - 2 < self.committed || &b[j - 2..j] != b"ey" {
            return self.step();
        }
        let start = j - 2;
        let prev = before(b, start);
        // After `@` it is the domain of an email address, masked or not.
        if is_base64url(prev) || prev == b'.' || prev == b'@' {
            return self.step();
        }
        let mut e = j;
        let mut segments = 1;
        loop {
            while is_base64url(at(b, e)) {
                e += 1;
            }
            // The third segment (the signature) is empty in unsecured tokens.
            if at(b, e) == b'.' && (segments < 3 || is_base64url(at(b, e + 1))) {
                e += 1;
                segments += 1;
            } else {
                break;
            }
        }
        if segments >= 3 {
            Some(Hit {
                start,
                end: e,
                found: Found::Jwt,
            })
        } else {
            self.step()
        }
    }
}

/// The end of the domain of an email address starting at `d`: the longest
/// run of two or more labels whose last one (the top-level domain) is two or
/// more letters. `bob@example.com.1` ends after `com`, and so does
/// `bob@example.com123` or `bob@example.com-x`: letters glued to a label
/// that goes on with digits or `-` still end an address, so that an address
/// written against other text is masked like the same address alone.
pub(crate) fn domain_end(b: &[u8], d: usize) -> Option<usize> {
    let mut k = d;
    let mut labels = 0;
    let mut found = None;
    loop {
        let start = k;
        while is_label(at(b, k)) {
            k += 1;
        }
        if k == start {
            return found;
        }
        labels += 1;
        let letters = b[start..k]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if labels >= 2 && letters >= 2 {
            found = Some(start + letters);
        }
        if at(b, k) == b'.' && is_label(at(b, k + 1)) {
            k += 1;
        } else {
            return found;
        }
    }
}

/// A quoted value starting at `v`, up to the closing `quote` (`"`, `'` or
/// `\"`). A backslash escapes the next byte. Without a closing quote the
/// value runs to the end of the text.
fn quoted_value(b: &[u8], v: usize, quote: &[u8]) -> Option<Hit> {
    let mut e = v;
    while e < b.len() && !b[e..].starts_with(quote) {
        e += if b[e] == b'\\' && quote.len() == 1 {
            2
        } else {
            1
        };
    }
    let e = e.min(b.len());
    let value = &b[v..e];
    if value.is_empty() || value == REDACTED.as_bytes() {
        return None;
    }
    Some(Hit {
        start: v,
        end: e,
        found: Found::Secret { quote: false },
    })
}

fn is_auth_scheme(word: &[u8]) -> bool {
    word.eq_ignore_ascii_case(b"bearer") || word.eq_ignore_ascii_case(b"basic")
}

/// Whether the word after `Bearer` is a credential rather than prose: eight
/// or more characters with a digit, a symbol or an inner capital.
fn looks_like_credential(word: &[u8]) -> bool {
    word.len() >= 8
        && word.iter().enumerate().any(|(i, &c)| {
            c.is_ascii_digit() || !c.is_ascii_alphanumeric() || (i > 0 && c.is_ascii_uppercase())
        })
}
