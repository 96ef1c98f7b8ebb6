//! Phone numbers: the guide's pattern, and E.164 under the `phone` feature.
//!
//! The guide's pattern is `^\+?[\d\s\-\(\)]+$`, read as JavaScript reads it:
//! `\d` is an ASCII digit and `\s` any Unicode whitespace or U+FEFF. This
//! module adds one rule: at least one digit (the pattern alone accepts `()`
//! and `-`). Control characters, which the pattern's `\s` would allow
//! (tab, line feed), are refused before the pattern is tried. The
//! normalised form keeps the leading `+` and the digits.

use std::borrow::Cow;

/// Why a phone number was refused.
pub(super) const NOT_PATTERN: &str = "does not match the phone pattern `^\\+?[\\d\\s\\-\\(\\)]+$`";
/// The pattern matched but there was no digit.
pub(super) const NO_DIGIT: &str = "has no digit";

/// Checks a trimmed number without control characters against the guide's
/// pattern and keeps its `+` and digits.
pub(super) fn normalise_pattern(number: Cow<'_, str>) -> Result<Cow<'_, str>, &'static str> {
    let body = number.strip_prefix('+').unwrap_or(&number);
    if body.is_empty() {
        return Err(NOT_PATTERN);
    }

    let mut digits = 0;
    let mut separators = 0;
    for c in body.chars() {
        match c {
            '0'..='9' => digits += 1,
            '-' | '(' | ')' | '\u{feff}' => separators += 1,
            c if c.is_whitespace() => separators += 1,
            _ => return Err(NOT_PATTERN),
        }
    }
    if digits == 0 {
        return Err(NO_DIGIT);
    }
    if separators == 0 {
        return Ok(number);
    }

    let plus = number.starts_with('+');
    let mut out = String::with_capacity(digits + usize::from(plus));
    if plus {
        out.push('+');
    }
    out.extend(body.chars().filter(char::is_ascii_digit));
    Ok(Cow::Owned(out))
}

#[cfg(feature = "phone")]
pub(super) use e164::normalise_e164;

#[cfg(feature = "phone")]
mod e164 {
    use phonenumber::Mode;

    use super::super::schema::Region;

    /// Parses a number, national ones in `region`, and formats it as E.164.
    pub(in super::super) fn normalise_e164(
        number: &str,
        region: Region,
    ) -> Result<String, &'static str> {
        let parsed =
            phonenumber::parse(Some(region.id()), number).map_err(|_| "is not a phone number")?;
        if !phonenumber::is_valid(&parsed) {
            return Err("is not a valid number for its region");
        }
        Ok(parsed.format().mode(Mode::E164).to_string())
    }
}
