//! `security.encryption`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::decode::{Obj, read_secret, suggest};
use super::error::ProblemKind;
use crate::secret::SecretRef;

/// `security.encryption`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Encryption {
    /// Field encryption of stored records.
    pub at_rest: AtRest,
    /// Transport security of outbound connections.
    pub in_transit: InTransit,
}

/// `security.encryption.at_rest`: which fields are encrypted, and with which
/// keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AtRest {
    /// Whether fields are encrypted. Default `true`.
    pub enabled: bool,
    /// The cipher. Only `aes-256-gcm` is supported (and the default).
    pub algorithm: Cipher,
    /// Where keys are kept. Default `static` (keys from `keys`).
    pub key_management: KeyManagement,
    /// Record fields that are encrypted. Default `email`, `phone`,
    /// `social_security_number`, `bank_account_details`.
    pub encrypted_fields: Vec<String>,
    /// Key material by key id (1 to 32 ASCII letters, digits, `_`, `-`), each
    /// a secret reference to 32 bytes, base64 encoded. Default: none.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, SecretRef>,
    /// The key id new data is encrypted under. May be left out when there is
    /// exactly one key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<String>,
    /// Reference to the separate key of blind indexes. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blind_index_key: Option<SecretRef>,
}

/// `security.encryption.in_transit`: an addition to the guide, which sets TLS
/// only in its web server example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InTransit {
    /// The lowest TLS version accepted. Default `1.2`.
    pub min_tls_version: TlsVersion,
}

choice! {
    /// An authenticated cipher.
    pub enum Cipher {
        /// AES with a 256-bit key in Galois/Counter Mode.
        Aes256Gcm = "aes-256-gcm",
    }
}

choice! {
    /// Where encryption keys are kept.
    pub enum KeyManagement {
        /// Keys come from secret references in `keys`.
        Static = "static",
        /// AWS KMS; needs a key provider supplied by the application.
        AwsKms = "aws-kms",
        /// Google Cloud KMS; needs a key provider supplied by the application.
        GcpKms = "gcp-kms",
        /// Azure Key Vault; needs a key provider supplied by the application.
        AzureKeyVault = "azure-key-vault",
        /// HashiCorp Vault; needs a key provider supplied by the application.
        HashicorpVault = "hashicorp-vault",
    }
}

choice! {
    /// A TLS protocol version.
    pub enum TlsVersion {
        /// TLS 1.0 (insecure; reported by posture).
        V1_0 = "1.0",
        /// TLS 1.1 (insecure; reported by posture).
        V1_1 = "1.1",
        /// TLS 1.2.
        V1_2 = "1.2",
        /// TLS 1.3.
        V1_3 = "1.3",
    }
}

impl Default for AtRest {
    fn default() -> Self {
        let fields = [
            "email",
            "phone",
            "social_security_number",
            "bank_account_details",
        ];
        Self {
            enabled: true,
            algorithm: Cipher::Aes256Gcm,
            key_management: KeyManagement::Static,
            encrypted_fields: fields.map(str::to_owned).to_vec(),
            keys: BTreeMap::new(),
            primary_key: None,
            blind_index_key: None,
        }
    }
}

impl Default for InTransit {
    fn default() -> Self {
        Self {
            min_tls_version: TlsVersion::V1_2,
        }
    }
}

impl Encryption {
    pub(crate) fn read(o: &mut Obj<'_>) -> Self {
        Self {
            at_rest: o.section("at_rest", AtRest::default, AtRest::read),
            in_transit: o.section("in_transit", InTransit::default, |o| InTransit {
                min_tls_version: o.choice("min_tls_version", TlsVersion::V1_2),
            }),
        }
    }
}

impl AtRest {
    fn read(o: &mut Obj<'_>) -> Self {
        let d = Self::default();
        let fields = [
            "email",
            "phone",
            "social_security_number",
            "bank_account_details",
        ];
        let at_rest = Self {
            enabled: o.bool("enabled", d.enabled),
            algorithm: o.choice("algorithm", d.algorithm),
            key_management: o.choice("key_management", d.key_management),
            encrypted_fields: o.strings("encrypted_fields", &fields),
            keys: o.named_values("keys", BTreeMap::new, read_secret),
            primary_key: o.string("primary_key"),
            blind_index_key: o.secret("blind_index_key"),
        };
        at_rest.check(o);
        at_rest
    }

    fn check(&self, o: &mut Obj<'_>) {
        for id in self.keys.keys() {
            if !is_key_id(id) {
                let message = "key id must be 1 to 32 ASCII letters, digits, `_` or `-`";
                o.report_at(&format!("keys.{id}"), ProblemKind::InvalidValue, message);
            }
        }
        let ids: Vec<&str> = self.keys.keys().map(String::as_str).collect();
        match &self.primary_key {
            Some(primary) if !self.keys.contains_key(primary) => {
                let hint = suggest(primary, &ids);
                let message = "names no key of `keys`";
                o.report_maybe_hint_at("primary_key", ProblemKind::InvalidValue, message, hint);
            }
            None if self.keys.len() > 1 => {
                let message = "several keys are configured; name the one to encrypt under";
                o.report_at("primary_key", ProblemKind::MissingField, message);
            }
            _ => {}
        }
    }

    /// The id new data is encrypted under: `primary_key`, or the only key.
    pub fn primary_key_id(&self) -> Option<&str> {
        match &self.primary_key {
            Some(id) => Some(id),
            None if self.keys.len() == 1 => self.keys.keys().next().map(String::as_str),
            None => None,
        }
    }
}

fn is_key_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
