//! Spec diff tests.
//!
//! - One test per rule on two small fixture pairs (`tests/fixtures/diff/{ops,schemas}_{old,new}.yaml`;
//!   the `_new` files list the change they make per rule), plus text snapshots of both reports.
//! - The real specs, read at test time: 2.10 -> 2.11 (pinned, found with `specs::locate`) and each
//!   older revision of 2.11 in `../shared/intercom-openapi/history/2.11/` -> the pinned 2.11, each
//!   as a text, Markdown and JSON snapshot.
//!
//! Update snapshots with `INSTA_UPDATE=always cargo test -p intercom-api-codegen --test diff`, then
//! read the diff.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use codegen::diff::source::{LoadedSpec, SpecRef};
use codegen::diff::{self, Change, Class, Format, Report, Rule};
use codegen::ir::Api;
use codegen::specs;
use codegen::workspace;

// ---- fixtures ----

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join("diff")
        .join(format!("{name}.yaml"))
}

fn fixture_api(name: &str, version: &str) -> Api {
    let path = fixture_path(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    codegen::lower_str(&text, version).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// Webhook topics for the `webhooks` pair (the `schemas` fixtures): `thing.updated` unchanged,
/// `gadget.created` typed in 1.1 only (1.0 has no `gadget` schema), `widget.gone` only attached to
/// the old side (a removal), `thing.new` listed from 1.1 on.
const TOPICS: &str = r#"
[[topic]]
name = "thing.updated"
object = "Thing"
schema = "thing"
fires = "f"
source = "A"

[[topic]]
name = "gadget.created"
object = "Gadget"
schema = "gadget"
fires = "f"
source = "A"

[[topic]]
name = "widget.gone"
object = "Widget"
schema = "widget"
fires = "f"
source = "A"

[[topic]]
name = "thing.new"
object = "Thing"
schema = "thing"
fires = "f"
source = "A"
since = "1.1"
"#;

/// The report of fixture pair `ops`, `schemas` or `webhooks` (the schemas pair with [`TOPICS`]).
fn fixture_report(pair: &str) -> &'static Report {
    static OPS: OnceLock<Report> = OnceLock::new();
    static SCHEMAS: OnceLock<Report> = OnceLock::new();
    static WEBHOOKS: OnceLock<Report> = OnceLock::new();
    let cell = match pair {
        "ops" => &OPS,
        "schemas" => &SCHEMAS,
        "webhooks" => &WEBHOOKS,
        other => panic!("no fixture pair {other}"),
    };
    cell.get_or_init(|| {
        let files = if pair == "webhooks" { "schemas" } else { pair };
        let mut old = fixture_api(&format!("{files}_old"), "1.0");
        let mut new = fixture_api(&format!("{files}_new"), "1.1");
        if pair == "webhooks" {
            let topics = codegen::webhooks::parse(TOPICS).expect("topics");
            codegen::webhooks::attach(&mut old, &topics);
            let kept: Vec<_> = topics
                .into_iter()
                .filter(|t| t.name != "widget.gone")
                .collect();
            codegen::webhooks::attach(&mut new, &kept);
        }
        diff::compare(&old, &new, &format!("{pair}_old"), &format!("{pair}_new"))
    })
}

fn with_rule(report: &Report, rule: Rule) -> Vec<&Change> {
    report.changes.iter().filter(|c| c.rule == rule).collect()
}

/// Asserts that `pair` reports `rule` on `item` with `class`, its message containing `fragment`.
fn expect(pair: &str, rule: Rule, class: Class, item: &str, fragment: &str) {
    let report = fixture_report(pair);
    let found = with_rule(report, rule);
    let hit = found.iter().find(|c| c.item == item).unwrap_or_else(|| {
        panic!(
            "{pair}: no {rule} on {item}; {rule} changes: {:#?}",
            found.iter().map(|c| &c.item).collect::<Vec<_>>()
        )
    });
    assert_eq!(hit.class(), class, "{pair}: class of {rule}");
    assert!(
        hit.message.contains(fragment),
        "{pair}: {rule} on {item}: message {:?} lacks {fragment:?}",
        hit.message
    );
}

macro_rules! rule_tests {
    ($( $test:ident: $pair:literal, $rule:ident, $class:ident, $item:literal, $fragment:literal; )*) => {
        mod rule {
            use super::*;
            $(
                #[test]
                fn $test() {
                    expect($pair, Rule::$rule, Class::$class, $item, $fragment);
                }
            )*
        }

        /// Every rule has a test above (and so appears in a fixture report).
        #[test]
        fn every_rule_has_a_test() {
            let tested: BTreeSet<Rule> = [$(Rule::$rule),*].into_iter().collect();
            let all: BTreeSet<Rule> = Rule::ALL.iter().copied().collect();
            let missing: Vec<_> = all.difference(&tested).map(|r| r.id()).collect();
            assert!(missing.is_empty(), "rules without a test: {missing:?}");
        }
    };
}

rule_tests! {
    operation_added: "ops", OperationAdded, NonBreaking,
        "v1_1::operations::things::count_things", "countThings";
    operation_removed: "ops", OperationRemoved, Breaking,
        "v1_0::operations::things::delete_thing", "deleteThing";
    operation_renamed: "ops", OperationRenamed, Breaking,
        "v1_1::operations::things::list_things", "lis_things(...) -> client.v1_1().things().list_things(...)";
    operation_moved: "ops", OperationMoved, Breaking,
        "v1_1::operations::stuff::create_thing", "tag `Things` -> `Stuff`";
    operation_id_changed: "ops", OperationIdChanged, NonBreaking,
        "v1_1::operations::things::search_things", "`searchThings` -> `SearchThings`";
    operation_method_changed: "ops", OperationMethodChanged, PotentiallyBreaking,
        "v1_1::operations::things::restore_thing", "POST -> PUT";
    operation_path_changed: "ops", OperationPathChanged, PotentiallyBreaking,
        "v1_1::operations::things::archive_thing", "`/things/{id}/archive` -> `/things/{id}/archival`";
    path_param_renamed: "ops", PathParamRenamed, NonBreaking,
        "v1_1::operations::things::get_thing", "`{id}` -> `{thing_id}`";
    operation_deprecated: "ops", OperationDeprecated, NonBreaking,
        "v1_1::operations::things::archive_thing", "deprecated";
    operation_undeprecated: "ops", OperationUndeprecated, NonBreaking,
        "v1_1::operations::things::restore_thing", "no longer deprecated";
    param_added_required: "ops", ParamAddedRequired, Breaking,
        "v1_1::operations::things::get_thing(scope)", "required: a new argument";
    param_added_optional: "ops", ParamAddedOptional, NonBreaking,
        "v1_1::operations::things::get_thing(page)", "optional: a new setter";
    param_removed: "ops", ParamRemoved, Breaking,
        "v1_0::operations::things::get_thing(verbose)", "query parameter `verbose`";
    param_became_required: "ops", ParamBecameRequired, Breaking,
        "v1_1::operations::things::get_thing(limit)", "setter -> argument";
    param_became_optional: "ops", ParamBecameOptional, Breaking,
        "v1_1::operations::things::get_thing(filter)", "argument -> setter";
    param_type_changed: "ops", ParamTypeChanged, Breaking,
        "v1_1::operations::things::get_thing(thing_id)", "`i64` -> `String`";
    request_body_added_required: "ops", RequestBodyAddedRequired, Breaking,
        "v1_1::operations::things::search_things(body)", "`ThingUpdate`, required";
    request_body_added_optional: "ops", RequestBodyAddedOptional, NonBreaking,
        "v1_1::operations::misc::ping(body)", "`ThingUpdate`, optional";
    request_body_removed: "ops", RequestBodyRemoved, Breaking,
        "v1_0::operations::things::create_thing(body)", "`ThingUpdate` removed";
    request_body_required_changed: "ops", RequestBodyRequiredChanged, Breaking,
        "v1_1::operations::things::update_thing(body)", "became required";
    request_body_type_changed: "ops", RequestBodyTypeChanged, Breaking,
        "v1_1::operations::things::update_thing(body)", "`ThingUpdate` -> `ThingPatch`";
    response_type_changed: "ops", ResponseTypeChanged, Breaking,
        "v1_1::operations::things::update_thing", "returns `Thing` -> `ThingSummary`";
    response_status_added: "ops", ResponseStatusAdded, NonBreaking,
        "v1_1::operations::things::get_thing", "401";
    response_status_removed: "ops", ResponseStatusRemoved, NonBreaking,
        "v1_1::operations::things::get_thing", "404";
    webhook_topic_added: "webhooks", WebhookTopicAdded, NonBreaking,
        "v1_1::webhooks::Event::ThingNew", "new topic, item `Box<Thing>`";
    webhook_topic_removed: "webhooks", WebhookTopicRemoved, Breaking,
        "v1_0::webhooks::Event::WidgetGone", "item was `Box<Widget>`";
    webhook_topic_retyped: "webhooks", WebhookTopicRetyped, Breaking,
        "v1_1::webhooks::Event::GadgetCreated", "item `serde_json::Value` -> `Box<Gadget>`";
    type_added: "schemas", TypeAdded, NonBreaking,
        "v1_1::models::Gadget", "new struct, lenient (response)";
    type_removed: "schemas", TypeRemoved, Breaking,
        "v1_0::models::Widget", "struct removed";
    type_kind_changed: "schemas", TypeKindChanged, Breaking,
        "v1_1::models::Shape", "struct -> enum";
    type_became_strict: "schemas", TypeBecameStrict, PotentiallyBreaking,
        "v1_1::models::Address", "lenient (request, response) -> strict (request)";
    type_became_lenient: "schemas", TypeBecameLenient, PotentiallyBreaking,
        "v1_1::models::Filter", "strict (request) -> lenient (request, response)";
    property_added: "schemas", PropertyAdded, NonBreaking,
        "v1_1::models::Thing::color", "`Option<String>`";
    request_property_added: "schemas", RequestPropertyAdded, PotentiallyBreaking,
        "v1_1::models::ThingUpdate::memo", "new optional field `Option<String>`";
    request_property_added_required: "schemas", RequestPropertyAddedRequired, Breaking,
        "v1_1::models::ThingUpdate::kind", "new required field `String`";
    property_removed: "schemas", PropertyRemoved, Breaking,
        "v1_0::models::Thing::legacy", "`legacy: Option<String>` removed";
    property_renamed: "schemas", PropertyRenamed, Breaking,
        "v1_1::models::Thing::foo_bar_", "field `foo_bar` -> `foo_bar_`";
    property_type_changed: "schemas", PropertyTypeChanged, Breaking,
        "v1_1::models::Thing::size", "`Option<i64>` -> `Option<String>`";
    property_rust_type_changed: "schemas", PropertyRustTypeChanged, Breaking,
        "v1_1::models::Address::city", "`Option<String>` -> `String`";
    property_became_required: "schemas", PropertyBecameRequired, NonBreaking,
        "v1_1::models::Thing::label", "field stays `Option<String>`";
    request_property_became_required: "schemas", RequestPropertyBecameRequired, Breaking,
        "v1_1::models::ThingUpdate::title", "`Option<String>` -> `String`";
    property_became_optional: "schemas", PropertyBecameOptional, NonBreaking,
        "v1_1::models::Thing::note", "field stays `Option<String>`";
    request_property_became_optional: "schemas", RequestPropertyBecameOptional, Breaking,
        "v1_1::models::ThingUpdate::tags", "`Vec<String>` -> `Option<Vec<String>>`";
    property_became_nullable: "schemas", PropertyBecameNullable, NonBreaking,
        "v1_1::models::Thing::owner", "became nullable";
    request_property_became_nullable: "schemas", RequestPropertyBecameNullable, Breaking,
        "v1_1::models::ThingUpdate::size", "`i64` -> `Option<i64>`";
    property_became_non_nullable: "schemas", PropertyBecameNonNullable, NonBreaking,
        "v1_1::models::Thing::parent", "no longer nullable";
    request_property_became_non_nullable: "schemas", RequestPropertyBecameNonNullable, Breaking,
        "v1_1::models::ThingUpdate::weight", "`Option<i64>` -> `i64`";
    additional_properties_changed: "schemas", AdditionalPropertiesChanged, PotentiallyBreaking,
        "v1_1::models::Filter", "none -> `additional_properties: BTreeMap<String, serde_json::Value>`";
    enum_value_added: "schemas", EnumValueAdded, NonBreaking,
        "v1_1::models::ThingStatus::Pending", "\"pending\"";
    enum_value_removed: "schemas", EnumValueRemoved, Breaking,
        "v1_0::models::ThingStatus::Archived", "\"archived\"";
    enum_variant_renamed: "schemas", EnumVariantRenamed, Breaking,
        "v1_1::models::Code::ABValue", "`AB` -> `ABValue`";
    union_variant_added: "schemas", UnionVariantAdded, NonBreaking,
        "v1_1::models::Pet::Bird", "(tag \"bird\")";
    union_variant_removed: "schemas", UnionVariantRemoved, Breaking,
        "v1_0::models::Pet::Dog", "`Dog(Dog)`";
    union_variant_type_changed: "schemas", UnionVariantTypeChanged, Breaking,
        "v1_1::models::Pet::CatV2", "payload `Cat` -> `CatV2`";
    union_variant_renamed: "schemas", UnionVariantRenamed, Breaking,
        "v1_1::models::Pet::CatV2", "`Cat` -> `CatV2`";
    union_tag_changed: "schemas", UnionTagChanged, PotentiallyBreaking,
        "v1_1::models::Animal", "untagged -> tagged by \"kind\"";
    constant_became_enum: "schemas", ConstantBecameEnum, Breaking,
        "v1_1::models::Thing::kind_tag", "`Option<ThingKindTag>`";
    member_became_constant: "schemas", MemberBecameConstant, Breaking,
        "v1_1::models::Thing::flavor", "became the constant \"sweet\"";
    constant_value_changed: "schemas", ConstantValueChanged, PotentiallyBreaking,
        "v1_1::models::Thing::species", "constant \"thing\" -> \"thing_v2\"";
    alias_target_changed: "schemas", AliasTargetChanged, Breaking,
        "v1_1::models::ThingIds", "`Vec<String>` -> `Vec<i64>`";
}

#[test]
fn fixture_reports() {
    insta::assert_snapshot!("fixture_ops", fixture_report("ops").render(Format::Text));
    insta::assert_snapshot!(
        "fixture_schemas",
        fixture_report("schemas").render(Format::Text)
    );
}

#[test]
fn unchanged_parts_report_nothing() {
    let ops = fixture_report("ops");
    // `thing`, `thing_update` and `thing_summary` are identical on both sides.
    assert!(
        ops.changes
            .iter()
            .all(|c| !c.subject.starts_with("Thing") || c.subject == "ThingPatch"),
        "{:#?}",
        ops.changes
    );
    let same = fixture_api("ops_old", "1.0");
    let report = diff::compare(&same, &same, "a", "b");
    assert!(report.changes.is_empty(), "{:#?}", report.changes);
    assert_eq!(report.worst(), None);
    assert!(!report.fails(Class::PotentiallyBreaking));
    assert!(report.render(Format::Markdown).contains("No changes"));
}

#[test]
fn fail_on_thresholds() {
    let ops = fixture_report("ops");
    assert_eq!(ops.worst(), Some(Class::Breaking));
    assert!(ops.fails(Class::Breaking));
    assert!(ops.fails(Class::PotentiallyBreaking));
}

#[test]
fn reports_are_deterministic_and_json_is_valid() {
    for pair in ["ops", "schemas"] {
        let old = fixture_api(&format!("{pair}_old"), "1.0");
        let new = fixture_api(&format!("{pair}_new"), "1.1");
        let a = diff::compare(&old, &new, "old", "new");
        let b = diff::compare(&old, &new, "old", "new");
        assert_eq!(a, b);
        let json: serde_json::Value = serde_json::from_str(&a.render(Format::Json))
            .unwrap_or_else(|e| panic!("{pair}: invalid JSON: {e}"));
        assert_eq!(
            json["summary"]["changes"].as_u64(),
            Some(a.changes.len() as u64)
        );
        assert_eq!(
            json["changes"].as_array().map(Vec::len),
            Some(a.changes.len())
        );
        let md = a.render(Format::Markdown);
        assert!(md.starts_with("## Spec diff: "), "{md}");
        assert!(md.contains("| operation | rule | item | change |") || pair == "schemas");
    }
}

// ---- bad input: errors, never panics ----

#[test]
fn bad_arguments_and_specs_are_errors() {
    let err = SpecRef::parse("definitely/not/a/spec.yaml")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("definitely/not/a/spec.yaml"), "{err}");

    let bad = LoadedSpec {
        label: "broken.yaml".into(),
        version: None,
        path: PathBuf::from("broken.yaml"),
        text: "openapi: [unclosed".into(),
        corrections: None,
    };
    let err = bad.lower().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("broken.yaml") && err.contains("YAML"), "{err}");

    let no_version = LoadedSpec {
        label: "odd.yaml".into(),
        version: None,
        path: PathBuf::from("odd.yaml"),
        text: "openapi: 3.0.3\ninfo: {title: x, version: \"latest build\"}\npaths: {}\n".into(),
        corrections: None,
    };
    let err = no_version
        .lower()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("\"latest build\"")
            && err.contains("' ' is not an ASCII letter")
            && err.contains("odd.yaml"),
        "{err}"
    );

    let root = root();
    let err = diff::source::load(&root, &SpecRef::Pinned("9.99".into()))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("`9.99` is neither an existing file nor a pinned version"),
        "{err}"
    );
    let err = diff::source::load(
        &root,
        &SpecRef::GitPin {
            rev: "no-such-revision-xyz".into(),
            version: "2.11".into(),
        },
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        err.contains("no-such-revision-xyz:specs/2.11.toml"),
        "{err}"
    );
}

#[test]
fn a_file_side_takes_its_version_from_info() {
    let r = SpecRef::parse(&fixture_path("ops_new").display().to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.label(), "ops_new.yaml");
    let spec = diff::source::load(&root(), &r).unwrap_or_else(|e| panic!("{e}"));
    let api = spec.lower().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(api.version, "1.1");
}

// ---- the real specs ----

fn root() -> PathBuf {
    workspace::find_root(&PathBuf::from(env!("CARGO_MANIFEST_DIR"))).expect("workspace root")
}

/// A pinned version, located and hash-checked like regen does, with its corrections.
fn pinned(version: &str) -> Api {
    let root = root();
    let pins = specs::load_pins(&root).unwrap_or_else(|e| panic!("{e}"));
    let pin = pins
        .iter()
        .find(|p| p.version == version)
        .unwrap_or_else(|| panic!("{version} is not pinned"));
    let spec = specs::locate(&root, pin).unwrap_or_else(|e| panic!("{e}"));
    let doc = codegen::load::load_spec(&spec)
        .unwrap_or_else(|e| panic!("{version}: {e}"))
        .doc;
    codegen::lower::lower(&doc, version).unwrap_or_else(|e| panic!("{version}: {e}"))
}

/// Older revisions of 2.11 in the local mirror (see `../shared/intercom-openapi/SOURCE.md`).
const HISTORY: &[(&str, &str)] = &[
    (
        "2024-12-26-3585498",
        "da537c9284fcce42f81ba6826dcfe6913d5b1df45c7d974bb56778ada82ce623",
    ),
    (
        "2025-08-27-9615a2c",
        "8d69f37a28d353917d21e5e33db72dcf9aa4565233050679e04a798da6f0c0e2",
    ),
];

fn history(name: &str) -> Api {
    let (_, sha) = HISTORY
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("unknown revision {name}"));
    let path = root()
        .join("..")
        .join("shared")
        .join("intercom-openapi")
        .join("history")
        .join("2.11")
        .join(format!("{name}.yaml"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} (the local spec mirror): {e}",
            path.display()
        )
    });
    assert_eq!(
        specs::sha256_hex(&bytes),
        *sha,
        "{} changed",
        path.display()
    );
    let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    codegen::lower_str(&text, "2.11").unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn current(version: &str) -> &'static Api {
    static V2_10: OnceLock<Api> = OnceLock::new();
    static V2_11: OnceLock<Api> = OnceLock::new();
    match version {
        "2.10" => V2_10.get_or_init(|| pinned("2.10")),
        "2.11" => V2_11.get_or_init(|| pinned("2.11")),
        other => panic!("no cached version {other}"),
    }
}

fn v2_10_to_v2_11() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| diff::compare(current("2.10"), current("2.11"), "2.10", "2.11"))
}

fn snapshot_all(name: &str, report: &Report) {
    insta::assert_snapshot!(format!("{name}__text"), report.render(Format::Text));
    insta::assert_snapshot!(format!("{name}__markdown"), report.render(Format::Markdown));
    insta::assert_snapshot!(format!("{name}__json"), report.render(Format::Json));
}

#[test]
fn v2_10_to_v2_11_renames_path_params_on_52_operations() {
    let report = v2_10_to_v2_11();
    // Every operation is paired (by operationId, or by method and normalized path).
    assert_eq!(report.operations.added, 0, "{:#?}", report.operations);
    assert_eq!(report.operations.removed, 0, "{:#?}", report.operations);
    // `{id}` -> `{contact_id}` and friends: renames, not removals.
    assert_eq!(report.renamed_path_params, 52);
    assert_eq!(report.renamed_param_paths, 36);
    let renamed = with_rule(report, Rule::PathParamRenamed);
    assert_eq!(renamed.len(), 52);
    assert!(
        renamed
            .iter()
            .any(|c| c.subject == "GET /contacts/{contact_id}"
                && c.message.contains("`{id}` -> `{contact_id}`"))
    );
    // Matching by normalized path works without operationIds too.
    let m = diff::match_operations(&current("2.10").operations, &current("2.11").operations);
    assert_eq!(m.renamed_path_params().len(), 36);
    let by_route = m
        .pairs
        .iter()
        .filter(|p| p.by == diff::MatchedBy::MethodAndPath)
        .count();
    assert_eq!(
        by_route, 1,
        "only `lisDataAttributes` -> `listDataAttributes`"
    );
}

#[test]
fn v2_10_to_v2_11_reports() {
    let report = v2_10_to_v2_11();
    assert!(report.fails(Class::Breaking));
    let md = report.render(Format::Markdown);
    assert!(
        md.len() <= diff::format::MARKDOWN_LIMIT,
        "markdown is {} bytes",
        md.len()
    );
    snapshot_all("v2_10_to_v2_11", report);
}

#[test]
fn v2_11_2024_12_26_to_current_reports() {
    let old = history("2024-12-26-3585498");
    let report = diff::compare(&old, current("2.11"), "2.11@3585498", "2.11");
    assert!(!report.changes.is_empty());
    snapshot_all("v2_11_2024_12_26_to_current", &report);
}

#[test]
fn v2_11_2025_08_27_to_current_reports() {
    let old = history("2025-08-27-9615a2c");
    let report = diff::compare(&old, current("2.11"), "2.11@9615a2c", "2.11");
    // Known upstream changes in this revision pair.
    let find = |rule: Rule, item: &str| {
        report
            .changes
            .iter()
            .any(|c| c.rule == rule && c.item == item)
    };
    assert!(find(
        Rule::EnumValueRemoved,
        "v2_11::models::IntercomVersion::Unstable"
    ));
    assert!(find(
        Rule::ResponseTypeChanged,
        "v2_11::operations::tags::create_tag"
    ));
    snapshot_all("v2_11_2025_08_27_to_current", &report);
}

#[test]
fn surface_listing_is_sorted_and_names_what_users_see() {
    let api = current("2.11");
    let text = codegen::surface::render(api, "0000");
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(lines.contains(
        &"op client.v2_11().contacts().show_contact(...) param contact_id: path \"contact_id\", required, String"
    ));
    assert!(lines.contains(&"type models::Ticket: struct, lenient (response)"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("variant models::TicketCategory::BackOffice = \"Back-office\""))
    );
    // Operations sorted by call path, then types by name.
    let ops: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("op ") && l.contains(" -> "))
        .collect();
    let mut sorted = ops.clone();
    sorted.sort();
    assert_eq!(ops, sorted);
    let types: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("type "))
        .collect();
    assert_eq!(types.len(), api.types.len());
    assert_eq!(text, codegen::surface::render(api, "0000"));
}
