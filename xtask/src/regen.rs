//! `cargo xtask regen [--check]`.

use std::path::Path;
use std::process::ExitCode;

use codegen::workspace::{self, Generation, Stale};

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

/// Regenerates (or, with `check`, compares with the files on disk).
pub fn run(root: &Path, check: bool) -> ExitCode {
    let generation = match workspace::generate(root) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    print_reports(&generation);
    if check {
        let stale = workspace::stale_files(root, &generation);
        if stale.is_empty() {
            println!(
                "regen --check: up to date ({} files)",
                generation.files.len()
            );
            return ExitCode::SUCCESS;
        }
        for s in &stale {
            match s {
                Stale::Changed(p) => eprintln!("stale: {p}"),
                Stale::Extra(p) => eprintln!("stale (no longer generated): {p}"),
            }
        }
        eprintln!("error: the generated crate is out of date: run `cargo xtask regen` and commit");
        return ExitCode::FAILURE;
    }
    match workspace::write(root, &generation) {
        Ok(changed) => {
            println!(
                "regen: wrote {} files ({} changed)",
                generation.files.len(),
                changed.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
