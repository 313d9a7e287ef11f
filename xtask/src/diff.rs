//! `cargo xtask diff OLD NEW [--format text|markdown|json] [--fail-on CLASS]`.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use codegen::diff::{self, Class, Format, source::SpecRef};

use crate::args::{self, Failure};

/// Exit status when a change reaches the `--fail-on` class.
pub const FAIL_ON_EXIT: u8 = 3;

/// Runs the diff and prints the report.
pub fn run(root: &Path, rest: &[String]) -> Result<ExitCode, Failure> {
    let parsed = args::parse(rest, &["format", "fail-on"])?;
    let [old, new] = parsed.positional.as_slice() else {
        return Err(Failure::Usage(
            "expected two specs: OLD and NEW".to_string(),
        ));
    };
    let format = match parsed.option("format") {
        None => Format::Text,
        Some(f) => Format::parse(f).ok_or_else(|| {
            Failure::Usage(format!(
                "unknown --format {f:?}: expected text, markdown or json"
            ))
        })?,
    };
    let fail_on = match parsed.option("fail-on") {
        None => None,
        Some(c) => match Class::from_id(c) {
            Some(class @ (Class::Breaking | Class::PotentiallyBreaking)) => Some(class),
            _ => {
                return Err(Failure::Usage(format!(
                    "unknown --fail-on {c:?}: expected breaking or potentially-breaking"
                )));
            }
        },
    };
    let old_ref = SpecRef::parse(old)?;
    let new_ref = SpecRef::parse(new)?;
    let old_spec = diff::source::load(root, &old_ref)?;
    let new_spec = diff::source::load(root, &new_ref)?;
    let old_api = old_spec.lower()?;
    let new_api = new_spec.lower()?;
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
