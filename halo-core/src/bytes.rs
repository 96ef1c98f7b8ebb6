//! Byte helpers for the hot paths of [`access`](crate::access),
//! [`ratelimit`](crate::ratelimit) and [`webhook`](crate::webhook) header
//! look-ups. Not for secrets: nothing here is constant time.

/// Whether `a` and `b` are equal. Slices of 4 to 32 bytes (most role,
/// permission and rule names, IPv4 addresses, key ids, header names) are
/// compared as two overlapping words or 16-byte blocks each, without a
/// call to `memcmp`; others with `==`.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if (17..=32).contains(&a.len()) {
        return a.first_chunk::<16>() == b.first_chunk::<16>()
            && a.last_chunk::<16>() == b.last_chunk::<16>();
    }
    if (8..=16).contains(&a.len()) {
        return a.first_chunk::<8>() == b.first_chunk::<8>()
            && a.last_chunk::<8>() == b.last_chunk::<8>();
    }
    if (4..8).contains(&a.len()) {
        return a.first_chunk::<4>() == b.first_chunk::<4>()
            && a.last_chunk::<4>() == b.last_chunk::<4>();
    }
    a == b
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn equal_only_when_every_byte_is() {
        let names: Vec<String> = (0..40)
            .map(|n| "abcdefghij".repeat(4)[..n].to_owned())
            .collect();
        for (i, a) in names.iter().enumerate() {
            for (j, b) in names.iter().enumerate() {
                assert_eq!(same(a.as_bytes(), b.as_bytes()), i == j);
            }
            for at in 0..a.len() {
                let mut changed = a.clone().into_bytes();
                changed[at] ^= 1;
                assert!(!same(a.as_bytes(), &changed), "{a} at {at}");
            }
        }
    }
}
