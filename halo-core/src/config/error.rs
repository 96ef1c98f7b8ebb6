//! Why a configuration document did not load.

use std::fmt;
use std::path::PathBuf;

/// Why a configuration document did not load.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("configuration file `{}` cannot be read", path.display())]
    Io {
        /// The file's path.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The document is larger than
    /// [`MAX_DOCUMENT_BYTES`](super::MAX_DOCUMENT_BYTES).
    #[error("configuration is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The text is not well-formed JSON, or repeats a key.
    #[error("configuration is not valid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong, without the document's content.
        message: String,
    },
    /// The JSON is well formed but does not describe a valid configuration.
    /// Every problem found is listed, not only the first.
    #[error("{}", Invalid(problems))]
    Invalid {
        /// Every problem, in document order within each section.
        problems: Vec<Problem>,
    },
    /// The configuration holds an inline secret, which is never serialised.
    #[error("an inline secret is never serialised; use an `env` or `file` reference")]
    InlineSecret,
}

/// One problem in a configuration document, located by its JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted path of the offending value, with list positions in brackets:
    /// `security.rate_limiting.rules.api_endpoints.burst_limit`,
    /// `security.webhooks.validation.ip_whitelist[0]`.
    pub path: String,
    /// What kind of problem it is.
    pub kind: ProblemKind,
    /// What is wrong, lowercase, never quoting a value from the document.
    pub message: String,
    /// How to fix it, when something useful can be said (`did you mean
    /// `burst_limit`?`).
    pub hint: Option<String>,
}

/// The kinds of [`Problem`], each with a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A key the format does not define (`config.unknown_field`).
    UnknownField,
    /// A value of the wrong JSON type (`config.wrong_type`).
    WrongType,
    /// A number outside its allowed range (`config.out_of_range`).
    OutOfRange,
    /// A required key is absent (`config.missing_field`).
    MissingField,
    /// A value of the right type that is not allowed (`config.invalid_value`).
    InvalidValue,
    /// Two settings contradict each other (`config.conflict`).
    Conflict,
}

impl ConfigError {
    /// The stable code of this error, shared by every language binding:
    /// `config.io`, `config.too_large`, `config.syntax`, `config.invalid` or
    /// `config.inline_secret`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "config.io",
            Self::TooLarge { .. } => "config.too_large",
            Self::InlineSecret => "config.inline_secret",
            Self::Syntax { .. } => "config.syntax",
            Self::Invalid { .. } => "config.invalid",
        }
    }

    /// The problems of an [`Invalid`](Self::Invalid) document; empty for the
    /// other variants.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::Invalid { problems } => problems,
            _ => &[],
        }
    }
}

impl Problem {
    pub(crate) fn new(path: &str, kind: ProblemKind, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn with_hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }

    /// The stable code of this problem's kind.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl ProblemKind {
    /// The stable code, such as `config.unknown_field`.
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownField => "config.unknown_field",
            Self::WrongType => "config.wrong_type",
            Self::OutOfRange => "config.out_of_range",
            Self::MissingField => "config.missing_field",
            Self::InvalidValue => "config.invalid_value",
            Self::Conflict => "config.conflict",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(document)"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

/// Formats the problem list of [`ConfigError::Invalid`].
struct Invalid<'a>(&'a [Problem]);

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [one] => write!(f, "invalid configuration: {one}"),
            many => {
                write!(f, "invalid configuration: {} problems", many.len())?;
                many.iter().try_for_each(|p| write!(f, "\n  {p}"))
            }
        }
    }
}
