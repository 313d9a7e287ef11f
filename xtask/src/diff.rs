//! `cargo xtask diff OLD NEW [--format text|markdown|json] [--fail-on CLASS]`.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use codegen::diff::{self, Class, Format, source::SpecRef};

use crate::args::Failure;

/// Exit status when a change reaches the `--fail-on` class.
pub const FAIL_ON_EXIT: u8 = 3;

/// `cargo xtask diff OLD NEW [--format text|markdown|json] [--fail-on CLASS]`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
OLD, NEW: a pinned version (2.11), a spec file (its version is its info.version), or
<git-rev>:<version> (origin/main:2.11: the spec pinned by specs/<version>.toml at that revision).
A pinned side is read with its corrections, as regen reads it; add -corrections for the same
description without them, +corrections to require them:
  cargo xtask diff 2.14-corrections 2.14     what the corrections change

Exit status 3 when --fail-on is given and a change of that class (or worse) is found.")]
pub struct Args {
    /// The old side.
    pub old: String,
    /// The new side.
    pub new: String,
    /// Report format (markdown: for a PR comment).
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Exit with status 3 when a change of this class (or worse) is found.
    #[arg(long, value_enum, value_name = "CLASS")]
    pub fail_on: Option<FailOn>,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// Plain text.
    Text,
    /// Markdown, shortened to fit a GitHub comment.
    Markdown,
    /// JSON.
    Json,
}

/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Code using a changed item no longer compiles, or requests that worked are rejected.
    Breaking,
    /// Breaking or potentially breaking (compiles for most users).
    PotentiallyBreaking,
}

/// Runs the diff and prints the report.
pub fn run(root: &Path, args: &Args) -> Result<ExitCode, Failure> {
    let (old, new) = (&args.old, &args.new);
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Json => Format::Json,
    };
    let fail_on = args.fail_on.map(|f| match f {
        FailOn::Breaking => Class::Breaking,
        FailOn::PotentiallyBreaking => Class::PotentiallyBreaking,
    });
    let old_ref = SpecRef::parse(old)?;
    let new_ref = SpecRef::parse(new)?;
    let old_spec = diff::source::load(root, &old_ref)?;
    let new_spec = diff::source::load(root, &new_ref)?;
    let mut old_api = old_spec.lower()?;
    let mut new_api = new_spec.lower()?;
    // Webhook topics (`specs/webhooks.toml`), as each version lists them: part of the report.
    let topics = codegen::webhooks::load(root)?;
    codegen::webhooks::attach(&mut old_api, &topics);
    codegen::webhooks::attach(&mut new_api, &topics);
    let report = diff::compare(&old_api, &new_api, &old_spec.label, &new_spec.label);
    write_stdout(&report.render(format))?;
    if let Some(threshold) = fail_on
        && report.fails(threshold)
    {
        eprintln!(
            "diff: {} (--fail-on {threshold})",
            diff::format::summary_line(&report)
        );
        return Ok(ExitCode::from(FAIL_ON_EXIT));
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Error(format!("cannot write the report: {e}")))
        }
        _ => Ok(()),
    }
}
