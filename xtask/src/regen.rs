//! `cargo xtask regen [--check]`.

use std::path::Path;
use std::process::ExitCode;

use codegen::workspace::{self, Generation, Stale};

use crate::args::Failure;

/// `cargo xtask regen [--check]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Regenerate in memory and compare with the files on disk; fail (listing the stale files)
    /// when they differ, without writing anything. What CI runs.
    #[arg(long)]
    pub check: bool,
}

/// Prints one summary line per version, then every warning.
pub fn print_reports(generation: &Generation) {
    for r in &generation.reports {
        println!("{}", r.summary());
    }
    for r in &generation.reports {
        for w in &r.warnings {
            println!("{}: {w}", r.version);
        }
    }
    for r in &generation.reports {
        println!("{}", r.example_members_line());
    }
    for r in &generation.reports {
        for line in r.pagination_lines() {
            println!("{line}");
        }
    }
}

/// Regenerates (or, with `--check`, compares with the files on disk).
pub fn run(root: &Path, args: &Args) -> Result<ExitCode, Failure> {
    let generation = workspace::generate(root)?;
    print_reports(&generation);
    if args.check {
        let stale = workspace::stale_files(root, &generation);
        if stale.is_empty() {
            println!(
                "regen --check: up to date ({} files)",
                generation.files.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        for s in &stale {
            match s {
                Stale::Changed(p) => eprintln!("stale: {p}"),
                Stale::Extra(p) => eprintln!("stale (no longer generated): {p}"),
            }
        }
        return Err(Failure::Error(
            "the generated crate is out of date: run `cargo xtask regen` and commit".to_string(),
        ));
    }
    let changed = workspace::write(root, &generation)?;
    println!(
        "regen: wrote {} files ({} changed)",
        generation.files.len(),
        changed.len()
    );
    Ok(ExitCode::SUCCESS)
}
