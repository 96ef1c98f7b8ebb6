//! Bearer-token (JWT) validation for the `oauth2` authentication method.
//!
//! A token is accepted when, in this order:
//!
//! 1. it has three segments and its header names an accepted algorithm
//!    (default `RS256` and `ES256`; `none` and every unlisted name are
//!    refused, `access.token_algorithm`);
//! 2. its key is found: by `kid` in the JSON Web Key Set (the only key when
//!    the set has one and the token names none), or the configured shared
//!    secret for `HS256`; the key's type must fit the algorithm and a key's
//!    own `alg`, when given, must equal it, so an RSA public key can never
//!    be used as an HMAC secret;
//! 3. the signature verifies (`access.token_signature`);
//! 4. `exp` is present and, with the leeway (default 30 s), not past; `nbf`,
//!    when present, is not in the future beyond the leeway;
//! 5. `iss` equals the configured issuer and `aud` (a string or a list)
//!    contains the configured audience, when those are configured; then the
//!    claims are required.
//!
//! Scopes come from `scope` (space-separated, RFC 8693) or `scp` (a list or
//! a string); check them with [`ValidatedToken::require_scope`].
//!
//! Limits: signatures are checked by `jsonwebtoken` with its RustCrypto
//! backend; encrypted tokens (JWE) and `crit` header parameters are not
//! supported; symmetric keys are never taken from a key set.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use data_encoding::BASE64URL_NOPAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, errors::ErrorKind};
use secrecy::ExposeSecret;
use serde_json::{Map, Value};

use super::AccessError;
use super::jwks::JwksCache;
use super::totp::unix_seconds;
use crate::config::{Config, JwtAlgorithm};
use crate::secret::{SecretBytes, SecretSource};

/// Validates signed JWT bearer tokens.
///
/// ```
/// use halo_core::access::{JwksCache, StaticJwks, TokenValidator};
/// use halo_core::config::JwtAlgorithm;
///
/// let keys = JwksCache::new(StaticJwks::from_json(r#"{"keys": []}"#)?);
/// let validator = TokenValidator::new(keys)
///     .with_issuer("https://idp.example")
///     .with_audience("halopsa-integration")
///     .with_algorithms(&[JwtAlgorithm::Es256])?;
/// let err = validator.validate("not.a.token").unwrap_err();
/// assert_eq!(err.code(), "access.token_malformed");
/// # Ok::<(), halo_core::access::AccessError>(())
/// ```
pub struct TokenValidator {
    keys: JwksCache,
    issuer: Option<String>,
    audience: Option<String>,
    leeway: Duration,
    algorithms: Vec<JwtAlgorithm>,
    hs256_secret: Option<SecretBytes>,
}

/// The claims of a token that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedToken {
    /// `sub`, when present.
    pub subject: Option<String>,
    /// `iss`, when present.
    pub issuer: Option<String>,
    /// When the token expires (`exp`).
    pub expires_at: SystemTime,
    /// The granted scopes, from `scope` or `scp`.
    pub scopes: Vec<String>,
    /// Every claim, as sent.
    pub claims: Map<String, Value>,
}

impl TokenValidator {
    /// A validator taking keys from `keys`, accepting `RS256` and `ES256`,
    /// with a 30-second leeway and no issuer or audience requirement.
    pub fn new(keys: JwksCache) -> Self {
        Self {
            keys,
            issuer: None,
            audience: None,
            leeway: Duration::from_secs(30),
            algorithms: vec![JwtAlgorithm::Rs256, JwtAlgorithm::Es256],
            hs256_secret: None,
        }
    }

    /// A validator for the first `oauth2` method of
    /// `security.authentication` (the defaults when there is none): its
    /// issuer, audience, leeway and algorithms, and its `hs256_secret`
    /// resolved through `secrets`. Keys come from `keys`.
    pub fn from_config_with_keys(
        config: &Config,
        keys: JwksCache,
        secrets: &dyn SecretSource,
    ) -> Result<Self, AccessError> {
        let mut validator = Self::new(keys);
        if let Some(method) = config.security.authentication.oauth2_methods().next() {
            let settings = &method.token_validation;
            validator.issuer = settings.issuer.clone();
            validator.audience = settings.audience.clone();
            validator.leeway = settings.leeway;
            validator = validator.with_algorithms(&settings.algorithms)?;
            if let Some(secret) = &settings.hs256_secret {
                validator.hs256_secret = Some(secret.resolve_bytes_with(secrets)?);
            }
        }
        Ok(validator)
    }

    /// Like [`from_config_with_keys`](Self::from_config_with_keys), with
    /// keys fetched from the method's `jwks_url`. Fails with
    /// `access.token_invalid_settings` when there is no `jwks_url`.
    #[cfg(feature = "jwks-http")]
    pub fn from_config(config: &Config, secrets: &dyn SecretSource) -> Result<Self, AccessError> {
        let url = config
            .security
            .authentication
            .oauth2_methods()
            .next()
            .and_then(|m| m.token_validation.jwks_url.clone())
            .ok_or(AccessError::InvalidTokenSettings("`jwks_url` is not set"))?;
        let keys = JwksCache::new(super::jwks::HttpJwks::new(url));
        Self::from_config_with_keys(config, keys, secrets)
    }

    /// Requires `iss` to equal `issuer`.
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Requires `aud` to contain `audience`.
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Sets the clock skew allowed on `exp` and `nbf`.
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Pins the accepted algorithms. `HS256` tokens verify only once a
    /// secret is given, by [`dangerous_accept_hs256`](Self::dangerous_accept_hs256)
    /// or the configuration's `hs256_secret`. Fails with
    /// `access.token_invalid_settings` for an empty list.
    pub fn with_algorithms(mut self, algorithms: &[JwtAlgorithm]) -> Result<Self, AccessError> {
        if algorithms.is_empty() {
            return Err(AccessError::InvalidTokenSettings(
                "no algorithm is accepted",
            ));
        }
        self.algorithms = algorithms.to_vec();
        Ok(self)
    }

    /// Also accepts `HS256` tokens signed with the shared `secret`. Anyone
    /// holding the secret can mint tokens, so this is for a trusted issuer
    /// only.
    pub fn dangerous_accept_hs256(mut self, secret: SecretBytes) -> Self {
        if !self.algorithms.contains(&JwtAlgorithm::Hs256) {
            self.algorithms.push(JwtAlgorithm::Hs256);
        }
        self.hs256_secret = Some(secret);
        self
    }

    /// Validates `token` now (system clock).
    pub fn validate(&self, token: &str) -> Result<ValidatedToken, AccessError> {
        self.validate_at(token, SystemTime::now())
    }

    /// Validates `token` at `now`. See the module documentation for the
    /// checks and their codes.
    pub fn validate_at(&self, token: &str, now: SystemTime) -> Result<ValidatedToken, AccessError> {
        // jsonwebtoken cannot pick a backend when another crate of the build
        // enables a second one; naming ours keeps it from failing then.
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
        let now = unix_seconds(now);
        let (alg, kid) = self.header(token)?;
        let key = self.decoding_key(alg, kid.as_deref(), now)?;

        // Signature only: the claims are checked below, against `now`.
        let mut validation = Validation::new(to_jsonwebtoken(alg));
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        let data =
            jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation).map_err(|e| {
                match e.kind() {
                    ErrorKind::InvalidSignature => AccessError::TokenSignature,
                    ErrorKind::InvalidAlgorithm
                    | ErrorKind::InvalidEcdsaKey
                    | ErrorKind::InvalidRsaKey(_)
                    | ErrorKind::InvalidEddsaKey => AccessError::TokenAlgorithm,
                    _ => AccessError::TokenMalformed,
                }
            })?;
        self.check_claims(data.claims, now)
    }

    /// The accepted algorithm and key id of the header, read before any key
    /// is looked up.
    fn header(&self, token: &str) -> Result<(JwtAlgorithm, Option<String>), AccessError> {
        let mut parts = token.split('.');
        let (Some(header), Some(_), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(AccessError::TokenMalformed);
        };
        let bytes = BASE64URL_NOPAD
            .decode(header.as_bytes())
            .map_err(|_| AccessError::TokenMalformed)?;
        let header: Map<String, Value> =
            serde_json::from_slice(&bytes).map_err(|_| AccessError::TokenMalformed)?;
        let name = header
            .get("alg")
            .and_then(Value::as_str)
            .ok_or(AccessError::TokenMalformed)?;
        let alg = self
            .algorithms
            .iter()
            .copied()
            .find(|a| a.as_str() == name)
            .ok_or(AccessError::TokenAlgorithm)?;
        let kid = match header.get("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid.clone()),
            Some(_) => return Err(AccessError::TokenMalformed),
        };
        Ok((alg, kid))
    }

    fn decoding_key(
        &self,
        alg: JwtAlgorithm,
        kid: Option<&str>,
        now: u64,
    ) -> Result<DecodingKey, AccessError> {
        if alg == JwtAlgorithm::Hs256 {
            let secret = self
                .hs256_secret
                .as_ref()
                .ok_or(AccessError::TokenAlgorithm)?;
            return DecodingKey::from_secret(secret.expose_secret())
                .map_err(|_| AccessError::TokenAlgorithm);
        }
        let jwk = self.keys.key(kid, now)?;
        if let Some(key_alg) = &jwk.common.key_algorithm
            && key_alg.to_string() != alg.as_str()
        {
            return Err(AccessError::TokenAlgorithm);
        }
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| AccessError::TokenAlgorithm)?;
        if key.family() != to_jsonwebtoken(alg).family() {
            return Err(AccessError::TokenAlgorithm);
        }
        Ok(key)
    }

    fn check_claims(
        &self,
        claims: Map<String, Value>,
        now: u64,
    ) -> Result<ValidatedToken, AccessError> {
        let leeway = self.leeway.as_secs();
        let time = |name: &str| -> Result<Option<u64>, AccessError> {
            match claims.get(name) {
                None => Ok(None),
                Some(v) => v.as_u64().map(Some).ok_or(AccessError::TokenMalformed),
            }
        };
        let exp = time("exp")?.ok_or(AccessError::TokenMissingExpiry)?;
        if now >= exp.saturating_add(leeway) {
            return Err(AccessError::TokenExpired);
        }
        if time("nbf")?.is_some_and(|nbf| now.saturating_add(leeway) < nbf) {
            return Err(AccessError::TokenNotYetValid);
        }

        let issuer = claims.get("iss").and_then(Value::as_str).map(str::to_owned);
        if let Some(expected) = &self.issuer
            && issuer.as_deref() != Some(expected.as_str())
        {
            return Err(AccessError::TokenIssuer);
        }
        if let Some(expected) = &self.audience {
            let matches = match claims.get("aud") {
                Some(Value::String(aud)) => aud == expected,
                Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(expected)),
                _ => false,
            };
            if !matches {
                return Err(AccessError::TokenAudience);
            }
        }

        Ok(ValidatedToken {
            subject: claims.get("sub").and_then(Value::as_str).map(str::to_owned),
            issuer,
            expires_at: UNIX_EPOCH + Duration::from_secs(exp),
            scopes: scopes(&claims),
            claims,
        })
    }
}

impl ValidatedToken {
    /// Whether the token grants `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Fails with `access.token_missing_scope` unless the token grants
    /// `scope`.
    pub fn require_scope(&self, scope: &str) -> Result<(), AccessError> {
        if self.has_scope(scope) {
            Ok(())
        } else {
            Err(AccessError::TokenMissingScope(scope.to_owned()))
        }
    }
}

fn scopes(claims: &Map<String, Value>) -> Vec<String> {
    let split = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    match (claims.get("scope"), claims.get("scp")) {
        (Some(Value::String(s)), _) | (None, Some(Value::String(s))) => split(s),
        (None, Some(Value::Array(items))) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn to_jsonwebtoken(alg: JwtAlgorithm) -> Algorithm {
    match alg {
        JwtAlgorithm::Rs256 => Algorithm::RS256,
        JwtAlgorithm::Rs384 => Algorithm::RS384,
        JwtAlgorithm::Rs512 => Algorithm::RS512,
        JwtAlgorithm::Ps256 => Algorithm::PS256,
        JwtAlgorithm::Es256 => Algorithm::ES256,
        JwtAlgorithm::Es384 => Algorithm::ES384,
        JwtAlgorithm::EdDsa => Algorithm::EdDSA,
        JwtAlgorithm::Hs256 => Algorithm::HS256,
    }
}

impl fmt::Debug for TokenValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenValidator")
            .field("keys", &self.keys)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("leeway", &self.leeway)
            .field("algorithms", &self.algorithms)
            .field(
                "hs256_secret",
                &self.hs256_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}
