//! All naming: wire names -> Rust identifiers (via `heck`), keyword escaping, and deterministic
//! collision handling. Nothing else in the generator invents identifiers.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict and reserved, all editions) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names of symbol-only enum values (the search `operator` enum and friends).
const SYMBOLS: &[(&str, &str)] = &[
    ("=", "Equals"),
    ("!=", "NotEquals"),
    ("<", "LessThan"),
    ("<=", "LessThanOrEquals"),
    (">", "GreaterThan"),
    (">=", "GreaterThanOrEquals"),
    ("~", "Contains"),
    ("!~", "NotContains"),
    ("^", "StartsWith"),
    ("$", "EndsWith"),
    ("*", "Any"),
    ("+", "Plus"),
    ("-", "Minus"),
];

/// Names of single symbol characters, for symbol strings not in [`SYMBOLS`].
fn char_name(c: char) -> &'static str {
    match c {
        '=' => "Equals",
        '!' => "Not",
        '<' => "Less",
        '>' => "Greater",
        '~' => "Tilde",
        '^' => "Caret",
        '$' => "Dollar",
        '*' => "Star",
        '+' => "Plus",
        '-' => "Minus",
        '/' => "Slash",
        '.' => "Dot",
        '@' => "At",
        '#' => "Hash",
        '%' => "Percent",
        '&' => "And",
        '|' => "Or",
        '?' => "Question",
        ':' => "Colon",
        ',' => "Comma",
        ' ' => "Space",
        _ => "Symbol",
    }
}

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Makes `s` a valid identifier start (identifiers cannot start with a digit).
fn fix_leading_digit(s: String, prefix: &str) -> String {
    match s.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("{prefix}{s}"),
        Some(_) => s,
        None => prefix.to_string(),
    }
}

/// Keeps ASCII alphanumerics; everything else becomes a word break.
fn words(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A version-like value (`2.11`, `1.0`) keeps its dots as underscores: `V2_11`.
fn version_like(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && s.contains('.')
        && s.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    ok.then(|| format!("V{}", s.replace('.', "_")))
}

/// `ticket_type` -> `TicketType`; a type, variant or struct name.
pub fn type_name(s: &str) -> String {
    if let Some(v) = version_like(s) {
        return v;
    }
    let camel = words(s).to_upper_camel_case();
    let camel = fix_leading_digit(camel, "T");
    if camel == "Self" {
        "SelfValue".to_string()
    } else {
        camel
    }
}

/// A string enum value -> variant name. Symbol-only values get spelled-out names.
pub fn enum_variant_name(wire: &str) -> String {
    if let Some((_, name)) = SYMBOLS.iter().find(|(sym, _)| *sym == wire) {
        return (*name).to_string();
    }
    if let Some(v) = version_like(wire) {
        return v;
    }
    if wire.is_empty() {
        return "Empty".to_string();
    }
    if !wire.chars().any(|c| c.is_ascii_alphanumeric()) {
        return wire.chars().map(char_name).collect();
    }
    let camel = fix_leading_digit(words(wire).to_upper_camel_case(), "V");
    match camel.as_str() {
        // `Unknown` is the forward-compatibility fallback variant.
        "Unknown" => "UnknownValue".to_string(),
        "Self" => "SelfValue".to_string(),
        _ => camel,
    }
}

/// `created_at`, `type` -> `created_at`, `type_`; a field, argument or method name.
pub fn field_name(s: &str) -> String {
    let snake = words(s).to_snake_case();
    let snake = fix_leading_digit(snake, "n");
    if is_keyword(&snake) || snake == "_" {
        format!("{snake}_")
    } else {
        snake
    }
}

/// `ListAttachedContacts` -> `list_attached_contacts`; an operation method name.
pub fn method_name(operation_id: &str) -> String {
    field_name(operation_name(operation_id))
}

/// The checked-in corrections of spec names (`specs/naming-overrides.txt`, documented there).
const OVERRIDES: &str = include_str!("../../specs/naming-overrides.txt");

/// The `(operationId, replacement)` entries of `specs/naming-overrides.txt`, in file order, parsed
/// once. Malformed lines are skipped here and reported by [`override_problems`].
pub fn operation_overrides() -> &'static [(&'static str, &'static str)] {
    static ENTRIES: std::sync::LazyLock<Vec<(&str, &str)>> =
        std::sync::LazyLock::new(|| parse_overrides(OVERRIDES).0);
    &ENTRIES
}

/// Lines of `specs/naming-overrides.txt` that are not `<id> -> <id>` (a unit test keeps it empty).
pub fn override_problems() -> Vec<String> {
    parse_overrides(OVERRIDES).1
}

fn parse_overrides(text: &str) -> (Vec<(&str, &str)>, Vec<String>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let ok = |s: &str| !s.is_empty() && !s.contains(char::is_whitespace);
        match line.split_once("->").map(|(a, b)| (a.trim(), b.trim())) {
            Some((from, to)) if ok(from) && ok(to) => entries.push((from, to)),
            _ => problems.push(format!("line {}: {line:?}", i + 1)),
        }
    }
    (entries, problems)
}

/// The name an operation is named by: its operationId, or the replacement
/// `specs/naming-overrides.txt` gives for it. Method, builder and inline type names derive from it.
pub fn operation_name(operation_id: &str) -> &str {
    operation_overrides()
        .iter()
        .find(|(from, _)| *from == operation_id)
        .map_or(operation_id, |(_, to)| to)
}

/// `type_`, `r#ref` -> `with_type`, `with_ref`; the chainable setter of a request struct field.
pub fn setter_name(field: &str) -> String {
    let bare = field.trim_start_matches("r#").trim_end_matches('_');
    format!("with_{bare}")
}

/// `text/csv; charset=utf-8` -> `send_as_text_csv`; the builder method that asks for another
/// media type a response declares.
pub fn media_method(media_type: &str) -> String {
    let essence = crate::ir::media_essence(media_type);
    field_name(&format!("send as {essence}"))
}

/// `Data Events` -> `data_events`; a module (file) name.
pub fn module_name(s: &str) -> String {
    let m = field_name(s);
    if m.is_empty() { "misc".to_string() } else { m }
}

/// The module and cargo feature of an API version: `v`, then the version in lower case with its
/// dots and hyphens as underscores, after one more underscore when it starts with a letter:
/// `2.11` -> `v2_11`, `2.11-beta` -> `v2_11_beta`, `Preview` -> `v_preview`. The `v` keeps every
/// version module apart from the crate's own modules (`runtime`, `codec`) and from keywords. Two
/// versions that differ only in case or in `.` versus `-` share a module: pins reject that
/// ([`crate::specs::check_modules_distinct`]).
pub fn version_module(version: &str) -> String {
    let rest: String = version
        .chars()
        .map(|c| match c {
            '.' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!("v_{rest}")
    } else {
        format!("v{rest}")
    }
}

/// Drops the words all names share at the start and at the end, when what remains is distinct.
pub fn strip_common_words(names: &[String]) -> Option<Vec<String>> {
    if names.len() < 2 {
        return None;
    }
    let words: Vec<Vec<String>> = names.iter().map(|n| split_humps_keep_case(n)).collect();
    let min = words.iter().map(Vec::len).min()?;
    let prefix = (0..min)
        .take_while(|&i| words.iter().all(|w| w[i] == words[0][i]))
        .count();
    let suffix = (0..min - prefix)
        .take_while(|&i| {
            words
                .iter()
                .all(|w| w[w.len() - 1 - i] == words[0][words[0].len() - 1 - i])
        })
        .count();
    let out: Vec<String> = words
        .iter()
        .map(|w| w[prefix..w.len() - suffix].concat())
        .collect();
    let distinct: BTreeSet<&String> = out.iter().collect();
    let ok = out
        .iter()
        .all(|n| !n.is_empty() && n.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        && distinct.len() == out.len();
    ok.then_some(out)
}

/// The module of the migration guide between two versions: `2.11`, `2.14` -> `v2_11_to_v2_14`.
pub fn migration_module(old: &str, new: &str) -> String {
    format!("{}_to_{}", version_module(old), version_module(new))
}

/// `s` with its first character in upper case (`typed like ...` -> `Typed like ...`).
pub fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Returns `base`, or `base` + the first of `suffixes` + a counter, that is not in `taken`; records it.
/// Deterministic: the same sequence of requests gives the same names.
pub fn claim(taken: &mut BTreeSet<String>, base: &str, suffixes: &[&str]) -> String {
    if taken.insert(base.to_string()) {
        return base.to_string();
    }
    for suffix in suffixes {
        let candidate = format!("{base}{suffix}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
    }
    let stem = suffixes
        .first()
        .map(|s| format!("{base}{s}"))
        .unwrap_or_else(|| base.to_string());
    let mut n = 2usize;
    loop {
        let candidate = format!("{stem}{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// The humps of a camel-case name, case kept: a word starts where a capital follows a lower-case
/// letter or a digit, so a run of capitals stays one word and every other character stays in its
/// word (`IntercomUserId` -> `Intercom`, `User`, `Id`; `HTTPServer` -> `HTTPServer`).
pub fn split_humps_keep_case(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut prev: Option<char> = None;
    for c in s.chars() {
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
        match out.last_mut() {
            Some(w) if !boundary => w.push(c),
            _ => out.push(c.to_string()),
        }
        prev = Some(c);
    }
    out
}

/// The lower-case words of a type name: a word starts at every capital, and every character that
/// is not a letter or digit separates words and is dropped (`ConversationPartV2` ->
/// `conversation`, `part`, `v2`; `V2_11` -> `v2`, `11`).
pub fn split_capitals_lowercase(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            words.push(String::new());
            continue;
        }
        match words.last_mut() {
            Some(w) if !c.is_ascii_uppercase() => w.push(c),
            _ => words.push(c.to_ascii_lowercase().to_string()),
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_capitals_lowercase_splits_on_every_capital_and_separator() {
        assert_eq!(
            split_capitals_lowercase("ConversationPartV2"),
            ["conversation", "part", "v2"]
        );
        assert_eq!(split_capitals_lowercase("V2_11"), ["v2", "11"]);
        assert_eq!(
            split_capitals_lowercase("HTTPServer"),
            ["h", "t", "t", "p", "server"]
        );
    }

    #[test]
    fn strips_common_words() {
        let names: Vec<String> = [
            "ContactReplyIntercomUserIdRequest",
            "ContactReplyEmailRequest",
            "ContactReplyUserIdRequest",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            strip_common_words(&names).unwrap(),
            ["IntercomUserId", "Email", "UserId"]
        );
        let same: Vec<String> = ["FooBar", "FooBar"].iter().map(|s| s.to_string()).collect();
        assert_eq!(strip_common_words(&same), None);
    }

    #[test]
    fn upper_first_and_migration_module() {
        assert_eq!(upper_first("typed like `id`"), "Typed like `id`");
        assert_eq!(upper_first(""), "");
        assert_eq!(migration_module("2.11", "Preview"), "v2_11_to_v_preview");
    }

    #[test]
    fn split_humps_keep_case_keeps_capital_runs_and_separators() {
        assert_eq!(
            split_humps_keep_case("IntercomUserId"),
            ["Intercom", "User", "Id"]
        );
        assert_eq!(split_humps_keep_case("HTTPServer"), ["HTTPServer"]);
        assert_eq!(split_humps_keep_case("V2_11Id"), ["V2_11", "Id"]);
    }

    #[test]
    fn operator_symbols_get_real_names() {
        let names: Vec<_> = [
            "=", "!=", "<", "<=", ">", ">=", "~", "!~", "^", "$", "IN", "NIN",
        ]
        .iter()
        .map(|s| enum_variant_name(s))
        .collect();
        assert_eq!(
            names,
            [
                "Equals",
                "NotEquals",
                "LessThan",
                "LessThanOrEquals",
                "GreaterThan",
                "GreaterThanOrEquals",
                "Contains",
                "NotContains",
                "StartsWith",
                "EndsWith",
                "In",
                "Nin"
            ]
        );
    }

    #[test]
    fn naming_overrides_parse_and_apply() {
        assert_eq!(override_problems(), Vec::<String>::new());
        let (entries, problems) =
            parse_overrides("# c\n\n a -> b # why\nbroken\nx -> \ny z -> w\n");
        assert_eq!(entries, [("a", "b")]);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(method_name("lisDataEvents"), "list_data_events");
        assert_eq!(operation_name("retrieveCompany"), "findCompanies");
        assert_eq!(operation_name("listContacts"), "listContacts");
    }

    #[test]
    fn keywords_and_digits_are_escaped() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("2fa"), "n2fa");
        assert_eq!(type_name("ticket_type"), "TicketType");
        assert_eq!(enum_variant_name("2.11"), "V2_11");
        assert_eq!(enum_variant_name("unknown"), "UnknownValue");
        assert_eq!(enum_variant_name("in_app"), "InApp");
        assert_eq!(
            method_name("ListAttachedContacts"),
            "list_attached_contacts"
        );
        assert_eq!(method_name("retrieveContact"), "retrieve_contact");
    }

    #[test]
    fn version_modules_are_identifiers_and_features() {
        for (version, module) in [
            ("2.11", "v2_11"),
            ("2.9", "v2_9"),
            ("10.20.30", "v10_20_30"),
            ("0", "v0"),
            ("2.11-beta", "v2_11_beta"),
            ("Preview", "v_preview"),
            ("Unstable", "v_unstable"),
            ("self", "v_self"),
            ("runtime", "v_runtime"),
        ] {
            assert_eq!(version_module(version), module, "{version}");
            // A Rust identifier that is not a keyword, and a cargo feature name.
            assert!(
                syn::parse_str::<syn::Ident>(module).is_ok(),
                "{module} is not an identifier"
            );
        }
        // Case and `.`/`-` are folded: such versions share a module (and pins reject the pair).
        assert_eq!(version_module("preview"), version_module("Preview"));
        assert_eq!(version_module("2-11"), version_module("2.11"));
    }

    #[test]
    fn collisions_are_resolved_deterministically() {
        let mut taken = BTreeSet::new();
        assert_eq!(claim(&mut taken, "TicketType", &["Enum"]), "TicketType");
        assert_eq!(claim(&mut taken, "TicketType", &["Enum"]), "TicketTypeEnum");
        assert_eq!(
            claim(&mut taken, "TicketType", &["Enum"]),
            "TicketTypeEnum2"
        );
    }
}
