//! Where secrets come from, and how they are held while in memory.
//!
//! A configuration document never carries a secret itself. Where a component
//! needs one (a webhook signing secret, an encryption key, an API key pepper),
//! the document holds a [`SecretRef`]: the name of an environment variable,
//! `{"env": "APOLLO_WEBHOOK_SECRET"}`, or the path of a file,
//! `{"file": "/run/secrets/apollo"}`. The reference is resolved when the
//! component is built, through a [`SecretSource`] (the process environment and
//! file system by default, an in-memory source in tests).
//!
//! Resolved secrets are [`SecretString`] or [`SecretBytes`]: zeroized on drop
//! and printed as `[REDACTED]`. Resolution errors name the variable or the
//! file, never a value.
//!
//! `{"inline": "..."}` exists for tests and examples only. It loads, but
//! [`Config::posture`](crate::config::Config::posture) reports it as a
//! high-severity finding and a configuration holding one refuses to
//! serialise, so the value is never written back out.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use secrecy::{ExposeSecret, SecretBox, SecretString};
use serde::ser::{Error as _, SerializeMap};
use serde::{Serialize, Serializer};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Secret bytes that are zeroized on drop and never printed.
pub type SecretBytes = SecretBox<[u8]>;

/// The largest secret file that is read, in bytes (1 MiB).
///
/// Secret files hold keys and tokens; anything larger is a mistake (or a
/// device file) and is refused rather than read into memory.
pub const MAX_SECRET_FILE_BYTES: u64 = 1024 * 1024;

/// A reference to a secret held outside the configuration document.
#[derive(Clone)]
#[non_exhaustive]
pub enum SecretRef {
    /// The value of an environment variable, `{"env": "NAME"}`.
    Env(String),
    /// The contents of a file, `{"file": "/path"}`. One trailing newline
    /// (`\n` or `\r\n`) is removed, as secret files are usually written by
    /// tools that end them with one.
    File(PathBuf),
    /// A value written into the document, `{"inline": "..."}`. For tests and
    /// examples only: posture reports it, and it is never serialised.
    Inline(SecretString),
}

/// Why a secret could not be resolved. Messages name the variable or file,
/// never a value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The environment variable is not set.
    #[error("environment variable `{name}` is not set")]
    EnvMissing {
        /// The variable's name.
        name: String,
    },
    /// The file could not be opened or read.
    #[error("secret file `{}` cannot be read", path.display())]
    FileUnreadable {
        /// The file's path.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_SECRET_FILE_BYTES`].
    #[error("secret file `{}` is larger than {MAX_SECRET_FILE_BYTES} bytes", path.display())]
    FileTooLarge {
        /// The file's path.
        path: PathBuf,
    },
    /// The secret resolved to nothing.
    #[error("secret from {origin} is empty")]
    Empty {
        /// Where the secret came from (`environment variable `X``, ...).
        origin: String,
    },
    /// A text secret is not valid UTF-8.
    #[error("secret from {origin} is not valid UTF-8")]
    NotUtf8 {
        /// Where the secret came from.
        origin: String,
    },
}

/// Where secret references are looked up.
///
/// [`SystemSource`] reads the process environment and the file system;
/// [`MemorySource`] serves fixed values for tests.
pub trait SecretSource {
    /// The value of environment variable `name`, or `Ok(None)` when unset.
    fn env_var(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretError>;

    /// The contents of the file at `path`.
    fn read_file(&self, path: &Path) -> Result<Zeroizing<Vec<u8>>, SecretError>;
}

/// The process environment and the file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemSource;

/// Fixed environment variables and files, for tests.
///
/// Values are held as [`SecretBytes`]; `Debug` shows names and paths only.
#[derive(Default)]
pub struct MemorySource {
    env: BTreeMap<String, SecretBytes>,
    files: BTreeMap<PathBuf, SecretBytes>,
}

impl SecretRef {
    /// A reference to environment variable `name`.
    pub fn env(name: impl Into<String>) -> Self {
        Self::Env(name.into())
    }

    /// A reference to the file at `path`.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self::File(path.into())
    }

    /// An inline value, for tests and examples only.
    pub fn inline(value: impl Into<String>) -> Self {
        Self::Inline(SecretString::from(value.into()))
    }

    /// Whether the value is written into the document itself.
    pub fn is_inline(&self) -> bool {
        matches!(self, Self::Inline(_))
    }

    /// Where the secret comes from, for messages: `environment variable
    /// `NAME``, `file `/path``, or `inline value`. Never the value.
    pub fn origin(&self) -> String {
        match self {
            Self::Env(name) => format!("environment variable `{name}`"),
            Self::File(path) => format!("file `{}`", path.display()),
            Self::Inline(_) => "inline value".to_owned(),
        }
    }

    /// Resolves the reference as text from the process environment or file
    /// system.
    pub fn resolve(&self) -> Result<SecretString, SecretError> {
        self.resolve_with(&SystemSource)
    }

    /// Resolves the reference as text through `source`.
    pub fn resolve_with(&self, source: &dyn SecretSource) -> Result<SecretString, SecretError> {
        let bytes = self.resolve_bytes_with(source)?;
        match std::str::from_utf8(bytes.expose_secret()) {
            Ok(text) => Ok(SecretString::from(text.to_owned())),
            Err(_) => Err(SecretError::NotUtf8 {
                origin: self.origin(),
            }),
        }
    }

    /// Resolves the reference as raw bytes from the process environment or
    /// file system.
    pub fn resolve_bytes(&self) -> Result<SecretBytes, SecretError> {
        self.resolve_bytes_with(&SystemSource)
    }

    /// Resolves the reference as raw bytes through `source`.
    pub fn resolve_bytes_with(
        &self,
        source: &dyn SecretSource,
    ) -> Result<SecretBytes, SecretError> {
        let mut bytes = match self {
            Self::Env(name) => source
                .env_var(name)?
                .ok_or_else(|| SecretError::EnvMissing { name: name.clone() })?,
            Self::File(path) => {
                let mut bytes = source.read_file(path)?;
                strip_one_newline(&mut bytes);
                bytes
            }
            Self::Inline(value) => Zeroizing::new(value.expose_secret().as_bytes().to_vec()),
        };
        if bytes.is_empty() {
            return Err(SecretError::Empty {
                origin: self.origin(),
            });
        }
        Ok(SecretBox::new(
            std::mem::take(&mut *bytes).into_boxed_slice(),
        ))
    }
}

impl SecretError {
    /// The stable code of this error, shared by every language binding.
    pub fn code(&self) -> &'static str {
        match self {
            Self::EnvMissing { .. } => "secret.env_missing",
            Self::FileUnreadable { .. } => "secret.file_unreadable",
            Self::FileTooLarge { .. } => "secret.file_too_large",
            Self::Empty { .. } => "secret.empty",
            Self::NotUtf8 { .. } => "secret.not_utf8",
        }
    }
}

impl MemorySource {
    /// An empty source: every variable unset, every file missing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets environment variable `name` to `value`.
    pub fn with_env(mut self, name: impl Into<String>, value: impl AsRef<[u8]>) -> Self {
        let value = SecretBox::new(value.as_ref().to_vec().into_boxed_slice());
        self.env.insert(name.into(), value);
        self
    }

    /// Makes the file at `path` hold `contents`.
    pub fn with_file(mut self, path: impl Into<PathBuf>, contents: impl AsRef<[u8]>) -> Self {
        let contents = SecretBox::new(contents.as_ref().to_vec().into_boxed_slice());
        self.files.insert(path.into(), contents);
        self
    }
}

impl SecretSource for SystemSource {
    fn env_var(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretError> {
        match std::env::var_os(name) {
            None => Ok(None),
            Some(value) => match value.into_string() {
                Ok(text) => Ok(Some(Zeroizing::new(text.into_bytes()))),
                Err(_) => Err(SecretError::NotUtf8 {
                    origin: format!("environment variable `{name}`"),
                }),
            },
        }
    }

    fn read_file(&self, path: &Path) -> Result<Zeroizing<Vec<u8>>, SecretError> {
        let unreadable = |source| SecretError::FileUnreadable {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(unreadable)?;

        let mut bytes = Zeroizing::new(Vec::new());
        file.take(MAX_SECRET_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 > MAX_SECRET_FILE_BYTES {
            return Err(SecretError::FileTooLarge {
                path: path.to_owned(),
            });
        }
        Ok(bytes)
    }
}

impl SecretSource for MemorySource {
    fn env_var(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretError> {
        Ok(self
            .env
            .get(name)
            .map(|v| Zeroizing::new(v.expose_secret().to_vec())))
    }

    fn read_file(&self, path: &Path) -> Result<Zeroizing<Vec<u8>>, SecretError> {
        match self.files.get(path) {
            Some(contents) => Ok(Zeroizing::new(contents.expose_secret().to_vec())),
            None => Err(SecretError::FileUnreadable {
                path: path.to_owned(),
                source: std::io::ErrorKind::NotFound.into(),
            }),
        }
    }
}

fn strip_one_newline(bytes: &mut Zeroizing<Vec<u8>>) {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
}

impl fmt::Debug for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env(name) => f.debug_tuple("Env").field(name).finish(),
            Self::File(path) => f.debug_tuple("File").field(path).finish(),
            Self::Inline(_) => f.write_str("Inline([REDACTED])"),
        }
    }
}

impl fmt::Debug for MemorySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemorySource")
            .field("env", &self.env.keys().collect::<Vec<_>>())
            .field("files", &self.files.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl PartialEq for SecretRef {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Env(a), Self::Env(b)) => a == b,
            (Self::File(a), Self::File(b)) => a == b,
            (Self::Inline(a), Self::Inline(b)) => bool::from(
                a.expose_secret()
                    .as_bytes()
                    .ct_eq(b.expose_secret().as_bytes()),
            ),
            _ => false,
        }
    }
}

impl Eq for SecretRef {}

impl Serialize for SecretRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Self::Env(name) => map.serialize_entry("env", name)?,
            Self::File(path) => map.serialize_entry("file", path)?,
            Self::Inline(_) => {
                return Err(S::Error::custom("an inline secret is never serialised"));
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "s3cr3t-value-that-must-not-leak";

    #[test]
    fn env_reference_resolves_through_source() {
        let source = MemorySource::new().with_env("HOOK", VALUE);
        let secret = SecretRef::env("HOOK").resolve_with(&source).unwrap();
        assert_eq!(secret.expose_secret(), VALUE);
    }

    #[test]
    fn missing_env_names_the_variable() {
        let err = SecretRef::env("NOT_SET")
            .resolve_with(&MemorySource::new())
            .unwrap_err();
        assert_eq!(err.code(), "secret.env_missing");
        assert!(err.to_string().contains("`NOT_SET`"));
    }

    #[test]
    fn file_reference_strips_one_trailing_newline() {
        let source = MemorySource::new()
            .with_file("/a", format!("{VALUE}\r\n"))
            .with_file("/b", format!("{VALUE}\n\n"));
        let a = SecretRef::file("/a").resolve_with(&source).unwrap();
        let b = SecretRef::file("/b").resolve_with(&source).unwrap();
        assert_eq!(a.expose_secret(), VALUE);
        assert_eq!(b.expose_secret(), format!("{VALUE}\n"));
    }

    #[test]
    fn real_file_is_read_and_missing_file_is_named() {
        let dir = std::env::temp_dir().join(format!("halo-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key");
        std::fs::write(&path, [0u8, 159, 146, 150, b'\n']).unwrap();

        let bytes = SecretRef::file(&path).resolve_bytes().unwrap();
        assert_eq!(bytes.expose_secret(), &[0u8, 159, 146, 150]);
        let text = SecretRef::file(&path).resolve().unwrap_err();
        assert_eq!(text.code(), "secret.not_utf8");

        let missing = SecretRef::file(dir.join("absent")).resolve().unwrap_err();
        assert_eq!(missing.code(), "secret.file_unreadable");
        assert!(missing.to_string().contains("absent"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn oversized_file_is_refused() {
        let source = MemorySource::new();
        let err = SecretRef::file("/dev/zero").resolve_bytes().unwrap_err();
        assert_eq!(err.code(), "secret.file_too_large");
        assert!(SecretRef::file("/x").resolve_with(&source).is_err());
    }

    #[test]
    fn empty_secret_is_refused() {
        let source = MemorySource::new()
            .with_env("EMPTY", "")
            .with_file("/nl", "\n");
        assert_eq!(
            SecretRef::env("EMPTY")
                .resolve_with(&source)
                .unwrap_err()
                .code(),
            "secret.empty"
        );
        assert_eq!(
            SecretRef::file("/nl")
                .resolve_with(&source)
                .unwrap_err()
                .code(),
            "secret.empty"
        );
    }

    #[test]
    fn debug_never_shows_a_value() {
        let source = MemorySource::new()
            .with_env("HOOK", VALUE)
            .with_file("/k", VALUE);
        let inline = SecretRef::inline(VALUE);
        let resolved = inline.resolve_with(&source).unwrap();
        let bytes = SecretRef::env("HOOK").resolve_bytes_with(&source).unwrap();

        for text in [
            format!("{inline:?}"),
            format!("{source:?}"),
            format!("{resolved:?}"),
            format!("{bytes:?}"),
        ] {
            assert!(!text.contains(VALUE), "leaked in {text}");
        }
        assert!(format!("{inline:?}").contains("[REDACTED]"));
    }

    #[test]
    fn inline_secret_refuses_to_serialise() {
        let err = serde_json::to_string(&SecretRef::inline(VALUE)).unwrap_err();
        assert!(!err.to_string().contains(VALUE));
        let env = serde_json::to_string(&SecretRef::env("X")).unwrap();
        assert_eq!(env, r#"{"env":"X"}"#);
    }

    #[test]
    fn equality_compares_inline_values() {
        assert_eq!(SecretRef::inline("a"), SecretRef::inline("a"));
        assert_ne!(SecretRef::inline("a"), SecretRef::inline("b"));
        assert_ne!(SecretRef::env("a"), SecretRef::file("a"));
    }
}
