//! Building verifiers and signers from `security.webhooks`.
//!
//! Only the methods listed in a provider's `methods` are built, and their
//! secret references are resolved once, here. A listed method without a
//! secret is left out; see [`Provider`] for what a delivery then meets. A
//! provider with `"required": false` authenticates nothing, whatever its
//! methods (see [`Provider::dangerous_accept_unauthenticated`]).

use secrecy::{ExposeSecret, SecretString};

use super::provider::Provider;
use super::signature::Signature;
use super::{WebhookError, WebhookSigner, WebhookVerifier};
use crate::config::{Config, SignatureConfig, SignatureScheme, WebhookMethod, WebhookProvider};
use crate::secret::{SecretRef, SecretSource, SystemSource};

impl WebhookVerifier {
    /// A verifier for every provider of `security.webhooks` (the top-level
    /// block is the default provider), with secrets resolved through
    /// `source`, and a [`MemoryReplayGuard`](super::MemoryReplayGuard).
    ///
    /// ```
    /// use halo_core::config::Config;
    /// use halo_core::secret::MemorySource;
    /// use halo_core::webhook::WebhookVerifier;
    ///
    /// let config = Config::from_json_str(r#"{"security": {"webhooks": {"providers": {
    ///     "halopsa": {"authentication": {"methods": ["basic"],
    ///         "basic": {"username": "halo", "password": {"env": "HALO_HOOK_PASSWORD"}}}}}}}}"#)?;
    /// let source = MemorySource::new().with_env("HALO_HOOK_PASSWORD", "correct horse");
    /// let verifier = WebhookVerifier::from_config(&config, &source)?;
    /// assert_eq!(verifier.provider_names().collect::<Vec<_>>(), ["halopsa"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_config(config: &Config, source: &dyn SecretSource) -> Result<Self, WebhookError> {
        let webhooks = &config.security.webhooks;
        let mut builder = Self::builder();
        for (name, provider) in webhooks.all_providers() {
            let built = provider_from_config(&base_path(name), provider, source)?;
            builder = match name {
                None => builder.default_provider(built),
                Some(name) => builder.provider(name, built),
            };
        }
        Ok(builder.build())
    }

    /// [`WebhookVerifier::from_config`] with secrets read from the process
    /// environment and the file system.
    pub fn from_config_with_system_secrets(config: &Config) -> Result<Self, WebhookError> {
        Self::from_config(config, &SystemSource)
    }
}

impl WebhookSigner {
    /// A signer for the signature method of provider `provider` (`None` for
    /// the default one), with secrets resolved through `source`.
    pub fn from_config(
        config: &Config,
        provider: Option<&str>,
        source: &dyn SecretSource,
    ) -> Result<Self, WebhookError> {
        let webhooks = &config.security.webhooks;
        let found = match provider {
            None => Some(&webhooks.default),
            Some(name) => webhooks.providers.get(name),
        };
        let found = found.ok_or_else(|| WebhookError::UnknownProvider {
            name: provider.unwrap_or("(default)").to_owned(),
        })?;
        let path = format!("{}.authentication.signature", base_path(provider));
        let signature = signature_from_config(&path, &found.authentication.signature, source)?;
        Ok(Self::new(signature))
    }
}

fn base_path(name: Option<&str>) -> String {
    match name {
        None => "security.webhooks".to_owned(),
        Some(name) => format!("security.webhooks.providers.{name}"),
    }
}

fn provider_from_config(
    base: &str,
    config: &WebhookProvider,
    source: &dyn SecretSource,
) -> Result<Provider, WebhookError> {
    let auth = &config.authentication;
    let validation = &config.validation;
    let mut provider = Provider::new()
        .tolerance(auth.signature.tolerance)
        .max_body_bytes(config.max_body_bytes);
    for network in &validation.ip_whitelist {
        provider = provider.allow_network(*network);
    }
    if validation.user_agent_check {
        // The configuration refuses `user_agent_check` without an expected
        // agent; an empty one would match nothing, which keeps it closed.
        provider =
            provider.expect_user_agent(validation.expected_user_agent.clone().unwrap_or_default());
    }
    if !auth.required {
        return Ok(provider.dangerous_accept_unauthenticated());
    }

    let at = format!("{base}.authentication");
    for method in &auth.methods {
        provider = match method {
            WebhookMethod::Signature => {
                let path = format!("{at}.signature");
                provider.signature(signature_from_config(&path, &auth.signature, source)?)
            }
            WebhookMethod::ApiKey => {
                let mut provider = provider;
                for (i, key) in auth.api_key.keys.iter().enumerate() {
                    let path = format!("{at}.api_key.key[{i}]");
                    let key = resolve(&path, key, source)?;
                    provider = provider
                        .api_key(&auth.api_key.header, &key)
                        .map_err(|err| located(&path, err))?;
                }
                provider
            }
            WebhookMethod::Basic => match &auth.basic {
                None => provider,
                Some(basic) => {
                    let password =
                        resolve(&format!("{at}.basic.password"), &basic.password, source)?;
                    provider.basic(&basic.username, &password)
                }
            },
        };
    }
    Ok(provider)
}

fn signature_from_config(
    path: &str,
    config: &SignatureConfig,
    source: &dyn SecretSource,
) -> Result<Signature, WebhookError> {
    let mut signature = Signature::new(config.scheme).header(&config.header)?;
    if config.scheme == SignatureScheme::Generic {
        if let Some(header) = &config.timestamp_header {
            signature = signature.timestamp_header(header)?;
        }
        if let Some(encoding) = config.encoding {
            signature = signature.encoding(encoding)?;
        }
    }
    for (i, secret) in config.secrets.iter().enumerate() {
        let at = format!("{path}.secret[{i}]");
        let bytes = secret.resolve_bytes_with(source).map_err(|source| {
            WebhookError::SecretUnavailable {
                path: at.clone(),
                source,
            }
        })?;
        signature = signature
            .secret_bytes(bytes.expose_secret())
            .map_err(|err| located(&at, err))?;
    }
    Ok(signature)
}

fn resolve(
    path: &str,
    secret: &SecretRef,
    source: &dyn SecretSource,
) -> Result<SecretString, WebhookError> {
    secret
        .resolve_with(source)
        .map_err(|source| WebhookError::SecretUnavailable {
            path: path.to_owned(),
            source,
        })
}

/// Prefixes an invalid setting's reason with the path of the secret at fault.
fn located(path: &str, err: WebhookError) -> WebhookError {
    match err {
        WebhookError::InvalidSetting { reason } => {
            WebhookError::setting(format!("`{path}`: {reason}"))
        }
        other => other,
    }
}
