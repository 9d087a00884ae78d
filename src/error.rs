//! The one error type of the crate: every failure names what went wrong and what to do.

use std::path::PathBuf;

/// Everything that can go wrong in claimcat, each with a message written for the user.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {action}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// What was being done ("cannot read", "cannot write"...).
        action: &'static str,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A labeled CSV file is malformed or cannot be used.
    #[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// The 1-based line, when known.
        line: Option<u64>,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The training data cannot train a model (too few labels or examples).
    #[error("{0}")]
    Data(String),
    /// A model file is missing, corrupt, truncated, or of an incompatible format.
    #[error("{path}: {message}")]
    Model {
        /// The model file ("<built-in model>" for the embedded one).
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Options that do not make sense together or are out of range.
    #[error("invalid option: {0}")]
    Params(String),
    /// The solver failed.
    #[error("training failed: {0}")]
    Training(String),
    /// Input text (JSON Lines and the like) is malformed.
    #[error("{path}:{line}: {message}")]
    Input {
        /// The input file ("<stdin>" for standard input).
        path: PathBuf,
        /// The 1-based line.
        line: u64,
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Wraps an I/O error with the file and the action that failed.
    pub fn io(path: impl Into<PathBuf>, action: &'static str, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            action,
            source,
        }
    }
}
