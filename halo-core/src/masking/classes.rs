//! The classes of bytes that [`scan`](super::scan) reads text by: which
//! bytes can start a finding, which end a key, which letter a byte is, and
//! the small predicates the detectors test bytes with.

use super::keys::KeySet;

pub(super) const NUMBER: u32 = 1;
pub(super) const AT: u32 = 2;
pub(super) const PAIR: u32 = 3;
pub(super) const SCHEME: u32 = 4;
pub(super) const JWT: u32 = 5;
/// The bits of a [`CLASSES`] entry that hold the class.
pub(super) const CLASS_BITS: u32 = 0b111;
/// In [`CLASSES`]: a byte that ends a key (see [`KeySet::ends_key`]).
pub(super) const ENDS_KEY: u32 = 1 << 3;
/// In [`CLASSES`]: the bit of the letter `a` (either case); `b` is the next
/// bit up, and so on to `z`.
pub(super) const LETTERS_SHIFT: u32 = 4;

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

/// The entry of each byte for the text scan: its class (0 for bytes that
/// start nothing); for the bytes that start nothing, [`ENDS_KEY`] when they
/// end a key, and their letter's bit (from [`LETTERS_SHIFT`] up) when they
/// are a letter.
///
/// The skip loop gathers these bits over the bytes it passes. When they
/// hold a key end, the key before the next `=` or `:` lies in those bytes,
/// so it holds only letters gathered there: a secret key one of whose
/// letters is missing cannot be in it. That rules out most keys of a log
/// line for the cost of one `or` a byte, before any byte is read again.
pub(super) static CLASSES: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut c = 0;
    while c < 256 {
        let byte = c as u8;
        table[c] = if byte.is_ascii_digit() || byte == b'+' || byte == b'(' {
            NUMBER
        } else if byte == b'@' {
            AT
        } else if byte == b'=' || byte == b':' {
            PAIR
        } else if byte == b'b' || byte == b'B' {
            SCHEME
        } else if byte == b'J' {
            JWT
        } else if byte.is_ascii_alphabetic() {
            1 << (LETTERS_SHIFT + (byte.to_ascii_lowercase() - b'a') as u32)
        } else if KeySet::ends_key(byte) {
            ENDS_KEY
        } else {
            0
        };
        c += 1;
    }
    table
};

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
