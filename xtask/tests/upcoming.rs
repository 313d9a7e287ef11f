//! The next Intercom version works out of the box (issues 11 and 18): each description under
//! `../shared/intercom-openapi/next/<version>/` (today `Preview`, Intercom's unstable description,
//! sent as `Intercom-Version: Preview`; test input, never shipped) is added, as
//! `cargo xtask add-version` would, to a temporary copy of the workspace; the crate is regenerated, compiled with only those
//! versions' features, and the example-decoding and Prism contract tests run for them
//! (`INTERCOM_TEST_VERSIONS` restricts those tests to the new versions). No version-specific code:
//! whatever these versions need must come from the generic rules of the generator.
//!
//! Prints, per next version, `regen: <v>: ...`, `examples: <v>: p/t`, `contract: <v>: p/t` and
//! the other lines of those tests, and fails unless every example decodes and every operation
//! passes. The copy builds in `target/upcoming` (kept between runs, so later runs are warm); Prism
//! is shared with the real workspace's `.tools/`.
//!
//! Alone: `cargo test -p xtask --test upcoming -- --nocapture`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use codegen::specs::SPEC_FILE;
use codegen::versions::{self, Source};
mod support;
use support::{copy_tree, real_root};

/// `../shared/intercom-openapi/next/<version>/api.intercom.io.yaml`, by version.
fn next_versions(root: &Path) -> Vec<(String, PathBuf)> {
    let dir = root
        .join("..")
        .join("shared")
        .join("intercom-openapi")
        .join("next");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the local spec mirror with the next versions, see SOURCE.md)",
            dir.display()
        )
    });
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_str()?.to_owned();
            let spec = e.path().join(SPEC_FILE);
            spec.is_file().then_some((version, spec))
        })
        .collect();
    out.sort_by_key(|(v, _)| codegen::specs::version_key(v));
    out
}

/// The lines of the example and contract tests worth showing.
fn interesting(line: &str) -> bool {
    [
        "examples: ",
        "request examples: ",
        "undeclared example members: ",
        "contract: ",
        "contract request examples: ",
        "  FAIL",
        "  UNTYPED",
        "error",
        "test result",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

/// `p/t` as two counts.
fn counts(word: &str) -> Option<(u64, u64)> {
    let (p, t) = word.split_once('/')?;
    Some((p.parse().ok()?, t.parse().ok()?))
}

/// `<prefix><version>: p/t` with p == t, from `output` (other lines with that head, like
/// `contract: <v>: Prism listening at ...`, are not the count).
fn complete(output: &str, prefix: &str, version: &str) -> Result<(), String> {
    let head = format!("{prefix}{version}: ");
    let (line, (p, t)) = output
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix(&head)?;
            Some((l, counts(rest.split_whitespace().next()?)?))
        })
        .next()
        .ok_or_else(|| format!("no `{head}p/t` line"))?;
    if p == t && t != 0 {
        Ok(())
    } else {
        Err(format!("`{line}` is not complete"))
    }
}

#[test]
fn only_a_full_count_line_is_complete() {
    let output = "contract: Preview: Prism listening at http://127.0.0.1:1 after 3.0 s\n\
                  contract: Preview: 252/252\n\
                  examples: Preview: 872/873\n\
                  examples: 2.16: 0/0\n";
    assert_eq!(complete(output, "contract: ", "Preview"), Ok(()));
    assert_eq!(
        complete(output, "examples: ", "Preview"),
        Err("`examples: Preview: 872/873` is not complete".to_string())
    );
    assert!(complete(output, "examples: ", "2.16").is_err());
    assert_eq!(
        complete(output, "contract: ", "2.16"),
        Err("no `contract: 2.16: p/t` line".to_string())
    );
}

/// A line that shows even when the test passes: written to the process's stderr directly, which
/// libtest's capture (of `print!`/`eprint!`) does not swallow, so it reaches CI logs.
fn progress(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[test]
fn next_versions_regenerate_decode_and_pass_the_contract_test() {
    let started = Instant::now();
    let real = real_root();
    let versions = next_versions(&real);
    assert!(
        !versions.is_empty(),
        "no versions in ../shared/intercom-openapi/next"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("ws");
    // Build output, VCS data and tool installs stay behind.
    copy_tree(&real, &root, &["target", ".git", ".tools"]);
    // The mirror as `../shared` of the copy, and the real Prism install.
    let shared = real
        .join("..")
        .join("shared")
        .canonicalize()
        .expect("the local spec mirror ../shared");
    std::os::unix::fs::symlink(&shared, dir.path().join("shared")).expect("symlink shared");
    std::fs::create_dir_all(real.join(".tools")).expect("mkdir .tools");
    std::os::unix::fs::symlink(real.join(".tools"), root.join(".tools")).expect("symlink .tools");

    let mut features = Vec::new();
    let mut names = Vec::new();
    for (version, spec) in &versions {
        let source = Source::File {
            path: spec.clone(),
            commit: None,
        };
        let updated = versions::add_version(&root, version, &source)
            .unwrap_or_else(|e| panic!("add-version {version}: {e}"));
        if let Some(report) = updated
            .generation
            .reports
            .iter()
            .find(|r| &r.version == version)
        {
            progress(&report.summary());
        }
        features.push(codegen::naming::version_module(version));
        names.push(version.clone());
    }

    // A named version (`Preview`) never becomes the default feature: that stays the newest
    // stable pin.
    let pins = codegen::specs::load_pins(&root).expect("the copy's pins load");
    let stable = codegen::specs::newest_stable(pins.iter().map(|p| p.version.as_str()))
        .expect("a stable pin");
    let cargo = std::fs::read_to_string(root.join("intercom-api").join("Cargo.toml"))
        .expect("read the copy's intercom-api/Cargo.toml");
    let default = format!(
        "default = [\"{}\", \"rustls-tls\"]",
        codegen::naming::version_module(stable)
    );
    assert!(
        cargo.lines().any(|l| l == default),
        "the copy's intercom-api/Cargo.toml has no `{default}`:\n{cargo}"
    );

    let target = real.join("target").join("upcoming");
    let output = Command::new(env!("CARGO"))
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .env("INTERCOM_TEST_VERSIONS", names.join(","))
        .args([
            "test",
            "-p",
            "intercom-api",
            "--no-default-features",
            "--features",
            &features.join(","),
            "--no-fail-fast",
            "--test",
            "examples",
            "--test",
            "contract",
        ])
        .output()
        .expect("run cargo test in the copy");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for line in text.lines().filter(|l| interesting(l)) {
        progress(line);
    }
    progress(&format!(
        "upcoming: {} in {:.0} s",
        names.join(", "),
        started.elapsed().as_secs_f64()
    ));

    let mut problems = Vec::new();
    for version in &names {
        for prefix in ["examples: ", "contract: "] {
            if let Err(e) = complete(&text, prefix, version) {
                problems.push(format!("{version}: {e}"));
            }
        }
    }
    if !output.status.success() {
        problems.push(format!("cargo test in the copy failed ({})", output.status));
    }
    assert!(
        problems.is_empty(),
        "the next versions are not fully supported: {problems:?}"
    );
}
