//! Corrections files (`[corrections]` in a pin): the JSON Merge Patch reading checked against
//! Intercom's real file (the pinned 2.14 corrections), and the errors of a corrections file that is
//! not the pinned one or does not parse. Prints `corrections: <version>: <n> schema changes applied`.

use std::path::{Path, PathBuf};

use codegen::corrections::{self, ChangeKind};
use codegen::diff::{self, source::SpecRef};
use codegen::specs::{self, CorrectionsPin, Pin};
use codegen::workspace;
use serde_json::{Value, json};

fn root() -> PathBuf {
    workspace::find_root(&PathBuf::from(env!("CARGO_MANIFEST_DIR"))).expect("workspace root")
}

fn pin(root: &Path, version: &str) -> Pin {
    specs::load_pins(root)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|p| p.version == version)
        .unwrap_or_else(|| panic!("{version} is not pinned"))
}

/// `#/a/b` of `v`.
fn at<'a>(v: &'a Value, pointer: &str) -> Option<&'a Value> {
    v.pointer(pointer.trim_start_matches('#'))
}

fn has_sdk_member(v: &Value) -> bool {
    match v {
        Value::Object(m) => m
            .iter()
            .any(|(k, v)| k.starts_with(corrections::SDK_PREFIX) || has_sdk_member(v)),
        Value::Array(items) => items.iter().any(has_sdk_member),
        _ => false,
    }
}

/// The real file (Intercom's `fern/openapi-overrides.yml`, pinned for 2.14) applied to the real
/// description: what RFC 7386 says, entry by entry, on the entries that show the reading.
#[test]
fn intercoms_corrections_merge_as_json_merge_patch() {
    let root = root();
    let pin = pin(&root, "2.14");
    assert!(
        pin.corrections.is_some(),
        "specs/2.14.toml pins Intercom's corrections"
    );
    let spec = specs::locate(&root, &pin).unwrap_or_else(|e| panic!("{e}"));
    let c = spec.corrections.as_ref().expect("located corrections");
    let uncorrected = codegen::load::load_str(&spec.text)
        .unwrap_or_else(|e| panic!("{e}"))
        .raw;
    let loaded = codegen::load::load_spec(&spec).unwrap_or_else(|e| panic!("{e}"));
    let applied = loaded.corrections.as_ref().expect("applied corrections");
    let doc = &loaded.doc.raw;
    let patch = corrections::parse(&c.text).unwrap_or_else(|e| panic!("{e}"));

    // `null` removes: `teammates: null` drops the member, `admins` is added beside it.
    let teammates = "#/components/schemas/conversation_teammates/properties/teammates";
    assert!(at(&uncorrected, teammates).is_some());
    assert_eq!(at(doc, teammates), None);
    assert!(
        at(
            doc,
            "#/components/schemas/conversation_teammates/properties/admins"
        )
        .is_some()
    );
    // `properties: null` beside new `anyOf` branches: a request schema becomes a union.
    assert!(
        at(
            &uncorrected,
            "#/components/schemas/create_contact_request/properties"
        )
        .is_some()
    );
    assert_eq!(
        at(
            doc,
            "#/components/schemas/create_contact_request/properties"
        ),
        None
    );

    // Arrays replace: the parameters of GET /events are the file's list, not a merge by position
    // (which would keep the description's `filter` members in the file's second entry) or by name
    // (which would keep `filter`).
    let events = "#/paths/~1events/get/parameters";
    let names = |v: &Value| -> Vec<String> {
        at(v, events)
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .map(|p| format!("{}:{}", p["in"].as_str().unwrap_or("?"), p["name"]))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(names(&uncorrected).iter().any(|n| n.contains("filter")));
    assert_eq!(at(doc, events), at(&patch.patch, events));
    assert!(
        !names(doc).iter().any(|n| n.contains("filter")),
        "{:?}",
        names(doc)
    );
    // A path parameter the description declared in the query (`job_identifier`) is now in the path.
    let export = "#/paths/~1export~1reporting_data~1{job_identifier}/get/parameters";
    assert!(at(doc, export).and_then(Value::as_array).is_some_and(|ps| {
        ps.iter()
            .any(|p| p["name"] == "job_identifier" && p["in"] == "path")
    }));

    // A `null` inside an array element means "absent" (the file's anyOf branches), not a literal.
    let branch = "#/components/schemas/convert_visitor_request/properties/user/anyOf/0/properties";
    assert!(at(doc, &format!("{branch}/id")).is_some());
    assert_eq!(at(doc, &format!("{branch}/user_id")), None);
    assert!(patch.array_nulls > 0);

    // Objects merge: `admin.properties.avatar` becomes the object the server returns, and the
    // members the file does not name stay.
    assert_eq!(
        at(doc, "#/components/schemas/admin/properties/avatar/type"),
        Some(&json!("object"))
    );
    assert_eq!(
        at(doc, "#/components/schemas/contact/properties/id"),
        at(&uncorrected, "#/components/schemas/contact/properties/id")
    );
    // A key given twice (`admin` under components/schemas): the later value, with a warning.
    let required = at(doc, "#/components/schemas/admin/required").and_then(Value::as_array);
    assert!(
        required.is_some_and(|r| !r.contains(&json!("job_title")) && r.contains(&json!("id"))),
        "{required:?}"
    );
    assert!(
        applied
            .warnings
            .iter()
            .any(|w| w.pointer == "#/components/schemas/admin")
    );

    // `x-fern-*` is ignored: none reaches the description.
    assert!(patch.sdk_members > 300, "{}", patch.sdk_members);
    assert_eq!(has_sdk_member(doc), has_sdk_member(&uncorrected));
    assert!(!has_sdk_member(&patch.patch));

    // The changes are the pointers where the tree changed; counted once each.
    assert!(
        applied
            .changes
            .iter()
            .any(|c| c.pointer == teammates && c.kind == ChangeKind::Removed)
    );
    assert!(
        applied
            .changes
            .iter()
            .any(|c| c.pointer == events && c.kind == ChangeKind::Replaced)
    );
    let mut reapplied = uncorrected.clone();
    let again = corrections::apply(&mut reapplied, &patch);
    assert_eq!(&reapplied, doc);
    assert_eq!(again.changes, applied.changes);
    // Applied twice, nothing more changes.
    assert!(corrections::changes(doc, &patch.patch).is_empty());
    let components = applied
        .changes
        .iter()
        .filter(|c| c.pointer.starts_with("#/components/"))
        .count();
    eprintln!(
        "corrections: 2.14: {} schema changes applied ({components} under components, {} x-fern-* members ignored)",
        applied.changes.len(),
        patch.sdk_members
    );
}

/// A temporary workspace `<tmp>/ws` with one pin (9.99) whose files are in the mirror
/// `<tmp>/shared/intercom-openapi`.
struct Temp {
    dir: PathBuf,
    root: PathBuf,
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '9.99'}\npaths:\n  /things:\n    get:\n      operationId: listThings\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/thing'}\ncomponents:\n  schemas:\n    thing:\n      type: object\n      properties:\n        id: {type: integer}\n        avatar: {type: string}\n";

fn temp(name: &str, corrections_text: &str, pinned_sha: Option<&str>) -> (Temp, Pin) {
    let dir =
        std::env::temp_dir().join(format!("codegen-corrections-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let root = dir.join("ws");
    let mirror = dir.join("shared").join("intercom-openapi");
    for d in [
        root.join("specs"),
        mirror.join("9.99"),
        mirror.join("corrections").join("9.99"),
    ] {
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(mirror.join("9.99").join(specs::SPEC_FILE), SPEC)
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        mirror
            .join("corrections")
            .join("9.99")
            .join(specs::CORRECTIONS_FILE),
        corrections_text,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let pin = Pin {
        version: "9.99".into(),
        repository: "o/r".into(),
        commit: "c".into(),
        path: "descriptions/9.99/api.intercom.io.yaml".into(),
        sha256: specs::sha256_hex(SPEC.as_bytes()),
        corrections: Some(CorrectionsPin {
            path: "fern/openapi-overrides.yml".into(),
            commit: "c".into(),
            sha256: pinned_sha
                .map(str::to_string)
                .unwrap_or_else(|| specs::sha256_hex(corrections_text.as_bytes())),
        }),
    };
    std::fs::write(Pin::file(&root, "9.99"), pin.to_toml()).unwrap_or_else(|e| panic!("{e}"));
    (Temp { dir, root }, pin)
}

#[test]
fn a_pin_with_corrections_round_trips_and_applies_them() {
    let text = "components:\n  schemas:\n    thing:\n      x-fern-type-name: Thing\n      properties:\n        avatar:\n          type: object\n          properties: {image_url: {type: string}}\n      required: [id]\n";
    let (t, pin) = temp("ok", text, None);
    assert_eq!(
        specs::load_pins(&t.root).unwrap_or_else(|e| panic!("{e}")),
        vec![pin.clone()]
    );
    let spec = specs::locate(&t.root, &pin).unwrap_or_else(|e| panic!("{e}"));
    let (files, report) = workspace::generate_spec(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        report.corrections_line().as_deref(),
        Some("corrections: 9.99: 3 schema changes applied")
    );
    let all: String = files.iter().map(|f| f.contents.as_str()).collect();
    assert!(
        all.contains("ThingAvatar"),
        "the corrected avatar is an object"
    );
    assert!(
        all.contains("corrections sha256"),
        "headers name the corrections"
    );
    // The same description without them: no corrections line, avatar a string.
    let (files, report) = workspace::generate_spec(&spec.clone().without_corrections())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.corrections_line(), None);
    assert!(!files.iter().any(|f| f.contents.contains("ThingAvatar")));
}

#[test]
fn a_corrections_file_with_another_sha256_is_an_error_naming_it() {
    let wrong = "0".repeat(64);
    let (t, pin) = temp("sha", "components: {}\n", Some(&wrong));
    let err = specs::locate(&t.root, &pin)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("corrections 9.99"), "{err}");
    assert!(err.contains("sha256 mismatch"), "{err}");
    assert!(err.contains(specs::CORRECTIONS_FILE), "the file: {err}");
    assert!(err.contains(&wrong), "expected hash: {err}");
    assert!(
        err.contains(&specs::sha256_hex(b"components: {}\n")),
        "actual: {err}"
    );
}

#[test]
fn a_corrections_file_that_does_not_parse_is_an_error_naming_it_and_the_pointer() {
    for (name, text, pointer) in [
        ("yaml", "components: [unclosed\n", "#"),
        (
            "key",
            "components:\n  schemas:\n    ? [a, b]\n    : {}\n",
            "#/components/schemas",
        ),
        ("number", "paths:\n  /x:\n    - .inf\n", "#/paths/~1x/0"),
        ("top", "- not a mapping\n", "#"),
        ("empty", "", "#"),
    ] {
        let (t, pin) = temp(name, text, None);
        let spec = specs::locate(&t.root, &pin).unwrap_or_else(|e| panic!("{e}"));
        let outcome = std::panic::catch_unwind(|| codegen::load::load_spec(&spec));
        let err = match outcome {
            Ok(r) => r.err().map(|e| e.to_string()).unwrap_or_default(),
            Err(_) => panic!("{name}: load_spec panicked"),
        };
        assert!(err.contains("corrections 9.99"), "{name}: {err}");
        assert!(err.contains(specs::CORRECTIONS_FILE), "{name}: {err}");
        assert!(err.contains(&format!("{pointer}: ")), "{name}: {err}");
    }
}

#[test]
fn corrections_that_break_the_description_name_the_file_and_the_pointer() {
    let (t, pin) = temp(
        "break",
        "components:\n  schemas:\n    thing:\n      type: 7\n",
        None,
    );
    let spec = specs::locate(&t.root, &pin).unwrap_or_else(|e| panic!("{e}"));
    let err = codegen::load::load_spec(&spec)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("with corrections"), "{err}");
    assert!(err.contains(specs::CORRECTIONS_FILE), "{err}");
    assert!(err.contains("#/components/schemas/thing"), "{err}");
}

/// `cargo xtask diff 2.14-corrections 2.14`: the description without and with its corrections.
#[test]
fn the_diff_shows_what_the_corrections_change() {
    let root = root();
    let lower = |arg: &str| {
        let r = SpecRef::parse(arg).unwrap_or_else(|e| panic!("{e}"));
        let spec = diff::source::load(&root, &r).unwrap_or_else(|e| panic!("{arg}: {e}"));
        (
            spec.label.clone(),
            spec.lower().unwrap_or_else(|e| panic!("{arg}: {e}")),
        )
    };
    let (old_label, old) = lower("2.14-corrections");
    let (new_label, new) = lower("2.14");
    let (_, explicit) = lower("2.14+corrections");
    assert_eq!(old_label, "2.14-corrections");
    assert_eq!(explicit.operations.len(), new.operations.len());
    let report = diff::compare(&old, &new, &old_label, &new_label);
    let text = report.render(diff::Format::Text);
    // The operation the corrections add, and a path parameter they retype (integer -> string).
    assert!(text.contains("operations: 1 added"), "{text}");
    assert!(text.contains("auto_assign_conversation"), "{text}");
    assert!(
        text.contains("retrieve_conversation(conversation_id)"),
        "{text}"
    );
    assert_eq!(
        old.operations.len() + 1,
        new.operations.len(),
        "the corrections add one operation"
    );
    // A pin without corrections has no `-corrections` side.
    let err = diff::source::load(
        &root,
        &SpecRef::parse("2.10-corrections").unwrap_or_else(|e| panic!("{e}")),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        err.contains("2.10") && err.contains("no corrections"),
        "{err}"
    );
}
