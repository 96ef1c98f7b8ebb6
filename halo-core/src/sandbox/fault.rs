//! Faults the sandbox can inject into its next replies.

use std::time::Duration;

/// A fault applied to the next resource requests (not to `/auth/token` nor
/// `/api/authinfo`); see [`Sandbox::inject`](super::Sandbox::inject).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with `status` and `body` without handling the request.
    Status {
        /// The HTTP status (may be 200 to send an error body with success).
        status: u16,
        /// The reply body, sent as JSON when it parses as JSON.
        body: String,
        /// A `Retry-After` header, in seconds.
        retry_after: Option<u64>,
    },
    /// Break the connection without a complete answer; nothing is applied.
    Reset,
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Apply the request, then break the connection: the client cannot know
    /// whether it worked.
    CommitThenLose,
    /// Expire every token issued so far, then handle the request: it is
    /// refused with a 401 as an expired token is.
    ExpireTokens,
}

/// Faults drawn at random for resource requests, for soak tests; see
/// [`Sandbox::set_fault_plan`](super::Sandbox::set_fault_plan).
///
/// Each resource request that finds no queued fault draws one: with
/// probability `chance`, one entry of `faults` is picked (all equally
/// likely) and applied `times` requests in a row (so `times` above 1 makes a
/// storm). The draws come from a generator seeded with `seed`, so a plan
/// replays the same faults for the same sequence of requests.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultPlan {
    /// The chance, from 0 to 1, that a request starts a fault.
    pub chance: f64,
    /// The faults to draw from, each with how many requests in a row it hits.
    pub faults: Vec<(Fault, u32)>,
    /// The generator's seed.
    pub seed: u64,
}

impl FaultPlan {
    /// A mix of every kind of trouble, starting on one request in `every` on
    /// average: 500 and 503 replies, broken connections, storms of three
    /// 429s without `Retry-After`, token expiry, and commit-then-lose.
    pub fn mixed(every: u32, seed: u64) -> Self {
        let chance = 1.0 / f64::from(every.max(1));
        Self {
            chance,
            faults: vec![
                (Fault::status(500), 1),
                (Fault::status(503), 1),
                (Fault::Reset, 1),
                (Fault::rate_limited(None), 3),
                (Fault::ExpireTokens, 1),
                (Fault::CommitThenLose, 1),
            ],
            seed,
        }
    }
}

impl Fault {
    /// A bare status with an empty body.
    pub fn status(status: u16) -> Self {
        Self::Status {
            status,
            body: String::new(),
            retry_after: None,
        }
    }

    /// A status with a body, such as `{"errorMessage": "..."}` with 200.
    pub fn with_body(status: u16, body: impl Into<String>) -> Self {
        Self::Status {
            status,
            body: body.into(),
            retry_after: None,
        }
    }

    /// A 429, with or without `Retry-After`.
    pub fn rate_limited(retry_after: Option<u64>) -> Self {
        Self::Status {
            status: 429,
            body: r#"{"message": "API rate limit exceeded"}"#.into(),
            retry_after,
        }
    }
}
