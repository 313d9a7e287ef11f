//! `cargo xtask add-version` and `cargo xtask pin`: the command line over [`codegen::versions`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::versions::{self, Source};
use codegen::workspace::Stale;

use crate::args::{self, Failure};
use crate::regen::print_reports;

/// Which command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `add-version`.
    AddVersion,
    /// `pin`.
    Pin,
}

/// Runs `add-version` or `pin` with the arguments after the command name.
pub fn run(root: &Path, rest: &[String], command: Command) -> Result<ExitCode, Failure> {
    let parsed = args::parse(rest, &["from", "commit"])?;
    let [version] = parsed.positional.as_slice() else {
        return Err(Failure::Usage("expected exactly one VERSION".to_string()));
    };
    let commit = parsed.option("commit").map(str::to_string);
    let source = match (parsed.option("from"), commit) {
        (Some(from), commit) => Source::File {
            path: PathBuf::from(from),
            commit,
        },
        (None, Some(commit)) => Source::Download { commit },
        (None, None) => {
            return Err(Failure::Usage(
                "give --from FILE, or --commit SHA to download the upstream file".to_string(),
            ));
        }
    };
    let updated = match command {
        Command::AddVersion => versions::add_version(root, version, &source)?,
        Command::Pin => versions::pin(root, version, &source)?,
    };
    let pin = &updated.pin;
    match &updated.previous {
        None => println!(
            "add-version: {}: pinned sha256 {} (commit {}) in specs/{}.toml",
            pin.version, pin.sha256, pin.commit, pin.version
        ),
        Some(prev) if prev.sha256 == pin.sha256 => println!(
            "pin: {}: unchanged sha256 {} (commit {})",
            pin.version, pin.sha256, pin.commit
        ),
        Some(prev) => println!(
            "pin: {}: sha256 {} -> {} (commit {} -> {})",
            pin.version, prev.sha256, pin.sha256, prev.commit, pin.commit
        ),
    }
    println!("cached: {}", updated.cached.display());
    print_reports(&updated.generation);
    for s in &updated.written {
        match s {
            Stale::Changed(p) => println!("wrote: {p}"),
            Stale::Extra(p) => println!("removed: {p}"),
        }
    }
    println!(
        "regen: wrote {} files ({} changed)",
        updated.generation.files.len(),
        updated.written.len()
    );
    Ok(ExitCode::SUCCESS)
}
