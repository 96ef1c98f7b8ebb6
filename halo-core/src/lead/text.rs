//! Trimming, control-character checks, whitespace collapsing and character
//! counts for free-text fields.
//!
//! Each function takes a `Cow` and gives one back: a value that needs no
//! change is returned as it came, so an already normal value costs no
//! allocation.

use std::borrow::Cow;

/// A text value after trimming, with what was learnt scanning it.
pub(super) struct Scanned<'a> {
    /// The trimmed value, with whitespace collapsed if that was asked for.
    pub(super) text: Cow<'a, str>,
    /// Its length in Unicode scalar values.
    pub(super) chars: usize,
}

/// The value holds a control character (Unicode general category Cc).
pub(super) struct ControlCharacter;

/// Trims `value` and rejects control characters; with `collapse`, also
/// turns every inner run of whitespace into one space.
pub(super) fn scan(value: Cow<'_, str>, collapse: bool) -> Result<Scanned<'_>, ControlCharacter> {
    let text = trim(value);
    let trimmed: &str = &text;

    let (control, irregular, chars) = match scan_ascii(trimmed.as_bytes()) {
        Some(found) => found,
        None => scan_unicode(trimmed),
    };
    if control {
        return Err(ControlCharacter);
    }
    if !(collapse && irregular) {
        return Ok(Scanned { text, chars });
    }

    let collapsed = collapse_whitespace(trimmed);
    let chars = collapsed.chars().count();
    Ok(Scanned {
        text: Cow::Owned(collapsed),
        chars,
    })
}

/// Strips leading and trailing whitespace (Unicode `White_Space`).
pub(super) fn trim(value: Cow<'_, str>) -> Cow<'_, str> {
    // Most values start and end with a printable ASCII character: nothing
    // to trim, and no need for the Unicode-aware search.
    let printable = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x7f);
    let bytes = value.as_bytes();
    if printable(bytes.first()) && printable(bytes.last()) {
        return value;
    }
    match value {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) if s.trim().len() == s.len() => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
    }
}

/// Control character found, whitespace that a collapse would change, and
/// the length, for ASCII text; `None` when the text is not ASCII. ASCII
/// whitespace other than the space is a control character, so only double
/// spaces need collapsing.
///
/// The bytes are read eight at a time as a `u64` (the tail padded with
/// `a`), with the classic bit tricks for "has a byte below n" and "which
/// bytes are zero"; `scan_ascii_bytewise` in the tests is the plain
/// version it must agree with.
fn scan_ascii(bytes: &[u8]) -> Option<(bool, bool, usize)> {
    let mut words = bytes.chunks_exact(8);
    let mut flags = WordFlags::default();
    for chunk in &mut words {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        flags.add(u64::from_le_bytes(word));
    }
    let mut tail = [b'a'; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    flags.add(u64::from_le_bytes(tail));

    if flags.wide != 0 {
        return None;
    }
    Some((flags.control != 0, flags.double_space != 0, bytes.len()))
}

/// What [`scan_ascii`] has seen so far; each field is non-zero once found.
#[derive(Default)]
struct WordFlags {
    wide: u64,
    control: u64,
    double_space: u64,
    /// The previous word's last byte was a space (in bit 7).
    carry: u64,
}

impl WordFlags {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    const LOW7: u64 = u64::from_le_bytes([0x7f; 8]);

    /// Eight bytes, first byte in the low bits.
    fn add(&mut self, word: u64) {
        self.wide |= word & Self::HIGH;
        // Some byte below 0x20 (exact while no byte is wide).
        self.control |= word.wrapping_sub(Self::ONES * 0x20) & !word & Self::HIGH;
        // Some byte equal to 0x7f: a zero byte after the xor.
        let del = word ^ (Self::ONES * 0x7f);
        self.control |= del.wrapping_sub(Self::ONES) & !del & Self::HIGH;
        // Exactly the space bytes, each marked by its high bit.
        let xor = word ^ (Self::ONES * 0x20);
        let spaces = !(((xor & Self::LOW7) + Self::LOW7) | xor) & Self::HIGH;
        self.double_space |= spaces & ((spaces << 8) | self.carry);
        self.carry = (spaces >> 56) & 0x80;
    }
}

fn scan_unicode(text: &str) -> (bool, bool, usize) {
    let mut irregular = false;
    let mut previous_space = false;
    let mut chars = 0;
    for c in text.chars() {
        if c.is_control() {
            return (true, irregular, 0);
        }
        let space = c.is_whitespace();
        irregular |= space && (previous_space || c != ' ');
        previous_space = space;
        chars += 1;
    }
    (false, irregular, chars)
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn scan_ascii_bytewise(bytes: &[u8]) -> Option<(bool, bool, usize)> {
        if !bytes.is_ascii() {
            return None;
        }
        let control = bytes.iter().any(|&b| b < 0x20 || b == 0x7f);
        let double = bytes.windows(2).any(|w| w == b"  ");
        Some((control, double, bytes.len()))
    }

    #[test]
    fn word_scan_finds_each_case() {
        for text in [
            "",
            "a",
            "a b",
            "a  b",
            "abcdefg  hijk",
            "abcdefgh  ",
            "1234567 8",
            "1234567  8",
        ] {
            assert_eq!(
                scan_ascii(text.as_bytes()),
                scan_ascii_bytewise(text.as_bytes()),
                "{text:?}"
            );
        }
        assert_eq!(scan_ascii(b"abcdefgh\x7f"), Some((true, false, 9)));
        assert_eq!(scan_ascii(b"\x1f"), Some((true, false, 1)));
        assert_eq!(scan_ascii("abcdefghé".as_bytes()), None);
    }

    proptest! {
        #[test]
        fn word_scan_agrees_with_bytewise(bytes in proptest::collection::vec(
            prop_oneof![Just(b' '), Just(0x7f), Just(0x1f), Just(0x80), 0x20u8..0x7f, any::<u8>()],
            0..40,
        )) {
            prop_assert_eq!(scan_ascii(&bytes), scan_ascii_bytewise(&bytes));
        }
    }
}
