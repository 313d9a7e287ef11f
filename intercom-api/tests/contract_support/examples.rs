//! Running the programs of `intercom-api/examples/` against a Prism mock server.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Longest run of one example.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// Names of the examples that call the API (`examples/<name>.rs` reading `INTERCOM_TOKEN`; a
/// server such as `webhook_receiver` has its own test), sorted.
pub fn names(crate_dir: &Path) -> Result<Vec<String>, String> {
    let dir = crate_dir.join("examples");
    let entries = fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter(|p| fs::read_to_string(p).is_ok_and(|s| s.contains("INTERCOM_TOKEN")))
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
        .collect();
    out.sort();
    Ok(out)
}

/// Where cargo puts example binaries for the profile this test was built with:
/// the test is `target/<profile>/deps/contract-<hash>`, examples are `target/<profile>/examples/`.
fn examples_dir() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate the test binary: {e}"))?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| format!("unexpected test binary location {}", exe.display()))?;
    Ok(profile_dir.join("examples"))
}

fn binary(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The example binaries, built first with cargo when one is missing or older than its source
/// (`cargo test` builds them; `cargo test --test contract` alone does not).
pub fn binaries(
    workspace: &Path,
    crate_dir: &Path,
    names: &[String],
) -> Result<Vec<PathBuf>, String> {
    let dir = examples_dir()?;
    let stale = names.iter().any(|name| {
        let source = crate_dir.join("examples").join(format!("{name}.rs"));
        match (modified(&binary(&dir, name)), modified(&source)) {
            (Some(built), Some(edited)) => built < edited,
            _ => true,
        }
    });
    if stale {
        build(workspace, &dir)?;
    }
    names
        .iter()
        .map(|name| {
            let bin = binary(&dir, name);
            if bin.is_file() {
                Ok(bin)
            } else {
                Err(format!(
                    "example binary {} is missing after building the examples",
                    bin.display()
                ))
            }
        })
        .collect()
}

/// `cargo build -p intercom-api --examples` with this test's profile and version features.
fn build(workspace: &Path, examples_dir: &Path) -> Result<(), String> {
    let profile_dir = examples_dir
        .parent()
        .ok_or_else(|| format!("unexpected examples dir {}", examples_dir.display()))?;
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("debug");
    let target_dir = profile_dir
        .parent()
        .ok_or_else(|| format!("unexpected profile dir {}", profile_dir.display()))?;
    let mut features = Vec::new();
    if cfg!(feature = "v2_10") {
        features.push("v2_10");
    }
    if cfg!(feature = "v2_11") {
        features.push("v2_11");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(&cargo);
    command
        .current_dir(workspace)
        .args([
            "build",
            "-q",
            "-p",
            "intercom-api",
            "--examples",
            "--features",
        ])
        .arg(features.join(","))
        .env("CARGO_TARGET_DIR", target_dir)
        .stdin(Stdio::null());
    match profile {
        "debug" => {}
        "release" => {
            command.arg("--release");
        }
        other => {
            command.args(["--profile", other]);
        }
    }
    eprintln!("contract: building the examples ({command:?})");
    let output = command
        .output()
        .map_err(|e| format!("cannot run `{cargo} build --examples`: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo build --examples` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Runs one example with `INTERCOM_BASE_URL` = `base_url` and a dummy token; its stdout on
/// success (exit status 0), else what went wrong with its output.
pub fn run(bin: &Path, base_url: &str, work_dir: &Path) -> Result<String, String> {
    let name = bin
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("example");
    let out_path = work_dir.join(format!("{name}.stdout"));
    let err_path = work_dir.join(format!("{name}.stderr"));
    let open =
        |p: &Path| File::create(p).map_err(|e| format!("cannot create {}: {e}", p.display()));
    let mut child = Command::new(bin)
        .env("INTERCOM_TOKEN", "contract-test-token")
        .env("INTERCOM_BASE_URL", base_url)
        .stdin(Stdio::null())
        .stdout(open(&out_path)?)
        .stderr(open(&err_path)?)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() > RUN_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!("timed out after {} s", RUN_TIMEOUT.as_secs()));
            }
            Ok(None) => thread::sleep(Duration::from_millis(50)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!("cannot wait for the example: {e}"));
            }
        }
    };
    let stdout = fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    match status {
        Ok(status) if status.success() => Ok(stdout.trim().to_owned()),
        Ok(status) => Err(format!(
            "exited with {status}; stdout: {}; stderr: {}",
            stdout.trim(),
            stderr.trim()
        )),
        Err(e) => Err(format!(
            "{e}; stdout: {}; stderr: {}",
            stdout.trim(),
            stderr.trim()
        )),
    }
}
