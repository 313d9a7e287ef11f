//! The Prism mock server: installing it under `<workspace>/.tools/prism`, starting it on a free port,
//! waiting until it listens, and stopping it (a guard kills the process, also when a test panics).

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

/// The pinned Prism release.
pub const PRISM_VERSION: &str = "5.16.0";
/// How long to wait for Prism to listen.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to wait for another process's install to finish.
const LOCK_WAIT: Duration = Duration::from_secs(600);
/// An install lock older than this is considered abandoned.
const LOCK_STALE: Duration = Duration::from_secs(900);
/// Start attempts (a new free port each time, in case another process took the previous one).
const START_ATTEMPTS: usize = 3;

fn node() -> &'static str {
    if cfg!(windows) { "node.exe" } else { "node" }
}

fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

/// `<workspace>/.tools/prism` (git-ignored).
fn install_dir(workspace: &Path) -> PathBuf {
    workspace.join(".tools").join("prism")
}

fn cli_package(dir: &Path) -> PathBuf {
    dir.join("node_modules")
        .join("@stoplight")
        .join("prism-cli")
}

/// The version of the Prism CLI installed in `dir`, if any.
fn installed_version(dir: &Path) -> Option<String> {
    let text = fs::read_to_string(cli_package(dir).join("package.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("version")?.as_str().map(str::to_owned)
}

/// The Prism CLI entry point (run with `node`), when the pinned version is installed.
fn installed_cli(dir: &Path) -> Option<PathBuf> {
    let script = cli_package(dir).join("dist").join("index.js");
    (installed_version(dir).as_deref() == Some(PRISM_VERSION) && script.is_file()).then_some(script)
}

fn tail(text: &[u8], lines: usize) -> String {
    let text = String::from_utf8_lossy(text);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Makes sure Node.js can run and the pinned Prism is installed; returns the CLI script.
/// Installs it with npm when missing (guarded by a lock file against concurrent installs).
pub fn ensure_installed(workspace: &Path) -> Result<PathBuf, String> {
    match Command::new(node()).arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            return Err(format!(
                "the contract test needs Node.js to run the Prism mock server, but `node --version` failed ({}): {}",
                out.status,
                tail(&out.stderr, 5)
            ));
        }
        Err(e) => {
            return Err(format!(
                "the contract test needs Node.js and npm to run the Prism mock server, but `node` could not be run: {e}. Install Node.js (with npm) and retry."
            ));
        }
    }
    let dir = install_dir(workspace);
    if let Some(cli) = installed_cli(&dir) {
        return Ok(cli);
    }
    let tools = workspace.join(".tools");
    fs::create_dir_all(&tools).map_err(|e| format!("cannot create {}: {e}", tools.display()))?;
    let _lock = InstallLock::acquire(&tools.join("prism.install.lock"))?;
    // Another process may have installed it while we waited for the lock.
    if let Some(cli) = installed_cli(&dir) {
        return Ok(cli);
    }
    let package = format!("@stoplight/prism-cli@{PRISM_VERSION}");
    eprintln!("contract: installing {package} into {}", dir.display());
    let output: Output = Command::new(npm())
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir)
        .arg(&package)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            format!(
                "Prism is not installed and npm could not be run to install it: {e}. The contract test needs Node.js and npm (or run `npm install --prefix {} {package}` yourself).",
                dir.display()
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "`npm install --prefix {} {package}` failed ({}):\n{}\n{}",
            dir.display(),
            output.status,
            tail(&output.stdout, 20),
            tail(&output.stderr, 20)
        ));
    }
    installed_cli(&dir).ok_or_else(|| {
        format!(
            "`npm install {package}` succeeded but {} does not hold Prism {PRISM_VERSION} (found {:?})",
            dir.display(),
            installed_version(&dir)
        )
    })
}

/// An exclusive lock file, removed on drop.
struct InstallLock {
    path: PathBuf,
}

impl InstallLock {
    fn acquire(path: &Path) -> Result<Self, String> {
        let started = Instant::now();
        loop {
            match OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut file) => {
                    // Informational only; the lock is the file's existence.
                    let _ = writeln!(file, "{}", std::process::id());
                    return Ok(Self {
                        path: path.to_path_buf(),
                    });
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    let age = fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok());
                    if age.is_some_and(|age| age > LOCK_STALE) {
                        // Abandoned by a killed process.
                        let _ = fs::remove_file(path);
                        continue;
                    }
                    if started.elapsed() > LOCK_WAIT {
                        return Err(format!(
                            "timed out waiting for another Prism install to finish (lock file {}; delete it if no install is running)",
                            path.display()
                        ));
                    }
                    thread::sleep(Duration::from_millis(500));
                }
                Err(e) => return Err(format!("cannot create lock file {}: {e}", path.display())),
            }
        }
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// A running Prism mock server; killed when dropped.
pub struct Prism {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    /// Prism's stdout and stderr.
    pub log: PathBuf,
}

impl Prism {
    /// Serves `spec` in mock mode on a free port of 127.0.0.1 and waits until it listens.
    pub fn start(cli: &Path, spec: &Path, log: &Path) -> Result<Prism, String> {
        let mut last = String::new();
        for _ in 0..START_ATTEMPTS {
            match Self::try_start(cli, spec, log) {
                Ok(prism) => return Ok(prism),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn try_start(cli: &Path, spec: &Path, log: &Path) -> Result<Prism, String> {
        let port = free_port()?;
        let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot reopen {}: {e}", log.display()))?;
        let child = Command::new(node())
            .arg(cli)
            // `--errors`: a request that violates the spec gets a 4xx (and the violations in the
            // `sl-violations` header). Responses are validated too; the spec fed to Prism describes
            // them with the crate's lenient decoding policy (`codegen::normalize::relax_responses`).
            .args(["mock", "--errors", "-h", "127.0.0.1", "-p"])
            .arg(port.to_string())
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start Prism (`node {}`): {e}", cli.display()))?;
        // From here on the guard stops the process on every exit path.
        let mut prism = Prism {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            log: log.to_path_buf(),
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        loop {
            match prism.child.try_wait() {
                Ok(Some(status)) => {
                    return Err(format!(
                        "Prism exited before listening ({status}); its log ({}):\n{}",
                        log.display(),
                        prism.log_tail(30)
                    ));
                }
                Ok(None) => {}
                Err(e) => return Err(format!("cannot poll the Prism process: {e}")),
            }
            if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
                return Ok(prism);
            }
            if started.elapsed() > READY_TIMEOUT {
                return Err(format!(
                    "Prism did not listen on {addr} within {} s; its log ({}):\n{}",
                    READY_TIMEOUT.as_secs(),
                    log.display(),
                    prism.log_tail(30)
                ));
            }
            thread::sleep(Duration::from_millis(200));
        }
    }

    /// The last `lines` lines of Prism's log.
    pub fn log_tail(&self, lines: usize) -> String {
        tail(&fs::read(&self.log).unwrap_or_default(), lines)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago.
fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind(("127.0.0.1", 0)).map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}
