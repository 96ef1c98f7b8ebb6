//! Apollo-style person records, delivered as signed webhooks: most of them
//! as they should be, some tampered with, replayed, invalid, or sent by a
//! sender that floods the receiver.

use std::net::{IpAddr, Ipv4Addr};

use halo_core::webhook::{WebhookError, WebhookSigner};
use serde_json::{Value, json};

/// The user agent the example configuration expects from the lead source.
pub(crate) const USER_AGENT: &str = "Apollo-Webhook/1.0";

/// How a delivery was made, so the summary can say what should happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Signed and sent once.
    Genuine,
    /// Signed, then one byte of the body changed.
    Tampered,
    /// A second copy of an earlier delivery.
    Replayed,
}

/// One delivery as a receiver gets it.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) kind: Kind,
    pub(crate) remote: IpAddr,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// `count` deliveries signed by `signer`: every 33rd tampered, every 29th
/// followed by a replay, every 20th carrying an invalid email, and the last
/// `flood` all from one sender.
pub(crate) fn generate(
    signer: &WebhookSigner,
    count: usize,
    flood: usize,
    now: u64,
) -> Result<Vec<Delivery>, WebhookError> {
    let mut out = Vec::with_capacity(count + count / 29 + 1);
    for n in 0..count {
        let body = serde_json::to_vec(&person(n)).unwrap_or_default();
        let id = format!("dlv_{n:06}");
        let mut headers = signer.sign(&id, now, &body)?;
        headers.push(("User-Agent".into(), USER_AGENT.into()));
        headers.push(("X-Delivery-Id".into(), id));
        let remote = if n + flood >= count {
            sender(250)
        } else {
            sender(n % 40)
        };
        let mut delivery = Delivery {
            kind: Kind::Genuine,
            remote,
            headers,
            body,
        };
        if n % 33 == 32 {
            delivery.kind = Kind::Tampered;
            if let Some(byte) = delivery.body.iter_mut().rev().nth(3) {
                *byte ^= 0x01;
            }
        }
        let replay = (n % 29 == 28 && delivery.kind == Kind::Genuine).then(|| Delivery {
            kind: Kind::Replayed,
            ..delivery.clone()
        });
        out.push(delivery);
        out.extend(replay);
    }
    Ok(out)
}

/// Sender `n` in the documentation range the configuration allows.
fn sender(n: usize) -> IpAddr {
    let last = u8::try_from(n % 254 + 1).unwrap_or(1);
    IpAddr::V4(Ipv4Addr::new(192, 0, 2, last))
}

/// Person `n`, shaped like Apollo's people records. Every 20th has an
/// invalid email; every 25th repeats an earlier person's email in upper
/// case.
fn person(n: usize) -> Value {
    let first = FIRST[n % FIRST.len()];
    let last = LAST[(n / FIRST.len()) % LAST.len()];
    let company = COMPANIES[n % COMPANIES.len()];
    let domain = domain_of(n);
    let email = match n {
        n if n % 20 == 19 => format!("{}.{}.at.{domain}", first.to_lowercase(), n),
        n if n % 25 == 24 => {
            let earlier = n - 1;
            let first = FIRST[earlier % FIRST.len()];
            format!("{}.{earlier}@{}", first.to_uppercase(), domain_of(earlier))
        }
        n => format!("{}.{n}@{domain}", first.to_lowercase()),
    };
    json!({
        "id": format!("apollo-{n:06}"),
        "first_name": first,
        "last_name": last,
        "name": format!("{first} {last}"),
        "email": email,
        "email_status": "verified",
        "title": TITLES[n % TITLES.len()],
        "city": "Springfield",
        "country": "United States",
        "organization": {
            "name": company,
            "website_url": format!("https://{domain}"),
            "primary_domain": domain,
        },
        "phone_numbers": [{
            "raw_number": format!("+1 (415) 555-{:04}", n % 10_000),
            "sanitized_number": format!("+1415555{:04}", n % 10_000),
            "type_cd": "work_direct",
        }],
    })
}

/// The web domain of person `n`'s company.
fn domain_of(n: usize) -> String {
    let company = COMPANIES[n % COMPANIES.len()];
    format!("{}.example", company.to_lowercase().replace(' ', "-"))
}

const FIRST: [&str; 12] = [
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Radia", "Ken",
    "Margaret", "Dennis",
];
const LAST: [&str; 8] = [
    "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus",
];
const COMPANIES: [&str; 9] = [
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Wingtip",
    "Litware",
    "Proseware",
    "Adventure Works",
    "Woodgrove",
];
const TITLES: [&str; 5] = ["CTO", "IT Manager", "Head of Operations", "CISO", "Founder"];
