//! `cargo xtask normalize <VERSION> [--out FILE] [--lenient-responses yes]`: writes the repaired
//! ("normalized") spec of a pinned version as JSON, e.g. to feed a mock server.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::args::Failure;

/// `cargo xtask normalize <VERSION> [--out FILE] [--lenient-responses yes|no]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A pinned version (2.11).
    pub version: String,
    /// Write the JSON to this file (and the repairs to stderr) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also relax response schemas to the crate's decoding policy (for a mock server).
    #[arg(long, value_enum, default_value_t = YesNo::No)]
    pub lenient_responses: YesNo,
}

/// A yes/no option value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum YesNo {
    /// Yes.
    Yes,
    /// No.
    No,
}

/// Runs the subcommand.
pub fn run(root: &Path, args: &Args) -> Result<ExitCode, Failure> {
    let version = &args.version;
    let pins = codegen::specs::load_pins(root)?;
    let pin = pins
        .iter()
        .find(|p| p.version == *version)
        .ok_or_else(|| Failure::Error(format!("version {version} is not pinned in specs/")))?;
    let spec = codegen::specs::locate(root, pin)?;
    // With its corrections, as regen reads it.
    let doc = codegen::load::load_spec(&spec)?.doc;
    let mut normalized = codegen::normalize::normalize(&doc.raw)?;
    let lenient = args.lenient_responses == YesNo::Yes;
    let mut relaxed = Vec::new();
    if lenient {
        relaxed = codegen::normalize::relax_responses(&mut normalized.document);
    }
    let text = serde_json::to_string_pretty(&normalized.document)
        .map_err(|e| Failure::Error(format!("cannot encode the normalized spec: {e}")))?;
    match &args.out {
        Some(out) => {
            std::fs::write(out, text + "\n")
                .map_err(|e| Failure::Error(format!("cannot write {}: {e}", out.display())))?;
            for r in &normalized.repairs {
                eprintln!(
                    "normalize: {version}: repaired {}: {}",
                    r.pointer, r.message
                );
            }
            eprintln!(
                "normalize: {version}: {} repairs, {} response schemas relaxed, written to {}",
                normalized.repairs.len(),
                relaxed.len(),
                out.display()
            );
        }
        None => println!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
