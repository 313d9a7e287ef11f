//! Spec prose -> rustdoc attributes that `cargo doc` accepts without warnings and that never become
//! doctests: fences are marked `text`, indentation that would start a code block is dropped, stray
//! brackets and HTML-looking tags are escaped, bare URLs are wrapped.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Docs, Site, UsedAt, Within};
use crate::naming;

/// `#[doc = ...]` attributes for `docs`, or for `fallback` when the spec has no text.
pub fn attrs(docs: &Docs, fallback: &str) -> TokenStream {
    let text = text(docs, fallback);
    let lines = text.lines().map(|l| format!(" {l}"));
    quote! { #( #[doc = #lines] )* }
}

/// The sanitized markdown for `docs` (or `fallback`).
pub fn text(docs: &Docs, fallback: &str) -> String {
    let mut parts = Vec::new();
    if let Some(t) = docs
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        parts.push(t.to_string());
    }
    if let Some(d) = docs
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        && parts.first().map(|t| t.as_str()) != Some(d)
    {
        parts.push(d.to_string());
    }
    if parts.is_empty() {
        parts.push(fallback.to_string());
    }
    sanitize(&parts.join("\n\n"))
}

/// Where an inline type is used, as a sentence: "The request body of `reply_ticket`.", "An item
/// of the `tags` member of `Ticket`.".
pub fn used_at(used: &UsedAt) -> String {
    let site = match &used.site {
        Site::Body(op) => format!("the request body of `{op}`"),
        Site::Response(op, status) => format!("the `{status}` response of `{op}`"),
        Site::Parameter(op, name) => format!("the `{name}` parameter of `{op}`"),
        Site::Member(owner, member) => format!("the `{member}` member of `{owner}`"),
        Site::Additional(owner) => format!("the undeclared members of `{owner}`"),
        Site::Variant(owner, variant) => format!("the `{variant}` variant of `{owner}`"),
        Site::Alias(alias) => format!("`{alias}`"),
    };
    let text = match (used.within, &used.site) {
        (Within::Itself, Site::Alias(_)) => format!("what {site} stands for"),
        (Within::Itself, Site::Additional(_)) | (Within::Value, _) => format!("a value of {site}"),
        (Within::Itself, _) => site,
        (Within::Item, _) => format!("an item of {site}"),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => text,
    }
}

/// Makes markdown safe for rustdoc.
pub fn sanitize(md: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    // Inside a Markdoc `{% admonition %}` block: its lines become a block quote.
    let mut in_admonition = false;
    // Inside a list item: the width of its marker (`* `, `1. `), to indent lazy continuations.
    let mut list_indent: Option<usize> = None;
    let md = html_breaks(&md.replace("\r\n", "\n"));
    for raw in md.split('\n') {
        let trimmed = raw.trim_start();
        if !in_fence && let Some(tag) = markdoc_tag(trimmed) {
            if let Some(rest) = tag.strip_prefix("admonition") {
                in_admonition = true;
                let title = attribute(rest, "name")
                    .or_else(|| attribute(rest, "type").map(|t| naming::upper_first(&t)))
                    .unwrap_or_else(|| "Note".to_string());
                out.push(format!("> **{}**", escape_line(&title)));
                out.push(">".to_string());
            } else if tag.starts_with("/admonition") {
                in_admonition = false;
                out.push(String::new());
            }
            // Other Markdoc tags carry no text of their own.
            continue;
        }
        if in_admonition && !in_fence {
            let line = escape_line(trimmed.trim_end());
            out.push(if line.is_empty() {
                ">".to_string()
            } else {
                format!("> {line}")
            });
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if in_fence {
                out.push("```".to_string());
            } else {
                out.push("```text".to_string());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(raw.trim_end().to_string());
        } else {
            let line = escape_line(trimmed.trim_end());
            // A line that continues a list item without indentation (a "lazy continuation") is
            // indented under the item's text, as rustdoc (and clippy's `doc_lazy_continuation`)
            // wants; a blank line ends the item.
            if line.is_empty() {
                list_indent = None;
                out.push(line);
            } else if let Some(width) = list_marker_width(&line) {
                list_indent = Some(width);
                out.push(line);
            } else if let Some(width) = list_indent {
                out.push(format!("{}{line}", " ".repeat(width)));
            } else {
                out.push(line);
            }
        }
    }
    if in_fence {
        out.push("```".to_string());
    }
    // Collapse runs of blank lines.
    let mut result: Vec<String> = Vec::new();
    for l in out {
        if l.is_empty() && result.last().is_some_and(|p| p.is_empty()) {
            continue;
        }
        result.push(l);
    }
    while result.last().is_some_and(|l| l.is_empty()) {
        result.pop();
    }
    result.join("\n")
}

/// The width of the list marker a line starts with (`* `, `- `, `+ `, `12. `, `3) `), if any.
fn list_marker_width(line: &str) -> Option<usize> {
    if ["* ", "- ", "+ "].iter().any(|m| line.starts_with(m)) {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
}

/// A whole-line Markdoc tag (`{% admonition type="info" %}`, `{% /admonition %}`): its inside.
fn markdoc_tag(line: &str) -> Option<&str> {
    let inner = line.trim_end().strip_prefix("{%")?.strip_suffix("%}")?;
    Some(inner.trim())
}

/// `name="value"` in a Markdoc tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_string()).filter(|v| !v.trim().is_empty())
}

/// HTML line breaks (`<br>`, `<br/>`, `</br>`) outside code: a new line.
fn html_breaks(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let lower: String = tail
            .chars()
            .take(6)
            .collect::<String>()
            .to_ascii_lowercase();
        let len = ["<br />", "<br/>", "</br>", "<br>"]
            .iter()
            .find(|t| lower.starts_with(*t))
            .map(|t| t.len());
        match len {
            Some(n) => {
                out.push('\n');
                rest = &tail[n..];
            }
            None => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn escape_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        i = escape_at(&chars, i, &mut out);
    }
    out
}

/// Escapes what starts at `chars[i]` into `out`; returns the index after it.
fn escape_at(chars: &[char], i: usize, out: &mut String) -> usize {
    match chars[i] {
        // Inline code span: copy verbatim up to the matching run of backticks.
        '`' => {
            let run = chars[i..].iter().take_while(|&&x| x == '`').count();
            match find_run(chars, i + run, run) {
                Some(end) => {
                    out.extend(&chars[i..end + run]);
                    end + run
                }
                None => {
                    out.push_str(&"\\`".repeat(run));
                    i + run
                }
            }
        }
        // Markdown link `[text](url)`: keep it.
        '[' => match link_end(chars, i) {
            Some(end) => {
                out.extend(&chars[i..end]);
                end
            }
            None => {
                out.push_str("\\[");
                i + 1
            }
        },
        // `<https://...>` autolinks stay; anything tag-like is escaped.
        '<' => {
            let rest: String = chars[i + 1..].iter().collect();
            if (rest.starts_with("http://") || rest.starts_with("https://")) && rest.contains('>') {
                let len = rest.find('>').map(|p| p + 2).unwrap_or(1);
                out.extend(&chars[i..i + len]);
                i + len
            } else {
                out.push_str("&lt;");
                i + 1
            }
        }
        'h' if starts_url(chars, i) => bare_url(chars, i, out),
        c => {
            match c {
                ']' => out.push_str("\\]"),
                '>' if i > 0 => out.push_str("&gt;"),
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
            i + 1
        }
    }
}

/// A bare URL at `chars[i]` as an autolink (`<url>`), without trailing punctuation; returns the
/// index after it.
fn bare_url(chars: &[char], i: usize, out: &mut String) -> usize {
    let end = (i..chars.len())
        .find(|&j| chars[j].is_whitespace() || chars[j] == ')' || chars[j] == '"')
        .unwrap_or(chars.len());
    let mut url_end = end;
    while url_end > i && matches!(chars[url_end - 1], '.' | ',' | ';' | ':') {
        url_end -= 1;
    }
    out.push('<');
    out.extend(&chars[i..url_end]);
    out.push('>');
    url_end
}

fn starts_url(chars: &[char], i: usize) -> bool {
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    (rest.starts_with("http://") || rest.starts_with("https://"))
        && (i == 0 || !chars[i - 1].is_alphanumeric())
}

fn find_run(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '`' {
            let r = chars[j..].iter().take_while(|&&x| x == '`').count();
            if r == run {
                return Some(j);
            }
            j += r;
        } else {
            j += 1;
        }
    }
    None
}

/// End (exclusive) of a `[text](http...)` link starting at `i`.
fn link_end(chars: &[char], i: usize) -> Option<usize> {
    let close = (i + 1..chars.len()).find(|&j| chars[j] == ']')?;
    if chars[i + 1..close].iter().any(|&c| c == '[' || c == '`') {
        return None;
    }
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let target: String = chars[close + 2..]
        .iter()
        .take_while(|&&c| c != ')')
        .collect();
    let end = close + 2 + target.len();
    if end >= chars.len() || target.contains(char::is_whitespace) {
        return None;
    }
    let is_url = target.starts_with("http://")
        || target.starts_with("https://")
        || target.starts_with("mailto:");
    is_url.then_some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdoc_admonitions_become_block_quotes_and_html_breaks_new_lines() {
        let s = sanitize(
            "Intro.\n{% admonition type=\"warning\" name=\"Using `company_id`\" %}\nYou can set it once.\n\nNot <b>twice</b>.\n{% /admonition %}\nValues<br>On: yes</br>Off",
        );
        assert_eq!(
            s,
            "Intro.\n> **Using `company_id`**\n>\n> You can set it once.\n>\n> Not &lt;b&gt;twice&lt;/b&gt;.\n\nValues\nOn: yes\nOff"
        );
        // Without a name, the type is the title; unknown tags are dropped.
        let s = sanitize(
            "{% admonition type=\"info\" %}\nHi\n{% /admonition %}\n{% partial file=\"x\" /%}",
        );
        assert_eq!(s, "> **Info**\n>\n> Hi");
        assert!(!s.contains("{%"));
    }

    #[test]
    fn fences_become_text_and_tags_are_escaped() {
        let s = sanitize(
            "Use <contact_id> and [this](https://x.io/a) or [that].\n    indented\n```\ncode\n```\nSee https://example.com.",
        );
        assert_eq!(
            s,
            "Use &lt;contact_id&gt; and [this](https://x.io/a) or \\[that\\].\nindented\n```text\ncode\n```\nSee <https://example.com>."
        );
    }

    #[test]
    fn lazy_list_continuations_are_indented_under_their_item() {
        let md =
            "Actions:\n* `a` — one.\n* `b` — two, and\nmore about b.\n\nAfter.\n10. ten\nstill ten";
        assert_eq!(
            sanitize(md),
            "Actions:\n* `a` — one.\n* `b` — two, and\n  more about b.\n\nAfter.\n10. ten\n    still ten"
        );
    }

    #[test]
    fn code_spans_are_verbatim() {
        assert_eq!(sanitize("a `<b>[c]` d"), "a `<b>[c]` d");
    }
}
