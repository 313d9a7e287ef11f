//! `cargo xtask add-version` and `cargo xtask pin`: the command line over [`codegen::versions`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::naming;
use codegen::versions::{self, Corrections, Source};
use codegen::workspace::{self, Stale};

use crate::args::Failure;
use crate::regen::print_reports;

/// `cargo xtask add-version <VERSION> [--from FILE] [--commit SHA]` and
/// `cargo xtask pin <VERSION> (--from FILE [--commit SHA] | --commit SHA)`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Without --from, the file is downloaded from the upstream repository at --commit.
--from without --commit records commit `unknown`.
--corrections FILE pins a corrections file for the version (a JSON Merge Patch of the description,
applied before generating; Intercom's own is fern/openapi-overrides.yml, README \"Corrections\"),
recorded with the same commit; `pin` keeps the version's corrections unless given --corrections or
--no-corrections.")]
pub struct Args {
    /// The API version: letters and digits in parts separated by dots or hyphens (2.12, Preview).
    pub version: String,
    /// Take the description from this local file.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// The upstream commit the description is taken from (downloaded when --from is not given).
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,
    /// Pin this corrections file for the version (applied to the description before generating).
    #[arg(long, value_name = "FILE", conflicts_with = "no_corrections")]
    pub corrections: Option<PathBuf>,
    /// Drop the version's corrections file.
    #[arg(long)]
    pub no_corrections: bool,
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
    // The default feature before, to say when adding a version moves it.
    let before: Vec<String> = codegen::specs::load_pins(root)
        .map(|pins| pins.into_iter().map(|p| p.version).collect())
        .unwrap_or_default();
    let corrections = match (&args.corrections, args.no_corrections) {
        (Some(file), _) => Corrections::File(file.clone()),
        (None, true) => Corrections::Remove,
        (None, false) => Corrections::Keep,
    };
    let updated = match command {
        Command::AddVersion => versions::add_version_with(root, version, &source, &corrections)?,
        Command::Pin => versions::pin_with(root, version, &source, &corrections)?,
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
    match (&pin.corrections, &updated.previous) {
        (Some(c), _) => println!(
            "corrections: {}: pinned sha256 {} (commit {})",
            pin.version, c.sha256, c.commit
        ),
        (None, Some(prev)) if prev.corrections.is_some() => {
            println!("corrections: {}: removed", pin.version)
        }
        _ => {}
    }
    println!("cached: {}", updated.cached.display());
    if let Some(c) = &updated.cached_corrections {
        println!("cached: {}", c.display());
    }
    let after: Vec<String> = updated
        .generation
        .reports
        .iter()
        .map(|r| r.version.clone())
        .collect();
    let (old_default, new_default) = (
        workspace::default_version(&before),
        workspace::default_version(&after),
    );
    if old_default != new_default
        && let Some(new_default) = new_default
    {
        println!(
            "default: the `default` feature is now {} (the newest stable version; was {}): users of \
             the default features move to it, see README and the migration guide",
            naming::version_module(new_default),
            old_default.map_or_else(|| "none".to_string(), naming::version_module),
        );
    }
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
