//! Adding and re-pinning versions with zero hand-written code change, in temporary copies of the
//! workspace (`Cargo.toml`, `specs/`, `intercom-api/`), each with a `shared` symlink beside it so the
//! local spec mirror is found as `../shared` (no environment variable needed).
//!
//! The library functions are the ones `cargo xtask pin` / `cargo xtask add-version` call; the last
//! tests run the `xtask` binary itself.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::specs::{self, Pin};
use codegen::versions::{self, Source};
use codegen::workspace::{self, Stale};

mod support;
use support::{real_root, temp_workspace};

/// Older revisions of 2.11 in the mirror (see `../shared/intercom-openapi/SOURCE.md`).
const REV_2024: (&str, &str, &str) = (
    "2024-12-26-3585498.yaml",
    "3585498710351f559a9093c11ef0da28e9ce6144",
    "da537c9284fcce42f81ba6826dcfe6913d5b1df45c7d974bb56778ada82ce623",
);
const REV_2025: (&str, &str, &str) = (
    "2025-08-27-9615a2c.yaml",
    "9615a2cd6062e60306e9a449a89d241d4de30ad7",
    "8d69f37a28d353917d21e5e33db72dcf9aa4565233050679e04a798da6f0c0e2",
);

fn mirror() -> PathBuf {
    real_root()
        .join("..")
        .join("shared")
        .join("intercom-openapi")
}

fn history(file: &str) -> PathBuf {
    mirror().join("history").join("2.11").join(file)
}

fn current_spec(version: &str) -> PathBuf {
    mirror().join(version).join(specs::SPEC_FILE)
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

fn changed_paths(written: &[Stale]) -> Vec<&str> {
    written
        .iter()
        .filter_map(|s| match s {
            Stale::Changed(p) => Some(p.as_str()),
            Stale::Extra(_) => None,
        })
        .collect()
}

/// The workspace regenerates from its pins (found in the cache when the mirror has another
/// revision) and is up to date.
fn assert_up_to_date(root: &Path) {
    let generation = workspace::generate(root).unwrap_or_else(|e| panic!("regen: {e}"));
    let stale = workspace::stale_files(root, &generation);
    assert!(stale.is_empty(), "stale after pin: {stale:?}");
}

fn file_source(path: PathBuf, commit: &str) -> Source {
    Source::File {
        path,
        commit: Some(commit.to_string()),
    }
}

#[test]
fn pin_older_revisions_then_back_to_the_checked_in_crate() {
    let ws = temp_workspace();
    let root = &ws.root;
    let original_pin = read(root, "specs/2.11.toml");
    let original_listing = read(root, "intercom-api/api/v2_11.txt");
    let original_v2_10 = read(root, "intercom-api/api/v2_10.txt");

    for (file, commit, sha) in [REV_2024, REV_2025] {
        let updated = versions::pin(root, "2.11", &file_source(history(file), commit))
            .unwrap_or_else(|e| panic!("pin {file}: {e}"));
        assert_eq!(updated.pin.sha256, sha);
        assert_eq!(updated.pin.commit, commit);
        assert!(updated.previous.is_some());
        let changed = changed_paths(&updated.written);
        assert!(
            changed.contains(&"intercom-api/api/v2_11.txt"),
            "{file}: {changed:?}"
        );
        assert!(
            changed
                .iter()
                .any(|p| p.starts_with("intercom-api/src/v2_11/models/")),
            "{file}: {changed:?}"
        );
        // The migration guides on either side of 2.11 follow the new pin; 2.10's own files do not.
        assert!(
            !changed
                .iter()
                .any(|p| p.contains("v2_10") && !p.starts_with("intercom-api/src/migrations/")),
            "{file}: 2.10 must not change: {changed:?}"
        );
        assert!(
            changed.contains(&"intercom-api/src/migrations/v2_10_to_v2_11.rs"),
            "{file}: the 2.10 -> 2.11 guide follows the pin: {changed:?}"
        );
        // The pin and the cache hold the new revision.
        let pin: Pin = toml::from_str(&read(root, "specs/2.11.toml")).expect("pin parses");
        assert_eq!(pin, updated.pin);
        let cached = std::fs::read(specs::cache_path(root, &pin)).expect("cached spec");
        assert_eq!(specs::sha256_hex(&cached), sha);
        // The mirror's 2.11 is the current revision: locate passes over it to the cache.
        let located = specs::locate(root, &pin).unwrap_or_else(|e| panic!("locate: {e}"));
        assert_eq!(located.path, specs::cache_path(root, &pin));
        assert_up_to_date(root);
        assert_ne!(read(root, "intercom-api/api/v2_11.txt"), original_listing);
        assert_eq!(read(root, "intercom-api/api/v2_10.txt"), original_v2_10);
    }

    // Back to the pinned revision: byte for byte the checked-in crate.
    let real: Pin = toml::from_str(&original_pin).expect("checked-in pin parses");
    let updated = versions::pin(
        root,
        "2.11",
        &file_source(current_spec("2.11"), &real.commit),
    )
    .unwrap_or_else(|e| panic!("pin current: {e}"));
    assert_eq!(updated.pin, real);
    assert_eq!(read(root, "specs/2.11.toml"), original_pin);
    let real_root = real_root();
    let mut differ = Vec::new();
    for (path, contents) in &updated.generation.files {
        match std::fs::read_to_string(real_root.join(path)) {
            Ok(checked_in) if checked_in == *contents => {}
            _ => differ.push(path.clone()),
        }
        assert_eq!(read(root, path), *contents, "{path} as written");
    }
    assert!(
        differ.is_empty(),
        "differ from the checked-in crate (is it up to date? `cargo xtask regen`): {differ:?}"
    );
    assert!(workspace::stale_files(root, &updated.generation).is_empty());
}

#[test]
fn a_mismatched_pin_without_a_cached_file_names_version_places_and_hashes() {
    let ws = temp_workspace();
    let root = &ws.root;
    let mut pin: Pin = toml::from_str(&read(root, "specs/2.11.toml")).expect("pin parses");
    pin.sha256 = REV_2024.2.to_string();
    let err = specs::locate(root, &pin)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("spec 2.11"), "{err}");
    assert!(err.contains(REV_2024.2), "expected hash: {err}");
    assert!(
        err.contains("3d40dd2e4009882b7b4a4cf57ac03e3c47d781120ef9a966f6803982df8a6016"),
        "actual hash: {err}"
    );
    assert!(
        err.contains("tried") && err.contains(".cache"),
        "places: {err}"
    );
}

#[test]
fn add_version_2_99_adds_module_feature_and_listing() {
    let ws = temp_workspace();
    let root = &ws.root;
    let source = Source::File {
        path: current_spec("2.11"),
        commit: None,
    };
    let updated =
        versions::add_version(root, "2.99", &source).unwrap_or_else(|e| panic!("add: {e}"));
    assert!(updated.previous.is_none());
    let pin: Pin = toml::from_str(&read(root, "specs/2.99.toml")).expect("pin parses");
    assert_eq!(pin.version, "2.99");
    assert_eq!(pin.repository, "intercom/Intercom-OpenAPI");
    assert_eq!(pin.commit, "unknown");
    assert_eq!(pin.path, "descriptions/2.99/api.intercom.io.yaml");
    assert_eq!(
        pin.sha256,
        "3d40dd2e4009882b7b4a4cf57ac03e3c47d781120ef9a966f6803982df8a6016"
    );

    let lib = read(root, "intercom-api/src/lib.rs");
    assert!(
        lib.contains(
            "#[cfg(feature = \"v2_99\")]\n#[cfg_attr(docsrs, doc(cfg(feature = \"v2_99\")))]\n#[rustfmt::skip]\npub mod v2_99;"
        ),
        "{lib}"
    );
    let cargo = read(root, "intercom-api/Cargo.toml");
    assert!(
        cargo.contains("default = [\"v2_99\", \"rustls-tls\"]"),
        "{cargo}"
    );
    assert!(cargo.contains("\nv2_99 = []\n"), "{cargo}");
    assert!(cargo.contains("\nv2_11 = []\n"), "{cargo}");
    assert!(root.join("intercom-api/src/v2_99/mod.rs").is_file());
    let listing = read(root, "intercom-api/api/v2_99.txt");
    assert!(listing.contains("client.v2_99().contacts()"));
    assert!(
        changed_paths(&updated.written).contains(&"intercom-api/src/lib.rs"),
        "{:?}",
        updated.written
    );
    assert_up_to_date(root);

    // Misuse is an error and writes nothing.
    let err = versions::add_version(root, "2.99", &source)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("already pinned"), "{err}");
    let err = versions::pin(root, "2.98", &source)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("2.98") && err.contains("not pinned"), "{err}");
    let err = versions::add_version(root, "../2.97", &source)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("invalid version"), "{err}");
    let junk = root.join("junk.yaml");
    std::fs::write(&junk, "openapi: 3.0.3\ninfo: [not, a, mapping]\n").expect("write junk");
    let err = versions::add_version(
        root,
        "2.97",
        &Source::File {
            path: junk,
            commit: None,
        },
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(err.contains("2.97") && err.contains("junk.yaml"), "{err}");
    assert!(!root.join("specs/2.97.toml").exists());
    assert!(!root.join("intercom-api/src/v2_97").exists());
    let missing = versions::add_version(
        root,
        "2.96",
        &Source::File {
            path: root.join("missing.yaml"),
            commit: None,
        },
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(missing.contains("missing.yaml"), "{missing}");
}

// ---- the binary ----

/// Runs `xtask` in `dir` (found as the workspace from the current directory).
fn xtask(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("run xtask")
}

#[test]
fn cli_pin_prints_the_regen_summary() {
    let ws = temp_workspace();
    let file = history(REV_2025.0);
    let out = xtask(
        &ws.root,
        &[
            "pin",
            "2.11",
            "--from",
            &file.display().to_string(),
            "--commit",
            REV_2025.1,
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("pin: 2.11: sha256 3d40dd2e4009882b7b4a4cf57ac03e3c47d781120ef9a966f6803982df8a6016 -> {}", REV_2025.2)), "{stdout}");
    assert!(stdout.contains("\nregen: 2.10: "), "{stdout}");
    assert!(stdout.contains("\nregen: 2.11: "), "{stdout}");
    assert!(
        stdout.contains("wrote: intercom-api/api/v2_11.txt"),
        "{stdout}"
    );

    // Re-pinning an older version leaves the default where it was.
    assert!(!stdout.contains("\ndefault: "), "{stdout}");

    let out = xtask(&ws.root, &["pin", "2.11"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--from FILE"));
}

#[test]
fn cli_add_version_says_when_the_default_moves() {
    let ws = temp_workspace();
    let file = current_spec("2.11");
    let out = xtask(
        &ws.root,
        &["add-version", "2.99", "--from", &file.display().to_string()],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pins = codegen::specs::load_pins(&real_root()).expect("pins");
    let versions: Vec<String> = pins.into_iter().map(|p| p.version).collect();
    let was = workspace::default_version(&versions).expect("a default version");
    let line = format!(
        "\ndefault: the `default` feature is now v2_99 (the newest stable version; was {})",
        codegen::naming::version_module(was)
    );
    assert!(stdout.contains(&line), "{stdout}");
    // The README's table of versions follows, with the new default first.
    let readme = read(&ws.root, "README.md");
    let table = &readme[readme.find(workspace::README_BEGIN).expect("table begin")..];
    let first_row = table.lines().nth(3).unwrap_or_default();
    assert!(
        first_row.starts_with("| 2.99 | `v2_99` (default) | 108 | 351 | from 2.16: "),
        "{first_row}"
    );
}

#[test]
fn versions_table_in_the_readme_matches_the_regen_counts() {
    let root = real_root();
    let generation = workspace::generate(&root).unwrap_or_else(|e| panic!("regen: {e}"));
    let readme = read(&root, "README.md");
    for r in &generation.reports {
        let row = format!(
            "| {} | `{}`",
            r.version,
            codegen::naming::version_module(&r.version)
        );
        let line = readme
            .lines()
            .find(|l| l.starts_with(&row))
            .unwrap_or_else(|| panic!("README has no row for {}", r.version));
        let cells: Vec<&str> = line.split(" | ").collect();
        assert_eq!(cells[2], r.operations.to_string(), "{line}");
        assert_eq!(cells[3], r.types.to_string(), "{line}");
    }
}

#[test]
fn cli_diff_formats_and_fail_on() {
    let root = real_root();
    let out = xtask(&root, &["diff", "2.10", "2.11"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("spec diff 2.10 -> 2.11\n"), "{text}");

    let out = xtask(
        &root,
        &[
            "diff",
            "2.10",
            "2.11",
            "--format",
            "json",
            "--fail-on",
            "breaking",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["summary"]["renamed_path_params"], 52);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fail-on breaking"));

    let out = xtask(&root, &["diff", "2.11", "HEAD:2.11", "--format=markdown"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("## Spec diff: `2.11 -> HEAD:2.11 "), "{md}");
    assert!(md.contains("No changes"), "{md}");

    // Webhook topics are part of the report in every format (issue 19): 2.16 adds topics.
    let out = xtask(&root, &["diff", "2.14", "2.16", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let added: Vec<&str> = json["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["rule"] == "webhook-topic-added")
        .filter_map(|c| c["subject"].as_str())
        .collect();
    assert!(added.contains(&"ticket.resolved"), "{added:?}");
    let out = xtask(&root, &["diff", "2.16", "2.14"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[breaking] webhook-topic-removed v2_16::webhooks::Event::TicketResolved"),
        "{text}"
    );

    let out = xtask(&root, &["diff", "2.10", "2.11", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = xtask(&root, &["diff", "2.10", "nonsense"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`nonsense`"));
}
