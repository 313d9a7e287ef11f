//! The no-op fast path of `cargo xtask regen`: when nothing regen depends on has changed since the
//! last regeneration in this workspace, and every file it wrote is still as it wrote it, the
//! generation is not run again; its report is printed from `.cache/regen/manifest.json`.
//!
//! - **Inputs** (the key): the `xtask` executable (path, size, modification time: cargo relinks it
//!   whenever the generator changes) and every pin (`specs/*.toml`, which names the spec's sha256;
//!   the spec file itself is still located and hash-checked on every run, as always), and the
//!   webhook topics (`specs/webhooks.toml`, its sha256).
//! - **Outputs**: the sha256 of every file regen wrote (the generated files and the hand-written
//!   files with a generated region, whose text outside the region is therefore covered too), and
//!   the directories regen owns, which must hold no other file.
//!
//! Anything else (a missing or unreadable manifest, another key, a changed or extra file) runs the
//! full regeneration, which then records a new manifest. `regen --check` never uses the manifest,
//! and neither does `regen --force`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use codegen::specs::{Pin, sha256_hex};
use codegen::workspace::Generation;
use serde_json::{Value, json};

/// Workspace-relative path of the manifest (`.cache/` is git-ignored).
pub const MANIFEST: &str = ".cache/regen/manifest.json";

/// What the last full regeneration recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Key of the inputs ([`key`]).
    pub key: String,
    /// sha256 of every written file, by workspace-relative path.
    pub files: BTreeMap<String, String>,
    /// Directories regen owns.
    pub owned_dirs: Vec<String>,
    /// The report regen printed (summary, warnings, example members, pagination lines).
    pub report: String,
}

/// The key of the inputs; `None` when the executable cannot be identified (then no caching).
pub fn key(root: &Path, pins: &[Pin]) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    let mut text = format!(
        "xtask regen manifest v1\n{}\n{}\n{}\n",
        exe.display(),
        meta.len(),
        modified.as_nanos()
    );
    for pin in pins {
        text.push_str(&pin.to_toml());
        text.push('\n');
    }
    let topics = std::fs::read(root.join(codegen::webhooks::FILE)).unwrap_or_default();
    text.push_str(&format!("webhooks {}\n", sha256_hex(&topics)));
    Some(sha256_hex(text.as_bytes()))
}

/// The manifest, if it has `key` and the workspace still holds exactly what it records.
pub fn up_to_date(root: &Path, key: &str) -> Option<Manifest> {
    let text = std::fs::read_to_string(root.join(MANIFEST)).ok()?;
    let manifest = parse(&serde_json::from_str(&text).ok()?)?;
    if manifest.key != key {
        return None;
    }
    for (path, sha) in &manifest.files {
        let bytes = std::fs::read(root.join(path)).ok()?;
        if sha256_hex(&bytes) != *sha {
            return None;
        }
    }
    for dir in &manifest.owned_dirs {
        let mut found = BTreeSet::new();
        list_files(root, &root.join(dir), &mut found);
        if found.iter().any(|f| !manifest.files.contains_key(f)) {
            return None;
        }
    }
    Some(manifest)
}

/// Records `generation` (as written) under `key`. Best effort: a manifest that cannot be written
/// only means the next run regenerates in full.
pub fn store(root: &Path, key: &str, generation: &Generation, report: &str) {
    let files: serde_json::Map<String, Value> = generation
        .files
        .iter()
        .map(|(path, contents)| (path.clone(), Value::String(sha256_hex(contents.as_bytes()))))
        .collect();
    let json = json!({
        "key": key,
        "files": files,
        "owned_dirs": generation.owned_dirs,
        "report": report,
    });
    let path = root.join(MANIFEST);
    if let Some(parent) = path.parent()
        && std::fs::create_dir_all(parent).is_ok()
    {
        let _ = std::fs::write(&path, json.to_string());
    }
}

/// Removes the manifest (before a full regeneration writes files: a run interrupted halfway must
/// not leave a manifest that matches).
pub fn clear(root: &Path) {
    let _ = std::fs::remove_file(root.join(MANIFEST));
}

fn parse(v: &Value) -> Option<Manifest> {
    let files = v
        .get("files")?
        .as_object()?
        .iter()
        .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect::<Option<BTreeMap<_, _>>>()?;
    let owned_dirs = v
        .get("owned_dirs")?
        .as_array()?
        .iter()
        .map(|d| d.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()?;
    Some(Manifest {
        key: v.get("key")?.as_str()?.to_string(),
        files,
        owned_dirs,
        report: v.get("report")?.as_str()?.to_string(),
    })
}

/// Every file under `dir`, as workspace-relative `/`-separated paths.
fn list_files(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path: PathBuf = entry.path();
        if path.is_dir() {
            list_files(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.insert(parts.join("/"));
        }
    }
}
