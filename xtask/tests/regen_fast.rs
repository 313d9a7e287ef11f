//! The no-op fast path of `cargo xtask regen` (`.cache/regen/manifest.json`), in a temporary copy of
//! the workspace: a second run with nothing changed skips the generation and prints the same report;
//! a hand-edited generated file, an extra file in a generated directory, a changed pin, a missing
//! spec or `--force` make it regenerate (or fail) as before; `--check` never takes it.

use std::path::Path;
use std::process::{Command, Output};

mod support;
use support::temp_workspace;

const FAST: &str = "nothing to do (--force regenerates anyway)";

fn regen(root: &Path, args: &[&str]) -> (Output, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("regen")
        .args(args)
        .current_dir(root)
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("INTERCOM_OPENAPI_DIR")
        .output()
        .expect("run xtask");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

fn assert_ok(out: &Output, stdout: &str, stderr: &str) {
    assert!(out.status.success(), "{stdout}\n{stderr}");
}

#[test]
fn unchanged_inputs_and_outputs_skip_the_generation() {
    let ws = temp_workspace();
    let root = &ws.root;

    // First run: full generation (no manifest yet), nothing changes in the checked-in copy.
    let (out, full, err) = regen(root, &[]);
    assert_ok(&out, &full, &err);
    assert!(!err.contains(FAST), "{err}");
    assert!(full.contains("\nregen: 2.11: "), "{full}");
    assert!(
        full.ends_with(" changed)\n") && full.contains("(0 changed)"),
        "{full}"
    );
    assert!(root.join(".cache/regen/manifest.json").is_file());

    // Second run: the fast path, same report.
    let (out, fast, err) = regen(root, &[]);
    assert_ok(&out, &fast, &err);
    assert!(err.contains(FAST), "{err}");
    assert_eq!(fast, full);

    // --force regenerates anyway; --check never uses the manifest.
    let (out, forced, err) = regen(root, &["--force"]);
    assert_ok(&out, &forced, &err);
    assert!(!err.contains(FAST), "{err}");
    assert_eq!(forced, full);
    let (out, check, err) = regen(root, &["--check"]);
    assert_ok(&out, &check, &err);
    assert!(
        !err.contains(FAST) && check.contains("regen --check: up to date"),
        "{err}"
    );

    // A hand-edited generated file is regenerated (and the run after it is fast again).
    let edited = root.join("intercom-api/api/v2_11.txt");
    let original = std::fs::read_to_string(&edited).expect("a generated file");
    std::fs::write(&edited, format!("{original}// hand edit\n")).expect("edit");
    let (out, stdout, err) = regen(root, &[]);
    assert_ok(&out, &stdout, &err);
    assert!(!err.contains(FAST), "{err}");
    assert!(stdout.ends_with("(1 changed)\n"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&edited).ok(), Some(original));
    let (_, _, err) = regen(root, &[]);
    assert!(err.contains(FAST), "{err}");

    // An extra file in a directory regen owns is removed.
    let extra = root.join("intercom-api/api/stray.txt");
    std::fs::write(&extra, "stray").expect("extra");
    let (out, stdout, err) = regen(root, &[]);
    assert_ok(&out, &stdout, &err);
    assert!(!err.contains(FAST), "{err}");
    assert!(!extra.exists());

    // A text edit outside the generated region of lib.rs is kept, not undone by a cached run.
    let lib = root.join("intercom-api/src/lib.rs");
    let lib_text = std::fs::read_to_string(&lib).expect("lib.rs");
    std::fs::write(&lib, format!("{lib_text}// a hand-written line\n")).expect("edit lib.rs");
    let (out, stdout, err) = regen(root, &[]);
    assert_ok(&out, &stdout, &err);
    assert!(!err.contains(FAST), "{err}");
    assert!(
        std::fs::read_to_string(&lib).is_ok_and(|t| t.ends_with("// a hand-written line\n")),
        "the hand-written part of lib.rs is kept"
    );
    let (_, _, err) = regen(root, &[]);
    assert!(err.contains(FAST), "{err}");
}

#[test]
fn a_changed_pin_or_a_missing_spec_is_not_skipped() {
    let ws = temp_workspace();
    let root = &ws.root;
    let (out, stdout, err) = regen(root, &[]);
    assert_ok(&out, &stdout, &err);

    // The spec is still located and hash-checked on the fast path: a pin naming another sha256
    // fails as before, whatever the manifest says.
    let pin = root.join("specs/2.11.toml");
    let text = std::fs::read_to_string(&pin).expect("pin");
    let bad = text.replace(
        "3d40dd2e4009882b7b4a4cf57ac03e3c47d781120ef9a966f6803982df8a6016",
        &"0".repeat(64),
    );
    assert_ne!(bad, text, "the pin names the checked-in sha256");
    std::fs::write(&pin, bad).expect("write pin");
    let (out, _, err) = regen(root, &[]);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("sha256 mismatch"), "{err}");

    // Back to the recorded pin: fast again (the files are as recorded).
    std::fs::write(&pin, &text).expect("restore pin");
    let (out, _, err) = regen(root, &[]);
    assert!(out.status.success() && err.contains(FAST), "{err}");

    // Pins are keyed by their parsed content: a comment alone does not change the key.
    std::fs::write(
        &pin,
        text.replace("version = \"2.11\"", "version = \"2.11\"\n# note"),
    )
    .expect("pin");
    let (out, stdout, err) = regen(root, &[]);
    assert_ok(&out, &stdout, &err);
    assert!(err.contains(FAST), "{err}");

    // Another pinned commit (same file): another key, a full run.
    std::fs::write(
        &pin,
        text.replace("8889625a7b931d8649e18726e7f872ff073520fc", "unknown"),
    )
    .expect("pin");
    let (out, stdout, err) = regen(root, &[]);
    assert_ok(&out, &stdout, &err);
    assert!(!err.contains(FAST), "{err}");
}
