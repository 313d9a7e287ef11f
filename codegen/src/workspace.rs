//! Regeneration of the whole workspace: every pinned version, plus the regions of hand-written files
//! that list the versions (`lib.rs` modules, `Cargo.toml` features). Used by `cargo xtask regen` and
//! by the golden-snapshot test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::emit::{self, GeneratedFile};
use crate::error::{Error, Warning};
use crate::naming;
use crate::render::Provenance;
use crate::specs::{self, Pin};

/// Marker lines of the managed region in `intercom-api/src/lib.rs`.
pub const LIB_BEGIN: &str = "// @generated versions (begin): managed by `cargo xtask regen`";
/// End marker in `lib.rs`.
pub const LIB_END: &str = "// @generated versions (end)";
/// Marker lines of the managed region in `intercom-api/Cargo.toml`.
pub const FEATURES_BEGIN: &str = "# @generated features (begin): managed by `cargo xtask regen`";
/// End marker in `Cargo.toml`.
pub const FEATURES_END: &str = "# @generated features (end)";

/// Time spent per stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// YAML -> document.
    pub load: Duration,
    /// Document -> IR.
    pub lower: Duration,
    /// IR -> tokens (without rendering them).
    pub emit: Duration,
    /// Tokens -> formatted text (`syn` parse + `prettyplease`).
    pub render: Duration,
}

/// The outcome for one version.
#[derive(Debug, Clone)]
pub struct VersionReport {
    /// Version.
    pub version: String,
    /// Named types generated.
    pub types: usize,
    /// Operations generated.
    pub operations: usize,
    /// Fallbacks taken.
    pub warnings: Vec<Warning>,
    /// Stage timings.
    pub timings: Timings,
    /// Paginated operations: `(operationId, kind)`; the kind of an inferred one ends with a note
    /// (`cursor (inferred: starting_after not declared)`).
    pub pagination: Vec<(String, String)>,
    /// Undeclared members of success examples, typed by new fields.
    pub example_members: usize,
    /// The entries of `specs/naming-overrides.txt` (their spec operationIds) that name an
    /// operation of this version.
    pub naming_overrides_used: Vec<String>,
}

impl VersionReport {
    /// `pagination: <version>: <operationId>: <kind>`, one line per paginated operation.
    pub fn pagination_lines(&self) -> Vec<String> {
        self.pagination
            .iter()
            .map(|(id, kind)| format!("pagination: {}: {id}: {kind}", self.version))
            .collect()
    }

    /// `example members typed: <version>: <N>` (the test line `undeclared example members: ...` measures the outcome).
    pub fn example_members_line(&self) -> String {
        format!(
            "example members typed: {}: {}",
            self.version, self.example_members
        )
    }

    /// `regen: <version>: <N> types, <M> operations, <W> warnings`.
    pub fn summary(&self) -> String {
        format!(
            "regen: {}: {} types, {} operations, {} warnings",
            self.version,
            self.types,
            self.operations,
            self.warnings.len()
        )
    }
}

/// Everything regen would write.
#[derive(Debug, Clone)]
pub struct Generation {
    /// Files, by workspace-relative path.
    pub files: BTreeMap<String, String>,
    /// Per-version reports, in version order.
    pub reports: Vec<VersionReport>,
    /// Directories wholly owned by regen (stale files in them are removed).
    pub owned_dirs: Vec<String>,
    /// Warnings about the workspace rather than one version: entries of
    /// `specs/naming-overrides.txt` that are malformed or match no operation of any pinned version.
    pub warnings: Vec<Warning>,
}

/// Generates one version from spec text.
pub fn generate_version(
    text: &str,
    version: &str,
    sha256: &str,
) -> Result<(Vec<GeneratedFile>, VersionReport), Error> {
    let t0 = Instant::now();
    let doc = crate::load::load_str(text)?;
    let t1 = Instant::now();
    let api = crate::lower::lower(&doc, version)?;
    let t2 = Instant::now();
    crate::render::take_render_time();
    let mut files = emit::emit_version(&api, &Provenance::version(version, sha256))?;
    // The public API listing (`intercom-api/api/<vmod>.txt`), reviewed in pull requests.
    files.push(GeneratedFile {
        path: crate::surface::path(version),
        contents: crate::surface::render(&api, sha256),
    });
    let t3 = Instant::now();
    let render = crate::render::take_render_time();
    let report = VersionReport {
        version: version.to_string(),
        types: api.types.len(),
        operations: api.operations.len(),
        warnings: api.warnings.clone(),
        example_members: api.example_members,
        naming_overrides_used: crate::naming::operation_overrides()
            .iter()
            .filter(|(from, _)| api.operations.iter().any(|o| o.operation_id == *from))
            .map(|(from, _)| from.to_string())
            .collect(),
        timings: Timings {
            load: t1 - t0,
            lower: t2 - t1,
            emit: (t3 - t2).saturating_sub(render),
            render,
        },
        pagination: api
            .operations
            .iter()
            .filter_map(|o| {
                o.pagination
                    .as_ref()
                    .map(|p| (o.operation_id.clone(), p.kind.report()))
            })
            .collect(),
    };
    Ok((files, report))
}

/// Generates every pinned version of `workspace` (spec texts located with [`specs::locate`]).
pub fn generate(workspace: &Path) -> Result<Generation, Error> {
    let pins = specs::load_pins(workspace)?;
    let mut texts = Vec::new();
    for pin in &pins {
        texts.push(specs::locate(workspace, pin)?);
    }
    generate_from(
        workspace,
        &pins,
        texts.iter().map(|t| t.text.as_str()).collect(),
    )
}

/// Generates from already located spec texts (one per pin, same order).
pub fn generate_from(
    workspace: &Path,
    pins: &[Pin],
    texts: Vec<&str>,
) -> Result<Generation, Error> {
    let mut files = BTreeMap::new();
    let mut reports = Vec::new();
    let mut owned_dirs = vec![
        "intercom-api/tests/generated".to_string(),
        "intercom-api/tests/generated_calls".to_string(),
        "intercom-api/api".to_string(),
    ];
    // Versions are independent: each is generated on its own thread (the output is collected in
    // pin order, so it does not depend on scheduling).
    let generated: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = pins
            .iter()
            .zip(texts)
            .map(|(pin, text)| {
                scope.spawn(move || generate_version(text, &pin.version, &pin.sha256))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::other("internal: a generator thread panicked")))
            })
            .collect()
    });
    for (pin, result) in pins.iter().zip(generated) {
        let (out, report) = result?;
        for f in out {
            files.insert(f.path, f.contents);
        }
        reports.push(report);
        owned_dirs.push(format!(
            "intercom-api/src/{}",
            naming::version_module(&pin.version)
        ));
    }
    let versions: Vec<String> = pins.iter().map(|p| p.version.clone()).collect();
    for reg in emit::emit_registries(&versions)? {
        files.insert(reg.path, reg.contents);
    }
    let lib_path = "intercom-api/src/lib.rs";
    let lib = read(workspace, lib_path)?;
    files.insert(
        lib_path.to_string(),
        replace_region(&lib, LIB_BEGIN, LIB_END, &lib_region(&versions), lib_path)?,
    );
    let cargo_path = "intercom-api/Cargo.toml";
    let cargo = read(workspace, cargo_path)?;
    files.insert(
        cargo_path.to_string(),
        replace_region(
            &cargo,
            FEATURES_BEGIN,
            FEATURES_END,
            &features_region(&versions),
            cargo_path,
        )?,
    );
    let warnings = naming_override_warnings(&reports);
    Ok(Generation {
        files,
        reports,
        owned_dirs,
        warnings,
    })
}

/// Malformed entries of `specs/naming-overrides.txt`, and entries no pinned version uses.
fn naming_override_warnings(reports: &[VersionReport]) -> Vec<Warning> {
    let file = "specs/naming-overrides.txt";
    let mut out: Vec<Warning> = naming::override_problems()
        .into_iter()
        .map(|line| Warning {
            pointer: file.to_string(),
            message: format!("not `<operationId> -> <operationId>`, ignored: {line}"),
        })
        .collect();
    for (from, to) in naming::operation_overrides() {
        if !reports
            .iter()
            .any(|r| r.naming_overrides_used.iter().any(|u| u == from))
        {
            out.push(Warning {
                pointer: file.to_string(),
                message: format!(
                    "`{from} -> {to}` matches no operation of any pinned version: remove it"
                ),
            });
        }
    }
    out
}

fn read(workspace: &Path, rel: &str) -> Result<String, Error> {
    std::fs::read_to_string(workspace.join(rel))
        .map_err(|e| Error::other(format!("cannot read {rel}: {e}")))
}

fn lib_region(versions: &[String]) -> String {
    let mut s = String::new();
    for v in versions {
        let m = naming::version_module(v);
        // Generated code is formatted by prettyplease; rustfmt leaves it alone.
        s.push_str(&format!(
            "#[cfg(feature = \"{m}\")]\n#[cfg_attr(docsrs, doc(cfg(feature = \"{m}\")))]\n#[rustfmt::skip]\npub mod {m};\n"
        ));
    }
    s
}

fn features_region(versions: &[String]) -> String {
    let mut s = String::new();
    // The newest stable version: a named one (`Preview`) is never the default.
    if let Some(latest) = crate::specs::newest_stable(versions.iter().map(String::as_str)) {
        s.push_str(&format!(
            "default = [\"{}\"]\n",
            naming::version_module(latest)
        ));
    }
    for v in versions {
        s.push_str(&format!("{} = []\n", naming::version_module(v)));
    }
    s
}

/// Replaces what lies between the `begin` and `end` marker lines.
pub fn replace_region(
    text: &str,
    begin: &str,
    end: &str,
    body: &str,
    what: &str,
) -> Result<String, Error> {
    let b = text
        .find(begin)
        .ok_or_else(|| Error::other(format!("{what}: marker line {begin:?} is missing")))?;
    let after_begin = b + begin.len();
    let e = text[after_begin..]
        .find(end)
        .map(|i| i + after_begin)
        .ok_or_else(|| Error::other(format!("{what}: marker line {end:?} is missing")))?;
    Ok(format!("{}\n{}{}", &text[..after_begin], body, &text[e..]))
}

/// A difference between the generation and the files on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// Missing or different content.
    Changed(String),
    /// On disk in an owned directory but no longer generated.
    Extra(String),
}

/// Compares a generation with the files under `workspace`.
pub fn stale_files(workspace: &Path, generation: &Generation) -> Vec<Stale> {
    let mut out = Vec::new();
    for (path, contents) in &generation.files {
        match std::fs::read_to_string(workspace.join(path)) {
            Ok(existing) if existing == *contents => {}
            _ => out.push(Stale::Changed(path.clone())),
        }
    }
    for dir in &generation.owned_dirs {
        for f in list_files(&workspace.join(dir)) {
            let rel = relative(workspace, &f);
            if !generation.files.contains_key(&rel) {
                out.push(Stale::Extra(rel));
            }
        }
    }
    out
}

/// Writes a generation: changed files are written, extra files in owned directories removed.
pub fn write(workspace: &Path, generation: &Generation) -> Result<Vec<Stale>, Error> {
    let stale = stale_files(workspace, generation);
    for s in &stale {
        match s {
            Stale::Changed(path) => {
                let full = workspace.join(path);
                if let Some(parent) = full.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        Error::other(format!("cannot create {}: {e}", parent.display()))
                    })?;
                }
                std::fs::write(&full, &generation.files[path])
                    .map_err(|e| Error::other(format!("cannot write {path}: {e}")))?;
            }
            Stale::Extra(path) => {
                std::fs::remove_file(workspace.join(path))
                    .map_err(|e| Error::other(format!("cannot remove {path}: {e}")))?;
            }
        }
    }
    Ok(stale)
}

fn list_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(list_files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn relative(workspace: &Path, p: &Path) -> String {
    p.strip_prefix(workspace)
        .unwrap_or(p)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The workspace root: the nearest ancestor of `start` whose `Cargo.toml` has `[workspace]`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let mut cur = Some(start);
    while let Some(dir) = cur {
        if std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|t| t.contains("[workspace]"))
        {
            return Some(dir.to_path_buf());
        }
        cur = dir.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(used: &[&str]) -> VersionReport {
        VersionReport {
            version: "9.99".to_string(),
            types: 0,
            operations: 0,
            warnings: Vec::new(),
            timings: Timings {
                load: Duration::ZERO,
                lower: Duration::ZERO,
                emit: Duration::ZERO,
                render: Duration::ZERO,
            },
            pagination: Vec::new(),
            example_members: 0,
            naming_overrides_used: used.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_named_version_gets_a_module_and_feature_but_is_never_the_default() {
        let versions: Vec<String> = ["2.10", "2.16", "Preview"].map(String::from).to_vec();
        assert_eq!(
            features_region(&versions),
            "default = [\"v2_16\"]\nv2_10 = []\nv2_16 = []\nv_preview = []\n"
        );
        assert!(
            lib_region(&versions).ends_with(
                "#[cfg(feature = \"v_preview\")]\n#[cfg_attr(docsrs, doc(cfg(feature = \"v_preview\")))]\n#[rustfmt::skip]\npub mod v_preview;\n"
            ),
            "{}",
            lib_region(&versions)
        );
        // Only named versions: no default feature.
        assert_eq!(
            features_region(&["Preview".to_string()]),
            "v_preview = []\n"
        );
    }

    #[test]
    fn a_naming_override_no_version_uses_is_a_warning() {
        let entries = naming::operation_overrides();
        assert!(!entries.is_empty());
        // Used by one version or another: no warning.
        let all: Vec<&str> = entries.iter().map(|(from, _)| *from).collect();
        let (first, rest) = all.split_at(1);
        assert_eq!(
            naming_override_warnings(&[report(first), report(rest)]),
            Vec::new()
        );
        // The first entry used by none: one warning naming it.
        let warnings = naming_override_warnings(&[report(rest)]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].pointer, "specs/naming-overrides.txt");
        assert!(
            warnings[0].message.contains(first[0]) && warnings[0].message.contains("remove it"),
            "{}",
            warnings[0].message
        );
    }
}
