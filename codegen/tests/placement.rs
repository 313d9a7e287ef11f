//! Placement tests (issue 13, points 8 and 9).
//!
//! - Every path the API listing and the spec diff name exists in the generated code: the listing
//!   and the code of a generated spec, of the diff fixtures (with the items of their reports) and
//!   of the checked-in crate (`intercom-api/api/*.txt` against `intercom-api/src/`), parsed with
//!   `syn`.
//! - Stable files: a spec and the same spec plus one new type generate files that differ in
//!   exactly one model file, plus `models/mod.rs` when that file is new, plus the API listing (and
//!   the test-only table `intercom-api/tests/generated/<vmod>.rs`, which has an impl per type).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use codegen::emit::GeneratedFile;
use codegen::workspace;

// ---- an index of the generated items ----

/// What one generated version defines, as read back by `syn`.
#[derive(Default, Debug)]
struct Index {
    /// Accessor methods of `operations::Api` (`contacts`).
    accessors: BTreeSet<String>,
    /// `(module, method)` of every method in an operations file (`contacts`, `show_contact`) ->
    /// its argument names and the type it returns (the builder, for an accessor method).
    methods: BTreeMap<(String, String), (BTreeSet<String>, String)>,
    /// `(module, type)` -> the methods of its impls (a builder's setters).
    impls: BTreeMap<(String, String), BTreeSet<String>>,
    /// Every model type -> its members (struct fields or enum variants; empty for aliases).
    types: BTreeMap<String, BTreeSet<String>>,
    /// The variants of `webhooks::Event`.
    events: BTreeSet<String>,
}

impl Index {
    /// Indexes `files` (workspace-relative path, contents) of version module `vmod`.
    fn build<'a>(vmod: &str, files: impl IntoIterator<Item = (String, &'a str)>) -> Index {
        let mut index = Index::default();
        let models = format!("intercom-api/src/{vmod}/models/");
        let operations = format!("intercom-api/src/{vmod}/operations/");
        let webhooks = format!("intercom-api/src/{vmod}/webhooks.rs");
        for (path, text) in files {
            if path == webhooks {
                let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"));
                for item in &file.items {
                    if let syn::Item::Enum(e) = item
                        && e.ident == "Event"
                    {
                        index
                            .events
                            .extend(e.variants.iter().map(|v| v.ident.to_string()));
                    }
                }
                continue;
            }
            if !(path.starts_with(&models) || path.starts_with(&operations)) {
                continue;
            }
            let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{path}: {e}"));
            if let Some(name) = path.strip_prefix(&models) {
                if name != "mod.rs" {
                    index.add_models(&file);
                }
            } else if let Some(name) = path.strip_prefix(&operations) {
                let module = name.trim_end_matches(".rs");
                for item in &file.items {
                    if let syn::Item::Impl(i) = item {
                        let self_ty = last_ident(&i.self_ty);
                        for (m, args, ret) in impl_methods(i) {
                            if module == "mod" {
                                index.accessors.insert(m);
                                continue;
                            }
                            index
                                .impls
                                .entry((module.to_string(), self_ty.clone()))
                                .or_default()
                                .insert(m.clone());
                            index.methods.insert((module.to_string(), m), (args, ret));
                        }
                    }
                }
            }
        }
        assert!(!index.types.is_empty(), "no models for {vmod}");
        index
    }

    fn add_models(&mut self, file: &syn::File) {
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
            self.types.insert(name, members);
        }
    }

    /// Whether `item` (`models::X`, `models::X::member`, `operations::m::f`,
    /// `webhooks::Event::V`, each after the version module) names something this version defines.
    fn has(&self, item: &str) -> bool {
        let parts: Vec<&str> = item.split("::").collect();
        match parts.as_slice() {
            ["webhooks", "Event", variant] => self.events.contains(*variant),
            ["models", ty] => self.types.contains_key(*ty),
            ["models", ty, member] => self.types.get(*ty).is_some_and(|m| m.contains(*member)),
            // `get_thing` or `get_thing(param)`: a parameter is an argument of the method or a
            // setter of the builder it returns.
            ["operations", module, call] => {
                let (method, param) = match call.split_once('(') {
                    Some((m, p)) => (m, Some(p.trim_end_matches(')'))),
                    None => (*call, None),
                };
                let Some((args, builder)) =
                    self.methods.get(&(module.to_string(), method.to_string()))
                else {
                    return false;
                };
                self.accessors.contains(*module)
                    && param.is_none_or(|p| {
                        args.contains(p)
                            || self
                                .impls
                                .get(&(module.to_string(), builder.clone()))
                                .is_some_and(|setters| setters.contains(p))
                    })
            }
            _ => false,
        }
    }
}

/// The last identifier of a path type (`GetThing<'a>` -> `GetThing`), or `""`.
fn last_ident(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// `(name, argument names, returned type)` of each method of an impl block.
fn impl_methods(i: &syn::ItemImpl) -> Vec<(String, BTreeSet<String>, String)> {
    i.items
        .iter()
        .filter_map(|it| match it {
            syn::ImplItem::Fn(f) => {
                let args = f
                    .sig
                    .inputs
                    .iter()
                    .filter_map(|a| match a {
                        syn::FnArg::Typed(t) => match &*t.pat {
                            syn::Pat::Ident(p) => Some(p.ident.to_string()),
                            _ => None,
                        },
                        syn::FnArg::Receiver(_) => None,
                    })
                    .collect();
                let ret = match &f.sig.output {
                    syn::ReturnType::Type(_, t) => last_ident(t),
                    syn::ReturnType::Default => String::new(),
                };
                Some((f.sig.ident.to_string(), args, ret))
            }
            _ => None,
        })
        .collect()
}

/// The item each line of an API listing names (`models::X::f`, `operations::m::f`), with the line.
fn listing_items(vmod: &str, listing: &str) -> Vec<(String, String)> {
    let call = format!("op client.{vmod}().");
    let mut out = Vec::new();
    for line in listing.lines().filter(|l| !l.starts_with('#')) {
        let item = if let Some(rest) = line.strip_prefix(&call) {
            // `contacts().show_contact(...) ...`
            let (module, rest) = rest.split_once("().").unwrap_or(("", ""));
            let (method, rest) = rest.split_once("(...)").unwrap_or((rest, ""));
            // `... param limit: ...` and `... body: ...` name a parameter: argument or setter.
            let param = if let Some(p) = rest.strip_prefix(" param ") {
                Some(item_path(p))
            } else if rest.starts_with(" body:") {
                Some("body")
            } else {
                None
            };
            match param {
                Some(p) => format!("operations::{module}::{method}({p})"),
                None => format!("operations::{module}::{method}"),
            }
        } else if let Some(rest) = line.strip_prefix("webhook ") {
            // `"ticket.created" -> webhooks::Event::TicketCreated(Box<Ticket>)`
            let (_, item) = rest.split_once(" -> ").unwrap_or(("", rest));
            item_path(item).to_string()
        } else {
            let rest = ["type ", "field ", "variant ", "const "]
                .iter()
                .find_map(|p| line.strip_prefix(p))
                .unwrap_or_else(|| panic!("unknown listing line: {line}"));
            item_path(rest).to_string()
        };
        out.push((item, line.to_string()));
    }
    out
}

/// `models::X::f: T ...` -> `models::X::f`: up to the first `(`, space or lone `:`.
fn item_path(rest: &str) -> &str {
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b':' if bytes.get(i + 1) == Some(&b':') => i += 2,
            b':' | b'(' | b' ' => return &rest[..i],
            _ => i += 1,
        }
    }
    rest
}

/// Asserts that every item of `listing` exists in `index`.
fn assert_listing_resolves(vmod: &str, listing: &str, index: &Index) {
    let items = listing_items(vmod, listing);
    assert!(!items.is_empty(), "empty listing for {vmod}");
    let missing: Vec<String> = items
        .iter()
        .filter(|(item, _)| !index.has(item))
        .map(|(item, line)| format!("{item}  <- {line}"))
        .collect();
    assert!(
        missing.is_empty(),
        "{} listing items of {vmod} are not in the generated code:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

// ---- generating specs ----

fn generate(text: &str, version: &str) -> Vec<GeneratedFile> {
    workspace::generate_version(text, version, "0")
        .unwrap_or_else(|e| panic!("generate {version}: {e}"))
        .0
}

fn index_of(vmod: &str, files: &[GeneratedFile]) -> Index {
    Index::build(
        vmod,
        files.iter().map(|f| (f.path.clone(), f.contents.as_str())),
    )
}

fn listing_of<'a>(vmod: &str, files: &'a [GeneratedFile]) -> &'a str {
    let path = format!("intercom-api/api/{vmod}.txt");
    files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("no {path}"))
}

/// A spec with three tags (`Contacts`; `Conversations`, a split group; `Request`, whose module
/// name `request` is taken by `Api::request`), a type two reach (`shared`)
/// and `filler` unreferenced object schemas `<Word><n>` with a dozen fields each (enough for
/// several files under any size-based split), plus the schemas in `extra` (YAML, indented 4).
fn spec(extra: &str) -> String {
    let mut text = String::from(
        r##"openapi: 3.0.3
info: { title: Placement fixture, version: "1.0" }
paths:
  /contacts/{id}:
    get:
      operationId: showContact
      tags: [Contacts]
      parameters:
      - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { $ref: "#/components/schemas/Contact" } } }
  /conversations:
    get:
      operationId: listConversations
      tags: [Conversations]
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { $ref: "#/components/schemas/ConversationList" } } }
    post:
      operationId: createConversation
      tags: [Conversations]
      requestBody:
        content: { application/json: { schema: { $ref: "#/components/schemas/ConversationPart" } } }
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { $ref: "#/components/schemas/Conversation" } } }
  /ping:
    get:
      operationId: ping
      tags: [Request]
      parameters:
      - { name: verbose, in: query, schema: { type: boolean } }
      responses:
        "200": { description: ok }
components:
  schemas:
    Contact:
      type: object
      properties:
        id: { type: string }
        tags: { $ref: "#/components/schemas/TagList" }
        additional_properties: { type: string }
    TagList:
      type: object
      properties:
        data: { type: array, items: { type: string } }
    ConversationList:
      type: object
      properties:
        conversations: { type: array, items: { $ref: "#/components/schemas/Conversation" } }
    Conversation:
      type: object
      properties:
        id: { type: string }
        tags: { $ref: "#/components/schemas/TagList" }
        state: { type: string, enum: [open, closed] }
    ConversationPart:
      type: object
      required: [body]
      properties:
        body: { type: string }
"##,
    );
    for word in [
        "Alpha", "Bravo", "Delta", "Echo", "Kilo", "Lima", "Sierra", "Tango",
    ] {
        for n in 0..6 {
            text.push_str(&format!(
                "    {word}{n}:\n      type: object\n      properties:\n"
            ));
            for f in 0..12 {
                text.push_str(&format!(
                    "        field_{f}: {{ type: string, description: \"Field {f} of {word}{n}.\" }}\n"
                ));
            }
        }
    }
    text.push_str(extra);
    text
}

// ---- tests ----

#[test]
fn fixture_listing_names_generated_items() {
    let files = generate(&spec(""), "1.0");
    let index = index_of("v1_0", &files);
    assert!(index.has("operations::contacts::show_contact"));
    assert!(index.has("operations::contacts::show_contact(id)"));
    assert!(index.has("operations::request_ops::ping(verbose)"));
    assert!(!index.has("operations::request::ping"));
    assert!(index.has("models::Contact::additional_properties_"));
    assert!(!index.has("models::Contact::nope"));
    assert_listing_resolves("v1_0", listing_of("v1_0", &files), &index);
}

#[test]
fn diff_items_exist_in_the_generated_code() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff");
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(format!("{name}.yaml")))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    for pair in ["ops", "schemas"] {
        let (old_text, new_text) = (read(&format!("{pair}_old")), read(&format!("{pair}_new")));
        let old = codegen::lower_str(&old_text, "1.0").unwrap_or_else(|e| panic!("{e}"));
        let new = codegen::lower_str(&new_text, "1.1").unwrap_or_else(|e| panic!("{e}"));
        let report = codegen::diff::compare(&old, &new, "old", "new");
        assert!(!report.changes.is_empty(), "{pair}: no changes");
        let old_files = generate(&old_text, "1.0");
        let new_files = generate(&new_text, "1.1");
        let indexes = [
            ("v1_0", index_of("v1_0", &old_files)),
            ("v1_1", index_of("v1_1", &new_files)),
        ];
        for (vmod, index) in &indexes {
            let files = if *vmod == "v1_0" {
                &old_files
            } else {
                &new_files
            };
            assert_listing_resolves(vmod, listing_of(vmod, files), index);
        }
        let missing: Vec<String> = report
            .changes
            .iter()
            .filter(|c| {
                let found = indexes.iter().any(|(vmod, index)| {
                    c.item
                        .strip_prefix(&format!("{vmod}::"))
                        .is_some_and(|rest| index.has(rest))
                });
                !found
            })
            .map(|c| format!("{} ({:?}: {})", c.item, c.rule, c.message))
            .collect();
        assert!(
            missing.is_empty(),
            "{pair}: diff items not in the generated code:\n{}",
            missing.join("\n")
        );
    }
}

#[test]
fn checked_in_listings_name_checked_in_items() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let api_dir = root.join("intercom-api/api");
    let mut versions = 0;
    for entry in std::fs::read_dir(&api_dir).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let Some(vmod) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let listing = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut texts = Vec::new();
        for sub in ["models", "operations"] {
            let dir = root.join(format!("intercom-api/src/{vmod}/{sub}"));
            for f in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
                let f = f.unwrap_or_else(|e| panic!("{e}")).path();
                let name = f.file_name().and_then(|s| s.to_str()).unwrap_or_default();
                let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{e}"));
                texts.push((format!("intercom-api/src/{vmod}/{sub}/{name}"), text));
            }
        }
        let webhooks = format!("intercom-api/src/{vmod}/webhooks.rs");
        if let Ok(text) = std::fs::read_to_string(root.join(&webhooks)) {
            texts.push((webhooks, text));
        }
        let index = Index::build(vmod, texts.iter().map(|(p, t)| (p.clone(), t.as_str())));
        assert_listing_resolves(vmod, &listing, &index);
        versions += 1;
    }
    assert!(versions >= 2, "expected the listings of 2.10 and 2.11");
}

/// The paths that differ between two generations.
fn changed(a: &[GeneratedFile], b: &[GeneratedFile]) -> BTreeSet<String> {
    let map = |files: &[GeneratedFile]| -> BTreeMap<String, String> {
        files
            .iter()
            .map(|f| (f.path.clone(), f.contents.clone()))
            .collect()
    };
    let (a, b) = (map(a), map(b));
    a.keys()
        .chain(b.keys())
        .filter(|p| a.get(*p) != b.get(*p))
        .cloned()
        .collect()
}

#[test]
fn adding_a_type_changes_one_model_file() {
    let base = generate(&spec(""), "1.0");
    let models = "intercom-api/src/v1_0/models/";
    let model_files: BTreeSet<&str> = base
        .iter()
        .filter_map(|f| f.path.strip_prefix(models))
        .collect();
    // The filler is split: several `unreferenced_*` files, and the conversations group is too.
    assert!(
        model_files
            .iter()
            .filter(|f| f.starts_with("unreferenced_"))
            .count()
            >= 4,
        "{model_files:?}"
    );
    assert!(
        model_files.contains("conversations_p.rs"),
        "{model_files:?}"
    );
    assert!(model_files.contains("shared_t.rs"), "{model_files:?}");
    let new_type = |name: &str| {
        format!(
            "    {name}:\n      type: object\n      properties:\n        id: {{ type: string }}\n"
        )
    };
    // (new type, the file that gains it, whether that file is new)
    let cases = [
        ("Charlie0", "unreferenced_c.rs", true),
        ("Delta9", "unreferenced_d.rs", false),
        ("Aardvark", "unreferenced_a.rs", false),
        ("Zulu", "unreferenced_z.rs", true),
        ("Kilo0a", "unreferenced_k.rs", false),
    ];
    for (name, file, is_new) in cases {
        let plus = generate(&spec(&new_type(name)), "1.0");
        let mut expected = BTreeSet::from([
            format!("{models}{file}"),
            "intercom-api/api/v1_0.txt".to_string(),
        ]);
        if is_new {
            expected.insert(format!("{models}mod.rs"));
        }
        // Not part of the crate: the example-decoding test's table, one `impl Leftovers` per type.
        expected.insert("intercom-api/tests/generated/v1_0.rs".to_string());
        assert_eq!(changed(&base, &plus), expected, "adding {name}");
    }
}
