//! `security.auditing`, `security.code_analysis` and `compliance`.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::decode::{Obj, read_period};
use super::period::{Period, PeriodUnit};
use crate::secret::SecretRef;

/// `security.auditing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Auditing {
    /// Whether audit events are recorded. Default `true`.
    pub enabled: bool,
    /// Which events are recorded. Default: all of them.
    pub events: AuditEvents,
    /// How the trail is kept.
    pub storage: AuditStorage,
}

/// `security.auditing.events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvents {
    /// Sign-in events.
    pub authentication: AuthenticationEvents,
    /// Reads, writes and exports of data.
    pub data_access: DataAccessEvents,
    /// Changes to settings and permissions.
    pub configuration_changes: ConfigurationEvents,
}

/// `security.auditing.events.authentication`. Every flag defaults to `true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthenticationEvents {
    /// Every sign-in attempt.
    pub login_attempts: bool,
    /// Failed sign-ins.
    pub failed_logins: bool,
    /// Password changes.
    pub password_changes: bool,
}

/// `security.auditing.events.data_access`. Every flag defaults to `true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataAccessEvents {
    /// Reads.
    pub read_operations: bool,
    /// Writes.
    pub write_operations: bool,
    /// Exports.
    pub export_operations: bool,
}

/// `security.auditing.events.configuration_changes`. Every flag defaults to
/// `true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigurationEvents {
    /// Configuration updates.
    pub config_updates: bool,
    /// Permission changes.
    pub user_permissions: bool,
}

/// `security.auditing.storage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditStorage {
    /// How long entries are kept (`retention_days`: a number of days, or a
    /// period such as `"1_year"`). Default 365 days.
    #[serde(rename = "retention_days", serialize_with = "days_or_period")]
    pub retention: Period,
    /// Whether entry details are encrypted. Default `true`.
    pub encryption: bool,
    /// Whether the trail is append-only and tamper-evident. Default `true`.
    pub immutable: bool,
    /// Reference to the key of the audit trail's HMAC chain (32 bytes in
    /// standard base64, like the encryption keys). Default: none; the file
    /// audit log cannot be opened from the configuration without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_key: Option<SecretRef>,
}

/// `security.code_analysis`: accepted and kept, informational only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeAnalysis {
    /// Analysis tools in use. Default: the guide's `eslint-security`,
    /// `sonarqube`, `snyk`.
    pub tools: Vec<String>,
    /// Rules and whether each is on. Default: the guide's four, all on.
    pub rules: BTreeMap<String, bool>,
}

/// `compliance`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Compliance {
    /// GDPR settings.
    pub gdpr: Gdpr,
    /// HIPAA settings; `None` (the default) when HIPAA does not apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hipaa: Option<Hipaa>,
}

/// `compliance.gdpr`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gdpr {
    /// How long each kind of record is kept. Default: `leads` and
    /// `prospects` 7 years, `opportunities` 10 years. A `data_retention`
    /// object in the document replaces the default set.
    pub data_retention: BTreeMap<String, Period>,
    /// Consent requirements.
    pub consent_management: ConsentManagement,
    /// Data export for data subjects.
    pub data_portability: DataPortability,
}

/// `compliance.gdpr.consent_management`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentManagement {
    /// Whether processing needs recorded consent. Default `true`.
    pub required: bool,
    /// Purposes consent is asked for. Default `marketing`, `profiling`,
    /// `data_sharing`.
    pub consent_types: Vec<String>,
}

/// `compliance.gdpr.data_portability`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataPortability {
    /// Whether subjects can export their data. Default `true`.
    pub enabled: bool,
    /// Export formats. Default `json`, `csv`.
    pub formats: Vec<ExportFormat>,
}

choice! {
    /// A data export format.
    pub enum ExportFormat {
        /// JSON.
        Json = "json",
        /// Comma-separated values.
        Csv = "csv",
    }
}

/// `compliance.hipaa`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hipaa {
    /// Protection of health information.
    pub phi_protection: PhiProtection,
    /// The HIPAA audit trail.
    pub audit_trails: HipaaAuditTrails,
}

/// `compliance.hipaa.phi_protection`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhiProtection {
    /// The cipher. Only `aes-256-gcm` (the default).
    pub encryption: super::protection::Cipher,
    /// Whether access to health information is logged. Default `true`.
    pub access_logging: bool,
    /// Whether only needed fields are kept. Default `true`.
    pub data_minimization: bool,
}

/// `compliance.hipaa.audit_trails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HipaaAuditTrails {
    /// Whether the HIPAA trail is kept. Default `true`.
    pub enabled: bool,
    /// How long it is kept. Default 6 years.
    pub retention: Period,
}

impl Default for Auditing {
    fn default() -> Self {
        Self {
            enabled: true,
            events: AuditEvents::default(),
            storage: AuditStorage::default(),
        }
    }
}

impl Default for AuditEvents {
    fn default() -> Self {
        Self {
            authentication: AuthenticationEvents {
                login_attempts: true,
                failed_logins: true,
                password_changes: true,
            },
            data_access: DataAccessEvents {
                read_operations: true,
                write_operations: true,
                export_operations: true,
            },
            configuration_changes: ConfigurationEvents {
                config_updates: true,
                user_permissions: true,
            },
        }
    }
}

impl Default for AuditStorage {
    fn default() -> Self {
        Self {
            retention: Period::fixed(365, PeriodUnit::Days),
            encryption: true,
            immutable: true,
            chain_key: None,
        }
    }
}

impl Default for CodeAnalysis {
    fn default() -> Self {
        let rules = ["no_hardcoded_secrets", "secure_random", "input_validation"]
            .into_iter()
            .chain(["sql_injection_prevention"])
            .map(|r| (r.to_owned(), true))
            .collect();
        let tools = ["eslint-security", "sonarqube", "snyk"]
            .map(str::to_owned)
            .to_vec();
        Self { tools, rules }
    }
}

impl Default for Gdpr {
    fn default() -> Self {
        let years = |n| Period::fixed(n, PeriodUnit::Years);
        Self {
            data_retention: BTreeMap::from([
                ("leads".to_owned(), years(7)),
                ("prospects".to_owned(), years(7)),
                ("opportunities".to_owned(), years(10)),
            ]),
            consent_management: ConsentManagement::default(),
            data_portability: DataPortability::default(),
        }
    }
}

impl Default for ConsentManagement {
    fn default() -> Self {
        let types = ["marketing", "profiling", "data_sharing"]
            .map(str::to_owned)
            .to_vec();
        Self {
            required: true,
            consent_types: types,
        }
    }
}

impl Default for DataPortability {
    fn default() -> Self {
        Self {
            enabled: true,
            formats: vec![ExportFormat::Json, ExportFormat::Csv],
        }
    }
}

impl Default for Hipaa {
    fn default() -> Self {
        Self {
            phi_protection: PhiProtection {
                encryption: super::protection::Cipher::Aes256Gcm,
                access_logging: true,
                data_minimization: true,
            },
            audit_trails: HipaaAuditTrails {
                enabled: true,
                retention: Period::fixed(6, PeriodUnit::Years),
            },
        }
    }
}

impl Auditing {
    pub(crate) fn read(o: &mut Obj<'_>) -> Self {
        let d = Self::default();
        Self {
            enabled: o.bool("enabled", true),
            events: o.section("events", AuditEvents::default, |o| AuditEvents {
                authentication: o.section(
                    "authentication",
                    || d.events.authentication.clone(),
                    |o| AuthenticationEvents {
                        login_attempts: o.bool("login_attempts", true),
                        failed_logins: o.bool("failed_logins", true),
                        password_changes: o.bool("password_changes", true),
                    },
                ),
                data_access: o.section(
                    "data_access",
                    || d.events.data_access.clone(),
                    |o| DataAccessEvents {
                        read_operations: o.bool("read_operations", true),
                        write_operations: o.bool("write_operations", true),
                        export_operations: o.bool("export_operations", true),
                    },
                ),
                configuration_changes: o.section(
                    "configuration_changes",
                    || d.events.configuration_changes.clone(),
                    |o| ConfigurationEvents {
                        config_updates: o.bool("config_updates", true),
                        user_permissions: o.bool("user_permissions", true),
                    },
                ),
            }),
            storage: o.section("storage", AuditStorage::default, |o| AuditStorage {
                retention: o.period("retention_days", d.storage.retention),
                encryption: o.bool("encryption", true),
                immutable: o.bool("immutable", true),
                chain_key: o.secret("chain_key"),
            }),
        }
    }
}

impl CodeAnalysis {
    pub(crate) fn read(o: &mut Obj<'_>) -> Self {
        let d = Self::default();
        Self {
            tools: o.strings("tools", &["eslint-security", "sonarqube", "snyk"]),
            rules: o.named_values(
                "rules",
                || d.rules.clone(),
                |decoder, path, value| {
                    let read = value.as_bool();
                    if read.is_none() {
                        decoder.report(
                            path,
                            super::ProblemKind::WrongType,
                            "expected `true` or `false`",
                        );
                    }
                    read
                },
            ),
        }
    }
}

impl Compliance {
    pub(crate) fn read(o: &mut Obj<'_>) -> Self {
        Self {
            gdpr: o.section("gdpr", Gdpr::default, Gdpr::read),
            hipaa: o.optional_section("hipaa", Hipaa::read),
        }
    }
}

impl Gdpr {
    fn read(o: &mut Obj<'_>) -> Self {
        let d = Self::default();
        Self {
            data_retention: o.named_values(
                "data_retention",
                || d.data_retention.clone(),
                read_period,
            ),
            consent_management: o.section("consent_management", ConsentManagement::default, |o| {
                ConsentManagement {
                    required: o.bool("required", true),
                    consent_types: o
                        .strings("consent_types", &["marketing", "profiling", "data_sharing"]),
                }
            }),
            data_portability: o.section("data_portability", DataPortability::default, |o| {
                DataPortability {
                    enabled: o.bool("enabled", true),
                    formats: o.choices("formats", &d.data_portability.formats),
                }
            }),
        }
    }
}

impl Hipaa {
    fn read(o: &mut Obj<'_>) -> Self {
        let d = Self::default();
        Self {
            phi_protection: o.section(
                "phi_protection",
                || d.phi_protection.clone(),
                |o| PhiProtection {
                    encryption: o.choice("encryption", d.phi_protection.encryption),
                    access_logging: o.bool("access_logging", true),
                    data_minimization: o.bool("data_minimization", true),
                },
            ),
            audit_trails: o.section(
                "audit_trails",
                || d.audit_trails.clone(),
                |o| HipaaAuditTrails {
                    enabled: o.bool("enabled", true),
                    retention: o.period("retention", d.audit_trails.retention),
                },
            ),
        }
    }
}

/// Writes a period in days as a number (the guide's form), any other period
/// as text.
fn days_or_period<S: Serializer>(period: &Period, serializer: S) -> Result<S::Ok, S::Error> {
    match period.unit() {
        PeriodUnit::Days => serializer.serialize_u32(period.count()),
        _ => period.serialize(serializer),
    }
}
