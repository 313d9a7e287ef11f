//! Adding a version and re-pinning one (`cargo xtask add-version`, `cargo xtask pin`): record the
//! pin, put the file in the spec cache, regenerate. Regeneration rewrites the version module, the
//! `lib.rs` module list and the cargo features, so no hand-written code changes.
//!
//! Everything is generated in memory first: a spec that does not load, or a workspace that does not
//! regenerate with it, leaves every file untouched.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::specs::{self, CorrectionsPin, CorrectionsText, Pin, SPEC_FILE, SpecText};
use crate::workspace::{self, Generation, Stale};

/// Upstream repository of new pins.
pub const UPSTREAM_REPOSITORY: &str = "intercom/Intercom-OpenAPI";
/// Commit recorded when a pin is made from a local file without `--commit`.
pub const UNKNOWN_COMMIT: &str = "unknown";

/// Where the new description comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A local file (`--from FILE`); `commit` is recorded if given, else [`UNKNOWN_COMMIT`].
    File {
        /// The file.
        path: PathBuf,
        /// Upstream commit it was taken from, if known.
        commit: Option<String>,
    },
    /// A download of the upstream file at `commit` (the pin URL).
    Download {
        /// Upstream commit.
        commit: String,
    },
}

/// What happens to a pin's corrections file ([`crate::corrections`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Corrections {
    /// Keep the pin's corrections, if any (a new version has none).
    #[default]
    Keep,
    /// Drop them.
    Remove,
    /// Pin this local file (`--corrections FILE`): its sha256 is recorded, with the description's
    /// commit (or `unknown`) and the path of the previous corrections (or
    /// [`UPSTREAM_CORRECTIONS_PATH`]), and it is put in the spec cache.
    File(PathBuf),
}

/// Path of Intercom's corrections file in the upstream repository (applies to `descriptions/2.14`,
/// says its `fern/generators.yml`).
pub const UPSTREAM_CORRECTIONS_PATH: &str = "fern/openapi-overrides.yml";

/// What [`add_version`] or [`pin`] did.
#[derive(Debug, Clone)]
pub struct Updated {
    /// The recorded pin.
    pub pin: Pin,
    /// The pin it replaced (`None` for a new version).
    pub previous: Option<Pin>,
    /// Where the spec was cached.
    pub cached: PathBuf,
    /// Where a corrections file given as [`Corrections::File`] was cached.
    pub cached_corrections: Option<PathBuf>,
    /// The regeneration that was written.
    pub generation: Generation,
    /// Files written or removed by the regeneration (pin and cache not included).
    pub written: Vec<Stale>,
}

/// Path of a version's description in the upstream repository: `descriptions/<version>/api.intercom.io.yaml`.
pub fn upstream_path(version: &str) -> String {
    format!("descriptions/{version}/{SPEC_FILE}")
}

/// Adds a new version: fails if `specs/<version>.toml` exists.
pub fn add_version(workspace: &Path, version: &str, source: &Source) -> Result<Updated, Error> {
    update(workspace, version, source, &Corrections::Keep, false)
}

/// Re-pins an existing version to another revision of its description: fails if it is not pinned.
/// Its corrections, if any, are kept.
pub fn pin(workspace: &Path, version: &str, source: &Source) -> Result<Updated, Error> {
    update(workspace, version, source, &Corrections::Keep, true)
}

/// [`add_version`] with a corrections file.
pub fn add_version_with(
    workspace: &Path,
    version: &str,
    source: &Source,
    corrections: &Corrections,
) -> Result<Updated, Error> {
    update(workspace, version, source, corrections, false)
}

/// [`pin`], choosing what happens to the corrections.
pub fn pin_with(
    workspace: &Path,
    version: &str,
    source: &Source,
    corrections: &Corrections,
) -> Result<Updated, Error> {
    update(workspace, version, source, corrections, true)
}

fn update(
    workspace: &Path,
    version: &str,
    source: &Source,
    corrections: &Corrections,
    existing: bool,
) -> Result<Updated, Error> {
    specs::check_version(version)?;
    let pin_file = Pin::file(workspace, version);
    let mut pins = specs::load_pins(workspace)?;
    let previous = pins.iter().find(|p| p.version == version).cloned();
    specs::check_modules_distinct(pins.iter().map(|p| p.version.as_str()).chain([version]))?;
    check_pinned(version, &pin_file, previous.is_some(), existing)?;
    let mut pin = new_pin(version, previous.as_ref(), source);
    let (text, origin) = read_description(version, source, &pin)?;
    pin.sha256 = specs::sha256_hex(text.as_bytes());
    let new_corrections = attach_corrections(workspace, &mut pin, previous.as_ref(), corrections)?;

    // Regenerate in memory with the new pin before writing anything.
    let new_spec = SpecText {
        pin: pin.clone(),
        path: PathBuf::from(&origin),
        text,
        corrections: new_corrections,
    };
    let generation = regenerate_with(workspace, &mut pins, &new_spec)
        .map_err(|e| Error::other(format!("spec {version} from {origin}: {e}")))?;
    let (cached, cached_corrections) = cache_files(workspace, &new_spec, corrections)?;
    std::fs::write(&pin_file, pin.to_toml())
        .map_err(|e| Error::other(format!("cannot write {}: {e}", pin_file.display())))?;
    let written = workspace::write(workspace, &generation)?;
    Ok(Updated {
        pin,
        previous,
        cached,
        cached_corrections,
        generation,
        written,
    })
}

/// Refuses to add a version that is pinned, or to re-pin one that is not.
fn check_pinned(version: &str, pin_file: &Path, pinned: bool, existing: bool) -> Result<(), Error> {
    match (pinned, existing) {
        (true, false) => Err(Error::other(format!(
            "version {version} is already pinned ({}); use `cargo xtask pin {version} --from FILE` to update it",
            pin_file.display()
        ))),
        (false, true) => Err(Error::other(format!(
            "version {version} is not pinned (no {}); use `cargo xtask add-version {version}` to add it",
            pin_file.display()
        ))),
        _ => Ok(()),
    }
}

/// The new pin before its description is read: the previous pin's repository and path (or the
/// upstream ones for a new version) and the source's commit; no sha256 and no corrections yet.
fn new_pin(version: &str, previous: Option<&Pin>, source: &Source) -> Pin {
    let (repository, path) = match previous {
        Some(p) => (p.repository.clone(), p.path.clone()),
        None => (UPSTREAM_REPOSITORY.to_string(), upstream_path(version)),
    };
    let commit = match source {
        Source::File { commit, .. } => commit.clone().unwrap_or_else(|| UNKNOWN_COMMIT.into()),
        Source::Download { commit } => commit.clone(),
    };
    Pin {
        version: version.to_string(),
        repository,
        commit,
        path,
        sha256: String::new(),
        corrections: None,
    }
}

/// The description's text and where it came from (the local file, or the pin's URL downloaded).
fn read_description(version: &str, source: &Source, pin: &Pin) -> Result<(String, String), Error> {
    let (bytes, origin) = match source {
        Source::File { path, .. } => (
            std::fs::read(path).map_err(|e| {
                Error::other(format!(
                    "spec {version}: cannot read {}: {e}",
                    path.display()
                ))
            })?,
            path.display().to_string(),
        ),
        Source::Download { .. } => {
            let url = pin.url();
            let bytes = crate::http::download(&url)
                .map_err(|e| Error::other(format!("spec {version}: download failed: {e}")))?;
            (bytes, url)
        }
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::other(format!("spec {version}: {origin} is not UTF-8")))?;
    Ok((text, origin))
}

/// Records the chosen corrections in `pin` and returns their text: the previous pin's kept, none
/// removed, or a local file pinned with the description's commit.
fn attach_corrections(
    workspace: &Path,
    pin: &mut Pin,
    previous: Option<&Pin>,
    corrections: &Corrections,
) -> Result<Option<CorrectionsText>, Error> {
    let version = pin.version.clone();
    match corrections {
        Corrections::Remove => Ok(None),
        Corrections::Keep => match previous.and_then(|p| p.corrections.clone()) {
            Some(prev) => {
                pin.corrections = Some(prev);
                specs::locate_corrections(workspace, pin)
            }
            None => Ok(None),
        },
        Corrections::File(file) => {
            let bytes = std::fs::read(file).map_err(|e| {
                Error::other(format!(
                    "corrections {version}: cannot read {}: {e}",
                    file.display()
                ))
            })?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::other(format!(
                    "corrections {version}: {} is not UTF-8",
                    file.display()
                ))
            })?;
            pin.corrections = Some(CorrectionsPin {
                path: previous
                    .and_then(|p| p.corrections.as_ref())
                    .map_or_else(|| UPSTREAM_CORRECTIONS_PATH.to_string(), |c| c.path.clone()),
                commit: pin.commit.clone(),
                sha256: specs::sha256_hex(text.as_bytes()),
            });
            Ok(Some(CorrectionsText {
                path: file.clone(),
                text,
            }))
        }
    }
}

/// Generates the workspace in memory with `new_spec` in place of its version's pin (the other
/// pins' descriptions read from the cache), in version order.
fn regenerate_with(
    workspace: &Path,
    pins: &mut Vec<Pin>,
    new_spec: &SpecText,
) -> Result<Generation, Error> {
    let version = &new_spec.pin.version;
    pins.retain(|p| &p.version != version);
    pins.push(new_spec.pin.clone());
    pins.sort_by_key(|p| specs::version_key(&p.version));
    let mut located = Vec::new();
    for p in pins.iter() {
        if &p.version == version {
            located.push(new_spec.clone());
        } else {
            located.push(specs::locate(workspace, p)?);
        }
    }
    workspace::generate_from(workspace, &located)
}

/// Puts the description in the spec cache, and a corrections file given as
/// [`Corrections::File`] beside it; returns both paths.
fn cache_files(
    workspace: &Path,
    new_spec: &SpecText,
    corrections: &Corrections,
) -> Result<(PathBuf, Option<PathBuf>), Error> {
    let pin = &new_spec.pin;
    let cached = specs::cache_path(workspace, pin);
    if let Some(parent) = cached.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::other(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(&cached, new_spec.text.as_bytes())
        .map_err(|e| Error::other(format!("cannot write {}: {e}", cached.display())))?;
    let mut cached_corrections = None;
    if let (Corrections::File(_), Some(c), Some(path)) = (
        corrections,
        &new_spec.corrections,
        specs::corrections_cache_path(workspace, pin),
    ) {
        std::fs::write(&path, c.text.as_bytes())
            .map_err(|e| Error::other(format!("cannot write {}: {e}", path.display())))?;
        cached_corrections = Some(path);
    }
    Ok((cached, cached_corrections))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_path_of_a_version() {
        assert_eq!(
            upstream_path("2.12"),
            "descriptions/2.12/api.intercom.io.yaml"
        );
    }
}
