//! Findings against the guide's pre-deployment checklist.
//!
//! [`Config::posture`] reads a loaded configuration and reports every setting
//! that weakens the guide's baseline, each with a stable code. It never fails
//! and never prints a secret: a finding about an inline secret names its path
//! only.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::access::Role;
use super::secret_scan::{looks_like_secret, url_has_credentials};
use super::{AuthMethod, Config, TlsVersion, WebhookMethod, WebhookProvider};
use crate::secret::SecretRef;

/// How much a finding weakens the deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// Worth knowing; not a weakness by itself.
    Low,
    /// A weakness with a compensating control or a narrow reach.
    Medium,
    /// A control of the guide's checklist is off or can be bypassed.
    High,
}

/// One finding of [`Config::posture`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code, such as `mfa.admin_not_required`.
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// JSON path of the setting concerned.
    pub path: String,
    /// One line saying what is wrong.
    pub message: String,
}

/// The longest API key lifetime that is not reported, in days.
const MAX_KEY_ROTATION_DAYS: u64 = 90;
/// The shortest audit retention that is not reported, in days.
const MIN_AUDIT_RETENTION_DAYS: u64 = 365;
/// Fields that must be encrypted at rest.
const ENCRYPTED_FIELDS: [&str; 2] = ["email", "phone"];
/// Keys that must be masked in logs.
const LOG_KEYS: [&str; 3] = ["password", "api_key", "token"];

impl Config {
    /// Every finding against the guide's pre-deployment checklist, most
    /// severe first.
    ///
    /// | code | severity | when |
    /// |---|---|---|
    /// | `rate_limiting.disabled` | high | `rate_limiting.enabled` is false |
    /// | `rate_limiting.no_auth_rule` | medium | no rule name starts with `auth` |
    /// | `rate_limiting.user_agent_exemption` | low | the whitelist exempts user agents |
    /// | `rbac.disabled` | high | `rbac.enabled` is false |
    /// | `mfa.disabled` | high | `mfa.enabled` is false |
    /// | `mfa.admin_not_required` | high | an administrative role is not in `required_for` |
    /// | `api_key.rotation_disabled` | medium | an `api_key` method does not rotate keys |
    /// | `api_key.rotation_too_long` | medium | keys live longer than 90 days |
    /// | `encryption.at_rest_disabled` | high | `at_rest.enabled` is false |
    /// | `encryption.field_not_covered` | high | `email` or `phone` is not encrypted |
    /// | `tls.below_minimum` | high | `min_tls_version` is below 1.2 |
    /// | `masking.disabled` | medium | `data_masking.enabled` is false |
    /// | `masking.logs_disabled` | medium | `log_masking.enabled` is false |
    /// | `masking.log_key_not_covered` | medium | `password`, `api_key` or `token` is not masked in logs |
    /// | `webhooks.auth_not_required` | high | a provider does not require authentication |
    /// | `webhooks.no_signature_method` | medium | a provider accepts no signature |
    /// | `audit.disabled` | high | `auditing.enabled` is false |
    /// | `audit.not_immutable` | medium | `storage.immutable` is false |
    /// | `audit.retention_too_short` | medium | retention is under 365 days |
    /// | `secret.inline` | high | an inline secret, or a value that looks like one |
    /// | `network.allow_all` | high | an allow-list holds `0.0.0.0/0` or `::/0` |
    ///
    /// An administrative role is `admin`, or any role that has `*`, a
    /// `config.` or a `users.` permission, directly or by inheritance.
    /// Log keys are compared ignoring case, `_` and `-`.
    pub fn posture(&self) -> Vec<Finding> {
        let mut findings = Findings::default();
        findings.rate_limiting(self);
        findings.access(self);
        findings.protection(self);
        findings.webhooks(self);
        findings.auditing(self);
        findings.secrets(self);

        let mut all = findings.0;
        all.sort_by_key(|f| std::cmp::Reverse(f.severity));
        all
    }
}

#[derive(Default)]
struct Findings(Vec<Finding>);

impl Findings {
    fn add(
        &mut self,
        code: &'static str,
        severity: Severity,
        path: &str,
        message: impl Into<String>,
    ) {
        self.0.push(Finding {
            code,
            severity,
            path: path.to_owned(),
            message: message.into(),
        });
    }

    fn rate_limiting(&mut self, config: &Config) {
        let limits = &config.security.rate_limiting;
        if !limits.enabled {
            let message = "rate limiting is disabled";
            self.add(
                "rate_limiting.disabled",
                Severity::High,
                "security.rate_limiting.enabled",
                message,
            );
            return;
        }
        if !limits.rules.keys().any(|name| name.starts_with("auth")) {
            let message = "no rule limits authentication endpoints (a rule named `auth...`)";
            self.add(
                "rate_limiting.no_auth_rule",
                Severity::Medium,
                "security.rate_limiting.rules",
                message,
            );
        }
        if !limits.whitelist.user_agents.is_empty() {
            let message = "user agents are exempt from limits, and any caller can send one";
            let path = "security.rate_limiting.whitelist.user_agents";
            self.add(
                "rate_limiting.user_agent_exemption",
                Severity::Low,
                path,
                message,
            );
        }
    }

    fn access(&mut self, config: &Config) {
        let security = &config.security;
        if !security.authorization.rbac.enabled {
            let path = "security.authorization.rbac.enabled";
            self.add(
                "rbac.disabled",
                Severity::High,
                path,
                "role-based access control is disabled",
            );
        }

        if !security.mfa.enabled {
            self.add(
                "mfa.disabled",
                Severity::High,
                "security.mfa.enabled",
                "MFA is disabled",
            );
        } else {
            for role in administrative_roles(&security.authorization.rbac.roles) {
                if !security.mfa.required_for.contains(&role) {
                    let message = format!("administrative role `{role}` does not require MFA");
                    let path = "security.mfa.required_for";
                    self.add("mfa.admin_not_required", Severity::High, path, message);
                }
            }
        }

        for (i, method) in security.authentication.methods.iter().enumerate() {
            let AuthMethod::ApiKey(key) = method else {
                continue;
            };
            let path = format!("security.authentication[{i}].key_rotation");
            let rotation = &key.key_rotation;
            if !rotation.enabled {
                let message = "API keys are never rotated";
                self.add(
                    "api_key.rotation_disabled",
                    Severity::Medium,
                    &path,
                    message,
                );
            } else if rotation.interval.as_secs() > MAX_KEY_ROTATION_DAYS * 86_400 {
                let message = format!("API keys live longer than {MAX_KEY_ROTATION_DAYS} days");
                let path = format!("{path}.interval_days");
                self.add(
                    "api_key.rotation_too_long",
                    Severity::Medium,
                    &path,
                    message,
                );
            }
        }
    }

    fn protection(&mut self, config: &Config) {
        let encryption = &config.security.encryption;
        let at_rest = &encryption.at_rest;
        if !at_rest.enabled {
            let path = "security.encryption.at_rest.enabled";
            self.add(
                "encryption.at_rest_disabled",
                Severity::High,
                path,
                "encryption at rest is disabled",
            );
        } else {
            for field in ENCRYPTED_FIELDS {
                if !at_rest.encrypted_fields.iter().any(|f| f == field) {
                    let message = format!("field `{field}` is not encrypted at rest");
                    let path = "security.encryption.at_rest.encrypted_fields";
                    self.add(
                        "encryption.field_not_covered",
                        Severity::High,
                        path,
                        message,
                    );
                }
            }
        }
        if matches!(
            encryption.in_transit.min_tls_version,
            TlsVersion::V1_0 | TlsVersion::V1_1
        ) {
            let path = "security.encryption.in_transit.min_tls_version";
            self.add(
                "tls.below_minimum",
                Severity::High,
                path,
                "TLS versions below 1.2 are accepted",
            );
        }

        let masking = &config.security.data_masking;
        if !masking.enabled {
            let path = "security.data_masking.enabled";
            self.add(
                "masking.disabled",
                Severity::Medium,
                path,
                "data masking is disabled",
            );
        }
        let logs = &masking.log_masking;
        if !logs.enabled {
            let path = "security.data_masking.log_masking.enabled";
            self.add(
                "masking.logs_disabled",
                Severity::Medium,
                path,
                "log masking is disabled",
            );
            return;
        }
        let masked: BTreeSet<String> = logs.mask_in_logs.iter().map(|k| fold_key(k)).collect();
        for key in LOG_KEYS {
            if !masked.contains(&fold_key(key)) {
                let message = format!("`{key}` values are not masked in logs");
                let path = "security.data_masking.log_masking.mask_in_logs";
                self.add(
                    "masking.log_key_not_covered",
                    Severity::Medium,
                    path,
                    message,
                );
            }
        }
    }

    fn webhooks(&mut self, config: &Config) {
        let webhooks = &config.security.webhooks;
        for (name, provider) in webhooks.all_providers() {
            let base = match name {
                None => "security.webhooks".to_owned(),
                Some(name) => format!("security.webhooks.providers.{name}"),
            };
            self.webhook_provider(&base, provider);
        }

        let limits = &config.security.rate_limiting.whitelist.ips;
        self.allow_all(limits, "security.rate_limiting.whitelist.ips");
    }

    fn webhook_provider(&mut self, base: &str, provider: &WebhookProvider) {
        let auth = &provider.authentication;
        if !auth.required {
            let path = format!("{base}.authentication.required");
            let message = "webhook deliveries are accepted without authentication";
            self.add("webhooks.auth_not_required", Severity::High, &path, message);
        } else if !auth.methods.contains(&WebhookMethod::Signature) {
            let path = format!("{base}.authentication.methods");
            let message = "no signature method: deliveries are not bound to their body";
            self.add(
                "webhooks.no_signature_method",
                Severity::Medium,
                &path,
                message,
            );
        }
        self.allow_all(
            &provider.validation.ip_whitelist,
            &format!("{base}.validation.ip_whitelist"),
        );
    }

    fn allow_all(&mut self, networks: &[ipnet::IpNet], path: &str) {
        for (i, net) in networks.iter().enumerate() {
            if net.prefix_len() == 0 {
                let message = format!("allow-list entry `{net}` admits every address");
                self.add(
                    "network.allow_all",
                    Severity::High,
                    &format!("{path}[{i}]"),
                    message,
                );
            }
        }
    }

    fn auditing(&mut self, config: &Config) {
        let auditing = &config.security.auditing;
        if !auditing.enabled {
            self.add(
                "audit.disabled",
                Severity::High,
                "security.auditing.enabled",
                "audit logging is disabled",
            );
            return;
        }
        if !auditing.storage.immutable {
            let path = "security.auditing.storage.immutable";
            self.add(
                "audit.not_immutable",
                Severity::Medium,
                path,
                "the audit trail is not tamper-evident",
            );
        }
        if auditing.storage.retention.min_days() < MIN_AUDIT_RETENTION_DAYS {
            let message =
                format!("audit entries are kept less than {MIN_AUDIT_RETENTION_DAYS} days");
            let path = "security.auditing.storage.retention_days";
            self.add("audit.retention_too_short", Severity::Medium, path, message);
        }
    }

    fn secrets(&mut self, config: &Config) {
        for (path, secret) in config.secret_refs() {
            match secret {
                SecretRef::Inline(_) => {
                    let message = "a secret is written into the configuration";
                    self.add("secret.inline", Severity::High, &path, message);
                }
                SecretRef::Env(name) if looks_like_secret(name) => {
                    let message = "an environment variable name that looks like a secret value";
                    self.add("secret.inline", Severity::High, &path, message);
                }
                _ => {}
            }
        }

        // Every other string of the document, as written back out.
        let mut copy = config.clone();
        copy.replace_inline_secrets();
        if let Ok(value) = serde_json::to_value(&copy) {
            self.secret_strings("", &value);
        }
    }

    fn secret_strings(&mut self, path: &str, value: &Value) {
        match value {
            Value::String(text) if looks_like_secret(text) || url_has_credentials(text) => {
                let message = "a value that looks like a secret is written into the configuration";
                self.add("secret.inline", Severity::High, path, message);
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.secret_strings(&format!("{path}[{i}]"), item);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    // Secret references were checked above with their own paths.
                    if matches!(key.as_str(), "env" | "file") && map.len() == 1 {
                        continue;
                    }
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    self.secret_strings(&child, item);
                }
            }
            _ => {}
        }
    }
}

impl Config {
    /// Replaces inline secrets by empty environment references, so that the
    /// rest of the document can be serialised for inspection.
    fn replace_inline_secrets(&mut self) {
        self.for_each_secret_mut(|_, secret| {
            if secret.is_inline() {
                *secret = SecretRef::env("");
            }
        });
    }
}

/// Roles that administer the integration: `admin`, and every role holding
/// `*`, a `config.` or a `users.` permission, directly or by inheritance.
fn administrative_roles(roles: &BTreeMap<String, Role>) -> Vec<String> {
    let administrative = |permission: &str| {
        permission == "*" || permission.starts_with("config.") || permission.starts_with("users.")
    };
    roles
        .keys()
        .filter(|name| {
            *name == "admin"
                || inherited_permissions(roles, name)
                    .iter()
                    .any(|p| administrative(p))
        })
        .cloned()
        .collect()
}

/// A role's permissions with those of every role it inherits; cycles and
/// unknown roles are skipped.
fn inherited_permissions<'a>(roles: &'a BTreeMap<String, Role>, name: &'a str) -> Vec<&'a str> {
    let mut seen = BTreeSet::new();
    let mut pending = vec![name];
    let mut permissions = Vec::new();
    while let Some(current) = pending.pop() {
        if !seen.insert(current) {
            continue;
        }
        if let Some(role) = roles.get(current) {
            permissions.extend(role.permissions.iter().map(String::as_str));
            pending.extend(role.inherits.iter().map(String::as_str));
        }
    }
    permissions
}

/// Lowercase, without `_` and `-`: `API-Key`, `api_key` and `apikey` fold
/// alike.
pub(crate) fn fold_key(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        })
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {} at {}: {}",
            self.severity, self.code, self.path, self.message
        )
    }
}
