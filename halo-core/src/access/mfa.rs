//! Who must use a second factor, and how long a new account may work
//! without one (`security.mfa`).

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use super::AccessError;
use crate::config::{Config, MfaMethod};

/// The MFA rules of a deployment.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use halo_core::access::{MfaPolicy, MfaRequirement};
/// use halo_core::config::Config;
///
/// let mfa = MfaPolicy::from_config(&Config::default()); // admin, operator; 7 days
/// let created = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let day = Duration::from_secs(86_400);
/// assert_eq!(mfa.requirement("viewer", false, created, created), MfaRequirement::NotRequired);
/// assert_eq!(
///     mfa.requirement("admin", false, created, created + day),
///     MfaRequirement::InGrace { until: created + 7 * day },
/// );
/// assert_eq!(mfa.requirement("admin", false, created, created + 7 * day), MfaRequirement::Required);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaPolicy {
    enabled: bool,
    required_for: BTreeSet<String>,
    methods: Vec<MfaMethod>,
    grace_period: Duration,
}

/// What [`MfaPolicy::requirement`] asks of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MfaRequirement {
    /// No second factor is needed.
    NotRequired,
    /// A second factor is needed now: verify it if the account is enrolled,
    /// otherwise make the user enrol before going on.
    Required,
    /// The account is not enrolled and may work without a second factor
    /// until `until`; prompt it to enrol.
    InGrace {
        /// When the grace period ends.
        until: SystemTime,
    },
}

impl MfaPolicy {
    /// The policy of `security.mfa`. With `enabled: false` nothing is ever
    /// required (posture reports `mfa.disabled`).
    pub fn from_config(config: &Config) -> Self {
        let mfa = &config.security.mfa;
        Self {
            enabled: mfa.enabled,
            required_for: mfa.required_for.iter().cloned().collect(),
            methods: mfa.methods.clone(),
            grace_period: mfa.grace_period,
        }
    }

    /// A policy requiring MFA for `required_for`, accepting `methods`, with
    /// an enrolment grace period.
    pub fn new<S: AsRef<str>>(
        required_for: &[S],
        methods: &[MfaMethod],
        grace_period: Duration,
    ) -> Self {
        Self {
            enabled: true,
            required_for: required_for.iter().map(|r| r.as_ref().to_owned()).collect(),
            methods: methods.to_vec(),
            grace_period,
        }
    }

    /// What an account with `role` must do at `now`. An account is in grace
    /// from `account_created_at` for the grace period, only while it is not
    /// enrolled.
    pub fn requirement(
        &self,
        role: &str,
        enrolled: bool,
        account_created_at: SystemTime,
        now: SystemTime,
    ) -> MfaRequirement {
        if !self.enabled || !self.required_for.contains(role) {
            return MfaRequirement::NotRequired;
        }
        if enrolled {
            return MfaRequirement::Required;
        }
        match account_created_at.checked_add(self.grace_period) {
            Some(until) if now < until => MfaRequirement::InGrace { until },
            _ => MfaRequirement::Required,
        }
    }

    /// The strictest requirement over several roles of one account.
    pub fn requirement_for_roles<S: AsRef<str>>(
        &self,
        roles: &[S],
        enrolled: bool,
        account_created_at: SystemTime,
        now: SystemTime,
    ) -> MfaRequirement {
        let any = roles
            .iter()
            .find(|r| self.required_for.contains(r.as_ref()));
        match any {
            Some(role) => self.requirement(role.as_ref(), enrolled, account_created_at, now),
            None => MfaRequirement::NotRequired,
        }
    }

    /// Whether `method` is an accepted second factor.
    pub fn allows(&self, method: MfaMethod) -> bool {
        self.methods.contains(&method)
    }

    /// Fails with `access.mfa_method_not_allowed` unless `method` is
    /// accepted.
    pub fn check_method(&self, method: MfaMethod) -> Result<(), AccessError> {
        if self.allows(method) {
            Ok(())
        } else {
            Err(AccessError::MethodNotAllowed(method.as_str()))
        }
    }

    /// The enrolment grace period.
    pub fn grace_period(&self) -> Duration {
        self.grace_period
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    #[test]
    fn disabled_requires_nothing_and_enrolled_always_verifies() {
        let config = Config::from_json_str(r#"{"security":{"mfa":{"enabled":false}}}"#).unwrap();
        let off = MfaPolicy::from_config(&config);
        assert_eq!(
            off.requirement("admin", true, UNIX_EPOCH, UNIX_EPOCH),
            MfaRequirement::NotRequired
        );
        let on = MfaPolicy::from_config(&Config::default());
        assert_eq!(
            on.requirement("admin", true, UNIX_EPOCH, UNIX_EPOCH),
            MfaRequirement::Required
        );
        let roles = ["viewer", "operator"];
        let r = on.requirement_for_roles(&roles, true, UNIX_EPOCH, UNIX_EPOCH);
        assert_eq!(r, MfaRequirement::Required);
        assert!(on.check_method(MfaMethod::Sms).is_ok());
        let totp_only = MfaPolicy::new(&["admin"], &[MfaMethod::Totp], Duration::ZERO);
        assert_eq!(
            totp_only.check_method(MfaMethod::Sms).unwrap_err().code(),
            "access.mfa_method_not_allowed"
        );
        assert_eq!(
            totp_only.requirement("admin", false, UNIX_EPOCH, UNIX_EPOCH),
            MfaRequirement::Required
        );
    }
}
