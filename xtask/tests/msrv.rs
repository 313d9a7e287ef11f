//! The MSRV the crate declares (`rust-version` in the workspace `Cargo.toml`) is one CI checks.
//!
//! This machine (and CI) has one toolchain and cannot fetch another, so the declared version is
//! checked from three sides instead of by compiling with it:
//! - every crate `intercom-api` depends on (normal dependencies, all features, as locked in
//!   `Cargo.lock`) declares a `rust-version` at or below ours: a dependency needing a newer
//!   compiler would make our claim false (it did: `icu_*` via `url` need 1.88, the crate said 1.85);
//! - every workspace crate inherits the one `rust-version` and the workspace lints;
//! - clippy's `incompatible_msrv` (a use of a std API stabilized after `rust-version`) is `deny` in
//!   the workspace lints, so `cargo clippy` in `.ci/run` fails on such code.
//!
//! When a toolchain of exactly that version is installed (`rustup toolchain list`), the crate is
//! also compiled with it (`cargo +<msrv> check`); the output line says whether that ran.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

mod support;
use support::real_root as root;

fn metadata() -> Value {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--locked",
        ])
        .current_dir(root())
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata JSON")
}

/// `1.88`, `1.88.0` -> (1, 88, 0).
fn version(s: &str) -> (u64, u64, u64) {
    let mut parts = s.split('.').map(|p| {
        p.parse::<u64>()
            .unwrap_or_else(|_| panic!("rust-version {s:?} is not MAJOR.MINOR[.PATCH]"))
    });
    let major = parts.next().expect("major");
    let minor = parts.next().unwrap_or(0);
    let patch = parts.next().unwrap_or(0);
    (major, minor, patch)
}

fn package<'a>(meta: &'a Value, name: &str) -> &'a Value {
    meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == name && p["source"].is_null())
        .unwrap_or_else(|| panic!("workspace package {name}"))
}

#[test]
fn the_declared_msrv_is_at_least_every_dependencys() {
    let meta = metadata();
    let ours = package(&meta, "intercom-api")["rust_version"]
        .as_str()
        .expect("intercom-api declares rust-version")
        .to_owned();
    let msrv = version(&ours);

    let packages: BTreeMap<&str, &Value> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().expect("id"), p))
        .collect();
    let nodes: BTreeMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .expect("resolve.nodes")
        .iter()
        .map(|n| (n["id"].as_str().expect("id"), n))
        .collect();
    let root_id = package(&meta, "intercom-api")["id"].as_str().expect("id");

    // The normal-dependency closure: what a user's build compiles for intercom-api.
    let mut seen = BTreeSet::new();
    let mut stack = vec![root_id];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().expect("deps") {
            let normal = dep["dep_kinds"]
                .as_array()
                .expect("dep_kinds")
                .iter()
                .any(|k| k["kind"].is_null());
            if normal {
                stack.push(dep["pkg"].as_str().expect("pkg"));
            }
        }
    }
    seen.remove(root_id);
    assert!(seen.len() > 20, "suspiciously few dependencies: {seen:?}");

    let mut newer = Vec::new();
    let mut highest = (0, 0, 0);
    for id in &seen {
        let p = packages[id];
        if let Some(rv) = p["rust_version"].as_str() {
            let v = version(rv);
            highest = highest.max(v);
            if v > msrv {
                newer.push(format!(
                    "{} {} needs {rv}",
                    p["name"].as_str().unwrap_or("?"),
                    p["version"].as_str().unwrap_or("?")
                ));
            }
        }
    }
    assert!(
        newer.is_empty(),
        "intercom-api declares rust-version {ours}, but dependencies need newer compilers:\n  {}\n\
         raise `rust-version` in the workspace Cargo.toml (or pin older dependencies)",
        newer.join("\n  ")
    );

    let toolchain = installed_toolchain(&ours);
    if let Some(tc) = &toolchain {
        let out = Command::new("cargo")
            .args([
                &format!("+{tc}"),
                "check",
                "-p",
                "intercom-api",
                "--all-features",
            ])
            .current_dir(root())
            .env("CARGO_TARGET_DIR", root().join("target").join("msrv"))
            .output()
            .expect("run cargo +msrv check");
        assert!(
            out.status.success(),
            "cargo +{tc} check: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Written to stderr directly (not `eprintln!`, which the test harness captures): CI logs show it.
    let line = format!(
        "msrv: {ours}: {} dependencies declare at most {}.{}; compiled with {}\n",
        seen.len(),
        highest.0,
        highest.1,
        toolchain
            .as_deref()
            .unwrap_or("no such toolchain here (not compiled)")
    );
    std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes()).expect("write stderr");
}

/// A rustup toolchain of exactly `version` (`1.88` matches `1.88` and `1.88.0`), if installed.
fn installed_toolchain(version: &str) -> Option<String> {
    let out = Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .ok()?;
    let wanted = self::version(version);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .find(|name| {
            let v = name.split('-').next().unwrap_or("");
            v.chars().next().is_some_and(|c| c.is_ascii_digit())
                && v.split('.').all(|p| p.parse::<u64>().is_ok())
                && self::version(v) == wanted
        })
        .map(str::to_owned)
}

#[test]
fn every_crate_inherits_the_msrv_and_denies_incompatible_msrv() {
    let root = root();
    let workspace: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))
        .expect("read Cargo.toml")
        .parse()
        .expect("Cargo.toml");
    assert_eq!(
        workspace["workspace"]["lints"]["clippy"]["incompatible_msrv"].as_str(),
        Some("deny"),
        "[workspace.lints.clippy] incompatible_msrv must be \"deny\""
    );
    for krate in ["codegen", "intercom-api", "xtask"] {
        let manifest: toml::Table = std::fs::read_to_string(root.join(krate).join("Cargo.toml"))
            .expect("read crate Cargo.toml")
            .parse()
            .expect("crate Cargo.toml");
        assert_eq!(
            manifest["package"]["rust-version"]
                .get("workspace")
                .and_then(|v| v.as_bool()),
            Some(true),
            "{krate}: rust-version.workspace = true"
        );
        assert_eq!(
            manifest["lints"]["workspace"].as_bool(),
            Some(true),
            "{krate}: [lints] workspace = true"
        );
    }
}
