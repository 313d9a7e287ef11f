//! `cargo xtask normalize <VERSION> [--out FILE] [--lenient-responses yes]`: writes the repaired
//! ("normalized") spec of a pinned version as JSON, e.g. to feed a mock server.

use std::path::Path;
use std::process::ExitCode;

use crate::args::{self, Failure};

/// Runs the subcommand.
pub fn run(root: &Path, rest: &[String]) -> Result<ExitCode, Failure> {
    let parsed = args::parse(rest, &["out", "lenient-responses"])?;
    let [version] = parsed.positional.as_slice() else {
        return Err(Failure::Usage(
            "expected one pinned version, e.g. 2.11".to_string(),
        ));
    };
    let pins = codegen::specs::load_pins(root)?;
    let pin = pins
        .iter()
        .find(|p| p.version == *version)
        .ok_or_else(|| Failure::Error(format!("version {version} is not pinned in specs/")))?;
    let spec = codegen::specs::locate(root, pin)?;
    let doc = codegen::load::load_str(&spec.text)?;
    let mut normalized = codegen::normalize::normalize(&doc.raw)?;
    let lenient = match parsed.option("lenient-responses") {
        None | Some("no") => false,
        Some("yes") => true,
        Some(other) => {
            return Err(Failure::Usage(format!(
                "--lenient-responses takes yes or no, not {other:?}"
            )));
        }
    };
    let mut relaxed = Vec::new();
    if lenient {
        relaxed = codegen::normalize::relax_responses(&mut normalized.document);
    }
    let text = serde_json::to_string_pretty(&normalized.document)
        .map_err(|e| Failure::Error(format!("cannot encode the normalized spec: {e}")))?;
    match parsed.option("out") {
        Some(out) => {
            std::fs::write(out, text + "\n")
                .map_err(|e| Failure::Error(format!("cannot write {out}: {e}")))?;
            for r in &normalized.repairs {
                eprintln!(
                    "normalize: {version}: repaired {}: {}",
                    r.pointer, r.message
                );
            }
            eprintln!(
                "normalize: {version}: {} repairs, {} response schemas relaxed, written to {out}",
                normalized.repairs.len(),
                relaxed.len()
            );
        }
        None => println!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
