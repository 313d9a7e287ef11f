//! Migration guides: the [`Report`] between two adjacent pinned versions rendered as a rustdoc
//! page, `intercom_api::migrations::<old>_to_<new>` (`intercom-api/src/migrations/`, written by
//! `cargo xtask regen`; the files hold `//!` docs only, so they compile with any feature set).
//!
//! A page lists breaking changes first (operations removed, renamed or moved, with their
//! counterpart; other operation signatures; types removed; types changed), then potentially
//! breaking ones, then additions grouped by tag module (operations by their tag, new types by
//! their group, new members by the group of their type), then the other non-breaking changes,
//! which need no code change. Changes are grouped per operation and per type, and runs of one rule
//! on one type are one line, so a page stays skimmable.
//!
//! Every Rust item is an intra-doc link to its path in the version it belongs to
//! (`crate::v2_11::models::Ticket`; methods on their accessor, optional parameters on their
//! builder), so `cargo doc --all-features` resolves every one of them; a page allows broken links
//! when one of its two version features is off. The link targets are checked against the generated
//! code by `codegen/tests/migrations.rs`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Change, Class, Report, Rule, Section, match_operations};
use crate::ir::{Api, Operation, TypeDef, TypeKind};
use crate::naming;
use crate::render::{Provenance, header};
use crate::surface::{field_type, return_type, rust_type, variant_payload};

/// A section of a guide: what a change means for code moving to the new version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// [`Class::Breaking`].
    Breaking,
    /// [`Class::PotentiallyBreaking`].
    PotentiallyBreaking,
    /// A non-breaking change that adds something users can now write ([`is_addition`]).
    Addition,
    /// Any other non-breaking change: nothing users write changes.
    Other,
}

/// Whether a (non-breaking) rule adds something to the Rust API: an operation, a type, a field, a
/// value, a variant, a setter.
pub fn is_addition(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::OperationAdded
            | Rule::ParamAddedOptional
            | Rule::RequestBodyAddedOptional
            | Rule::TypeAdded
            | Rule::PropertyAdded
            | Rule::EnumValueAdded
            | Rule::UnionVariantAdded
            | Rule::WebhookTopicAdded
    )
}

/// The section of `change`.
pub fn kind(change: &Change) -> Kind {
    match change.class() {
        Class::Breaking => Kind::Breaking,
        Class::PotentiallyBreaking => Kind::PotentiallyBreaking,
        Class::NonBreaking if is_addition(change.rule) => Kind::Addition,
        Class::NonBreaking => Kind::Other,
    }
}

/// The counts of a guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Old version (`2.11`).
    pub old: String,
    /// New version.
    pub new: String,
    /// Breaking changes.
    pub breaking: usize,
    /// Potentially breaking changes.
    pub potentially_breaking: usize,
    /// Additions.
    pub additions: usize,
    /// Other non-breaking changes.
    pub other: usize,
}

impl Summary {
    /// Counts the changes of `report` per [`Kind`].
    pub fn of(report: &Report) -> Summary {
        let count = |k: Kind| report.changes.iter().filter(|c| kind(c) == k).count();
        Summary {
            old: report.old.version.clone(),
            new: report.new.version.clone(),
            breaking: count(Kind::Breaking),
            potentially_breaking: count(Kind::PotentiallyBreaking),
            additions: count(Kind::Addition),
            other: count(Kind::Other),
        }
    }

    /// `migration: 2.11 -> 2.14: 174 breaking, 22 potentially breaking, 306 additions`.
    pub fn line(&self) -> String {
        format!(
            "migration: {} -> {}: {} breaking, {} potentially breaking, {} additions",
            self.old, self.new, self.breaking, self.potentially_breaking, self.additions
        )
    }

    /// `v2_11_to_v2_14`: the module of the guide.
    pub fn module(&self) -> String {
        naming::migration_module(&self.old, &self.new)
    }
}

/// One rendered guide.
#[derive(Debug, Clone)]
pub struct Guide {
    /// Its counts.
    pub summary: Summary,
    /// Workspace-relative path (`intercom-api/src/migrations/v2_11_to_v2_14.rs`).
    pub path: String,
    /// The file.
    pub text: String,
}

/// Renders the guide of `report`: the comparison of `old` with `new` by [`super::compare`], the
/// one `cargo xtask diff` prints.
pub fn render(old: &Api, new: &Api, report: &Report, provenance: &Provenance) -> Guide {
    let summary = Summary::of(report);
    let matching = match_operations(&old.operations, &new.operations);
    let page = Page {
        old: SideIndex::new(old),
        new: SideIndex::new(new),
        new_of: matching
            .pairs
            .iter()
            .map(|p| (std::ptr::from_ref(p.old), p.new))
            .collect(),
        old_of: matching
            .pairs
            .iter()
            .map(|p| (std::ptr::from_ref(p.new), p.old))
            .collect(),
    };
    let mut doc = Doc::default();
    page.write(report, &summary, &mut doc);
    let (ov, nv) = (&page.old.vmod, &page.new.vmod);
    let mut text = header(provenance);
    text.push('\n');
    text.push_str(&doc.into_inner_docs());
    // Links name items of both version modules: without one of the features they cannot resolve.
    let _ = writeln!(
        text,
        "#![cfg_attr(not(all(feature = \"{ov}\", feature = \"{nv}\")), allow(rustdoc::broken_intra_doc_links))]"
    );
    Guide {
        path: crate::layout::migration_guide(&summary.module()),
        summary,
        text,
    }
}

/// `intercom-api/src/migrations/mod.rs`: what the guides are, and one row per guide.
pub fn index(guides: &[Guide]) -> String {
    let mut doc = Doc::default();
    doc.para(
        "Migration guides: what changes for code moving from one API version module of this crate to the next, one page per pair of adjacent versions.",
    );
    doc.para(
        "Each page lists the breaking changes first (operations removed, renamed or moved, with their counterpart; changed signatures: parameters added, removed or retyped; types removed; members removed or retyped), then the potentially breaking ones (code compiles for most users), then the additions grouped by tag, then the changes that need no code change (members that became optional or nullable, deprecations, documented statuses). Every item links to its Rust path in the version it belongs to: the links resolve when both versions' features are enabled, as on docs.rs.",
    );
    doc.para(
        "The pages are generated by `cargo xtask regen` from the pinned specs, with the comparison `cargo xtask diff <old> <new>` prints one change per line (with the rule that classed it).",
    );
    doc.line("| from | to | breaking | potentially breaking | additions | other | guide |");
    doc.line("|---|---|---:|---:|---:|---:|---|");
    for g in guides {
        let s = &g.summary;
        doc.line(&format!(
            "| {} | {} | {} | {} | {} | {} | [`{m}`] |",
            s.old,
            s.new,
            s.breaking,
            s.potentially_breaking,
            s.additions,
            s.other,
            m = s.module()
        ));
    }
    let mut text = header(&Provenance::all());
    text.push('\n');
    text.push_str(&doc.into_inner_docs());
    for g in guides {
        let _ = writeln!(text, "pub mod {};", g.summary.module());
    }
    text
}

// ---- Markdown ----

/// Markdown lines of a doc comment.
#[derive(Default)]
struct Doc {
    lines: Vec<String>,
}

impl Doc {
    fn line(&mut self, s: &str) {
        self.lines.push(s.to_string());
    }

    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    fn para(&mut self, s: &str) {
        self.blank();
        self.line(s);
        self.blank();
    }

    fn heading(&mut self, level: usize, s: &str) {
        self.para(&format!("{} {s}", "#".repeat(level)));
    }

    /// `//! line` per line (`//!` alone for a blank one).
    fn into_inner_docs(mut self) -> String {
        while self.lines.last().is_some_and(String::is_empty) {
            self.lines.pop();
        }
        let mut out = String::new();
        for l in self.lines {
            if l.is_empty() {
                out.push_str("//!\n");
            } else {
                let _ = writeln!(out, "//! {l}");
            }
        }
        out
    }
}

/// `s` as inline Markdown text: code spans (between backticks) kept, characters that Markdown or
/// rustdoc would read as markup escaped elsewhere.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_code = false;
    for c in s.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            '\\' | '*' | '_' | '[' | ']' | '<' | '#' | '|' | '&' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    if in_code {
        // An unbalanced backtick: close the span rather than swallow the rest of the page.
        out.push('`');
    }
    out
}

/// `` `s` `` (a code span; `s` holds no backtick: Rust types and paths).
fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'"))
}

/// `[`shown`](crate::path)`.
fn link(shown: &str, target: &str) -> String {
    format!("[{}](crate::{target})", code(shown))
}

/// `1 change`, `2 changes`: `what` is the singular, `+ "s"` the plural.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Groups of at least this many entries say how to read them.
const LONG: usize = 40;

fn long_note(doc: &mut Doc, n: usize, how: &str) {
    if n >= LONG {
        doc.para(&format!("*A long list ({n} entries): {how}.*"));
    }
}

// ---- the two sides ----

/// One version and the lookups the page needs.
struct SideIndex<'a> {
    api: &'a Api,
    vmod: String,
    /// `(module, method)` -> operation.
    ops: BTreeMap<(&'a str, &'a str), &'a Operation>,
}

impl<'a> SideIndex<'a> {
    fn new(api: &'a Api) -> Self {
        SideIndex {
            api,
            vmod: naming::version_module(&api.version),
            ops: api
                .operations
                .iter()
                .map(|o| ((o.module.as_str(), o.method_name.as_str()), o))
                .collect(),
        }
    }

    /// What a diff item (`v2_11::models::T::f`, `v2_11::operations::m::f(p)`) names, when it is
    /// of this version.
    fn item(&self, item: &str) -> Option<Item<'a>> {
        let rest = item.strip_prefix(&self.vmod)?.strip_prefix("::")?;
        if let Some(rest) = rest.strip_prefix("operations::") {
            let (call, param) = match rest.split_once('(') {
                Some((c, p)) => (c, Some(p.trim_end_matches(')'))),
                None => (rest, None),
            };
            let (module, method) = call.split_once("::")?;
            let op = *self.ops.get(&(module, method))?;
            return Some(match param {
                None => Item::Op(op),
                Some(p) => Item::Param(op, p.to_string()),
            });
        }
        let rest = rest.strip_prefix("models::")?;
        let (ty, member) = match rest.split_once("::") {
            Some((t, m)) => (t, Some(m)),
            None => (rest, None),
        };
        let def = self.api.types.get(ty)?;
        Some(match member {
            None => Item::Type(def),
            Some(m) => Item::Member(def, m.to_string()),
        })
    }

    /// `v2_11::operations::contacts::Contacts::show_contact`: the method (on its accessor).
    fn op_path(&self, op: &Operation) -> String {
        format!(
            "{}::operations::{}::{}::{}",
            self.vmod, op.module, op.accessor, op.method_name
        )
    }

    /// `client.v2_11().contacts().show_contact()`, linked to the method.
    fn op_link(&self, op: &Operation) -> String {
        link(
            &format!(
                "client.{}().{}().{}()",
                self.vmod, op.module, op.method_name
            ),
            &self.op_path(op),
        )
    }

    /// `v2_11::models::Ticket`.
    fn type_path(&self, name: &str) -> String {
        format!("{}::models::{name}", self.vmod)
    }

    /// `v2_11::models::Ticket`, linked.
    fn type_link(&self, name: &str) -> String {
        let path = self.type_path(name);
        link(&path, &path)
    }

    /// `v2_11`, linked to `path` (an item of this version).
    fn version_link(&self, path: &str) -> String {
        link(&self.vmod, path)
    }

    /// `Ticket`, linked.
    fn short_type_link(&self, name: &str) -> String {
        link(name, &format!("{}::models::{name}", self.vmod))
    }

    /// A member of a type or a parameter of an operation, linked when it is a Rust item of its own
    /// (a field, a variant, a builder setter); a required parameter is an argument of the method.
    fn member_text(&self, item: &Item<'_>) -> Option<String> {
        match item {
            Item::Member(def, m) => Some(link(
                m,
                &format!("{}::models::{}::{m}", self.vmod, def.name),
            )),
            Item::Param(op, p) => Some(if Self::is_argument(item) {
                format!("argument {}", code(p))
            } else {
                link(
                    &format!(".{p}()"),
                    &format!(
                        "{}::operations::{}::{}::{p}",
                        self.vmod, op.module, op.builder
                    ),
                )
            }),
            Item::Op(_) | Item::Type(_) => None,
        }
    }

    /// Whether `item` is a required parameter or body: an argument of the method, which the
    /// diff's message names already.
    fn is_argument(item: &Item<'_>) -> bool {
        match item {
            Item::Param(op, p) if p == "body" => op.body.as_ref().is_some_and(|b| b.required),
            Item::Param(op, p) => op
                .parameters
                .iter()
                .any(|q| q.rust_name == *p && q.required),
            _ => false,
        }
    }

    /// A short description of a member for compact lists: a field's type, an enum value, a
    /// variant's payload, a parameter's type.
    fn member_detail(&self, item: &Item<'_>) -> Option<String> {
        match item {
            Item::Member(def, m) => match &def.kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .find(|f| f.rust_name == *m)
                    .map(|f| code(&field_type(def.usage, f))),
                TypeKind::Enum(e) => e
                    .variants
                    .iter()
                    .find(|v| v.rust_name == *m)
                    .map(|v| code(&format!("{:?}", v.wire))),
                TypeKind::Union(u) => u
                    .variants
                    .iter()
                    .find(|v| v.rust_name == *m)
                    .map(|v| code(&variant_payload(v))),
                TypeKind::Alias(_) => None,
            },
            Item::Param(op, p) if p == "body" => op.body.as_ref().map(|b| code(&rust_type(&b.ty))),
            Item::Param(op, p) => op
                .parameters
                .iter()
                .find(|q| q.rust_name == *p)
                .map(|q| code(&rust_type(&q.ty))),
            Item::Op(_) | Item::Type(_) => None,
        }
    }
}

/// What a diff item names in one version.
enum Item<'a> {
    Op(&'a Operation),
    Param(&'a Operation, String),
    Type(&'a TypeDef),
    Member(&'a TypeDef, String),
}

/// `struct`, `enum`, `union`, `alias`.
fn kind_word(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) => "union",
        TypeKind::Alias(_) => "alias",
    }
}

/// Rules whose runs on one operation or type are one line: a phrase, then each member with its
/// detail (the detail is read from the old version for removals).
fn compact(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::PropertyAdded => "new fields",
        Rule::RequestPropertyAdded => {
            "new optional fields (struct literals need `..Default::default()` or `..T::new(..)`)"
        }
        Rule::RequestPropertyAddedRequired => "new required fields",
        Rule::PropertyRemoved => "fields removed",
        Rule::EnumValueAdded => "new values",
        Rule::EnumValueRemoved => "values removed (they now decode as `Unknown`)",
        Rule::UnionVariantAdded => "new variants",
        Rule::UnionVariantRemoved => "variants removed",
        Rule::PropertyBecameOptional => "became optional",
        Rule::PropertyBecameRequired => "became required",
        Rule::PropertyBecameNullable => "became nullable",
        Rule::PropertyBecameNonNullable => "no longer nullable",
        Rule::ParamAddedOptional => "new optional parameters",
        Rule::ParamRemoved => "parameters removed",
        _ => return None,
    })
}

/// Rules whose compact lists name members only (the change itself has no Rust side).
fn names_only(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::PropertyBecameOptional
            | Rule::PropertyBecameRequired
            | Rule::PropertyBecameNullable
            | Rule::PropertyBecameNonNullable
    )
}

/// The changes of one operation or one type within a section.
struct Owner<'c> {
    section: Section,
    subject: &'c str,
    changes: Vec<&'c Change>,
}

struct Page<'a> {
    old: SideIndex<'a>,
    new: SideIndex<'a>,
    /// The operations `match_operations` paired, old -> new (keyed by address: operations have no
    /// other identity across the two versions).
    new_of: BTreeMap<*const Operation, &'a Operation>,
    /// The same pairs, new -> old.
    old_of: BTreeMap<*const Operation, &'a Operation>,
}

impl Page<'_> {
    fn item_of(&self, item: &str) -> Option<(bool, Item<'_>)> {
        if let Some(i) = self.new.item(item) {
            return Some((true, i));
        }
        self.old.item(item).map(|i| (false, i))
    }

    fn side(&self, new: bool) -> &SideIndex<'_> {
        if new { &self.new } else { &self.old }
    }

    fn write(&self, report: &Report, s: &Summary, doc: &mut Doc) {
        let (ov, nv) = (&self.old.vmod, &self.new.vmod);
        doc.para(&format!(
            "Moving from Intercom API {} ([`{ov}`](crate::{ov})) to {} ([`{nv}`](crate::{nv})): {} breaking, {} potentially breaking, {} additions, {} other changes.",
            s.old, s.new, s.breaking, s.potentially_breaking, s.additions, s.other
        ));
        let (o, t) = (report.operations, report.types);
        doc.para(&format!(
            "Operations: {} added, {} removed, {} changed; types: {} added, {} removed, {} changed. The same comparison as `cargo xtask diff {} {}`, which prints one change per line with the rule that classed it. Each item links to its Rust path in the version it belongs to (both features, `{ov}` and `{nv}`, must be enabled for the links to resolve).",
            o.added, o.removed, o.changed, t.added, t.removed, t.changed, s.old, s.new
        ));

        let in_kind =
            |k: Kind| -> Vec<&Change> { report.changes.iter().filter(|c| kind(c) == k).collect() };

        for (k, title, intro) in KIND_SECTIONS {
            let changes = in_kind(k);
            if !kind_heading(doc, title, &changes, intro) {
                continue;
            }
            match k {
                Kind::Breaking => self.breaking(doc, &changes),
                // Additions, by tag module.
                Kind::Addition => self.additions(doc, &changes),
                Kind::PotentiallyBreaking | Kind::Other => self.operations_and_types(doc, &changes),
            }
        }
    }

    /// The breaking changes: operations removed, renamed or moved; operation signatures; types
    /// removed; types changed.
    fn breaking(&self, doc: &mut Doc, breaking: &[&Change]) {
        let owners = owners(breaking);
        let (ops, rest): (Vec<&Owner>, Vec<&Owner>) = owners
            .iter()
            .partition(|o| o.section == Section::Operations);
        let (topics, types): (Vec<&Owner>, Vec<&Owner>) = rest
            .into_iter()
            .partition(|o| o.section == Section::Webhooks);
        let (moved, signatures): (Vec<&Owner>, Vec<&Owner>) = ops.into_iter().partition(|o| {
            o.changes.iter().any(|c| {
                matches!(
                    c.rule,
                    Rule::OperationRemoved | Rule::OperationRenamed | Rule::OperationMoved
                )
            })
        });
        let (removed_types, changed_types): (Vec<&Owner>, Vec<&Owner>) = types
            .into_iter()
            .partition(|o| o.changes.iter().any(|c| c.rule == Rule::TypeRemoved));
        self.owner_list(
            doc,
            "Operations removed, renamed or moved",
            "operation",
            &moved,
        );
        self.owner_list(
            doc,
            "Operation signatures: parameters, request bodies, return types",
            "operation",
            &signatures,
        );
        self.removed_types(doc, &removed_types);
        self.owner_list(
            doc,
            "Types changed: members removed, renamed or retyped",
            "type",
            &changed_types,
        );
        self.owner_list(
            doc,
            "Webhook topics removed or retyped (`webhooks::Event` variants)",
            "topic",
            &topics,
        );
    }

    /// Changes listed per operation, then per type.
    fn operations_and_types(&self, doc: &mut Doc, changes: &[&Change]) {
        let owners = owners(changes);
        let (ops, rest): (Vec<&Owner>, Vec<&Owner>) = owners
            .iter()
            .partition(|o| o.section == Section::Operations);
        let (topics, types): (Vec<&Owner>, Vec<&Owner>) = rest
            .into_iter()
            .partition(|o| o.section == Section::Webhooks);
        self.owner_list(doc, "Operations", "operation", &ops);
        self.owner_list(doc, "Types", "type", &types);
        self.owner_list(doc, "Webhook topics", "topic", &topics);
    }

    /// A heading, then one entry per operation or type.
    fn owner_list(&self, doc: &mut Doc, heading: &str, what: &str, owners: &[&Owner<'_>]) {
        if owners.is_empty() {
            return;
        }
        let n: usize = owners.iter().map(|o| o.changes.len()).sum();
        doc.heading(
            2,
            &format!(
                "{heading} ({}, {})",
                count(n, "change"),
                count(owners.len(), what)
            ),
        );
        long_note(
            doc,
            owners.len(),
            &format!("one entry per {what}, sorted by name"),
        );
        for o in owners {
            self.owner(doc, o);
        }
        doc.blank();
    }

    /// `- header: change` or `- header:` and one sub-item per line of changes.
    fn owner(&self, doc: &mut Doc, o: &Owner<'_>) {
        let header = self.owner_header(o);
        let lines = self.change_lines(o);
        match lines.as_slice() {
            [one] => doc.line(&format!("- {header}: {one}")),
            _ => {
                doc.line(&format!("- {header}:"));
                for l in &lines {
                    doc.line(&format!("  - {l}"));
                }
            }
        }
    }

    /// The operation or type on both sides: `name (v2_11 -> v2_14)` when its name did not change,
    /// `old -> new` when it did, or the one side that has it.
    fn owner_header(&self, o: &Owner<'_>) -> String {
        match o.section {
            Section::Operations => {
                let mut old = None;
                let mut new = None;
                for c in &o.changes {
                    for it in std::iter::once(&c.item).chain(c.old_item.as_ref()) {
                        match self.item_of(it) {
                            Some((true, Item::Op(op) | Item::Param(op, _))) => new = Some(op),
                            Some((false, Item::Op(op) | Item::Param(op, _))) => old = Some(op),
                            _ => {}
                        }
                    }
                }
                if new.is_none() {
                    new = old.and_then(|op| self.new_of.get(&std::ptr::from_ref(op)).copied());
                }
                if old.is_none() {
                    old = new.and_then(|op| self.old_of.get(&std::ptr::from_ref(op)).copied());
                }
                let route = code(o.subject);
                let call = |op: &Operation| format!("{}().{}()", op.module, op.method_name);
                match (old, new) {
                    (Some(a), Some(b)) if call(a) == call(b) => format!(
                        "{} {route} ({} -> {})",
                        code(&call(b)),
                        self.old.version_link(&self.old.op_path(a)),
                        self.new.version_link(&self.new.op_path(b))
                    ),
                    (Some(a), Some(b)) => format!(
                        "{} -> {} ({route})",
                        self.old.op_link(a),
                        self.new.op_link(b)
                    ),
                    (Some(a), None) => format!("{} ({route})", self.old.op_link(a)),
                    (None, Some(b)) => format!("{} ({route})", self.new.op_link(b)),
                    (None, None) => route,
                }
            }
            Section::Webhooks => {
                let variant = o
                    .changes
                    .first()
                    .and_then(|c| c.item.split_once("::"))
                    .map_or(String::new(), |(_, path)| format!(" ({})", code(path)));
                format!("topic {}{variant}", code(o.subject))
            }
            Section::Schemas => {
                let name = o.subject;
                match (
                    self.old.api.types.contains_key(name),
                    self.new.api.types.contains_key(name),
                ) {
                    (true, true) => format!(
                        "{} ({} -> {})",
                        code(name),
                        self.old.version_link(&self.old.type_path(name)),
                        self.new.version_link(&self.new.type_path(name))
                    ),
                    (true, false) => self.old.type_link(name),
                    (false, true) => self.new.type_link(name),
                    (false, false) => code(name),
                }
            }
        }
    }

    /// The changes of one owner as lines: runs of a [`compact`] rule joined, others one each.
    fn change_lines(&self, o: &Owner<'_>) -> Vec<String> {
        let mut by_rule: Vec<(Rule, Vec<&Change>)> = Vec::new();
        for c in &o.changes {
            match by_rule.iter_mut().find(|(r, _)| *r == c.rule) {
                Some((_, v)) if compact(c.rule).is_some() => v.push(c),
                _ => by_rule.push((c.rule, vec![c])),
            }
        }
        let mut lines = Vec::new();
        for (rule, changes) in by_rule {
            match compact(rule) {
                Some(phrase) => {
                    let members: Vec<String> = changes
                        .iter()
                        .map(|c| self.compact_member(c, names_only(rule)))
                        .collect();
                    lines.push(format!("{phrase}: {}", members.join(", ")));
                }
                None => lines.extend(changes.iter().map(|c| self.change_line(c))),
            }
        }
        lines
    }

    /// `[name](path) (detail)` for a compact list.
    fn compact_member(&self, c: &Change, names_only: bool) -> String {
        let Some((is_new, item)) = self.item_of(&c.item) else {
            return format!("{} ({})", code(&c.item), text(&c.message));
        };
        let side = self.side(is_new);
        let name = side.member_text(&item).unwrap_or_else(|| code(&c.item));
        if names_only {
            return name;
        }
        match side.member_detail(&item) {
            Some(d) => format!("{name} {d}"),
            None => format!("{name} ({})", text(&c.message)),
        }
    }

    /// One change: the member it is about (both sides when its name changed), then what changed.
    fn change_line(&self, c: &Change) -> String {
        let (new_side, old_side) = (
            self.new.item(&c.item),
            c.old_item.as_deref().and_then(|i| self.old.item(i)),
        );
        match c.rule {
            Rule::OperationRemoved => {
                return format!(
                    "removed; {} has no operation matched to it (by operationId, or by method and path)",
                    self.new.api.version
                );
            }
            Rule::OperationRenamed => {
                if let (Some(Item::Op(n)), Some(Item::Op(o))) = (&new_side, &old_side) {
                    return format!(
                        "renamed: operationId {} -> {}, method {} -> {}",
                        code(&o.operation_id),
                        code(&n.operation_id),
                        code(&o.method_name),
                        code(&n.method_name)
                    );
                }
            }
            Rule::OperationMoved => {
                if let (Some(Item::Op(n)), Some(Item::Op(o))) = (&new_side, &old_side) {
                    return format!(
                        "moved from tag {} (`{}()`) to tag {} (`{}()`)",
                        code(&o.tag),
                        o.module,
                        code(&n.tag),
                        n.module
                    );
                }
            }
            _ => {}
        }
        // A removal names the item in the old version.
        let removed = || self.old.item(&c.item);
        if new_side.as_ref().is_some_and(SideIndex::is_argument)
            || (new_side.is_none() && removed().as_ref().is_some_and(SideIndex::is_argument))
        {
            return text(&c.message);
        }
        let renamed = c.old_item.as_deref().map(member_name) != Some(member_name(&c.item));
        let member = match (&new_side, &old_side) {
            (Some(n), Some(o)) => {
                let (nt, ot) = (self.new.member_text(n), self.old.member_text(o));
                match (ot, nt) {
                    (Some(ot), Some(nt)) if renamed => Some(format!("{ot} -> {nt}")),
                    (_, Some(nt)) => Some(nt),
                    (ot, None) => ot,
                }
            }
            (Some(n), None) => self.new.member_text(n),
            (None, _) => removed().and_then(|o| self.old.member_text(&o)),
        };
        match member {
            Some(m) => format!("{m}: {}", text(&c.message)),
            None => text(&c.message),
        }
    }

    /// `Types removed`: one compact list.
    fn removed_types(&self, doc: &mut Doc, owners: &[&Owner<'_>]) {
        if owners.is_empty() {
            return;
        }
        doc.heading(2, &format!("Types removed ({})", owners.len()));
        doc.para(&format!(
            "Code naming these types no longer compiles; {} has no type of the same name (a type that was renamed appears here and under the additions).",
            self.new.api.version
        ));
        let names: Vec<String> = owners
            .iter()
            .map(|o| match self.old.api.types.get(o.subject) {
                Some(def) => format!(
                    "{} ({})",
                    self.old.short_type_link(o.subject),
                    kind_word(&def.kind)
                ),
                None => code(o.subject),
            })
            .collect();
        doc.para(&names.join(", "));
    }

    /// Additions grouped by tag module: new operations, new types, new members of existing
    /// operations and types.
    fn additions(&self, doc: &mut Doc, changes: &[&Change]) {
        let mut groups: BTreeMap<(bool, String), AdditionGroup> = BTreeMap::new();
        for c in changes {
            if c.section == Section::Webhooks {
                let g = groups.entry((true, "webhooks".to_string())).or_default();
                g.topics.push(c);
                continue;
            }
            let group = match self.new.item(&c.item) {
                Some(Item::Op(op) | Item::Param(op, _)) => op.module.clone(),
                Some(Item::Type(def) | Item::Member(def, _)) => def.module.clone(),
                None => String::new(),
            };
            // Tag groups first, then `shared` and `unreferenced` (no operation of their own).
            let has_ops = self.new.api.operations.iter().any(|o| o.module == group);
            let g = groups.entry((!has_ops, group)).or_default();
            match c.rule {
                Rule::OperationAdded => g.ops.push(c),
                Rule::TypeAdded => g.types.push(c),
                _ => g.members.push(c),
            }
        }
        for ((_, group), g) in &groups {
            self.addition_group(doc, group, g);
        }
    }

    /// One group's additions: a heading with the counts, then the new operations, the new types
    /// and the new members per owner.
    fn addition_group(&self, doc: &mut Doc, group: &str, g: &AdditionGroup<'_>) {
        let tag = self
            .new
            .api
            .operations
            .iter()
            .find(|o| o.module == *group)
            .map(|o| o.tag.as_str());
        let what = match (group, tag) {
            (_, Some(tag)) => format!("{} (tag {})", code(&format!("{group}()")), code(tag)),
            ("shared", None) => "Types used by several tags (`shared`)".to_string(),
            ("unreferenced", None) => "Types no operation uses (`unreferenced`)".to_string(),
            (g, None) => code(g),
        };
        let mut parts = Vec::new();
        if !g.ops.is_empty() {
            parts.push(count(g.ops.len(), "operation"));
        }
        if !g.types.is_empty() {
            parts.push(count(g.types.len(), "type"));
        }
        if !g.members.is_empty() {
            parts.push(count(g.members.len(), "member"));
        }
        if !g.topics.is_empty() {
            parts.push(count(g.topics.len(), "webhook topic"));
        }
        doc.heading(2, &format!("{what}: {}", parts.join(", ")));
        for c in &g.ops {
            match self.new.item(&c.item) {
                Some(Item::Op(op)) => doc.line(&format!(
                    "- new operation {} ({}), returns {}",
                    self.new.op_link(op),
                    code(&format!("{} {}", op.http_method, op.path)),
                    code(&return_type(op))
                )),
                _ => doc.line(&format!("- {}: {}", code(&c.item), text(&c.message))),
            }
        }
        if !g.types.is_empty() {
            let names: Vec<String> = g
                .types
                .iter()
                .map(|c| match self.new.api.types.get(&c.subject) {
                    Some(def) => format!(
                        "{} ({})",
                        self.new.short_type_link(&def.name),
                        kind_word(&def.kind)
                    ),
                    None => code(&c.subject),
                })
                .collect();
            doc.line(&format!("- new types: {}", names.join(", ")));
        }
        for o in owners(&g.members) {
            self.owner(doc, &o);
        }
        if !g.topics.is_empty() {
            let names: Vec<String> = g.topics.iter().map(|c| code(&c.subject)).collect();
            doc.line(&format!(
                "- new topics (`webhooks::Event` variants): {}",
                names.join(", ")
            ));
        }
        doc.blank();
    }
}

/// The additions of one group (tag module, `shared` or `unreferenced`).
#[derive(Default)]
struct AdditionGroup<'c> {
    /// New operations.
    ops: Vec<&'c Change>,
    /// New types.
    types: Vec<&'c Change>,
    /// New members of existing operations and types.
    members: Vec<&'c Change>,
    /// New webhook topics.
    topics: Vec<&'c Change>,
}

/// The guide's sections, one per kind in this order: the kind, its heading and what it means.
const KIND_SECTIONS: [(Kind, &str, &str); 4] = [
    (
        Kind::Breaking,
        "Breaking changes",
        "Code using these items no longer compiles, or requests that worked are now rejected.",
    ),
    (
        Kind::PotentiallyBreaking,
        "Potentially breaking changes",
        "Code compiles for most users, but some code or some requests may break (struct literals without `..Default::default()`, changed wire behavior).",
    ),
    (
        Kind::Addition,
        "Additions",
        "New operations, types, fields, values, variants and setters, grouped by the tag module of the operations (`client.<version>().<tag>()`) and the group of the types (their one tag, or `shared` by several tags, or `unreferenced` by no operation). Existing code keeps compiling.",
    ),
    (
        Kind::Other,
        "Other changes",
        "Non-breaking changes that need no code change: members that became optional, required or nullable in types only read from responses (their fields are `Option` whatever the spec says), renamed path parameters (arguments are positional), new operationIds for the same method, deprecations, documented response statuses.",
    ),
];

/// A kind's heading with its count, then `intro`, or "None." when it has no changes; whether it has.
fn kind_heading(doc: &mut Doc, title: &str, changes: &[&Change], intro: &str) -> bool {
    doc.heading(1, &format!("{title} ({})", changes.len()));
    if changes.is_empty() {
        doc.para("None.");
        false
    } else {
        doc.para(intro);
        true
    }
}

/// The last segment of an item (`T::field` -> `field`, `m::f(p)` -> `p`).
fn member_name(item: &str) -> &str {
    match item.split_once('(') {
        Some((_, p)) => p.trim_end_matches(')'),
        None => item.rsplit("::").next().unwrap_or(item),
    }
}

/// Changes grouped by section and subject (report order: sorted).
fn owners<'c>(changes: &[&'c Change]) -> Vec<Owner<'c>> {
    let mut out: Vec<Owner<'c>> = Vec::new();
    for c in changes {
        match out.last_mut() {
            Some(o) if o.section == c.section && o.subject == c.subject => o.changes.push(c),
            _ => out.push(Owner {
                section: c.section,
                subject: &c.subject,
                changes: vec![c],
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markup_outside_code_spans() {
        assert_eq!(
            text("value \"a_b*<c>\" -> `Vec<[u8]>`"),
            "value \"a\\_b\\*\\<c>\" -> `Vec<[u8]>`"
        );
        assert_eq!(text("open `span"), "open `span`");
    }

    #[test]
    fn additions_are_non_breaking() {
        for r in Rule::ALL {
            if is_addition(*r) {
                assert_eq!(r.class(), Class::NonBreaking, "{r}");
            }
        }
    }
}
