//! Random bytes and codes from the operating system's generator.

use super::AccessError;

/// `N` random bytes.
pub(crate) fn bytes<const N: usize>() -> Result<[u8; N], AccessError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|_| AccessError::RandomUnavailable)?;
    Ok(out)
}

/// A uniformly random number below `bound` (which must be non-zero), by
/// rejection sampling so no value is favoured.
pub(crate) fn below(bound: u32) -> Result<u32, AccessError> {
    let bound = bound.max(1);
    let zone = u32::MAX - (u32::MAX % bound);
    loop {
        let value = u32::from_be_bytes(bytes::<4>()?);
        if value < zone {
            return Ok(value % bound);
        }
    }
}

/// `digits` random decimal digits, leading zeros kept.
pub(crate) fn digits(digits: u32) -> Result<String, AccessError> {
    let value = below(10u32.pow(digits))?;
    Ok(format!("{value:0width$}", width = digits as usize))
}
