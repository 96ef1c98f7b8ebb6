//! Arbitrary `Forwarded` / `X-Forwarded-For` headers into `client_ip`: it
//! must never panic, must ignore headers from an untrusted peer, and must
//! answer either the peer or an address that appears in the headers.

#![no_main]

use std::net::IpAddr;

use halo_core::ratelimit::{ProxyHeader, TrustedProxies, client_ip};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };

    let header = if selector & 1 == 0 { ProxyHeader::XForwardedFor } else { ProxyHeader::Forwarded };
    let name = match selector & 2 {
        0 => "X-Forwarded-For",
        _ => "forwarded",
    };
    let trusted = TrustedProxies::new(
        vec!["10.0.0.0/8".parse().unwrap(), "2001:db8::/32".parse().unwrap()],
        header,
    );
    let headers: Vec<(&str, &str)> = text.split('\n').map(|line| (name, line)).collect();

    let untrusted: IpAddr = [198, 51, 100, 1].into();
    assert_eq!(client_ip(untrusted, headers.iter().copied(), &trusted), untrusted);

    let proxy: IpAddr = [10, 0, 0, 1].into();
    let found = client_ip(proxy, headers.iter().copied(), &trusted);
    if found != proxy && text.len() <= 512 {
        assert!(appears_in(text, found), "answer not taken from the headers");
    }
});

/// Whether some piece of `text` reads as `ip` (with or without a port or
/// brackets, IPv4-mapped or not).
fn appears_in(text: &str, ip: IpAddr) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|start| {
        (start + 1..=bytes.len().min(start + 64)).any(|end| {
            let Some(piece) = text.get(start..end) else { return false };
            let piece = piece.trim_start_matches('[').trim_end_matches(']');
            let parsed = piece
                .parse::<IpAddr>()
                .ok()
                .or_else(|| piece.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()));
            parsed.is_some_and(|p| p.to_canonical() == ip)
        })
    })
}
