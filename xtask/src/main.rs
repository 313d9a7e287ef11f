//! `cargo xtask`: maintenance commands of the workspace.
//!
//! - `regen [--check]`: regenerate the `intercom-api` crate from the pinned specs.
//! - `add-version <VERSION> [--from FILE] [--commit SHA]`: pin a new version and regenerate.
//! - `pin <VERSION> (--from FILE [--commit SHA] | --commit SHA)`: re-pin a version and regenerate.
//! - `normalize <VERSION> [--out FILE] [--lenient-responses yes]`: the repaired spec, as JSON.
//! - `diff OLD NEW [--format text|markdown|json] [--fail-on breaking|potentially-breaking]`: what
//!   changed between two specs, and whether users of the crate break.

mod args;
mod diff;
mod normalize;
mod regen;
mod versions;

use std::path::PathBuf;
use std::process::ExitCode;

use codegen::workspace;

/// Exit status for a usage error.
const USAGE_ERROR: u8 = 2;

const USAGE: &str = "usage:
  cargo xtask regen [--check]
  cargo xtask add-version <VERSION> [--from FILE] [--commit SHA]
  cargo xtask pin <VERSION> (--from FILE [--commit SHA] | --commit SHA)
  cargo xtask diff OLD NEW [--format text|markdown|json] [--fail-on breaking|potentially-breaking]
    OLD, NEW: a pinned version (2.11), a spec file, or <git-rev>:<version> (origin/main:2.11)
  cargo xtask normalize <VERSION> [--out FILE] [--lenient-responses yes|no]
    the repaired spec as JSON (dangling refs and other defects fixed generically), e.g. for Prism";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = match workspace_root() {
        Some(r) => r,
        None => {
            eprintln!("error: cannot find the workspace root (a Cargo.toml with [workspace])");
            return ExitCode::FAILURE;
        }
    };
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("regen") => return regen::run(&root, args.iter().any(|a| a == "--check")),
        Some("add-version") => versions::run(&root, rest, versions::Command::AddVersion),
        Some("pin") => versions::run(&root, rest, versions::Command::Pin),
        Some("diff") => diff::run(&root, rest),
        Some("normalize") => normalize::run(&root, rest),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(args::Failure::Usage(String::new())),
    };
    match result {
        Ok(code) => code,
        Err(args::Failure::Usage(msg)) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            eprintln!("{USAGE}");
            ExitCode::from(USAGE_ERROR)
        }
        Err(args::Failure::Error(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> Option<PathBuf> {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())?;
    workspace::find_root(&start)
}
