//! Snapshot tests: one small spec per hazard of the Intercom description (`tests/fixtures/*.yaml`),
//! generated as a whole version. Each fixture has two or three snapshots: the regen report (summary
//! line and warnings), the generated model files and, when the fixture has operations, the
//! generated operation files.
//!
//! Update with `INSTA_UPDATE=always cargo test -p intercom-api-codegen --test snapshots`, then read
//! the diff. The `ir_*` tests below pin the intent independently of the snapshots.

use std::path::PathBuf;

use codegen::emit::GeneratedFile;
use codegen::ir::{Api, Field, PageKind, ResponseBody, Struct, TypeDef, TypeKind, TypeRef, Union};
use codegen::workspace::{VersionReport, generate_version};

const VERSION: &str = "9.99";

/// Every fixture in `tests/fixtures`, each with a snapshot test below.
const FIXTURES: &[&str] = &[
    "allof",
    "anyof_additional",
    "anyof_required_only",
    "best_fit_union",
    "constants",
    "dangling_ref",
    "declared_redirect",
    "enum_values",
    "example_members",
    "examples_no_schema",
    "field_docs",
    "form_body",
    "implied_pagination",
    "keywords",
    "kind_union",
    "list_objects",
    "maps",
    "media_types",
    "name_collision",
    "nullable",
    "oneof_base_members",
    "recursive",
    "reply_request",
    "request_bodies",
    "request_response",
    "search_operator",
    "tagged_oneof",
    "untagged_json",
    "version_header",
];

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

fn fixture(name: &str) -> String {
    let path = fixtures_dir().join(format!("{name}.yaml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn generate(name: &str) -> (Vec<GeneratedFile>, VersionReport) {
    generate_version(&fixture(name), VERSION, "0000")
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn lower(name: &str) -> Api {
    codegen::lower_str(&fixture(name), VERSION).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// The summary line, then one line per warning, then one per paginated operation.
fn report_text(report: &VersionReport) -> String {
    let mut out = report.summary();
    out.push('\n');
    for w in &report.warnings {
        out.push_str(&w.to_string());
        out.push('\n');
    }
    for line in report.pagination_lines() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The operation files (path header + contents), in path order.
fn operations_text(files: &[GeneratedFile]) -> String {
    let prefix = format!(
        "intercom-api/src/{}/operations/",
        codegen::naming::version_module(VERSION)
    );
    let mut ops: Vec<&GeneratedFile> = files
        .iter()
        .filter(|f| f.path.starts_with(&prefix) && !f.path.ends_with("/mod.rs"))
        .collect();
    ops.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out = String::new();
    for f in ops {
        out.push_str(&format!("===== {} =====\n", f.path));
        out.push_str(&f.contents);
        if !f.contents.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The model files (path header + contents), in path order. The version `mod.rs` and the example
/// dispatch table are left out: they only repeat what the models say.
fn models_text(files: &[GeneratedFile]) -> String {
    let prefix = format!(
        "intercom-api/src/{}/models/",
        codegen::naming::version_module(VERSION)
    );
    let mut models: Vec<&GeneratedFile> = files
        .iter()
        .filter(|f| f.path.starts_with(&prefix))
        .collect();
    models.sort_by(|a, b| a.path.cmp(&b.path));
    assert!(!models.is_empty(), "no model files generated");
    let mut out = String::new();
    for f in models {
        out.push_str(&format!("===== {} =====\n", f.path));
        out.push_str(&f.contents);
        if !f.contents.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn check(name: &str) {
    let (files, report) = generate(name);
    insta::assert_snapshot!(format!("{name}__report"), report_text(&report));
    insta::assert_snapshot!(format!("{name}__models"), models_text(&files));
    // Every fixture with operations also pins the generated operation files: accessors, builders,
    // setters, bodies, pagination, media types and redirects.
    if !operations_text(&files).is_empty() {
        insta::assert_snapshot!(format!("{name}__operations"), operations_text(&files));
    }
}

macro_rules! snapshot_tests {
    ($($name:ident),* $(,)?) => {
        mod snapshot {
            $(
                #[test]
                fn $name() {
                    super::check(stringify!($name));
                }
            )*
        }
    };
}

snapshot_tests!(
    allof,
    anyof_additional,
    anyof_required_only,
    best_fit_union,
    constants,
    dangling_ref,
    declared_redirect,
    enum_values,
    example_members,
    examples_no_schema,
    field_docs,
    form_body,
    implied_pagination,
    keywords,
    kind_union,
    list_objects,
    maps,
    media_types,
    name_collision,
    nullable,
    oneof_base_members,
    recursive,
    reply_request,
    request_bodies,
    request_response,
    search_operator,
    tagged_oneof,
    untagged_json,
    version_header,
);

#[test]
fn every_fixture_has_a_snapshot_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures dir")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".yaml"))
                .map(str::to_string)
        })
        .collect();
    on_disk.sort();
    assert_eq!(
        on_disk, FIXTURES,
        "tests/fixtures/*.yaml and FIXTURES (and snapshot_tests!) must list the same fixtures"
    );
}

#[test]
fn generation_is_deterministic() {
    for name in FIXTURES {
        let (a, ra) = generate(name);
        let (b, rb) = generate(name);
        assert_eq!(a, b, "{name}: two runs differ");
        assert_eq!(
            report_text(&ra),
            report_text(&rb),
            "{name}: two reports differ"
        );
    }
}

// ---- Direct checks on the IR: the intent behind the snapshots. ----

fn ty<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types.get(name).unwrap_or_else(|| {
        panic!(
            "no type {name}; types: {:?}",
            api.types.keys().collect::<Vec<_>>()
        )
    })
}

fn strukt<'a>(api: &'a Api, name: &str) -> &'a Struct {
    match &ty(api, name).kind {
        TypeKind::Struct(s) => s,
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

fn union<'a>(api: &'a Api, name: &str) -> &'a Union {
    match &ty(api, name).kind {
        TypeKind::Union(u) => u,
        other => panic!("{name} is not a union: {other:?}"),
    }
}

fn field<'a>(api: &'a Api, strukt_name: &str, wire: &str) -> &'a Field {
    strukt(api, strukt_name)
        .fields
        .iter()
        .find(|f| f.wire_name == wire)
        .unwrap_or_else(|| panic!("{strukt_name} has no field {wire}"))
}

/// `(wire name, required)` of every field, sorted by wire name (field order is not what is tested).
fn required_by_wire<'a>(api: &'a Api, strukt_name: &str) -> Vec<(&'a str, bool)> {
    let mut out: Vec<(&str, bool)> = strukt(api, strukt_name)
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), f.required))
        .collect();
    out.sort();
    out
}

fn variant_names(u: &Union) -> Vec<&str> {
    u.variants.iter().map(|v| v.rust_name.as_str()).collect()
}

fn tag_values(u: &Union) -> Vec<Option<&str>> {
    u.variants.iter().map(|v| v.tag_value.as_deref()).collect()
}

fn named(n: &str) -> TypeRef {
    TypeRef::Named(n.to_string())
}

#[test]
fn ir_dangling_ref_is_a_free_form_object_with_a_warning_at_the_property() {
    let api = lower("dangling_ref");
    let f = field(&api, "Contact", "custom_attributes");
    assert_eq!(f.ty, named("CustomAttributes"));
    let stand_in = ty(&api, "CustomAttributes");
    assert_eq!(stand_in.kind, TypeKind::Alias(TypeRef::JsonObject));
    assert_eq!(stand_in.schema_name.as_deref(), Some("custom_attributes"));
    let dangling: Vec<_> = api
        .warnings
        .iter()
        .filter(|w| w.message.contains("dangling"))
        .collect();
    assert_eq!(dangling.len(), 1, "{:?}", api.warnings);
    assert_eq!(
        dangling[0].pointer,
        "#/components/schemas/contact/properties/custom_attributes"
    );
    assert!(
        dangling[0]
            .message
            .contains("#/components/schemas/custom_attributes"),
        "{}",
        dangling[0].message
    );
}

#[test]
fn ir_nullable_beside_ref_and_on_components() {
    let api = lower("nullable");
    // `nullable: true` beside a `$ref` in a request schema: required, but may be null.
    let p = field(&api, "SearchRequest", "pagination");
    assert_eq!(p.ty, named("StartingAfterPaging"));
    assert!(p.required && p.nullable);
    assert!(ty(&api, "SearchRequest").usage.request);
    assert!(!ty(&api, "SearchRequest").usage.lenient());
    // A `$ref` to a component that is itself `nullable: true`.
    assert!(field(&api, "Conversation", "first_contact_reply").nullable);
    assert!(field(&api, "Conversation", "sla_applied").nullable);
    assert_eq!(
        ty(&api, "SlaApplied").kind,
        TypeKind::Alias(TypeRef::String)
    );
}

#[test]
fn ir_undeclared_example_members_become_typed_fields() {
    let api = lower("example_members");
    // `data` stands for the absent declared sibling `ticket_types` and takes its type.
    let data = field(&api, "TicketTypeList", "data");
    assert_eq!(data.wire_name, "data");
    assert_eq!(data.ty, field(&api, "TicketTypeList", "ticket_types").ty);
    // Typed from the values: objects -> an inline struct with every member seen, scalars, arrays.
    let TypeRef::Named(owner) = &field(&api, "TicketTypeList", "owner").ty else {
        panic!("owner is not a named type")
    };
    let members: Vec<(&str, &TypeRef)> = strukt(&api, owner)
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), &f.ty))
        .collect();
    assert_eq!(
        members,
        [
            ("id", &TypeRef::Integer),
            ("name", &TypeRef::String),
            ("email", &TypeRef::String)
        ]
    );
    assert_eq!(field(&api, "TicketTypeList", "extra").ty, TypeRef::Json);
    assert_eq!(field(&api, "TicketTypeList", "ticket").ty, TypeRef::Json);
    assert_ne!(
        field(&api, "TicketTypeList", "lead").ty,
        field(&api, "TicketTypeList", "team").ty
    );
    assert_eq!(field(&api, "TicketType", "secure").ty, TypeRef::Boolean);
    assert_eq!(
        field(&api, "TicketType", "tags").ty,
        TypeRef::Array(Box::new(TypeRef::String))
    );
    // Found inside `data` once it is typed (and in no other way).
    assert_eq!(
        field(&api, "TicketType", "is_internal").ty,
        TypeRef::Boolean
    );
    // One warning per member, naming the example member.
    let ptr = "#/paths/~1ticket_types/get/responses/200/content/application~1json/examples/successful/value/data";
    assert!(
        api.warnings
            .iter()
            .any(|w| w.pointer == ptr && w.message.contains("`ticket_types`")),
        "{:?}",
        api.warnings
    );
    // Error and request examples are not evidence; the request type keeps its strict shape.
    assert_eq!(strukt(&api, "Error").fields.len(), 1);
    assert_eq!(strukt(&api, "CreateTicketTypeRequest").fields.len(), 1);
    assert!(!ty(&api, "CreateTicketTypeRequest").usage.lenient());
}

#[test]
fn ir_response_without_schema_is_json_with_a_warning() {
    let api = lower("examples_no_schema");
    let op = api
        .operations
        .iter()
        .find(|o| o.operation_id == "downloadDataExport")
        .expect("operation");
    assert_eq!(op.responses[0].body, ResponseBody::Json(TypeRef::Json));
    let ptr = "#/paths/~1download~1content~1data~1{job_identifier}/get/responses/200/content/application~1json";
    assert!(
        api.warnings
            .iter()
            .any(|w| w.pointer == ptr && w.message.contains("no schema")),
        "{:?}",
        api.warnings
    );
}

#[test]
fn ir_bodies_that_cannot_be_left_out_are_required() {
    let api = lower("request_bodies");
    let required = |id: &str| {
        let op = api
            .operations
            .iter()
            .find(|o| o.operation_id == id)
            .unwrap_or_else(|| panic!("{id}"));
        op.body.as_ref().map(|b| b.required)
    };
    // Required members, or a union: an argument although the spec does not say `required`.
    assert_eq!(required("createThing"), Some(true));
    assert_eq!(required("replyThing"), Some(true));
    // Every member optional: the `.body()` setter; a search of that shape streams `{}` + cursor.
    assert_eq!(required("updateThing"), Some(false));
    assert_eq!(required("searchThings"), Some(false));
    let search = api
        .operations
        .iter()
        .find(|o| o.operation_id == "searchThings")
        .and_then(|o| o.pagination.as_ref())
        .map(|p| p.kind.clone());
    assert!(
        matches!(
            search,
            Some(PageKind::SearchBody { body_optional: true, empty_body: Some(ref e), .. }) if e == "{}"
        ),
        "{search:?}"
    );
    // specs/naming-overrides.txt: `lisDataEvents` is named `listDataEvents`; the id is kept.
    let events = api
        .operations
        .iter()
        .find(|o| o.operation_id == "lisDataEvents")
        .expect("the operation keeps its operationId");
    assert_eq!(events.method_name, "list_data_events");
    assert_eq!(events.builder, "ListDataEvents");
    assert!(api.types.contains_key("ListDataEventsFilter"));
}

#[test]
fn ir_search_operator_variants_are_spelled_out() {
    let api = lower("search_operator");
    let op = field(&api, "SingleFilterSearchRequest", "operator");
    let TypeRef::Named(name) = &op.ty else {
        panic!("operator is {:?}", op.ty)
    };
    let TypeKind::Enum(e) = &ty(&api, name).kind else {
        panic!("{name} is not an enum")
    };
    let names: Vec<&str> = e.variants.iter().map(|v| v.rust_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Equals",
            "NotEquals",
            "In",
            "Nin",
            "LessThan",
            "LessThanOrEquals",
            "GreaterThan",
            "GreaterThanOrEquals",
            "Contains",
            "NotContains",
            "StartsWith",
            "EndsWith"
        ]
    );
    let wires: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
    assert_eq!(
        wires,
        [
            "=", "!=", "IN", "NIN", "<", "<=", ">", ">=", "~", "!~", "^", "$"
        ]
    );
}

#[test]
fn ir_component_keeps_its_name_over_an_inline_enum() {
    let api = lower("name_collision");
    let tt = ty(&api, "TicketType");
    assert_eq!(tt.schema_name.as_deref(), Some("ticket_type"));
    assert!(matches!(tt.kind, TypeKind::Struct(_)));
    // The inline single-value enum is a constant member now: no type (such as the misleading
    // `TicketTypeEnum` the collision used to produce), a `String` field holding the value.
    let f = field(&api, "Ticket", "type");
    assert_eq!(f.ty, TypeRef::String);
    assert_eq!(f.constant.as_deref(), Some("ticket"));
    assert!(
        api.types
            .values()
            .all(|d| !d.pointer.ends_with("/ticket/properties/type")),
        "no type for the constant"
    );
    assert_eq!(field(&api, "Ticket", "ticket_type").ty, named("TicketType"));
}

#[test]
fn ir_list_objects_are_one_array_beside_constants_and_numbers() {
    let api = lower("list_objects");
    let lists: Vec<(&str, &str)> = api
        .types
        .values()
        .filter_map(|d| match &d.kind {
            TypeKind::Struct(s) => s.list_member.as_deref().map(|m| (d.name.as_str(), m)),
            _ => None,
        })
        .collect();
    // Not `Page` (an object member), `Tag` (strings), `TwoLists` (two arrays), nor the strict
    // `CreateTagsRequest`.
    assert_eq!(lists, [("AliasList", "items"), ("TagList", "data")]);
    assert!(!ty(&api, "CreateTagsRequest").usage.lenient());
    // The array body is decoded through `decode_json_array`, the list objects through their type.
    let (files, _) = generate("list_objects");
    let ops = operations_text(&files);
    assert_eq!(
        ops.matches("crate::runtime::decode_json_array").count(),
        1,
        "{ops}"
    );
    let models = models_text(&files);
    assert_eq!(models.matches("const LIST_MEMBER").count(), 2, "{models}");
}

#[test]
fn ir_single_value_enums_are_constants_without_a_type() {
    let api = lower("constants");
    for (owner, wire, value) in [
        ("Note", "type", "note"),
        ("CreateNoteRequest", "type", "note"),
        ("CreateNoteRequest", "kind", "plain"),
        ("NoteContent", "type", "note_content"),
        ("Circle", "type", "circle"),
        ("Square", "type", "square"),
    ] {
        let f = field(&api, owner, wire);
        assert_eq!(f.constant.as_deref(), Some(value), "{owner}.{wire}");
        assert_eq!(f.ty, TypeRef::String, "{owner}.{wire}");
    }
    // No enum type is left with a single value, except one used elsewhere than as a field.
    let single: Vec<&str> = api
        .types
        .values()
        .filter(|d| matches!(&d.kind, TypeKind::Enum(e) if e.variants.len() == 1))
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(single, ["Marker"]);
    // The tagged union still dispatches on the constant.
    let Union { tag, variants } = union(&api, "Shape");
    assert_eq!(tag.as_deref(), Some("type"));
    let tags: Vec<_> = variants.iter().map(|v| v.tag_value.as_deref()).collect();
    assert_eq!(tags, [Some("circle"), Some("square")]);
}

#[test]
fn ir_keywords_are_escaped() {
    let api = lower("keywords");
    let rust = |s: &str, w: &str| field(&api, s, w).rust_name.clone();
    assert_eq!(rust("LinkRequest", "type"), "type_");
    assert_eq!(rust("LinkRequest", "self"), "self_");
    assert_eq!(rust("LinkRequest", "match"), "match_");
    assert_eq!(rust("LinkRequest", "async"), "async_");
    // `type_` is taken by the escaped `type`; the wire field `type_` gets another (distinct) name.
    assert_eq!(rust("Link", "type"), "type_");
    assert_ne!(rust("Link", "type_"), "type_");
    let mut link: Vec<String> = strukt(&api, "Link")
        .fields
        .iter()
        .map(|f| f.rust_name.clone())
        .collect();
    link.sort();
    link.dedup();
    assert_eq!(link.len(), 4);
    // A schema called `self` cannot be `Self`.
    assert_eq!(ty(&api, "SelfValue").schema_name.as_deref(), Some("self"));
    // Parameters never take the name of a builder method (`options`, `OperationExt`'s methods).
    let params: Vec<(&str, &str)> = api.operations[0]
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.rust_name.as_str()))
        .collect();
    assert_eq!(params.len(), 4);
    for (wire, rust) in params {
        assert!(
            !["header", "raw_body", "query_param", "options", "extra"].contains(&rust),
            "`{wire}` -> `{rust}`"
        );
    }
}

#[test]
fn ir_conversation_parts_union_is_tagged_by_message_type() {
    let api = lower("tagged_oneof");
    let u = union(&api, "ManageConversationRequest");
    assert_eq!(u.tag.as_deref(), Some("message_type"));
    assert_eq!(variant_names(u), ["Close", "Snooze", "Open", "Assign"]);
    assert_eq!(
        tag_values(u),
        [
            Some("close"),
            Some("snooze"),
            Some("open"),
            Some("assignment")
        ]
    );
    let op = &api.operations[0];
    assert_eq!(
        op.body.as_ref().map(|b| &b.ty),
        Some(&named("ManageConversationRequest"))
    );
}

#[test]
fn ir_reply_request_is_tagged_by_type_and_contact_reply_is_untagged() {
    let api = lower("reply_request");
    let outer = union(&api, "ReplyConversationRequest");
    assert_eq!(outer.tag.as_deref(), Some("type"));
    assert_eq!(variant_names(outer), ["Contact", "Admin"]);
    assert_eq!(tag_values(outer), [Some("user"), Some("admin")]);
    assert_eq!(
        outer.variants[0].ty,
        named("ContactReplyConversationRequest")
    );
    let inner = union(&api, "ContactReplyConversationRequest");
    assert_eq!(inner.tag, None);
    assert_eq!(variant_names(inner), ["IntercomUserId", "Email", "UserId"]);
    // The base fields are merged into each contact reply; its own id field is required.
    assert_eq!(
        required_by_wire(&api, "ContactReplyEmailRequest"),
        [
            ("body", true),
            ("created_at", false),
            ("email", true),
            ("message_type", true),
            ("type", true)
        ]
    );
    // Request types are strict.
    assert!(!ty(&api, "ContactReplyEmailRequest").usage.lenient());
}

#[test]
fn ir_untagged_json_value_union() {
    let api = lower("untagged_json");
    let f = field(&api, "SingleFilterSearchRequest", "value");
    assert!(f.required && f.nullable);
    let TypeRef::Named(name) = &f.ty else {
        panic!("value is {:?}", f.ty)
    };
    let u = union(&api, name);
    assert_eq!(u.tag, None);
    assert_eq!(
        variant_names(u),
        [
            "String",
            "Integer",
            "Boolean",
            "StringArray",
            "IntegerArray",
            "Null"
        ]
    );
    let tys: Vec<&TypeRef> = u.variants.iter().map(|v| &v.ty).collect();
    assert_eq!(
        tys,
        [
            &TypeRef::String,
            &TypeRef::Integer,
            &TypeRef::Boolean,
            &TypeRef::Array(Box::new(TypeRef::String)),
            &TypeRef::Array(Box::new(TypeRef::Integer)),
            &TypeRef::Json,
        ]
    );
}

#[test]
fn ir_anyof_map_values() {
    let api = lower("anyof_additional");
    let TypeKind::Alias(TypeRef::Map(value)) = &ty(&api, "TicketCustomAttributes").kind else {
        panic!(
            "TicketCustomAttributes: {:?}",
            ty(&api, "TicketCustomAttributes").kind
        )
    };
    let mut inner = &**value;
    if let TypeRef::Nullable(i) = inner {
        inner = i;
    }
    let TypeRef::Named(name) = inner else {
        panic!("map value is {value:?}")
    };
    let u = union(&api, name);
    assert_eq!(u.tag, None);
    let names = variant_names(u);
    assert_eq!(
        names[..5],
        ["String", "Number", "Boolean", "Array", "FileAttribute"]
    );
    assert_eq!(u.variants[4].ty, named("FileAttribute"));
}

#[test]
fn ir_required_only_anyof_is_a_plain_struct() {
    let api = lower("anyof_required_only");
    assert_eq!(
        required_by_wire(&api, "CreateContactRequest"),
        [
            ("email", false),
            ("external_id", false),
            ("name", false),
            ("role", false)
        ]
    );
    assert_eq!(
        required_by_wire(&api, "CreateMessageRequest"),
        [
            ("body", true),
            ("message_type", true),
            ("subject", false),
            ("template", false)
        ]
    );
    assert!(api.warnings.is_empty(), "{:?}", api.warnings);
}

#[test]
fn ir_allof_merges_and_single_ref_allof_is_an_alias() {
    let api = lower("allof");
    assert_eq!(
        required_by_wire(&api, "ContactReplyEmailRequest"),
        [
            ("body", true),
            ("created_at", false),
            ("email", true),
            ("message_type", true),
            ("skip_notifications", false)
        ]
    );
    // The own `body` (with its own description) wins over the base's.
    let body = field(&api, "ContactReplyEmailRequest", "body");
    assert_eq!(
        body.docs.description.as_deref(),
        Some("Overrides the base property.")
    );
    assert_eq!(
        ty(&api, "ConversationSource").kind,
        TypeKind::Alias(named("Admin"))
    );
    assert_eq!(field(&api, "Conversation", "author").ty, named("Admin"));
}

#[test]
fn ir_maps() {
    let api = lower("maps");
    let f = |w: &str| field(&api, "CreateDataEventRequest", w).ty.clone();
    assert_eq!(f("metadata"), TypeRef::Map(Box::new(TypeRef::String)));
    assert_eq!(
        f("counts"),
        TypeRef::Map(Box::new(TypeRef::Nullable(Box::new(TypeRef::Integer))))
    );
    assert_eq!(f("items"), TypeRef::Map(Box::new(named("DataEventItem"))));
    assert_eq!(f("anything"), TypeRef::JsonObject);
    assert_eq!(f("empty_schema"), TypeRef::JsonObject);
    assert_eq!(f("bare"), TypeRef::JsonObject);
    assert_eq!(
        ty(&api, "BareObject").kind,
        TypeKind::Alias(TypeRef::JsonObject)
    );
    assert_eq!(
        ty(&api, "StringMap").kind,
        TypeKind::Alias(TypeRef::Map(Box::new(TypeRef::String)))
    );
    assert_eq!(
        strukt(&api, "DataEventSummary").additional,
        Some(TypeRef::Integer)
    );
}

#[test]
fn ir_request_is_strict_and_response_is_lenient() {
    let api = lower("request_response");
    let req = ty(&api, "CreateNoteRequest");
    assert!(req.usage.request && !req.usage.response && !req.usage.lenient());
    assert!(ty(&api, "Note").usage.lenient());
    let admin = ty(&api, "AdminReference");
    assert!(admin.usage.request && admin.usage.response && admin.usage.lenient());
    let unused = ty(&api, "Unused");
    assert!(!unused.usage.request && !unused.usage.response && unused.usage.lenient());
    assert!(field(&api, "CreateNoteRequest", "body").required);
    assert!(!field(&api, "CreateNoteRequest", "admin_id").required);
}

#[test]
fn ir_recursion_is_boxed_only_where_direct() {
    let api = lower("recursive");
    assert!(field(&api, "Team", "parent").boxed);
    assert!(!field(&api, "Team", "members").boxed);
    assert!(!field(&api, "Team", "id").boxed);
    let value = field(&api, "MultipleFilterSearchRequest", "value");
    assert_eq!(
        value.ty,
        TypeRef::Array(Box::new(named("MultipleOrSingleFilterSearchRequest")))
    );
    assert!(!value.boxed);
    let u = union(&api, "MultipleOrSingleFilterSearchRequest");
    assert_eq!(variant_names(u), ["Multiple", "Single"]);
    // Mutual recursion through optional fields: at least one side is boxed.
    assert!(field(&api, "Tag", "applied_by").boxed || field(&api, "TagAdmin", "last_tag").boxed);
}

#[test]
fn ir_pagination_is_inferred_from_the_response_when_no_parameter_is_declared() {
    use codegen::ir::PageKind;
    let api = lower("implied_pagination");
    let kind = |id: &str| {
        api.operations
            .iter()
            .find(|o| o.operation_id == id)
            .unwrap_or_else(|| panic!("no operation {id}"))
            .pagination
            .as_ref()
            .map(|p| p.kind.clone())
    };
    let implied = |id: &str| match kind(id) {
        Some(PageKind::Implied {
            cursor,
            next_url,
            page_number,
        }) => (cursor.is_some(), next_url.is_some(), page_number.is_some()),
        other => panic!("{id}: expected an implied kind, got {other:?}"),
    };
    assert_eq!(implied("ListContacts"), (true, false, false));
    assert_eq!(implied("listNotes"), (false, false, true));
    assert_eq!(implied("listCompaniesForAContact"), (false, true, false));
    // A declared cursor keeps its setter; a POST or a list without `pages` gets no stream.
    assert!(matches!(
        kind("listConversations"),
        Some(PageKind::Cursor { .. })
    ));
    assert_eq!(kind("postListContacts"), None);
    assert_eq!(kind("listSegments"), None);
}

#[test]
fn ir_undocumented_members_take_the_referenced_schemas_description_or_nothing() {
    let api = lower("field_docs");
    let doc = |s: &str, wire: &str| field(&api, s, wire).docs.description.clone();
    // Array of a described schema: its first paragraph only.
    assert_eq!(
        doc("NoteList", "data").as_deref(),
        Some("A note about a contact.")
    );
    // A description beside the `$ref` wins over the target's.
    assert_eq!(
        doc("NoteList", "author").as_deref(),
        Some("Who wrote the first note.")
    );
    assert_eq!(
        doc("Note", "author").as_deref(),
        Some("An admin of the workspace.")
    );
    // Nothing to take: no doc, not the wire name.
    assert!(field(&api, "NoteList", "pages").docs.is_empty());
    assert!(field(&api, "NoteList", "total_count").docs.is_empty());
    let models = models_text(&generate("field_docs").0);
    assert!(!models.contains("/// `pages`"), "{models}");
}

#[test]
fn ir_accept_header_parameter_is_no_argument_and_no_type() {
    let api = lower("media_types");
    let op = api
        .operations
        .iter()
        .find(|o| o.operation_id == "downloadFile")
        .expect("downloadFile");
    let names: Vec<&str> = op.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["id"]);
    assert!(
        !api.types.keys().any(|n| n.contains("Accept")),
        "{:?}",
        api.types.keys().collect::<Vec<_>>()
    );
    let ops = operations_text(&generate("media_types").0);
    assert!(
        ops.contains("set_accept(\"application/octet-stream\")"),
        "{ops}"
    );
}

#[test]
fn ir_an_operation_sends_the_only_intercom_version_its_spec_allows() {
    let api = lower("version_header");
    let sent = |id: &str| {
        api.operations
            .iter()
            .find(|o| o.operation_id == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .api_version
            .clone()
    };
    // The enum lists the module's version: the module's version is sent.
    assert_eq!(sent("listTags"), None);
    // The operation's own one-value enum wins over the path's, whatever the header's case.
    assert_eq!(sent("attachTagToArticle"), Some("preview".to_string()));
    // Several values, none the module's: the module's version, and a warning at the schema.
    assert_eq!(sent("getBeta"), None);
    let warnings: Vec<String> = api.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("/paths/~1beta/get/parameters/0/schema")
                && w.contains("allows alpha, beta but not \"9.99\"")),
        "{warnings:?}"
    );
    // The header is never a parameter of the call.
    assert!(api.operations.iter().all(|o| {
        o.parameters
            .iter()
            .all(|p| !p.name.eq_ignore_ascii_case("intercom-version"))
    }));
}

#[test]
fn ir_a_multipart_form_body_is_typed_and_sent_as_a_form() {
    let api = lower("form_body");
    let body = |id: &str| {
        api.operations
            .iter()
            .find(|o| o.operation_id == id)
            .and_then(|o| o.body.clone())
            .unwrap_or_else(|| panic!("{id} has no body"))
    };
    let upload = body("uploadCatalog");
    assert!(codegen::ir::media_is_form(&upload.media_type));
    assert!(matches!(upload.ty, TypeRef::Named(_)), "{:?}", upload.ty);
    // Only the media type that is neither JSON nor a multipart form is "sent as JSON anyway".
    let warnings: Vec<String> = api.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings
            .iter()
            .filter(|w| w.contains("sent as JSON anyway"))
            .count(),
        1,
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("application/x-www-form-urlencoded")),
        "{warnings:?}"
    );
    let (files, _) = generate("form_body");
    let ops = operations_text(&files);
    assert!(ops.contains("parts.set_form_body("), "{ops}");
    assert!(ops.contains("parts.set_json_body("), "{ops}");
}

#[test]
fn ir_inline_types_know_where_they_are_used() {
    use codegen::ir::{Site, UsedAt, Within};
    let api = lower("reply_request");
    // An inline response body and an inline member: the first site that refers to each.
    assert_eq!(
        ty(&api, "ReplyConversationResponse").used_at,
        Some(UsedAt {
            site: Site::Response("reply_conversation".into(), "200".into()),
            within: Within::Itself,
        })
    );
    assert_eq!(
        ty(&api, "AdminReplyConversationRequestMessageType").used_at,
        Some(UsedAt {
            site: Site::Member(
                "AdminReplyConversationRequest".into(),
                "message_type".into()
            ),
            within: Within::Itself,
        })
    );
    // Component schemas are documented by their own name, not by a use.
    assert_eq!(ty(&api, "AdminReplyConversationRequest").used_at, None);
}

/// The mock's typed handles (`<vmod>::mock::ops`): one per operation, named after its method, the
/// body type the request body's (`Option<_>` when optional, `()` without one); two operations whose
/// names collide (`getThing` and `GetThing`, in two tags) get distinct names, in spec order.
#[test]
fn mock_handles_are_typed_by_the_request_body_and_collisions_get_a_suffix() {
    let spec = r##"
openapi: 3.0.1
info: {title: Intercom API, version: '9.99'}
paths:
  "/things/{id}":
    get:
      operationId: getThing
      tags: [Things]
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      responses: {'200': {description: ok}}
    post:
      operationId: updateThing
      tags: [Things]
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {"$ref": "#/components/schemas/thing"}
      responses: {'200': {description: ok}}
  "/other/{id}":
    get:
      operationId: GetThing
      tags: [Other]
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      responses: {'200': {description: ok}}
    put:
      operationId: touchOther
      tags: [Other]
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {"$ref": "#/components/schemas/thing"}
      responses: {'200': {description: ok}}
components:
  schemas:
    thing:
      type: object
      properties:
        name: {type: string}
"##;
    let (files, _) = generate_version(spec, VERSION, "0000").expect("generates");
    let vmod = codegen::naming::version_module(VERSION);
    let mock = files
        .iter()
        .find(|f| f.path == format!("intercom-api/src/{vmod}/mock.rs"))
        .expect("the mock table");
    // Whitespace and trailing commas removed: independent of how the formatter wraps a line.
    let text = mock
        .contents
        .split_whitespace()
        .collect::<String>()
        .replace(",>", ">");
    let handle = |name: &str| {
        let start = text
            .find(&format!("pubconst{name}:"))
            .unwrap_or_else(|| panic!("no handle {name}: {text}"));
        let end = text[start..].find(';').map_or(text.len(), |e| start + e);
        text[start..end].to_string()
    };
    assert!(handle("GET_THING").contains("MockOp<()>"));
    assert!(handle("GET_THING").contains("\"getThing\""));
    assert!(handle("GET_THING_OP").contains("\"GetThing\""));
    let models = format!("crate::{vmod}::models::Thing");
    assert!(
        handle("UPDATE_THING").contains(&format!("MockOp<{models}>")),
        "{}",
        handle("UPDATE_THING")
    );
    assert!(
        handle("TOUCH_OTHER").contains(&format!("MockOp<Option<{models}>>")),
        "{}",
        handle("TOUCH_OTHER")
    );
}
