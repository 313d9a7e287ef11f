//! The last lowering pass: every name and place in the generated crate that is not a plain
//! function of one spec node, decided once and recorded on the IR, so that `emit`, the API listing
//! ([`crate::surface`]) and the spec diff ([`crate::diff`]) read the same answer:
//!
//! - each operation's tag module (collision-free), accessor struct and request builder struct;
//! - each type's group (`module`: its tag's module, `shared` or `unreferenced`) and file;
//! - each struct's name for the map of undeclared members.
//!
//! File placement is stable: a type's file depends on its group and its own name only, never on
//! how many other types there are or how large they are, so a spec update that adds a type changes
//! the file that gains it (and `models/mod.rs` when that file is new), nothing else.

use std::collections::{BTreeMap, BTreeSet};

use super::post::{reachable, roots_of};
use crate::ir::{Api, TypeKind};
use crate::naming;

/// Group of types reached from several tags.
pub const SHARED_MODULE: &str = "shared";
/// Group of types no operation reaches.
pub const UNREFERENCED_MODULE: &str = "unreferenced";

/// Groups emitted as one file per key letter (`shared_a.rs`, `shared_c.rs`, ...; see [`file_of`])
/// rather than one file per group: the ones that are large in the Intercom specs (several thousand
/// formatted lines; the others stay under ~1,600). Listing a group here renames its file(s) once; it is a decision about a group,
/// never about how many types it has today.
pub const SPLIT_GROUPS: &[&str] = &[SHARED_MODULE, UNREFERENCED_MODULE, "conversations"];

/// Names used by generated operation files that accessors and builders must not take.
const RESERVED_IN_OPERATIONS: &[&str] = &[
    "CallState",
    "Client",
    "Method",
    "Error",
    "RequestParts",
    "Response",
    "CallOptions",
    "Api",
    "Option",
    "String",
    "Vec",
    "Result",
];

/// Fills every placement field of `api` (see the module docs).
pub(crate) fn place(api: &mut Api) {
    place_operations(api);
    place_types(api);
    name_additional_maps(api);
}

/// Tag modules (claimed in tag order; `request` is `Api::request`), then per tag the accessor and
/// the builders (in spec order), each tag's names claimed in one namespace (its file).
fn place_operations(api: &mut Api) {
    let tags: BTreeSet<String> = api.operations.iter().map(|o| o.tag.clone()).collect();
    let mut taken_modules = BTreeSet::from(["request".to_owned()]);
    let mut per_tag: BTreeMap<String, (String, String, BTreeSet<String>)> = BTreeMap::new();
    for tag in tags {
        let module = naming::claim(&mut taken_modules, &naming::module_name(&tag), &["_ops"]);
        let mut taken: BTreeSet<String> = RESERVED_IN_OPERATIONS
            .iter()
            .map(|s| s.to_string())
            .collect();
        let accessor = naming::claim(&mut taken, &naming::type_name(&tag), &["Operations"]);
        per_tag.insert(tag, (module, accessor, taken));
    }
    for op in &mut api.operations {
        if let Some((module, accessor, taken)) = per_tag.get_mut(&op.tag) {
            op.module = module.clone();
            op.accessor = accessor.clone();
            op.builder = naming::claim(
                taken,
                &naming::type_name(naming::operation_name(&op.operation_id)),
                &["Request", "Call"],
            );
        }
    }
}

/// Each type's group (the module of the one tag that reaches it, else `shared` or
/// `unreferenced`) and file.
fn place_types(api: &mut Api) {
    let module_of_tag: BTreeMap<&str, &str> = api
        .operations
        .iter()
        .map(|o| (o.tag.as_str(), o.module.as_str()))
        .collect();
    let mut by_tag: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for request in [true, false] {
        for (tag, root) in roots_of(api, request) {
            by_tag.entry(tag).or_default().push(root);
        }
    }
    let mut groups_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (tag, roots) in by_tag {
        let module = module_of_tag
            .get(tag.as_str())
            .map_or_else(|| naming::module_name(&tag), |m| m.to_string());
        for n in reachable(api, roots) {
            groups_of.entry(n).or_default().insert(module.clone());
        }
    }
    let mut bases: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (name, def) in api.types.iter_mut() {
        def.module = match groups_of.get(name) {
            Some(groups) if groups.len() == 1 => groups.iter().next().cloned().unwrap_or_default(),
            Some(_) => SHARED_MODULE.to_string(),
            None => UNREFERENCED_MODULE.to_string(),
        };
        bases.insert(
            name.clone(),
            (def.module.clone(), file_of(&def.module, name)),
        );
    }
    // Two groups whose file names meet (a group `a` split into `a_b`, and a group `a_b`) keep them
    // apart with a suffix; claimed in sorted order of the (group, file) pairs.
    let pairs: BTreeSet<&(String, String)> = bases.values().collect();
    let mut taken = BTreeSet::new();
    let files: BTreeMap<&(String, String), String> = pairs
        .into_iter()
        .map(|pair| (pair, naming::claim(&mut taken, &pair.1, &["_types"])))
        .collect();
    for (name, def) in api.types.iter_mut() {
        if let Some(file) = bases.get(name).and_then(|pair| files.get(pair)) {
            def.file = file.clone();
        }
    }
}

/// The file of type `name` in group `module`: the group itself, or for a group in
/// [`SPLIT_GROUPS`] `<group>_<key>`, where the key is the first character (lower case) of the
/// first word of the name that is not a word of the group's name (`ConversationPart` in
/// `conversations` -> `conversations_p`; `Contact` in `shared` -> `shared_c`). A function of the
/// two names only.
pub fn file_of(module: &str, name: &str) -> String {
    if !SPLIT_GROUPS.contains(&module) {
        return module.to_string();
    }
    let group_words: Vec<&str> = module.split('_').collect();
    let is_group_word = |w: &str| {
        group_words
            .iter()
            .any(|g| *g == w || format!("{w}s") == *g || format!("{g}s") == w)
    };
    let words = naming::split_capitals_lowercase(name);
    let key = words
        .iter()
        .find(|w| !is_group_word(w))
        .or(words.first())
        .and_then(|w| w.chars().next())
        .unwrap_or('x');
    format!("{module}_{key}")
}

/// Every struct's map of undeclared members is `additional_properties`, or that plus `_`s when a
/// field has the name.
fn name_additional_maps(api: &mut Api) {
    for def in api.types.values_mut() {
        if let TypeKind::Struct(s) = &mut def.kind {
            let mut name = "additional_properties".to_string();
            while s.fields.iter().any(|f| f.rust_name == name) {
                name.push('_');
            }
            s.additional_name = name;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_depend_on_the_group_and_the_name_only() {
        assert_eq!(file_of("contacts", "ContactList"), "contacts");
        assert_eq!(file_of("shared", "Contact"), "shared_c");
        assert_eq!(file_of("shared", "ZebraList"), "shared_z");
        assert_eq!(file_of("conversations", "Conversation"), "conversations_c");
        assert_eq!(
            file_of("conversations", "ConversationPart"),
            "conversations_p"
        );
        assert_eq!(
            file_of("conversations", "ConversationsListV2"),
            "conversations_l"
        );
        assert_eq!(file_of("tickets", "TicketTypeAttribute"), "tickets");
        assert_eq!(file_of("unreferenced", "V2_11"), "unreferenced_v");
    }

    #[test]
    fn additional_map_avoids_declared_names() {
        let api = crate::lower_str(
            r#"
openapi: 3.0.3
info: { title: t, version: "1" }
paths: {}
components:
  schemas:
    Plain:
      type: object
      properties: { a: { type: string } }
    Taken:
      type: object
      properties:
        additional_properties: { type: string }
        additional_properties_: { type: string }
"#,
            "1.0",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let name = |n: &str| match &api.types[n].kind {
            TypeKind::Struct(s) => s.additional_field(api.types[n].usage).map(|(name, _)| name),
            _ => None,
        };
        assert_eq!(name("Plain").as_deref(), Some("additional_properties"));
        assert_eq!(name("Taken").as_deref(), Some("additional_properties__"));
    }
}
