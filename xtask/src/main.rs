//! `cargo xtask regen [--check]`: regenerate the `intercom-api` crate from the pinned specs.

use std::path::PathBuf;
use std::process::ExitCode;

use codegen::workspace::{self, Stale};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = match workspace_root() {
        Some(r) => r,
        None => {
            eprintln!("error: cannot find the workspace root (a Cargo.toml with [workspace])");
            return ExitCode::FAILURE;
        }
    };
    match args.first().map(String::as_str) {
        Some("regen") => regen(&root, args.iter().any(|a| a == "--check")),
        _ => {
            eprintln!("usage: cargo xtask regen [--check]");
            ExitCode::from(2)
        }
    }
}

fn workspace_root() -> Option<PathBuf> {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())?;
    workspace::find_root(&start)
}

fn regen(root: &std::path::Path, check: bool) -> ExitCode {
    let generation = match workspace::generate(root) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for r in &generation.reports {
        println!("{}", r.summary());
    }
    for r in &generation.reports {
        for w in &r.warnings {
            println!("{}: {w}", r.version);
        }
    }
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
