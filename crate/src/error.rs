//! One error type for the library. The CLI prints it; the wasm boundary turns it into a JS `Error`.

use std::path::PathBuf;

/// Everything that can go wrong in the library, with enough context to act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A hyperparameter outside its allowed range. `field` is the flag/config name; `allowed`
    /// mostly comes from the schema's range ([`crate::schema`]).
    #[error("{field} must be {allowed}, got {value}")]
    InvalidConfig {
        field: &'static str,
        allowed: String,
        value: String,
    },
    /// A config that is not the expected JSON shape (an unknown field, a string for a number).
    #[error("config: {0}")]
    ConfigFormat(String),
    /// A malformed IDX data file.
    #[error("{file}: {reason}")]
    BadData { file: String, reason: String },
    /// A checkpoint or weights file that cannot be used; nothing was loaded from it.
    #[error("checkpoint {file}: {reason}")]
    BadCheckpoint { file: String, reason: String },
    /// A file of another kind than the call reads (an export where a checkpoint was expected);
    /// `found` is its `format` ("none" when it has none), so a caller can dispatch on it.
    #[error("checkpoint {file}: format is `{found}`, expected {expected}")]
    WrongFormat { file: String, found: String, expected: String },
    /// A loss turned NaN or infinite; the step's results were not kept.
    #[error("training diverged at step {step}: {what} is {value} (try a lower learning rate)")]
    NonFinite { step: u64, what: &'static str, value: f32 },
    /// The backend failed to run or read back a computation (a lost GPU device, say).
    #[error("device error: {0}")]
    Device(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
