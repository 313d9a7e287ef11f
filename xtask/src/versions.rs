//! `cargo xtask add-version` and `cargo xtask pin`: the command line over [`codegen::versions`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::versions::{self, Source};
use codegen::workspace::Stale;

use crate::args::Failure;
use crate::regen::print_reports;

/// `cargo xtask add-version <VERSION> [--from FILE] [--commit SHA]` and
/// `cargo xtask pin <VERSION> (--from FILE [--commit SHA] | --commit SHA)`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Without --from, the file is downloaded from the upstream repository at --commit.
--from without --commit records commit `unknown`.")]
pub struct Args {
    /// The API version: letters and digits in parts separated by dots or hyphens (2.12, Preview).
    pub version: String,
    /// Take the description from this local file.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// The upstream commit the description is taken from (downloaded when --from is not given).
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,
}

/// Which command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `add-version`.
    AddVersion,
    /// `pin`.
    Pin,
}

/// Runs `add-version` or `pin`.
pub fn run(root: &Path, args: &Args, command: Command) -> Result<ExitCode, Failure> {
    let version = &args.version;
    let source = match (&args.from, args.commit.clone()) {
        (Some(from), commit) => Source::File {
            path: from.clone(),
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
