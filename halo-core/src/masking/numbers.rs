//! Phone numbers, SSNs and payment card numbers in a run of digit groups.
//!
//! A run is up to [`MAX_GROUPS`] groups of digits, each separated by one
//! space, `-` or `.` (a group may be in parentheses), optionally after a
//! leading `+`. The shapes recognised, tried in this order at each group that
//! follows a space:
//!
//! - `+` and 8 to 15 digits: an international number (E.164 length);
//! - a card: 13 to 19 digits in one group, or `4-4-4-4`, `4-4-4-4-3`,
//!   `4-6-5`, `4-6-4` with one separator, passing the Luhn check and starting
//!   with 2 to 6 (the issuers in use);
//! - a NANP number: `NXX-NXX-XXXX` (area code in parentheses or not), with a
//!   leading `1` group or not, or ten digits in one group; the area code is
//!   not `N11`;
//! - an SSN: `AAA-GG-SSSS` or `AAA GG SSSS` in the issued ranges (area 001 to
//!   899 except 666, group 01 to 99, serial 0001 to 9999). A bare run of nine
//!   digits is not taken for an SSN: it is too often an id.

use super::scan::{at, is_word};

/// The most groups read in one run.
pub(crate) const MAX_GROUPS: usize = 8;

/// What a run holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberKind {
    /// A phone number in the North American Numbering Plan.
    Nanp {
        /// The three digits of the area code.
        area: [u8; 3],
    },
    /// Another phone number written with a `+`.
    International {
        /// The country calling code, `len` digits.
        country: [u8; 3],
        /// How many digits of `country` are used (1 to 3).
        len: u8,
    },
    /// A US Social Security number.
    Ssn {
        /// The serial (last four digits).
        last_four: [u8; 4],
    },
    /// A payment card number.
    Card {
        /// The last four digits.
        last_four: [u8; 4],
    },
}

/// A number found at `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NumberMatch {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: NumberKind,
}

#[derive(Debug, Clone, Copy, Default)]
struct Group {
    /// Where the group starts (its `(` when in parentheses, the `+` of the
    /// first group).
    start: usize,
    digits_start: usize,
    digits_end: usize,
    paren: bool,
    /// The separator before the group; 0 for none.
    sep: u8,
}

impl Group {
    /// Where the group ends (after its `)`).
    fn end(&self) -> usize {
        self.digits_end + usize::from(self.paren)
    }
}

struct Run {
    groups: [Group; MAX_GROUPS],
    len: usize,
    plus: bool,
}

/// The outcome of looking at a run: a match, or where the run ends.
pub(crate) enum Number {
    Found(NumberMatch),
    None { run_end: usize },
}

/// Reads the run starting at `start` (a digit, `+` or `(` at a word
/// boundary) and looks for a number in it.
pub(crate) fn find(b: &[u8], start: usize) -> Number {
    if let Some(run_end) = quick_reject(b, start) {
        return Number::None { run_end };
    }
    let run = read_run(b, start);
    // A run cut at `MAX_GROUPS` is read again from its next word, so that
    // what is found never depends on where the run started.
    let run_end = if run.len == MAX_GROUPS {
        run.groups[0].end()
    } else {
        run.groups[..run.len].last().map_or(start + 1, Group::end)
    };
    for g in 0..run.len {
        let group = &run.groups[g];
        let starts_word = g == 0 || group.sep == b' ' || (group.paren && group.sep == 0);
        if !starts_word {
            continue;
        }
        let groups = &run.groups[g..run.len];
        let found = if g == 0 && run.plus {
            international(b, groups)
        } else {
            None
        };
        let found = found
            .or_else(|| card(b, groups))
            .or_else(|| nanp(b, groups))
            .or_else(|| ssn(b, groups));
        if let Some((used, kind)) = found {
            let end = groups[used - 1].end();
            if ends_word(b, end) {
                return Number::Found(NumberMatch {
                    start: group.start,
                    end,
                    kind,
                });
            }
        }
    }
    Number::None {
        run_end: run_end.max(start + 1),
    }
}

/// Where the first group of a run ends when no number can start with it,
/// judged from its length and the length of the next group: most digit runs
/// (counts, ids, times, dates, addresses) fail here. Groups after a space
/// are looked at again by the scanner, so only shapes starting at this group
/// need to be ruled out.
pub(crate) fn quick_reject(b: &[u8], start: usize) -> Option<usize> {
    let first = at(b, start);
    if first == b'+' || first == b'(' {
        return None;
    }
    let j = digits_end(b, start);
    let digits = j - start;
    // Only runs of these lengths can start a number; the others (most
    // counts, ids and times) need no look at what follows.
    if !matches!(digits, 1 | 3 | 4 | 10 | 13..=19) {
        return Some(j);
    }
    let after = at(b, j + 1);
    let separated =
        matches!(at(b, j), b' ' | b'-' | b'.') && (after.is_ascii_digit() || after == b'(');
    let alone = digits == 10 || (13..=19).contains(&digits);
    // The shapes of several groups: `1-NXX-…` or `1 (NXX)…`, `NXX-NXX-…`,
    // `AAA-GG-…`, `4-4-…` and `4-6-…`.
    let grouped = separated && {
        let next = digits_end(b, j + 1) - (j + 1);
        match digits {
            1 => next == 3 || after == b'(',
            3 => next == 3 || next == 2,
            4 => next == 4 || next == 6,
            _ => false,
        }
    };
    ((!grouped && !alone) || digits > 19).then_some(j)
}

/// The end of the run of ASCII digits starting at `i`.
fn digits_end(b: &[u8], i: usize) -> usize {
    let rest = b.get(i..).unwrap_or_default();
    i + rest
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(rest.len())
}

/// Whether a number may end at `end`: not inside a word, an email address,
/// a version number or a longer run. A `*` counts as part of a word: it is
/// where a second pass finds the mask of a word that was glued to the
/// number (the local part of an email address).
pub(crate) fn ends_word(b: &[u8], end: usize) -> bool {
    let next = at(b, end);
    !(is_word(next)
        || next == b'@'
        || next == b'*'
        || (matches!(next, b'.' | b'-') && at(b, end + 1).is_ascii_digit()))
}

fn read_run(b: &[u8], start: usize) -> Run {
    let mut run = Run {
        groups: [Group::default(); MAX_GROUPS],
        len: 0,
        plus: at(b, start) == b'+',
    };
    let mut i = if run.plus { start + 1 } else { start };
    let mut sep = 0;
    while run.len < MAX_GROUPS {
        let paren = at(b, i) == b'(';
        let digits_start = if paren { i + 1 } else { i };
        let mut j = digits_start;
        while at(b, j).is_ascii_digit() {
            j += 1;
        }
        if j == digits_start || (paren && at(b, j) != b')') {
            break;
        }
        let end = if paren { j + 1 } else { j };
        // A group followed by `-*` is what a mask kept (`415-***-****`): a
        // run never takes it, or a second pass would read a new number there.
        if at(b, end) == b'-' && at(b, end + 1) == b'*' {
            break;
        }
        let group_start = if run.len == 0 { start } else { i };
        run.groups[run.len] = Group {
            start: group_start,
            digits_start,
            digits_end: j,
            paren,
            sep,
        };
        run.len += 1;

        let next = at(b, end);
        let after = at(b, end + 1);
        if matches!(next, b' ' | b'-' | b'.') && (after.is_ascii_digit() || after == b'(') {
            sep = next;
            i = end + 1;
        } else if paren && next.is_ascii_digit() {
            sep = 0;
            i = end;
        } else {
            break;
        }
    }
    run
}

fn digits_of(g: &Group) -> usize {
    g.digits_end - g.digits_start
}

fn shape(groups: &[Group], lens: &[usize]) -> bool {
    groups.len() >= lens.len() && groups.iter().zip(lens).all(|(g, &n)| digits_of(g) == n)
}

/// Copies the digits of `groups` into `out`, returning how many there are.
fn collect(b: &[u8], groups: &[Group], out: &mut [u8; 24]) -> usize {
    let mut n = 0;
    for g in groups {
        for &d in &b[g.digits_start..g.digits_end] {
            if n < out.len() {
                out[n] = d;
            }
            n += 1;
        }
    }
    n
}

fn international(b: &[u8], groups: &[Group]) -> Option<(usize, NumberKind)> {
    // The most groups that hold 8 to 15 digits and end a word: in
    // `+12 20 7946 0018-45-67b@x.io` the number is `+12 20 7946`, as it is
    // once the address after it is masked.
    let mut count = 0;
    let mut best = None;
    for (i, g) in groups.iter().enumerate() {
        if count + digits_of(g) > 15 {
            break;
        }
        count += digits_of(g);
        if count >= 8 && ends_word(b, g.end()) {
            best = Some((i + 1, count));
        }
    }
    let (used, total) = best?;
    let mut digits = [0u8; 24];
    collect(b, &groups[..used], &mut digits);
    if total == 11 && digits[0] == b'1' && is_nanp(&digits[1..7]) {
        return Some((
            used,
            NumberKind::Nanp {
                area: [digits[1], digits[2], digits[3]],
            },
        ));
    }
    let len = country_code_len(&digits[..total]);
    let mut country = [0u8; 3];
    country[..len].copy_from_slice(&digits[..len]);
    Some((
        used,
        NumberKind::International {
            country,
            len: len as u8,
        },
    ))
}

fn card(b: &[u8], groups: &[Group]) -> Option<(usize, NumberKind)> {
    const SHAPES: [&[usize]; 4] = [&[4, 4, 4, 4, 3], &[4, 4, 4, 4], &[4, 6, 5], &[4, 6, 4]];
    if (13..=19).contains(&digits_of(&groups[0])) {
        return card_of(b, groups, 1);
    }
    let fits = |lens: &&&[usize]| {
        let gs = &groups[..lens.len().min(groups.len())];
        shape(groups, lens) && gs[1..].iter().all(|g| g.sep == gs[1].sep && g.sep != b'.')
    };
    // `4-4-4-4` followed by another group is a card when the five groups
    // are not, or when they do not end a word: a second pass reads the
    // four groups alone once what is glued to the fifth is masked.
    SHAPES
        .iter()
        .filter(fits)
        .filter_map(|lens| card_of(b, groups, lens.len()))
        .find(|&(used, _)| ends_word(b, groups[used - 1].end()))
}

/// The card number in the first `used` groups, if they pass the checks.
fn card_of(b: &[u8], groups: &[Group], used: usize) -> Option<(usize, NumberKind)> {
    let groups = &groups[..used];
    if groups.iter().any(|g| g.paren) {
        return None;
    }

    let mut digits = [0u8; 24];
    let n = collect(b, groups, &mut digits);
    let digits = &digits[..n];
    if !(b'2'..=b'6').contains(&digits[0]) || !luhn(digits) {
        return None;
    }
    let last_four = [digits[n - 4], digits[n - 3], digits[n - 2], digits[n - 1]];
    Some((used, NumberKind::Card { last_four }))
}

fn nanp(b: &[u8], groups: &[Group]) -> Option<(usize, NumberKind)> {
    let first = &groups[0];
    let leading_one = digits_of(first) == 1 && b[first.digits_start] == b'1' && !first.paren;
    let (skip, used) = if leading_one && shape(&groups[1..], &[3, 3, 4]) {
        (1, 4)
    } else if shape(groups, &[3, 3, 4]) {
        (0, 3)
    } else if digits_of(first) == 10 && !first.paren {
        (0, 1)
    } else {
        return None;
    };
    if groups[skip + 1..used].iter().any(|g| g.paren) {
        return None;
    }

    let mut digits = [0u8; 24];
    collect(b, &groups[skip..used], &mut digits);
    is_nanp(&digits[..6]).then_some((
        used,
        NumberKind::Nanp {
            area: [digits[0], digits[1], digits[2]],
        },
    ))
}

fn ssn(b: &[u8], groups: &[Group]) -> Option<(usize, NumberKind)> {
    if !shape(groups, &[3, 2, 4]) {
        return None;
    }
    let sep = groups[1].sep;
    if !matches!(sep, b'-' | b' ') || groups[2].sep != sep || groups[..3].iter().any(|g| g.paren) {
        return None;
    }
    let mut d = [0u8; 24];
    collect(b, &groups[..3], &mut d);
    is_ssn(&d[..9]).then_some((
        3,
        NumberKind::Ssn {
            last_four: [d[5], d[6], d[7], d[8]],
        },
    ))
}

/// Whether nine ASCII digits are an SSN in the issued ranges.
pub(crate) fn is_ssn(d: &[u8]) -> bool {
    let area = &d[0..3];
    area != b"000" && area != b"666" && area[0] != b'9' && &d[3..5] != b"00" && &d[5..9] != b"0000"
}

/// Whether six ASCII digits start a NANP number: area code and exchange both
/// `NXX` (N is 2 to 9), and the area code not `N11`.
pub(crate) fn is_nanp(d: &[u8]) -> bool {
    let n = |c: u8| (b'2'..=b'9').contains(&c);
    n(d[0]) && !(d[1] == b'1' && d[2] == b'1') && n(d[3])
}

/// The Luhn check of ASCII digits.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &c)| {
            let d = u32::from(c - b'0');
            if i % 2 == 1 {
                if d > 4 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The length of the country calling code that starts `digits`, per the
/// ITU-T E.164 assignments: `1` and `7` are one digit, the two-digit codes
/// are listed, every other code has three digits.
pub(crate) fn country_code_len(digits: &[u8]) -> usize {
    const TWO: [&[u8; 2]; 44] = [
        b"20", b"27", b"30", b"31", b"32", b"33", b"34", b"36", b"39", b"40", b"41", b"43", b"44",
        b"45", b"46", b"47", b"48", b"49", b"51", b"52", b"53", b"54", b"55", b"56", b"57", b"58",
        b"60", b"61", b"62", b"63", b"64", b"65", b"66", b"81", b"82", b"84", b"86", b"90", b"91",
        b"92", b"93", b"94", b"95", b"98",
    ];
    match digits {
        [b'1' | b'7', ..] => 1,
        [a, b, ..] if TWO.contains(&&[*a, *b]) => 2,
        _ => digits.len().min(3),
    }
}
