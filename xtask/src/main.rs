//! `cargo xtask`: maintenance commands of the workspace (`cargo xtask --help`, `cargo xtask <command>
//! --help`).
//!
//! - `regen [--check] [--force]`: regenerate the `intercom-api` crate from the pinned specs.
//! - `add-version <VERSION> [--from FILE] [--commit SHA] [--corrections FILE]`: pin a new version
//!   and regenerate.
//! - `pin <VERSION> (--from FILE [--commit SHA] | --commit SHA) [--corrections FILE |
//!   --no-corrections]`: re-pin a version and regenerate.
//! - `normalize <VERSION> [--out FILE] [--lenient-responses yes|no]`: the repaired spec, as JSON.
//! - `diff OLD NEW [--format text|markdown|json] [--fail-on breaking|potentially-breaking]`: what
//!   changed between two specs, and whether users of the crate break (`2.14-corrections`: a pinned
//!   description without its corrections).
//! - `upstream [--json] [--branch BRANCH]`: what upstream has that the pins do not.
//!
//! The command line is parsed by `clap`: an unknown flag or an extra argument is a usage error
//! (exit status 2), as is a semantic usage error found later ([`args::Failure::Usage`]).

mod args;
mod diff;
mod normalize;
mod regen;
mod regen_cache;
mod upstream;
mod versions;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand};
use codegen::workspace;

use crate::args::Failure;

/// Exit status for a usage error (clap's too).
const USAGE_ERROR: u8 = 2;

const AFTER_HELP: &str = "\
Spec updates (README: \"Spec update\"):
  cargo xtask upstream                       what upstream has that specs/*.toml does not
  cargo xtask pin 2.11 --commit <sha>        re-pin a version to an upstream commit, regenerate
  cargo xtask add-version 2.12 --commit <sha>
  cargo xtask diff origin/main:2.11 2.11 --format markdown

Workflows (.github/workflows/):
  spec-pr.yml      on pull requests touching specs/ or codegen/: `regen --check`, and one PR
                   comment (updated on every push) with the diff of each pinned version
  spec-update.yml  weekly and on demand: `upstream --json`, then a PR applying `pin` /
                   `add-version` for every newer upstream commit or version

Exit status: 0 success, 1 error, 2 usage error, 3 `diff --fail-on` reached.";

/// Maintenance commands of the intercom-api workspace.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    after_help = AFTER_HELP,
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// One subcommand and its arguments.
#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate the intercom-api crate from the pinned specs (specs/*.toml).
    Regen(regen::Args),
    /// Pin a new API version and regenerate (2.12: module and feature v2_12).
    AddVersion(versions::Args),
    /// Re-pin an existing version to another revision of its description and regenerate.
    Pin(versions::Args),
    /// What changed between two specs, and whether users of the crate break.
    Diff(diff::Args),
    /// Write the repaired ("normalized") spec of a pinned version as JSON (e.g. for Prism).
    Normalize(normalize::Args),
    /// List what upstream has that the pins do not: newer commits and unpinned versions.
    Upstream(upstream::Args),
}

impl Command {
    /// The subcommand's name on the command line.
    fn name(&self) -> &'static str {
        match self {
            Command::Regen(_) => "regen",
            Command::AddVersion(_) => "add-version",
            Command::Pin(_) => "pin",
            Command::Diff(_) => "diff",
            Command::Normalize(_) => "normalize",
            Command::Upstream(_) => "upstream",
        }
    }
}

fn main() -> ExitCode {
    // Usage errors exit with status 2, `--help` with 0 (clap's own statuses).
    let cli = Cli::parse();
    let root = match workspace_root() {
        Some(r) => r,
        None => {
            eprintln!("error: cannot find the workspace root (a Cargo.toml with [workspace])");
            return ExitCode::FAILURE;
        }
    };
    let name = cli.command.name();
    let result = match cli.command {
        Command::Regen(a) => regen::run(&root, &a),
        Command::AddVersion(a) => versions::run(&root, &a, versions::Command::AddVersion),
        Command::Pin(a) => versions::run(&root, &a, versions::Command::Pin),
        Command::Diff(a) => diff::run(&root, &a),
        Command::Normalize(a) => normalize::run(&root, &a),
        Command::Upstream(a) => upstream::run(&root, &a),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Usage(msg)) => {
            // Same shape as clap's own usage errors: the message, the command's usage, a hint.
            let mut cmd = Cli::command();
            let sub = cmd.find_subcommand_mut(name).map(|s| {
                s.clone()
                    .bin_name(format!("cargo xtask {name}"))
                    .error(clap::error::ErrorKind::ArgumentConflict, msg.clone())
            });
            match sub {
                Some(err) => {
                    let _ = err.print();
                }
                None => eprintln!("error: {msg}"),
            }
            ExitCode::from(USAGE_ERROR)
        }
        Err(Failure::Error(msg)) => {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_subcommand_has_its_name() {
        for sub in Cli::command().get_subcommands() {
            let parsed = Cli::try_parse_from(["xtask", sub.get_name(), "--help"]);
            // `--help` is reported as an "error" of kind DisplayHelp, with exit status 0.
            let err = parsed.err().map(|e| (e.kind(), e.exit_code()));
            assert_eq!(
                err,
                Some((clap::error::ErrorKind::DisplayHelp, 0)),
                "{}",
                sub.get_name()
            );
        }
        let parsed = Cli::try_parse_from(["xtask", "add-version", "2.12", "--commit", "abc"]);
        assert_eq!(parsed.ok().map(|c| c.command.name()), Some("add-version"));
    }
}
