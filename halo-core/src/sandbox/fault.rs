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
