//! `cargo xtask regen [--check]`.

use std::path::Path;
use std::process::ExitCode;

use codegen::workspace::{self, Generation, Stale};

use codegen::specs;

use crate::args::Failure;
use crate::regen_cache;

/// `cargo xtask regen [--check]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Regenerate in memory and compare with the files on disk; fail (listing the stale files)
    /// when they differ, without writing anything. What CI runs.
    #[arg(long)]
    pub check: bool,
    /// Regenerate even when nothing changed since the last regeneration (without it, an unchanged
    /// generator, unchanged pins and untouched generated files skip the work; see README).
    #[arg(long, conflicts_with = "check")]
    pub force: bool,
}

/// The report of a generation: one summary line per version, the corrections applied, then every
/// warning, the example members typed, one `migration: <old> -> <new>: ...` line per guide and the
/// pagination lines.
pub fn report_text(generation: &Generation) -> String {
    let mut out = String::new();
    for r in &generation.reports {
        out.push_str(&r.summary());
        out.push('\n');
    }
    for line in generation
        .reports
        .iter()
        .filter_map(|r| r.corrections_line())
    {
        out.push_str(&line);
        out.push('\n');
    }
    for r in &generation.reports {
        for w in &r.warnings {
            out.push_str(&format!("{}: {w}\n", r.version));
        }
    }
    for w in &generation.warnings {
        out.push_str(&format!("{w}\n"));
    }
    for r in &generation.reports {
        out.push_str(&r.example_members_line());
        out.push('\n');
    }
    for m in &generation.migrations {
        out.push_str(&m.line());
        out.push('\n');
    }
    for r in &generation.reports {
        for line in r.pagination_lines() {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Prints [`report_text`].
pub fn print_reports(generation: &Generation) {
    print!("{}", report_text(generation));
}

/// Regenerates (or, with `--check`, compares with the files on disk).
pub fn run(root: &Path, args: &Args) -> Result<ExitCode, Failure> {
    if !args.check {
        return regenerate(root, args.force);
    }
    // `--check` always regenerates in memory (never the fast path).
    let generation = workspace::generate(root)?;
    print_reports(&generation);
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
    Err(Failure::Error(
        "the generated crate is out of date: run `cargo xtask regen` and commit".to_string(),
    ))
}

/// `regen` (writing): the no-op fast path ([`regen_cache`]) unless `force`, else the whole
/// generation, written, then recorded for the next run.
fn regenerate(root: &Path, force: bool) -> Result<ExitCode, Failure> {
    let pins = specs::load_pins(root)?;
    // Located and hash-checked on every run, the fast path included.
    let texts = pins
        .iter()
        .map(|p| specs::locate(root, p))
        .collect::<Result<Vec<_>, _>>()?;
    let key = regen_cache::key(root, &pins);
    if let Some(key) = key.as_deref().filter(|_| !force)
        && let Some(manifest) = regen_cache::up_to_date(root, key)
    {
        print!("{}", manifest.report);
        println!("regen: wrote {} files (0 changed)", manifest.files.len());
        eprintln!(
            "regen: generator, pins and generated files unchanged since the last regen ({}): nothing to do (--force regenerates anyway)",
            regen_cache::MANIFEST
        );
        return Ok(ExitCode::SUCCESS);
    }
    let generation = workspace::generate_from(root, &texts)?;
    let report = report_text(&generation);
    print!("{report}");
    regen_cache::clear(root);
    let changed = workspace::write(root, &generation)?;
    if let Some(key) = key {
        regen_cache::store(root, &key, &generation, &report);
    }
    println!(
        "regen: wrote {} files ({} changed)",
        generation.files.len(),
        changed.len()
    );
    Ok(ExitCode::SUCCESS)
}
