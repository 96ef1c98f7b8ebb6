//! Who is asking: the client's address behind trusted proxies, and its user
//! agent.
//!
//! A proxy header is read only when the connection comes from a trusted
//! proxy, and only one header is read, the one the proxies are configured
//! to write: a client can send both `Forwarded` and `X-Forwarded-For`, and a
//! proxy that appends to one passes the other through untouched.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use ipnet::IpNet;

/// Who made a request, as far as the limiter's exemptions care.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientInfo<'a> {
    /// The client's address, usually from [`client_ip`]. Default: unknown.
    pub ip: Option<IpAddr>,
    /// The `User-Agent` header's value. Default: none.
    pub user_agent: Option<&'a str>,
}

/// The proxy header a deployment's trusted proxies write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxyHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (the default).
    #[default]
    XForwardedFor,
    /// `Forwarded: for=client, for=proxy1` (RFC 7239).
    Forwarded,
}

/// The proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    /// Networks of the proxies in front of the service. Default: none, so
    /// the connection's address is always the client's.
    pub networks: Vec<IpNet>,
    /// The header they write. Default `X-Forwarded-For`.
    pub header: ProxyHeader,
}

impl<'a> ClientInfo<'a> {
    /// A client at `ip` with no user agent.
    pub fn new(ip: IpAddr) -> Self {
        Self {
            ip: Some(ip),
            user_agent: None,
        }
    }

    /// The same client with `user_agent`.
    #[must_use]
    pub fn with_user_agent(self, user_agent: &'a str) -> Self {
        Self {
            user_agent: Some(user_agent),
            ..self
        }
    }
}

impl ProxyHeader {
    /// The header's name in lowercase: `x-forwarded-for` or `forwarded`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::XForwardedFor => "x-forwarded-for",
            Self::Forwarded => "forwarded",
        }
    }

    /// The header named `name`, in any case; `None` for another name.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::XForwardedFor, Self::Forwarded]
            .into_iter()
            .find(|h| h.as_str().eq_ignore_ascii_case(name))
    }
}

impl TrustedProxies {
    /// Proxies in `networks` that write `header`.
    pub fn new(networks: Vec<IpNet>, header: ProxyHeader) -> Self {
        Self { networks, header }
    }

    fn trust(&self, ip: IpAddr) -> bool {
        self.networks.iter().any(|n| n.contains(&ip))
    }
}

/// The address of the client behind `remote_addr`.
///
/// When `remote_addr` is not a trusted proxy it is the answer, whatever the
/// headers say. Otherwise the configured header's addresses (every line of
/// it, in order) are walked from the nearest hop back: the first address
/// that is not a trusted proxy is the client. A hop that is not an address
/// (`unknown`, an obfuscated `_name`, garbage) stops the walk, and the last
/// trusted hop is the answer, so such clients share one key rather than
/// choosing their own. When every hop is trusted the farthest one is the
/// answer. IPv4-mapped IPv6 addresses count as IPv4. Header names are
/// matched case-insensitively; ports are ignored.
///
/// ```
/// use std::net::IpAddr;
/// use halo_core::ratelimit::{client_ip, TrustedProxies, ProxyHeader};
///
/// let proxies = TrustedProxies::new(vec!["10.0.0.0/8".parse()?], ProxyHeader::XForwardedFor);
/// let headers = [("X-Forwarded-For", "6.6.6.6, 203.0.113.7")];
/// let proxy: IpAddr = "10.1.2.3".parse()?;
/// assert_eq!(client_ip(proxy, headers, &proxies), "203.0.113.7".parse::<IpAddr>()?);
///
/// let direct: IpAddr = "198.51.100.1".parse()?;
/// assert_eq!(client_ip(direct, headers, &proxies), direct);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn client_ip<I, K, V>(remote_addr: IpAddr, headers: I, trusted: &TrustedProxies) -> IpAddr
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let remote = remote_addr.to_canonical();
    if !trusted.trust(remote) {
        return remote;
    }
    let name = trusted.header.as_str();
    let mut hops = Vec::new();
    for (key, value) in headers {
        if key.as_ref().trim().eq_ignore_ascii_case(name) {
            match trusted.header {
                ProxyHeader::XForwardedFor => {
                    hops.extend(value.as_ref().split(',').map(node_address));
                }
                ProxyHeader::Forwarded => forwarded_hops(value.as_ref(), &mut hops),
            }
        }
    }

    let mut client = remote;
    for hop in hops.into_iter().rev() {
        let Some(ip) = hop else { return client };
        client = ip;
        if !trusted.trust(ip) {
            return ip;
        }
    }
    client
}

/// The `for=` node of each element of a `Forwarded` value; `None` for an
/// element without one or with one that is not an address.
fn forwarded_hops(value: &str, hops: &mut Vec<Option<IpAddr>>) {
    for element in split_unquoted(value, ',') {
        let node = split_unquoted(element, ';').find_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("for")
                .then(|| unquote(value.trim()))
        });
        hops.push(node.and_then(|n| node_address(&n)));
    }
}

/// Parts of `text` between `sep`s that are outside double quotes.
fn split_unquoted(text: &str, sep: char) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    let mut escaped = false;
    text.split(move |c: char| {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            return true;
        }
        false
    })
}

/// A token or an RFC 7230 quoted string, unescaped.
fn unquote(value: &str) -> String {
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return value.to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' {
            chars.next().unwrap_or(c)
        } else {
            c
        });
    }
    out
}

/// The address of one hop: `192.0.2.1`, `192.0.2.1:8080`, `[2001:db8::1]`,
/// `[2001:db8::1]:8080` or a bare `2001:db8::1`.
fn node_address(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    let ip = if let Ok(ip) = node.parse::<IpAddr>() {
        ip
    } else if let Ok(socket) = node.parse::<SocketAddr>() {
        socket.ip()
    } else {
        let inner = node.strip_prefix('[')?.strip_suffix(']')?;
        IpAddr::V6(inner.parse::<Ipv6Addr>().ok()?)
    };
    Some(ip.to_canonical())
}
