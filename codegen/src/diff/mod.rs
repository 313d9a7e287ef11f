//! Spec diff: what changed between two lowered API versions, in the spec and in the generated Rust
//! API, and whether users of the crate break (`cargo xtask diff OLD NEW`).
//!
//! [`compare`] pairs operations ([`match_ops`]), compares their parameters, bodies and responses
//! ([`operations`]) and every named type ([`schemas`]); each finding is a [`Change`] under a stable
//! [`Rule`] with a [`Class`]. [`format`](mod@format) renders the [`Report`] as text, Markdown (a PR comment)
//! or JSON. [`source`] resolves the command's arguments (a pinned version, a file, or
//! `<git-rev>:<version>`) to spec texts.

pub mod format;
pub mod guide;
pub mod match_ops;
pub mod operations;
pub mod rules;
pub mod schemas;
pub mod source;
pub mod webhooks;

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, Operation};
use crate::lower::post_api::{operation_roots, reachable};
use crate::naming;

pub use format::Format;
pub use match_ops::{MatchedBy, Matching, OpPair, match_operations, normalize_path};
pub use rules::{Class, Rule};

/// Which part of the API a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// Operations: the methods of the client.
    Operations,
    /// Schemas: the types in `models`.
    Schemas,
    /// Webhook topics: the variants of `webhooks::Event` (`specs/webhooks.toml`).
    Webhooks,
}

impl Section {
    /// Every section, in report order.
    pub const ALL: [Section; 3] = [Section::Operations, Section::Schemas, Section::Webhooks];

    /// `operations`, `schemas` or `webhooks`.
    pub fn id(self) -> &'static str {
        match self {
            Section::Operations => "operations",
            Section::Schemas => "schemas",
            Section::Webhooks => "webhooks",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Operations, schemas or webhooks.
    pub section: Section,
    /// What it is about: `GET /contacts/{contact_id}` for operations, the Rust type name for
    /// schemas, the topic (`ticket.resolved`) for webhooks.
    pub subject: String,
    /// The generated Rust item it touches, e.g. `v2_11::models::Ticket::ticket_state` or
    /// `v2_11::operations::contacts::retrieve_contact`. Removed items are named in the old version.
    pub item: String,
    /// For a change to something both versions have (a changed field, a renamed method), the same
    /// item in the old version, whose name may differ; `None` for additions and removals. Not
    /// part of the report formats: the migration guides ([`guide`]) name both sides.
    pub old_item: Option<String>,
    /// The rule that found it.
    pub rule: Rule,
    /// What changed, with old and new values.
    pub message: String,
}

impl Change {
    /// The class of the change (that of its rule).
    pub fn class(&self) -> Class {
        self.rule.class()
    }
}

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// How the user named it (`2.10`, `origin/main:2.11`, a file name).
    pub label: String,
    /// API version of the spec.
    pub version: String,
}

/// Counts of added, removed and changed things.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Only in the new version.
    pub added: usize,
    /// Only in the old version.
    pub removed: usize,
    /// In both, with at least one change.
    pub changed: usize,
}

/// An operation whose own signature did not necessarily change but whose request or response
/// types did (listed for reviewers; the type changes themselves are counted under schemas).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Affected {
    /// `GET /contacts/{contact_id}`.
    pub subject: String,
    /// The generated operation item.
    pub item: String,
    /// Changed types reachable from its parameters and request body, with their most severe class.
    pub request_types: Vec<(String, Class)>,
    /// Changed types reachable from its responses, with their most severe class.
    pub response_types: Vec<(String, Class)>,
}

/// The outcome of [`compare`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Old side.
    pub old: Side,
    /// New side.
    pub new: Side,
    /// Every change, sorted by section, subject, item and rule.
    pub changes: Vec<Change>,
    /// Operations added, removed, changed.
    pub operations: Counts,
    /// Named types added, removed, changed.
    pub types: Counts,
    /// Paired operations whose path parameters were only renamed (`{id}` -> `{contact_id}`).
    pub renamed_path_params: usize,
    /// Distinct paths among those.
    pub renamed_param_paths: usize,
    /// Paired operations reaching changed types, sorted by subject.
    pub affected: Vec<Affected>,
}

impl Report {
    /// Number of changes of `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class() == class).count()
    }

    /// The most severe class present, if any change.
    pub fn worst(&self) -> Option<Class> {
        self.changes.iter().map(Change::class).min()
    }

    /// Whether any change is at least as severe as `threshold` (for `--fail-on`).
    pub fn fails(&self, threshold: Class) -> bool {
        self.worst().is_some_and(|w| w.at_least(threshold))
    }

    /// Renders the report.
    pub fn render(&self, format: Format) -> String {
        format::render(self, format)
    }
}

/// `GET /contacts/{contact_id}`.
pub fn op_subject(op: &Operation) -> String {
    format!("{} {}", op.http_method, op.path)
}

/// Compares two lowered versions. `old_label` and `new_label` only name the sides in the report.
pub fn compare(old: &Api, new: &Api, old_label: &str, new_label: &str) -> Report {
    let old_vmod = naming::version_module(&old.version);
    let new_vmod = naming::version_module(&new.version);
    let cx = Context {
        old,
        new,
        old_vmod: &old_vmod,
        new_vmod: &new_vmod,
    };
    let matching = match_operations(&old.operations, &new.operations);
    let mut changes = operations::compare(&cx, &matching);
    let type_changes = schemas::compare(&cx);
    changes.extend(type_changes);
    changes.extend(webhooks::compare(&cx));
    changes.sort();
    changes.dedup();

    let op_changed: BTreeSet<&str> = changes
        .iter()
        .filter(|c| c.section == Section::Operations)
        .map(|c| c.subject.as_str())
        .collect();
    let operations = Counts {
        added: matching.added.len(),
        removed: matching.removed.len(),
        changed: matching
            .pairs
            .iter()
            .filter(|p| op_changed.contains(op_subject(p.new).as_str()))
            .count(),
    };
    let mut types = Counts::default();
    let mut changed_types: BTreeMap<&str, Class> = BTreeMap::new();
    for c in changes.iter().filter(|c| c.section == Section::Schemas) {
        match c.rule {
            Rule::TypeAdded => types.added += 1,
            Rule::TypeRemoved => types.removed += 1,
            _ => {
                let worst = changed_types.entry(c.subject.as_str()).or_insert(c.class());
                *worst = (*worst).min(c.class());
            }
        }
    }
    types.changed = changed_types.len();
    let affected = affected(&cx, &matching, &changed_types);
    Report {
        old: Side {
            label: old_label.to_string(),
            version: old.version.clone(),
        },
        new: Side {
            label: new_label.to_string(),
            version: new.version.clone(),
        },
        renamed_path_params: changes
            .iter()
            .filter(|c| c.rule == Rule::PathParamRenamed)
            .count(),
        renamed_param_paths: matching.renamed_path_params().len(),
        changes,
        operations,
        types,
        affected,
    }
}

/// Both versions and their module names.
pub(crate) struct Context<'a> {
    pub(crate) old: &'a Api,
    pub(crate) new: &'a Api,
    pub(crate) old_vmod: &'a str,
    pub(crate) new_vmod: &'a str,
}

fn affected(cx: &Context<'_>, m: &Matching<'_>, changed: &BTreeMap<&str, Class>) -> Vec<Affected> {
    let mut out = Vec::new();
    for p in &m.pairs {
        let side = |request: bool| -> Vec<(String, Class)> {
            let mut names: BTreeSet<String> = reachable(cx.new, operation_roots(p.new, request));
            names.extend(reachable(cx.old, operation_roots(p.old, request)));
            names
                .into_iter()
                .filter_map(|n| changed.get(n.as_str()).map(|c| (n, *c)))
                .collect()
        };
        let request_types = side(true);
        let response_types = side(false);
        if request_types.is_empty() && response_types.is_empty() {
            continue;
        }
        out.push(Affected {
            subject: op_subject(p.new),
            item: crate::surface::operation_item(cx.new_vmod, p.new),
            request_types,
            response_types,
        });
    }
    out.sort();
    out
}

/// Changes grouped by subject within a section, in report order.
pub fn by_subject(changes: &[Change], section: Section) -> BTreeMap<&str, Vec<&Change>> {
    let mut out: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for c in changes.iter().filter(|c| c.section == section) {
        out.entry(c.subject.as_str()).or_default().push(c);
    }
    out
}
