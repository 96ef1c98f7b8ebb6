//! The classes of bytes that [`scan`](super::scan) reads text by: which
//! bytes can start a finding, which end a key or hold a secret key's
//! anchor, and the small predicates the detectors test bytes with.

use super::keys::KeySet;

pub(super) const NUMBER: u8 = 1;
pub(super) const AT: u8 = 2;
pub(super) const PAIR: u8 = 3;
pub(super) const SCHEME: u8 = 4;
pub(super) const JWT: u8 = 5;
/// The bits of a [`Classes`] entry that hold the class.
pub(super) const CLASS_BITS: u8 = 0b111;
/// In [`Classes`]: a byte that ends a key (see [`KeySet::ends_key`]).
pub(super) const ENDS_KEY: u8 = 1 << 3;
/// In [`Classes`]: a byte that holds an anchor of the secret keys (see
/// [`KeySet::is_anchor`]).
pub(super) const ANCHOR: u8 = 1 << 4;

/// The class of each byte: 0 for bytes that start nothing.
static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut d = b'0';
    while d <= b'9' {
        table[d as usize] = NUMBER;
        d += 1;
    }
    table[b'+' as usize] = NUMBER;
    table[b'(' as usize] = NUMBER;
    table[b'@' as usize] = AT;
    table[b'=' as usize] = PAIR;
    table[b':' as usize] = PAIR;
    table[b'b' as usize] = SCHEME;
    table[b'B' as usize] = SCHEME;
    table[b'J' as usize] = JWT;
    table
};

/// Whether each byte is an ASCII letter, digit or `_`: a table, since this
/// is asked of most bytes around a digit or a `b`.
static WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = (c as u8).is_ascii_alphanumeric() || c == b'_' as usize;
        c += 1;
    }
    table
};

/// The class of each byte for one set of secret keys: [`CLASS`], and for the
/// bytes that start nothing, whether they end a key or hold an anchor.
///
/// The skip loop gathers these flags over the bytes it passes. When they
/// hold a key end and no anchor, the key before the next `=` or `:` lies in
/// those bytes and holds no anchor, so it is no secret key and is not read:
/// that rules out most keys of a log line for the cost of one `or` a byte.
#[derive(Clone)]
pub(crate) struct Classes(pub(super) [u8; 256]);

impl Classes {
    /// The classes under `keys`.
    pub(crate) fn new(keys: &KeySet) -> Self {
        let mut table = CLASS;
        for (c, entry) in (0..=u8::MAX).zip(table.iter_mut()) {
            if *entry == 0 && KeySet::ends_key(c) {
                *entry = ENDS_KEY;
            } else if *entry == 0 && keys.is_anchor(c) {
                *entry = ANCHOR;
            }
        }
        Self(table)
    }
}

/// The byte at `i`, or 0 past either end.
#[inline]
pub(crate) fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// The byte before `i`, or 0 at the start.
#[inline]
pub(super) fn before(b: &[u8], i: usize) -> u8 {
    if i == 0 { 0 } else { at(b, i - 1) }
}

/// ASCII letters, digits and `_`.
#[inline]
pub(crate) fn is_word(c: u8) -> bool {
    WORD[usize::from(c)]
}

pub(super) fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-') || c >= 0x80
}

pub(super) fn is_label(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

pub(super) fn is_base64url(c: u8) -> bool {
    is_word(c) || c == b'-'
}

pub(super) fn is_credential(c: u8) -> bool {
    is_base64url(c) || matches!(c, b'.' | b'~' | b'+' | b'/')
}

/// A byte of URL user information: the characters RFC 3986 allows there,
/// and any non-ASCII byte (an internationalised user name), so that every
/// detector agrees on where user information starts and ends.
pub(super) fn is_userinfo(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:".contains(&c) || c >= 0x80
}

pub(super) fn ends_value(c: u8) -> bool {
    c == 0 || c.is_ascii_whitespace() || b",;&\"'<>()[]{}\\".contains(&c)
}
