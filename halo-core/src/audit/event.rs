//! The audit event: what happened, to what, by whom, and how it ended.

use std::fmt;
use std::net::IpAddr;

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::AuditError;

/// The longest custom action name, in bytes.
pub const MAX_ACTION_BYTES: usize = 64;

/// One audit event. Build it with [`AuditEvent::new`] and the builder
/// methods; every field but the category, the action and the time is
/// optional.
///
/// ```
/// use halo_core::audit::{AuditAction, AuditCategory, AuditEvent, AuditOutcome};
/// use serde_json::json;
///
/// let event = AuditEvent::new(AuditCategory::DataAccess, AuditAction::Write)
///     .actor("svc-sync")
///     .resource("opportunity/42")
///     .outcome(AuditOutcome::Success)
///     .source_ip("203.0.113.9".parse()?)
///     .user_agent("halo-sync/1.0")
///     .detail("count", json!(3))
///     .at("2026-03-01T12:00:00Z".parse()?);
/// assert_eq!(event.to_json()?["action"], "write");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuditEvent {
    /// When it happened, in UTC (RFC 3339 on the wire). Default: when the
    /// event was built.
    pub time: Timestamp,
    /// The kind of event.
    pub category: AuditCategory,
    /// What was done.
    pub action: AuditAction,
    /// How it ended. Default: not stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<AuditOutcome>,
    /// Who did it: a user or service id. Written as given (not masked), so
    /// prefer ids to email addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// What it was done to, such as `opportunity/42`. Written as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The client's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<IpAddr>,
    /// The client's `User-Agent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Anything else worth keeping. Masked before it is written.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub details: Map<String, Value>,
}

/// The kind of an audit event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditCategory {
    /// Sign-in and credential events (`authentication`).
    Authentication,
    /// Reads, writes and exports of data (`data_access`).
    DataAccess,
    /// Changes to settings and permissions (`configuration_change`).
    ConfigurationChange,
    /// Security events such as tampering, erasure and pruning (`security`).
    /// Always recorded.
    Security,
}

/// What was done.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuditAction {
    /// A sign-in attempt (`login_attempt`).
    LoginAttempt,
    /// A failed sign-in (`login_failed`).
    LoginFailed,
    /// A password change (`password_changed`).
    PasswordChanged,
    /// A read (`read`).
    Read,
    /// A write (`write`).
    Write,
    /// An export (`export`).
    Export,
    /// A configuration update (`config_update`).
    ConfigUpdate,
    /// A permission change (`permission_change`).
    PermissionChange,
    /// An erasure of personal data (`erase`). Always recorded.
    Erase,
    /// A pruning of the audit log itself (`prune`). Always recorded.
    Prune,
    /// Any other action: 1 to [`MAX_ACTION_BYTES`] of `a-z`, `0-9`, `_`,
    /// `.` and `-`, and not a built-in name. Checked when recorded.
    Custom(String),
}

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditOutcome {
    /// It succeeded (`success`).
    Success,
    /// It failed (`failure`).
    Failure,
    /// It was refused by a policy (`denied`).
    Denied,
}

const BUILT_IN: [(&str, AuditAction); 10] = [
    ("login_attempt", AuditAction::LoginAttempt),
    ("login_failed", AuditAction::LoginFailed),
    ("password_changed", AuditAction::PasswordChanged),
    ("read", AuditAction::Read),
    ("write", AuditAction::Write),
    ("export", AuditAction::Export),
    ("config_update", AuditAction::ConfigUpdate),
    ("permission_change", AuditAction::PermissionChange),
    ("erase", AuditAction::Erase),
    ("prune", AuditAction::Prune),
];

impl AuditEvent {
    /// An event of `category` and `action`, timed now.
    pub fn new(category: AuditCategory, action: AuditAction) -> Self {
        Self {
            time: Timestamp::now(),
            category,
            action,
            outcome: None,
            actor: None,
            resource: None,
            source_ip: None,
            user_agent: None,
            details: Map::new(),
        }
    }

    /// Sets who did it.
    #[must_use]
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }

    /// Sets what it was done to.
    #[must_use]
    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// Sets how it ended.
    #[must_use]
    pub fn outcome(mut self, outcome: AuditOutcome) -> Self {
        self.outcome = Some(outcome);
        self
    }

    /// Sets the client's address.
    #[must_use]
    pub fn source_ip(mut self, ip: IpAddr) -> Self {
        self.source_ip = Some(ip);
        self
    }

    /// Sets the client's user agent.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Adds (or replaces) one detail.
    #[must_use]
    pub fn detail(mut self, key: impl Into<String>, value: Value) -> Self {
        self.details.insert(key.into(), value);
        self
    }

    /// Sets when it happened.
    #[must_use]
    pub fn at(mut self, time: Timestamp) -> Self {
        self.time = time;
        self
    }

    /// The event in the schema of the module documentation.
    pub fn to_json(&self) -> Result<Value, AuditError> {
        serde_json::to_value(self).map_err(|source| AuditError::Encode { source })
    }

    /// The event as an Elastic Common Schema document (see the mapping in
    /// the module documentation), with `event.sequence` when `seq` is given.
    pub fn to_ecs(&self, seq: Option<u64>) -> Value {
        let (ecs_category, denied) = (
            self.category.ecs_name(),
            self.outcome == Some(AuditOutcome::Denied),
        );
        let mut event = json!({
            "kind": "event",
            "category": [ecs_category],
            "action": self.action.as_str(),
        });
        if let Some(outcome) = self.outcome {
            event["outcome"] = json!(if outcome == AuditOutcome::Success {
                "success"
            } else {
                "failure"
            });
        }
        if denied {
            event["type"] = json!(["denied"]);
        }
        if let Some(seq) = seq {
            event["sequence"] = json!(seq);
        }

        let mut doc = json!({
            "@timestamp": self.time.to_string(),
            "ecs": {"version": "8.11.0"},
            "event": event,
            "labels": {"audit_category": self.category.as_str()},
        });
        if let Some(actor) = &self.actor {
            doc["user"] = json!({"name": actor});
        }
        if let Some(resource) = &self.resource {
            doc["labels"]["resource"] = json!(resource);
        }
        if let Some(ip) = self.source_ip {
            doc["source"] = json!({"ip": ip.to_string()});
        }
        if let Some(agent) = &self.user_agent {
            doc["user_agent"] = json!({"original": agent});
        }
        if !self.details.is_empty() {
            doc["halo"] = json!({"details": self.details});
        }
        doc
    }
}

impl AuditCategory {
    /// The name on the wire: `authentication`, `data_access`,
    /// `configuration_change` or `security`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authentication => "authentication",
            Self::DataAccess => "data_access",
            Self::ConfigurationChange => "configuration_change",
            Self::Security => "security",
        }
    }

    /// The ECS `event.category` value: `authentication`, `database`,
    /// `configuration` or `intrusion_detection`.
    pub fn ecs_name(self) -> &'static str {
        match self {
            Self::Authentication => "authentication",
            Self::DataAccess => "database",
            Self::ConfigurationChange => "configuration",
            Self::Security => "intrusion_detection",
        }
    }
}

impl AuditAction {
    /// A custom action, checked: 1 to [`MAX_ACTION_BYTES`] of `a-z`, `0-9`,
    /// `_`, `.` and `-`, not a built-in name. Fails with
    /// `audit.invalid_action`.
    pub fn custom(name: impl Into<String>) -> Result<Self, AuditError> {
        let name = name.into();
        if is_custom_name(&name) {
            Ok(Self::Custom(name))
        } else {
            Err(AuditError::InvalidAction)
        }
    }

    /// The name on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Custom(name) => name,
            built_in => BUILT_IN
                .iter()
                .find(|(_, action)| action == built_in)
                .map_or("", |(name, _)| name),
        }
    }

    /// The action named `name`: a built-in one, or a custom one when the
    /// name is valid for that.
    pub fn from_name(name: &str) -> Result<Self, AuditError> {
        match BUILT_IN.iter().find(|(known, _)| *known == name) {
            Some((_, action)) => Ok(action.clone()),
            None => Self::custom(name),
        }
    }

    /// Whether this action is valid to record (always, but for custom names
    /// that [`AuditAction::custom`] would refuse).
    pub(crate) fn is_valid(&self) -> bool {
        match self {
            Self::Custom(name) => is_custom_name(name),
            _ => true,
        }
    }
}

fn is_custom_name(name: &str) -> bool {
    (1..=MAX_ACTION_BYTES).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
        && !BUILT_IN.iter().any(|(known, _)| *known == name)
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AuditAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AuditAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Self::from_name(&name).map_err(|_| serde::de::Error::custom("invalid audit action"))
    }
}
