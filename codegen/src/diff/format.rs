//! Rendering a [`Report`]: plain text (terminal), Markdown (ready to paste as a PR comment) and
//! JSON (for scripts). All three are deterministic.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Change, Class, Report, Section, by_subject};
use crate::naming;

/// Output format of `cargo xtask diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text.
    Text,
    /// GitHub-flavored Markdown.
    Markdown,
    /// Pretty-printed JSON.
    Json,
}

impl Format {
    /// Parses `text`, `markdown` (or `md`), `json`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Renders `report` in `format`.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => text(report),
        Format::Markdown => markdown(report),
        Format::Json => json(report),
    }
}

/// `12 changes: 3 breaking, 1 potentially-breaking, 8 non-breaking`.
pub fn summary_line(report: &Report) -> String {
    let classes: Vec<String> = Class::ALL
        .iter()
        .map(|c| format!("{} {}", report.count(*c), c.id()))
        .collect();
    format!("{} changes: {}", report.changes.len(), classes.join(", "))
}

fn counts_line(report: &Report) -> String {
    let o = report.operations;
    let t = report.types;
    let mut s = format!(
        "operations: {} added, {} removed, {} changed",
        o.added, o.removed, o.changed
    );
    if report.renamed_path_params > 0 {
        let _ = write!(
            s,
            " ({} with renamed path parameters, on {} {})",
            report.renamed_path_params,
            report.renamed_param_paths,
            if report.renamed_param_paths == 1 {
                "path"
            } else {
                "paths"
            }
        );
    }
    let _ = write!(
        s,
        "; types: {} added, {} removed, {} changed",
        t.added, t.removed, t.changed
    );
    s
}

fn title(report: &Report) -> String {
    let mut s = format!("{} -> {}", report.old.label, report.new.label);
    if report.old.label != report.old.version || report.new.label != report.new.version {
        let _ = write!(
            s,
            " (Intercom API {} -> {})",
            report.old.version, report.new.version
        );
    }
    s
}

fn text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "spec diff {}", title(report));
    let _ = writeln!(out, "{}", summary_line(report));
    let _ = writeln!(out, "{}", counts_line(report));
    for section in Section::ALL {
        let groups = by_subject(&report.changes, section);
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n== {}", section.id());
        for (subject, changes) in groups {
            let _ = writeln!(out, "{subject}");
            for c in changes {
                let _ = writeln!(
                    out,
                    "  [{}] {} {}: {}",
                    c.class(),
                    c.rule,
                    c.item,
                    c.message
                );
            }
        }
    }
    if !report.affected.is_empty() {
        let _ = writeln!(out, "\n== operations affected by schema changes");
        for a in &report.affected {
            let _ = writeln!(
                out,
                "{} ({}): request: {}; response: {}",
                a.subject,
                a.item,
                affected_list(&a.request_types),
                affected_list(&a.response_types)
            );
        }
    }
    out
}

/// `Conversation (breaking), Tag`: non-breaking types are not marked.
fn affected_list(v: &[(String, Class)]) -> String {
    if v.is_empty() {
        return "-".to_string();
    }
    let shown: Vec<String> = v
        .iter()
        .map(|(n, c)| match c {
            Class::NonBreaking => n.clone(),
            c => format!("{n} ({c})"),
        })
        .collect();
    shown.join(", ")
}

fn badge(c: Class) -> &'static str {
    match c {
        Class::Breaking => "🔴 breaking",
        Class::PotentiallyBreaking => "🟠 potentially breaking",
        Class::NonBreaking => "🟢 non-breaking",
    }
}

/// Escapes a table cell (pipes and line breaks).
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {} ``", cell(s))
    } else {
        format!("`{}`", cell(s))
    }
}

/// GitHub rejects comments over 65,536 characters; Markdown reports longer than this are shortened.
pub const MARKDOWN_LIMIT: usize = 60_000;

/// How much of the report the Markdown shows in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Detail {
    /// Every change.
    Full,
    /// Non-breaking changes counted per rule.
    CountNonBreaking,
    /// Non-breaking and potentially breaking changes counted per rule, affected operations counted.
    CountAllButBreaking,
}

fn markdown(report: &Report) -> String {
    let mut out = String::new();
    for detail in [
        Detail::Full,
        Detail::CountNonBreaking,
        Detail::CountAllButBreaking,
    ] {
        out = markdown_at(report, detail);
        if out.len() <= MARKDOWN_LIMIT {
            break;
        }
    }
    out
}

fn markdown_at(report: &Report, detail: Detail) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Spec diff: {}\n", code(&title(report)));
    let classes: Vec<String> = Class::ALL
        .iter()
        .map(|c| format!("{} {}", report.count(*c), badge(*c)))
        .collect();
    let _ = writeln!(
        out,
        "**{} changes**: {}. {}.\n",
        report.changes.len(),
        classes.join(", "),
        naming::upper_first(&counts_line(report))
    );
    if report.changes.is_empty() {
        let _ = writeln!(out, "No changes to operations or schemas.");
        return out;
    }
    if detail > Detail::Full {
        let _ = writeln!(
            out,
            "> Shortened to fit a PR comment: some classes are counted per rule. `cargo xtask diff {} {}` lists every change.\n",
            report.old.label, report.new.label
        );
    }
    for section in Section::ALL {
        markdown_section(&mut out, report, section, detail);
    }
    markdown_affected(&mut out, report, detail);
    markdown_rules(&mut out, report);
    out
}

/// One section's changes, a table (or counts per rule) per class.
fn markdown_section(out: &mut String, report: &Report, section: Section, detail: Detail) {
    let in_section: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.section == section)
        .collect();
    if in_section.is_empty() {
        return;
    }
    let (heading, subject) = match section {
        Section::Operations => ("Operations", "operation"),
        Section::Schemas => ("Schemas", "schema"),
        Section::Webhooks => ("Webhook topics", "topic"),
    };
    let _ = writeln!(out, "### {heading} ({} changes)\n", in_section.len());
    for class in Class::ALL {
        let rows: Vec<&Change> = in_section
            .iter()
            .copied()
            .filter(|c| c.class() == class)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let counted = match class {
            Class::Breaking => false,
            Class::PotentiallyBreaking => detail >= Detail::CountAllButBreaking,
            Class::NonBreaking => detail >= Detail::CountNonBreaking,
        };
        let collapsed = class == Class::NonBreaking;
        if collapsed {
            let _ = writeln!(
                out,
                "<details><summary>{} ({})</summary>\n",
                badge(class),
                rows.len()
            );
        } else {
            let _ = writeln!(out, "#### {} ({})\n", badge(class), rows.len());
        }
        if counted {
            rule_counts(out, &rows);
        } else {
            change_table(out, subject, &rows);
        }
        if collapsed {
            let _ = writeln!(out, "\n</details>");
        }
        out.push('\n');
    }
}

/// The operations affected by schema changes, collapsed.
fn markdown_affected(out: &mut String, report: &Report, detail: Detail) {
    if report.affected.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<details><summary>Operations affected by schema changes ({})</summary>\n",
        report.affected.len()
    );
    if detail >= Detail::CountAllButBreaking {
        let _ = writeln!(out, "Listed by `cargo xtask diff --format text`.");
    } else {
        let _ = writeln!(out, "| operation | item | request types | response types |");
        let _ = writeln!(out, "|---|---|---|---|");
        for a in &report.affected {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                code(&a.subject),
                code(&a.item),
                cell(&affected_list(&a.request_types)),
                cell(&affected_list(&a.response_types))
            );
        }
    }
    let _ = writeln!(out, "\n</details>\n");
}

/// The rules the changes fall under, with their class and description, collapsed.
fn markdown_rules(out: &mut String, report: &Report) {
    let mut rules: Vec<_> = report.changes.iter().map(|c| c.rule).collect();
    rules.sort();
    rules.dedup();
    let _ = writeln!(out, "<details><summary>Rules</summary>\n");
    for r in rules {
        let _ = writeln!(
            out,
            "- {} ({}): {}",
            code(r.id()),
            r.class(),
            r.description()
        );
    }
    let _ = writeln!(out, "\n</details>");
}

fn change_table(out: &mut String, subject: &str, rows: &[&Change]) {
    let _ = writeln!(out, "| {subject} | rule | item | change |");
    let _ = writeln!(out, "|---|---|---|---|");
    let mut last = "";
    for c in rows {
        let shown = if c.subject == last {
            "〃".to_string()
        } else {
            code(&c.subject)
        };
        last = &c.subject;
        let _ = writeln!(
            out,
            "| {shown} | {} | {} | {} |",
            code(c.rule.id()),
            code(&c.item),
            cell(&c.message)
        );
    }
}

fn rule_counts(out: &mut String, rows: &[&Change]) {
    let mut counts: std::collections::BTreeMap<&str, (usize, std::collections::BTreeSet<&str>)> =
        std::collections::BTreeMap::new();
    for c in rows {
        let e = counts.entry(c.rule.id()).or_default();
        e.0 += 1;
        e.1.insert(c.subject.as_str());
    }
    let _ = writeln!(out, "| rule | changes | subjects |");
    let _ = writeln!(out, "|---|---|---|");
    for (rule, (n, subjects)) in counts {
        let _ = writeln!(out, "| {} | {n} | {} |", code(rule), subjects.len());
    }
}

// JSON shapes. Derived `Serialize` keeps keys in declaration order whatever serde_json's features.

#[derive(Serialize)]
struct JsonSide<'a> {
    label: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonCounts {
    added: usize,
    removed: usize,
    changed: usize,
}

#[derive(Serialize)]
struct JsonByClass {
    breaking: usize,
    #[serde(rename = "potentially-breaking")]
    potentially_breaking: usize,
    #[serde(rename = "non-breaking")]
    non_breaking: usize,
}

#[derive(Serialize)]
struct JsonSummary {
    changes: usize,
    by_class: JsonByClass,
    operations: JsonCounts,
    types: JsonCounts,
    renamed_path_params: usize,
    renamed_param_paths: usize,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    section: &'a str,
    subject: &'a str,
    item: &'a str,
    rule: &'a str,
    class: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonType<'a> {
    #[serde(rename = "type")]
    name: &'a str,
    class: &'a str,
}

#[derive(Serialize)]
struct JsonAffected<'a> {
    subject: &'a str,
    item: &'a str,
    request_types: Vec<JsonType<'a>>,
    response_types: Vec<JsonType<'a>>,
}

fn json_side(s: &super::Side) -> JsonSide<'_> {
    JsonSide {
        label: &s.label,
        version: &s.version,
    }
}

fn json_types(v: &[(String, Class)]) -> Vec<JsonType<'_>> {
    v.iter()
        .map(|(n, c)| JsonType {
            name: n,
            class: c.id(),
        })
        .collect()
}

fn compact<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A JSON array with one element per line: valid JSON that still diffs and reads line by line.
fn json_lines<T: Serialize>(items: &[T]) -> String {
    if items.is_empty() {
        return "[]".to_string();
    }
    let lines: Vec<String> = items
        .iter()
        .map(|v| format!("    {}", compact(v)))
        .collect();
    format!("[\n{}\n  ]", lines.join(",\n"))
}

fn json(report: &Report) -> String {
    let counts = |c: super::Counts| JsonCounts {
        added: c.added,
        removed: c.removed,
        changed: c.changed,
    };
    let summary = JsonSummary {
        changes: report.changes.len(),
        by_class: JsonByClass {
            breaking: report.count(Class::Breaking),
            potentially_breaking: report.count(Class::PotentiallyBreaking),
            non_breaking: report.count(Class::NonBreaking),
        },
        operations: counts(report.operations),
        types: counts(report.types),
        renamed_path_params: report.renamed_path_params,
        renamed_param_paths: report.renamed_param_paths,
    };
    let changes: Vec<JsonChange<'_>> = report
        .changes
        .iter()
        .map(|c| JsonChange {
            section: c.section.id(),
            subject: &c.subject,
            item: &c.item,
            rule: c.rule.id(),
            class: c.class().id(),
            message: &c.message,
        })
        .collect();
    let affected: Vec<JsonAffected<'_>> = report
        .affected
        .iter()
        .map(|a| JsonAffected {
            subject: &a.subject,
            item: &a.item,
            request_types: json_types(&a.request_types),
            response_types: json_types(&a.response_types),
        })
        .collect();
    format!(
        "{{\n  \"old\": {},\n  \"new\": {},\n  \"summary\": {},\n  \"changes\": {},\n  \"affected_operations\": {}\n}}\n",
        compact(&json_side(&report.old)),
        compact(&json_side(&report.new)),
        compact(&summary),
        json_lines(&changes),
        json_lines(&affected)
    )
}
