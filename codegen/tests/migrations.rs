//! The migration guides (`intercom_api::migrations`, issue 18 point 4).
//!
//! - The checked-in guides are one per pair of adjacent pinned versions, listed by
//!   `migrations/mod.rs` and declared in `lib.rs`.
//! - Every Rust path a guide names (its intra-doc link targets) exists in the generated code,
//!   read back with `syn`: types, fields, enum and union variants, operation methods on their
//!   accessor, builder setters. Checked for the checked-in guides against the checked-in crate,
//!   and for guides of the diff fixtures (which exercise every rule) against their generated code.
//! - A guide's counts agree with its sections and with the index.
//!
//! Prints `migration: <old> -> <new>: <n> breaking, <m> potentially breaking, <k> additions` per
//! checked-in guide.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use codegen::emit::GeneratedFile;
use codegen::render::Provenance;

fn progress(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

// ---- an index of the generated items, by the paths a guide links to ----

/// What one generated version defines.
#[derive(Default, Debug)]
struct Index {
    /// Model type -> its members (struct fields, enum variants; empty for aliases).
    types: BTreeMap<String, BTreeSet<String>>,
    /// `(operations module, type)` -> the methods of its impls (accessor methods, builder setters).
    impls: BTreeMap<(String, String), BTreeSet<String>>,
}

impl Index {
    /// Indexes the files (path relative to the version module, contents) of one version.
    fn build<'a>(files: impl IntoIterator<Item = (String, &'a str)>) -> Index {
        let mut index = Index::default();
        for (path, text) in files {
            let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"));
            if let Some(name) = path.strip_prefix("models/") {
                if name == "mod.rs" {
                    continue;
                }
                for item in &file.items {
                    let (name, members): (String, BTreeSet<String>) = match item {
                        syn::Item::Struct(s) => (
                            s.ident.to_string(),
                            s.fields
                                .iter()
                                .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                                .collect(),
                        ),
                        syn::Item::Enum(e) => (
                            e.ident.to_string(),
                            e.variants.iter().map(|v| v.ident.to_string()).collect(),
                        ),
                        syn::Item::Type(t) => (t.ident.to_string(), BTreeSet::new()),
                        _ => continue,
                    };
                    index.types.insert(name, members);
                }
            } else if let Some(name) = path.strip_prefix("operations/") {
                let module = name.trim_end_matches(".rs");
                if module == "mod" {
                    continue;
                }
                for item in &file.items {
                    let syn::Item::Impl(i) = item else { continue };
                    let syn::Type::Path(p) = &*i.self_ty else {
                        continue;
                    };
                    let Some(ty) = p.path.segments.last() else {
                        continue;
                    };
                    let methods = index
                        .impls
                        .entry((module.to_string(), ty.ident.to_string()))
                        .or_default();
                    for it in &i.items {
                        if let syn::ImplItem::Fn(f) = it
                            && matches!(f.vis, syn::Visibility::Public(_))
                        {
                            methods.insert(f.sig.ident.to_string());
                        }
                    }
                }
            }
        }
        assert!(!index.types.is_empty(), "no models");
        assert!(!index.impls.is_empty(), "no operations");
        index
    }

    /// Whether `path` (after `crate::<vmod>`; empty for the module itself) names an item.
    fn has(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split("::").collect();
        match parts.as_slice() {
            [""] => true,
            ["models", ty] => self.types.contains_key(*ty),
            ["models", ty, member] => self.types.get(*ty).is_some_and(|m| m.contains(*member)),
            ["operations", module, ty, method] => self
                .impls
                .get(&(module.to_string(), ty.to_string()))
                .is_some_and(|m| m.contains(*method)),
            _ => false,
        }
    }
}

/// The index of a checked-in version module (`intercom-api/src/<vmod>/`).
fn checked_in_index(vmod: &str) -> Index {
    let base = root().join("intercom-api/src").join(vmod);
    let mut texts = Vec::new();
    for sub in ["models", "operations"] {
        let dir = base.join(sub);
        for f in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let f = f.unwrap_or_else(|e| panic!("{e}")).path();
            let name = f.file_name().and_then(|s| s.to_str()).unwrap_or_default();
            let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{e}"));
            texts.push((format!("{sub}/{name}"), text));
        }
    }
    Index::build(texts.iter().map(|(p, t)| (p.clone(), t.as_str())))
}

// ---- reading a guide ----

/// The Markdown of a guide file: its `//!` docs, read back with `syn`.
fn guide_docs(path: &str, text: &str) -> String {
    let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(file.items.is_empty(), "{path}: a guide holds docs only");
    let mut out = String::new();
    for attr in &file.attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        let syn::Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        if let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = &nv.value
        {
            let v = s.value();
            out.push_str(v.strip_prefix(' ').unwrap_or(&v));
            out.push('\n');
        }
    }
    assert!(!out.is_empty(), "{path}: no docs");
    out
}

/// Every intra-doc link target of `docs` (`[text](target)`), and the link texts without one.
fn links(docs: &str) -> (Vec<String>, Vec<String>) {
    let mut targets = Vec::new();
    let mut bare = Vec::new();
    let mut rest = docs;
    while let Some(open) = rest.find('[') {
        // Escaped brackets are text.
        if open > 0 && rest.as_bytes()[open - 1] == b'\\' {
            rest = &rest[open + 1..];
            continue;
        }
        let Some(close) = rest[open..].find(']').map(|i| i + open) else {
            break;
        };
        let after = &rest[close + 1..];
        if let Some(target) = after.strip_prefix('(') {
            let end = target.find(')').unwrap_or(target.len());
            targets.push(target[..end].to_string());
            rest = &target[end..];
        } else {
            bare.push(rest[open..=close].to_string());
            rest = after;
        }
    }
    (targets, bare)
}

/// The targets of `docs` that name no generated item, given the indexes by version module.
fn unresolved(docs: &str, indexes: &BTreeMap<String, Index>) -> Vec<String> {
    let (targets, bare) = links(docs);
    assert!(bare.is_empty(), "links without a target: {bare:?}");
    assert!(!targets.is_empty(), "no links");
    targets
        .into_iter()
        .filter(|t| {
            let Some(path) = t.strip_prefix("crate::") else {
                return true;
            };
            let (vmod, rest) = path.split_once("::").unwrap_or((path, ""));
            !indexes.get(vmod).is_some_and(|index| index.has(rest))
        })
        .collect()
}

/// The counts of a guide's first paragraph: `(breaking, potentially breaking, additions, other)`.
fn counts(docs: &str) -> (usize, usize, usize, usize) {
    let first = docs.lines().next().unwrap_or_default();
    let tail = first
        .rsplit_once("): ")
        .map(|(_, t)| t)
        .unwrap_or_else(|| panic!("no counts in {first:?}"));
    let n: Vec<usize> = tail
        .split(", ")
        .map(|part| {
            part.split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("not a count: {part:?} in {first:?}"))
        })
        .collect();
    assert_eq!(n.len(), 4, "{first}");
    (n[0], n[1], n[2], n[3])
}

/// For each `# Section (N)`: N, and the sum of its `##` subsections' change counts (the first
/// number in a heading's last parentheses, or, for the additions' `## group: a operations, b
/// types, c members`, a + b + c).
fn section_sums(docs: &str) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    for line in docs.lines() {
        if let Some(h) = line.strip_prefix("# ") {
            let (title, n) = h
                .rsplit_once(" (")
                .unwrap_or_else(|| panic!("no count in {line:?}"));
            let n = n
                .trim_end_matches(')')
                .parse()
                .unwrap_or_else(|_| panic!("{line}"));
            out.push((title.to_string(), n, 0));
        } else if let Some(h) = line.strip_prefix("## ") {
            let sum: usize = if h.ends_with(')') {
                let inner = h.rsplit_once(" (").map(|(_, i)| i).unwrap_or_default();
                inner
                    .split(|c: char| !c.is_ascii_digit())
                    .find(|s| !s.is_empty())
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| panic!("no count in {line:?}"))
            } else {
                let parts = h.rsplit_once(": ").map(|(_, p)| p).unwrap_or_default();
                parts
                    .split(", ")
                    .map(|p| {
                        p.split(' ')
                            .next()
                            .and_then(|n| n.parse::<usize>().ok())
                            .unwrap_or_else(|| panic!("no count in {line:?}"))
                    })
                    .sum()
            };
            out.last_mut()
                .unwrap_or_else(|| panic!("{line:?} before any section"))
                .2 += sum;
        }
    }
    out
}

// ---- tests ----

#[test]
fn checked_in_guides_cover_adjacent_pins_and_name_generated_items() {
    let root = root();
    let pins = codegen::specs::load_pins(&root).unwrap_or_else(|e| panic!("{e}"));
    let mut versions: Vec<String> = pins.iter().map(|p| p.version.clone()).collect();
    versions.sort_by_key(|v| codegen::specs::version_key(v));
    assert!(versions.len() >= 2, "{versions:?}");
    let vmods: Vec<String> = versions
        .iter()
        .map(|v| codegen::naming::version_module(v))
        .collect();
    let indexes: BTreeMap<String, Index> = vmods
        .iter()
        .map(|m| (m.clone(), checked_in_index(m)))
        .collect();

    let dir = root.join("intercom-api/src/migrations");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|f| {
            f.unwrap_or_else(|e| panic!("{e}"))
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let pairs: Vec<(usize, usize)> = (1..versions.len()).map(|i| (i - 1, i)).collect();
    let mut expected: BTreeSet<String> = pairs
        .iter()
        .map(|(a, b)| format!("{}_to_{}.rs", vmods[*a], vmods[*b]))
        .collect();
    expected.insert("mod.rs".to_string());
    assert_eq!(on_disk, expected, "one guide per pair of adjacent pins");

    let lib = std::fs::read_to_string(root.join("intercom-api/src/lib.rs"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        lib.contains("\npub mod migrations;\n"),
        "lib.rs declares no `migrations`"
    );
    let index_text = std::fs::read_to_string(dir.join("mod.rs")).unwrap_or_else(|e| panic!("{e}"));

    for (a, b) in pairs {
        let module = format!("{}_to_{}", vmods[a], vmods[b]);
        let path = format!("intercom-api/src/migrations/{module}.rs");
        let text = std::fs::read_to_string(root.join(&path)).unwrap_or_else(|e| panic!("{e}"));
        let docs = guide_docs(&path, &text);
        assert!(
            index_text.contains(&format!("\npub mod {module};\n")),
            "mod.rs does not declare {module}"
        );

        // Every link names an item of the old or the new version that exists.
        let missing = unresolved(&docs, &indexes);
        assert!(
            missing.is_empty(),
            "{path}: {} paths name nothing in the generated code:\n{}",
            missing.len(),
            missing.join("\n")
        );
        let (targets, _) = links(&docs);
        for vmod in [&vmods[a], &vmods[b]] {
            let prefix = format!("crate::{vmod}::");
            assert!(
                targets.iter().any(|t| t.starts_with(&prefix)),
                "{path}: names no item of {vmod}"
            );
        }

        // The counts: the summary, the sections and the index agree.
        let (breaking, potentially, additions, other) = counts(&docs);
        let sections = section_sums(&docs);
        let titles: Vec<&str> = sections.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Breaking changes",
                "Potentially breaking changes",
                "Additions",
                "Other changes"
            ],
            "{path}: sections, breaking changes first"
        );
        for ((title, n, sum), expected) in
            sections
                .iter()
                .zip([breaking, potentially, additions, other])
        {
            assert_eq!(*n, expected, "{path}: `# {title}` vs the summary");
            assert_eq!(*sum, *n, "{path}: `# {title}`: its subsections count {sum}");
        }
        let row = format!(
            "| {} | {} | {breaking} | {potentially} | {additions} | {other} | [`{module}`] |",
            versions[a], versions[b]
        );
        assert!(index_text.contains(&row), "mod.rs has no row {row}");
        progress(&format!(
            "migration: {} -> {}: {breaking} breaking, {potentially} potentially breaking, {additions} additions",
            versions[a], versions[b]
        ));
    }
}

fn generate(text: &str, version: &str) -> Vec<GeneratedFile> {
    codegen::workspace::generate_version(text, version, "0")
        .unwrap_or_else(|e| panic!("generate {version}: {e}"))
        .0
}

fn fixture_index(vmod: &str, files: &[GeneratedFile]) -> Index {
    let prefix = format!("intercom-api/src/{vmod}/");
    Index::build(files.iter().filter_map(|f| {
        f.path
            .strip_prefix(&prefix)
            .map(|p| (p.to_string(), f.contents.as_str()))
    }))
}

/// The diff fixtures exercise every rule: the guides of both pairs name only generated items, and
/// name both sides of renamed and moved operations.
#[test]
fn fixture_guides_name_generated_items() {
    let dir = root().join("codegen/tests/fixtures/diff");
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(format!("{name}.yaml")))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let mut rules = BTreeSet::new();
    let mut moved = 0;
    for pair in ["ops", "schemas"] {
        let (old_text, new_text) = (read(&format!("{pair}_old")), read(&format!("{pair}_new")));
        let old = codegen::lower_str(&old_text, "1.0").unwrap_or_else(|e| panic!("{e}"));
        let new = codegen::lower_str(&new_text, "1.1").unwrap_or_else(|e| panic!("{e}"));
        let report = codegen::diff::compare(&old, &new, "1.0", "1.1");
        rules.extend(report.changes.iter().map(|c| c.rule));
        let guide = codegen::diff::guide::render(&old, &new, &report, &Provenance::all());
        let indexes = BTreeMap::from([
            (
                "v1_0".to_string(),
                fixture_index("v1_0", &generate(&old_text, "1.0")),
            ),
            (
                "v1_1".to_string(),
                fixture_index("v1_1", &generate(&new_text, "1.1")),
            ),
        ]);
        let docs = guide_docs(&guide.path, &guide.text);
        let missing = unresolved(&docs, &indexes);
        assert!(
            missing.is_empty(),
            "{pair}: {} paths name nothing in the generated code:\n{}\n\n{docs}",
            missing.len(),
            missing.join("\n")
        );
        let s = &guide.summary;
        assert_eq!(
            counts(&docs),
            (s.breaking, s.potentially_breaking, s.additions, s.other)
        );
        for (title, n, sum) in section_sums(&docs) {
            assert_eq!(
                sum, n,
                "{pair}: `# {title}`: its subsections count {sum}\n\n{docs}"
            );
        }
        // A renamed or moved operation names its method on both sides, on one line.
        for c in report.changes.iter().filter(|c| {
            matches!(
                c.rule,
                codegen::diff::Rule::OperationRenamed | codegen::diff::Rule::OperationMoved
            )
        }) {
            moved += 1;
            let method = |item: &str| item.rsplit("::").next().unwrap_or_default().to_string();
            let old_item = c.old_item.as_deref().unwrap_or_else(|| panic!("{c:?}"));
            let (old_method, new_method) = (method(old_item), method(&c.item));
            let line = docs
                .lines()
                .find(|l| {
                    l.contains(&format!("::{old_method})"))
                        && l.contains(&format!("::{new_method})"))
                        && l.contains("(crate::v1_0::operations::")
                        && l.contains("(crate::v1_1::operations::")
                })
                .unwrap_or_else(|| panic!("no line names both sides of {c:?}\n\n{docs}"));
            assert!(
                line.find("v1_0") < line.find("v1_1"),
                "old side first: {line}"
            );
        }
    }
    assert!(moved >= 2, "the fixtures rename and move operations");
    assert!(
        rules.len() > 40,
        "the fixtures exercise {} rules",
        rules.len()
    );
}
