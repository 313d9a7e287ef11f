//! Temporary copies of the workspace, shared by the tests that run commands in one.
#![allow(dead_code)] // each test binary uses part of it

use std::path::{Path, PathBuf};

use codegen::workspace;

/// The real workspace root.
pub fn real_root() -> PathBuf {
    workspace::find_root(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("workspace root")
}

/// Copies `from` into `to`, skipping entries named in `skip` (at any depth).
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("mkdir {}: {e}", to.display()));
    let entries =
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("read_dir {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        let name = entry.file_name();
        if name.to_str().is_some_and(|n| skip.contains(&n)) {
            continue;
        }
        let path = entry.path();
        let dest = to.join(&name);
        if path.is_dir() {
            copy_tree(&path, &dest, skip);
        } else {
            std::fs::copy(&path, &dest).unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
        }
    }
}

/// A temporary copy of the workspace (`Cargo.toml`, `specs/`, `intercom-api/`) with a `shared`
/// symlink beside it, so the local spec mirror is found as `../shared`; removed on drop.
pub struct TempWorkspace {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

pub fn temp_workspace() -> TempWorkspace {
    let real = real_root();
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("ws");
    std::fs::create_dir_all(&root).expect("mkdir ws");
    std::fs::copy(real.join("Cargo.toml"), root.join("Cargo.toml")).expect("copy Cargo.toml");
    // Regen writes the README's table of versions.
    std::fs::copy(real.join("README.md"), root.join("README.md")).expect("copy README.md");
    copy_tree(&real.join("specs"), &root.join("specs"), &["target"]);
    copy_tree(
        &real.join("intercom-api"),
        &root.join("intercom-api"),
        &["target"],
    );
    let shared = real
        .join("..")
        .join("shared")
        .canonicalize()
        .expect("the local spec mirror ../shared");
    std::os::unix::fs::symlink(&shared, dir.path().join("shared")).expect("symlink shared");
    TempWorkspace { _dir: dir, root }
}
