//! `cargo xtask upstream [--json] [--branch BRANCH]`: what upstream has that the pins do not
//! ([`codegen::upstream`]).

use std::path::Path;
use std::process::ExitCode;

use codegen::upstream::{self, Config};

use crate::args::Failure;

/// `cargo xtask upstream`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
For each specs/<version>.toml: the commits of the upstream branch that touched its file after the
pinned commit (newest first), with the `cargo xtask pin <version> --commit <sha>` that takes the
newest; then the versions under upstream's descriptions/ that are not pinned and newer than every
pin, with the `cargo xtask add-version` that adds each.

Environment: GITHUB_API_URL (default https://api.github.com), GITHUB_TOKEN (sent as a bearer token
when set; raises GitHub's rate limit). Exit status 0 whether or not updates exist (see
\"up_to_date\" in --json), 1 when upstream cannot be asked.")]
pub struct Args {
    /// Print JSON (pins, new_versions, unpinned_older_versions, up_to_date) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Upstream branch to compare with.
    #[arg(long, value_name = "BRANCH", default_value = upstream::DEFAULT_BRANCH)]
    pub branch: String,
}

/// Runs the subcommand.
pub fn run(root: &Path, args: &Args) -> Result<ExitCode, Failure> {
    let pins = codegen::specs::load_pins(root)?;
    let config = Config::from_env(&args.branch);
    let report = upstream::check(&pins, &config)?;
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.render_text());
    }
    Ok(ExitCode::SUCCESS)
}
