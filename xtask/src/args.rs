//! What a command returns when it does not succeed. The command line itself is parsed by `clap`
//! (see `main.rs`); a usage error found after parsing (a missing choice between two options) is a
//! [`Failure::Usage`], printed like clap's own.

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad command line: the message, then the usage is printed (exit 2).
    Usage(String),
    /// The command failed (exit 1).
    Error(String),
}

impl From<codegen::Error> for Failure {
    fn from(e: codegen::Error) -> Self {
        Failure::Error(e.to_string())
    }
}
