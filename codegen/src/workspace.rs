//! Regeneration of the whole workspace: every pinned version, plus the regions of hand-written files
//! that list the versions (`lib.rs` modules, `Cargo.toml` features). Used by `cargo xtask regen` and
//! by the golden-snapshot test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diff::guide;
use crate::emit::{self, GeneratedFile};
use crate::error::{Error, Warning};
use crate::ir::Api;
use crate::render::Provenance;
use crate::specs::{self, SpecText};
use crate::{layout, naming};

/// Marker lines of the managed region in `intercom-api/src/lib.rs`.
pub const LIB_BEGIN: &str = "// @generated versions (begin): managed by `cargo xtask regen`";
/// End marker in `lib.rs`.
pub const LIB_END: &str = "// @generated versions (end)";
/// Marker lines of the managed region in `intercom-api/Cargo.toml`.
pub const FEATURES_BEGIN: &str = "# @generated features (begin): managed by `cargo xtask regen`";
/// End marker in `Cargo.toml`.
pub const FEATURES_END: &str = "# @generated features (end)";
/// Marker lines of the managed region in `README.md`: the table of shipped versions.
pub const README_BEGIN: &str =
    "<!-- @generated versions table (begin): managed by `cargo xtask regen` -->";
/// End marker in `README.md`.
pub const README_END: &str = "<!-- @generated versions table (end) -->";

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
    /// Changes the pin's corrections made to the description (`None`: the pin has none); see
    /// [`crate::corrections`] for what counts.
    pub corrections_applied: Option<usize>,
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

    /// `corrections: <version>: <N> schema changes applied`, for a pin with corrections.
    pub fn corrections_line(&self) -> Option<String> {
        self.corrections_applied
            .map(|n| format!("corrections: {}: {n} schema changes applied", self.version))
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
    /// The counts of the migration guides, one per pair of adjacent pinned versions, oldest first.
    pub migrations: Vec<guide::Summary>,
}

/// Generates one version from spec text (no corrections).
pub fn generate_version(
    text: &str,
    version: &str,
    sha256: &str,
) -> Result<(Vec<GeneratedFile>, VersionReport), Error> {
    generate_loaded(
        || {
            Ok(crate::load::Loaded {
                doc: crate::load::load_str(text)?,
                corrections: None,
            })
        },
        version,
        sha256,
        &[],
    )
    .map(|(files, report, _)| (files, report))
}

/// Generates one version from a located pin: its description with its corrections applied.
pub fn generate_spec(spec: &SpecText) -> Result<(Vec<GeneratedFile>, VersionReport), Error> {
    generate_spec_lowered(spec, &[]).map(|(files, report, _)| (files, report))
}

/// [`generate_spec`], also returning the lowered API (for what compares versions).
fn generate_spec_lowered(
    spec: &SpecText,
    topics: &[crate::webhooks::Topic],
) -> Result<Generated, Error> {
    generate_loaded(
        || crate::load::load_spec(spec),
        &spec.pin.version,
        &spec.pin.provenance_hash(),
        topics,
    )
}

/// `hash`: what the generated headers name (see [`specs::Pin::provenance_hash`]).
fn generate_loaded(
    load: impl FnOnce() -> Result<crate::load::Loaded, Error>,
    version: &str,
    hash: &str,
    topics: &[crate::webhooks::Topic],
) -> Result<Generated, Error> {
    let t0 = Instant::now();
    let loaded = load()?;
    let t1 = Instant::now();
    let mut api = crate::lower::lower(&loaded.doc, version)?;
    crate::webhooks::attach(&mut api, topics);
    crate::webhooks::item_kinds(&mut api, &loaded.doc.raw);
    let t2 = Instant::now();
    let outputs = emit::emit_version(&api, &Provenance::version(version, hash));
    // The public API listing, reviewed in pull requests.
    let listing = GeneratedFile {
        path: layout::api_listing(version),
        contents: crate::surface::render(&api, hash),
    };
    let t3 = Instant::now();
    let mut files = crate::render::render_all(outputs)?;
    let t4 = Instant::now();
    files.push(listing);
    let mut warnings = loaded
        .corrections
        .as_ref()
        .map(|c| c.warnings.clone())
        .unwrap_or_default();
    warnings.extend(api.warnings.iter().cloned());
    let report = VersionReport {
        version: version.to_string(),
        types: api.types.len(),
        operations: api.operations.len(),
        warnings,
        example_members: api.example_members,
        naming_overrides_used: crate::naming::operation_overrides()
            .iter()
            .filter(|(from, _)| api.operations.iter().any(|o| o.operation_id == *from))
            .map(|(from, _)| from.to_string())
            .collect(),
        corrections_applied: loaded.corrections.as_ref().map(|c| c.changes.len()),
        timings: Timings {
            load: t1 - t0,
            lower: t2 - t1,
            emit: t3 - t2,
            render: t4 - t3,
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
    Ok((files, report, api))
}

/// Generates every pinned version of `workspace` (spec texts located with [`specs::locate`]).
pub fn generate(workspace: &Path) -> Result<Generation, Error> {
    let pins = specs::load_pins(workspace)?;
    let mut specs = Vec::new();
    for pin in &pins {
        specs.push(specs::locate(workspace, pin)?);
    }
    generate_from(workspace, &specs)
}

/// Generates from already located specs (one per pin, in version order).
pub fn generate_from(workspace: &Path, specs: &[SpecText]) -> Result<Generation, Error> {
    let mut files = BTreeMap::new();
    let mut reports = Vec::new();
    let mut apis = Vec::new();
    let topics = crate::webhooks::load(workspace)?;
    for result in generate_all(specs, &topics) {
        let (out, report, api) = result?;
        files.extend(out.into_iter().map(|f| (f.path, f.contents)));
        reports.push(report);
        apis.push(api);
    }
    let versions: Vec<String> = specs.iter().map(|s| s.pin.version.clone()).collect();
    let registries = crate::render::render_all(emit::emit_registries(&versions))?;
    files.extend(registries.into_iter().map(|f| (f.path, f.contents)));
    let steps = adjacent_steps(specs, &apis);
    let guides = migration_guides(specs, &apis, &steps);
    if !guides.is_empty() {
        files.insert(layout::migrations_index(), guide::index(&guides));
    }
    let migrations: Vec<guide::Summary> = guides.iter().map(|g| g.summary.clone()).collect();
    files.extend(guides.into_iter().map(|g| (g.path, g.text)));
    let regions = [
        (
            layout::LIB,
            (LIB_BEGIN, LIB_END),
            lib_region(&versions, !migrations.is_empty()),
        ),
        (
            layout::CARGO_TOML,
            (FEATURES_BEGIN, FEATURES_END),
            features_region(&versions),
        ),
        (
            layout::README,
            (README_BEGIN, README_END),
            readme_region(&apis, &reports, &steps),
        ),
    ];
    for (path, (begin, end), body) in regions {
        let text = read(workspace, path)?;
        let replaced = replace_region(&text, begin, end, &body, path)?;
        files.insert(path.to_string(), replaced);
    }
    let warnings = naming_override_warnings(&reports);
    Ok(Generation {
        files,
        reports,
        owned_dirs: layout::owned_dirs(&versions),
        warnings,
        migrations,
    })
}

/// One version generated: its files, its report and its lowered API.
type Generated = (Vec<GeneratedFile>, VersionReport, Api);

/// Every spec generated: versions are independent, so each is generated on its own thread (the
/// results come back in spec order, so the output does not depend on scheduling).
fn generate_all(
    specs: &[SpecText],
    topics: &[crate::webhooks::Topic],
) -> Vec<Result<Generated, Error>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = specs
            .iter()
            .map(|spec| scope.spawn(move || generate_spec_lowered(spec, topics)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::other("internal: a generator thread panicked")))
            })
            .collect()
    })
}

/// Two adjacent pinned versions (indices into the specs and their lowered APIs) and their
/// comparison, the one `cargo xtask diff` prints.
struct Step {
    old: usize,
    new: usize,
    report: crate::diff::Report,
}

/// Every pair of adjacent pinned versions (in [`specs::version_key`] order), compared once: the
/// migration guides and the README's table of versions both read these. `apis` are the lowered
/// `specs`, same order.
fn adjacent_steps(specs: &[SpecText], apis: &[Api]) -> Vec<Step> {
    let mut order: Vec<usize> = (0..specs.len().min(apis.len())).collect();
    order.sort_by_key(|&i| specs::version_key(&specs[i].pin.version));
    order
        .windows(2)
        .map(|w| {
            let (old, new) = (&apis[w[0]], &apis[w[1]]);
            Step {
                old: w[0],
                new: w[1],
                report: crate::diff::compare(old, new, &old.version, &new.version),
            }
        })
        .collect()
}

/// One migration guide per step.
fn migration_guides(specs: &[SpecText], apis: &[Api], steps: &[Step]) -> Vec<guide::Guide> {
    steps
        .iter()
        .map(|step| {
            let (a, b) = (&specs[step.old].pin, &specs[step.new].pin);
            let (ha, hb) = (a.provenance_hash(), b.provenance_hash());
            guide::render(
                &apis[step.old],
                &apis[step.new],
                &step.report,
                &Provenance::pair((&a.version, &ha), (&b.version, &hb)),
            )
        })
        .collect()
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

fn lib_region(versions: &[String], migrations: bool) -> String {
    let mut s = String::new();
    for v in versions {
        let m = naming::version_module(v);
        // Generated code is formatted by prettyplease; rustfmt leaves it alone.
        s.push_str(&format!(
            "#[cfg(feature = \"{m}\")]\n#[cfg_attr(docsrs, doc(cfg(feature = \"{m}\")))]\n#[rustfmt::skip]\npub mod {m};\n"
        ));
    }
    if migrations {
        // Documentation only: present whatever the features.
        s.push_str("#[rustfmt::skip]\npub mod migrations;\n");
    }
    s
}

/// The version the crate's `default` feature enables: the newest stable one (numbered, `2.16`;
/// never a named description such as `Preview`), [`specs::newest_stable`].
pub fn default_version(versions: &[String]) -> Option<&str> {
    specs::newest_stable(versions.iter().map(String::as_str))
}

/// Features of the hand-written runtime that `default` enables besides the newest version (the
/// TLS backend; the features themselves are declared after the generated region).
const RUNTIME_DEFAULT_FEATURES: &[&str] = &["rustls-tls"];

fn features_region(versions: &[String]) -> String {
    let mut s = String::new();
    let default: Vec<String> = default_version(versions)
        .map(naming::version_module)
        .into_iter()
        .chain(RUNTIME_DEFAULT_FEATURES.iter().map(|f| f.to_string()))
        .map(|f| format!("\"{f}\""))
        .collect();
    s.push_str(&format!("default = [{}]\n", default.join(", ")));
    for v in versions {
        s.push_str(&format!("{} = []\n", naming::version_module(v)));
    }
    s
}

/// The README's table of shipped versions, newest first: feature, operations and types (the counts
/// of the `regen:` lines), and what changed from the version before in one line (from the same
/// [`crate::diff::compare`] as `cargo xtask diff`).
fn readme_region(apis: &[Api], reports: &[VersionReport], steps: &[Step]) -> String {
    let versions: Vec<String> = reports.iter().map(|r| r.version.clone()).collect();
    let default = default_version(&versions);
    let mut rows = Vec::new();
    for (i, report) in reports.iter().enumerate() {
        let m = naming::version_module(&report.version);
        let feature = if default == Some(report.version.as_str()) {
            format!("`{m}` (default)")
        } else {
            format!("`{m}`")
        };
        let changed = match steps.iter().find(|s| s.new == i) {
            None => "the oldest version shipped".to_string(),
            Some(step) => {
                let (prev, d) = (&apis[step.old].version, &step.report);
                format!(
                    "from {prev}: {} operations added, {} removed; {} types added, {} removed; {} breaking changes (`migrations::{}`)",
                    d.operations.added,
                    d.operations.removed,
                    d.types.added,
                    d.types.removed,
                    d.count(crate::diff::Class::Breaking),
                    naming::migration_module(prev, &report.version),
                )
            }
        };
        rows.push(format!(
            "| {} | {feature} | {} | {} | {changed} |\n",
            report.version, report.operations, report.types
        ));
    }
    let mut s = String::from(
        "| version | cargo feature | operations | types | what changed |\n|---|---|---|---|---|\n",
    );
    for r in rows.iter().rev() {
        s.push_str(r);
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
            corrections_applied: None,
        }
    }

    #[test]
    fn a_named_version_gets_a_module_and_feature_but_is_never_the_default() {
        let versions: Vec<String> = ["2.10", "2.16", "Preview"].map(String::from).to_vec();
        assert_eq!(
            features_region(&versions),
            "default = [\"v2_16\", \"rustls-tls\"]\nv2_10 = []\nv2_16 = []\nv_preview = []\n"
        );
        assert!(
            lib_region(&versions, false).ends_with(
                "#[cfg(feature = \"v_preview\")]\n#[cfg_attr(docsrs, doc(cfg(feature = \"v_preview\")))]\n#[rustfmt::skip]\npub mod v_preview;\n"
            ),
            "{}",
            lib_region(&versions, false)
        );
        // Only named versions: no default version (the runtime's defaults only).
        assert_eq!(
            features_region(&["Preview".to_string()]),
            "default = [\"rustls-tls\"]\nv_preview = []\n"
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
