//! Errors and warnings. Both always name the JSON pointer of the offending node.

use std::fmt;

/// A fatal problem with a spec (or with finding it). Codegen never panics on bad input; it returns this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// JSON pointer of the offending node (`#/components/schemas/foo`), or empty when not about a node.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl Error {
    /// An error about the node at `pointer`.
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// An error that is not about one node (I/O, pins, hashes).
    pub fn other(message: impl Into<String>) -> Self {
        Error {
            pointer: String::new(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.pointer, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// A construct codegen does not fully support; a documented fallback was taken.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// JSON pointer of the node.
    pub pointer: String,
    /// What was found and which fallback was taken.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}: {}", self.pointer, self.message)
    }
}

/// Escapes one JSON pointer token (RFC 6901).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
