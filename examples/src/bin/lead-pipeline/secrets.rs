//! Secrets for a demonstration run: the process environment first, then
//! values generated for this run for every variable the configuration names
//! that is not set (32 random bytes in standard base64, which serves as an
//! HMAC secret and as the audit chain key alike).

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use halo_core::config::Config;
use halo_core::secret::{MemorySource, SecretError, SecretRef, SecretSource, SystemSource};
use zeroize::Zeroizing;

/// The environment, backed by generated values.
pub(crate) struct DemoSecrets {
    generated: MemorySource,
    /// The variables that were generated, by name.
    pub(crate) names: Vec<String>,
}

impl DemoSecrets {
    /// Generates a random value for every environment variable `config`
    /// references and the environment does not set.
    pub(crate) fn for_config(config: &Config) -> Result<Self, getrandom::Error> {
        let mut generated = MemorySource::new();
        let mut names = Vec::new();
        for (_, reference) in config.secret_refs() {
            if let SecretRef::Env(name) = reference
                && std::env::var_os(name).is_none()
                && !names.contains(name)
            {
                let mut bytes = Zeroizing::new([0u8; 32]);
                getrandom::fill(bytes.as_mut())?;
                let value = Zeroizing::new(STANDARD.encode(bytes.as_ref()));
                generated = generated.with_env(name.clone(), value.as_bytes());
                names.push(name.clone());
            }
        }
        Ok(Self { generated, names })
    }
}

impl SecretSource for DemoSecrets {
    fn env_var(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretError> {
        match SystemSource.env_var(name)? {
            Some(value) => Ok(Some(value)),
            None => self.generated.env_var(name),
        }
    }

    fn read_file(&self, path: &Path) -> Result<Zeroizing<Vec<u8>>, SecretError> {
        SystemSource.read_file(path)
    }
}
