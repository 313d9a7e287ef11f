//! Kind mutations of the spec's own response examples: for every response example of each pinned
//! version and every leaf in it (a scalar, or an empty array or object, as an object member or an
//! array item), the leaf is replaced by a value of each other JSON kind (string, integer, float,
//! boolean, object, array, null) and the result decoded into the generated type: decoding must
//! never fail, and re-encoding must reproduce the mutated input (`support/compare.rs`).
//!
//! Prints `mutations: <version>: ok/total` per pinned version and fails below 100%.

#[path = "generated/mod.rs"]
#[rustfmt::skip]
#[allow(dead_code)]
mod generated;

#[path = "support/compare.rs"]
mod compare;
#[path = "support/pins.rs"]
mod pins;
#[path = "support/examples.rs"]
mod support;

use support::{deref, examples_of, progress, workspace};

pub use compare::{leftovers, roundtrip};

use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Integer,
    Float,
    Boolean,
    Object,
    Array,
    Null,
}

const KINDS: [Kind; 7] = [
    Kind::String,
    Kind::Integer,
    Kind::Float,
    Kind::Boolean,
    Kind::Object,
    Kind::Array,
    Kind::Null,
];

fn kind_of(v: &Value) -> Kind {
    match v {
        Value::String(_) => Kind::String,
        Value::Number(n) if n.is_f64() => Kind::Float,
        Value::Number(_) => Kind::Integer,
        Value::Bool(_) => Kind::Boolean,
        Value::Object(_) => Kind::Object,
        Value::Array(_) => Kind::Array,
        Value::Null => Kind::Null,
    }
}

/// A value of `kind` that no coercion accepts in place of another kind (the string is not a
/// number, the containers are not empty).
fn sample(kind: Kind) -> Value {
    match kind {
        Kind::String => json!("mutated text"),
        Kind::Integer => json!(-7),
        Kind::Float => json!(2.5),
        Kind::Boolean => json!(true),
        Kind::Object => json!({"mutated": [1, {"deep": null}]}),
        Kind::Array => json!([1, "two", {"three": 3}]),
        Kind::Null => Value::Null,
    }
}

/// JSON pointers of every leaf below the root.
fn leaves(v: &Value, pointer: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                let k = k.replace('~', "~0").replace('/', "~1");
                leaves(x, &format!("{pointer}/{k}"), out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, x) in a.iter().enumerate() {
                leaves(x, &format!("{pointer}/{i}"), out);
            }
        }
        _ if !pointer.is_empty() => out.push(pointer.to_owned()),
        _ => {}
    }
}

#[test]
fn every_leaf_of_every_response_example_survives_every_kind() {
    let root = workspace();
    // Every pin, or those named by INTERCOM_TEST_VERSIONS (as the example test).
    let pins = pins::pins_under_test(&root);
    let mut failed = Vec::new();
    for pin in &pins {
        let spec = codegen::specs::locate(&root, pin).unwrap_or_else(|e| panic!("{e}"));
        // With its corrections, as regen read it.
        let raw = codegen::load::load_spec(&spec)
            .unwrap_or_else(|e| panic!("{e}"))
            .doc
            .raw;
        let Some(dispatch) = generated::dispatch(&pin.version) else {
            failed.push(format!(
                "{}: no generated dispatch (run with --all-features)",
                pin.version
            ));
            continue;
        };
        let (mut ok, mut total) = (0usize, 0usize);
        let mut failures = Vec::new();
        let paths = raw
            .get("paths")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (path, item) in &paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let Some(Value::Object(responses)) = op.get("responses") else {
                    continue;
                };
                for (status, r) in responses {
                    let Some(Value::Object(content)) = deref(&raw, r).get("content") else {
                        continue;
                    };
                    for (name, example) in content.values().flat_map(|m| examples_of(&raw, m)) {
                        let mut pointers = Vec::new();
                        leaves(&example, "", &mut pointers);
                        for pointer in pointers {
                            let Some(original) = example.pointer(&pointer).map(kind_of) else {
                                continue;
                            };
                            for kind in KINDS.into_iter().filter(|k| *k != original) {
                                let mut mutated = example.clone();
                                if let Some(slot) = mutated.pointer_mut(&pointer) {
                                    *slot = sample(kind);
                                }
                                total += 1;
                                let failure = match (dispatch.response)(id, status, &mutated) {
                                    None => Some("no generated type".to_owned()),
                                    Some(Err(e)) => Some(e),
                                    Some(Ok(out)) => compare::differs(&mutated, &out)
                                        .map(|d| format!("round trip differs: {d}")),
                                };
                                match failure {
                                    None => ok += 1,
                                    Some(f) => failures.push(format!(
                                        "{} {method} {path} {status} [{name}] {pointer} -> {kind:?}: {f}",
                                        pin.version
                                    )),
                                }
                            }
                        }
                    }
                }
            }
        }
        progress(&format!("mutations: {}: {ok}/{total}", pin.version));
        for f in failures.iter().take(400) {
            println!("  FAIL {f}");
        }
        if failures.len() > 400 {
            println!("  ... and {} more", failures.len() - 400);
        }
        if total == 0 || ok < total {
            failed.push(format!("{}: {ok}/{total}", pin.version));
        }
    }
    assert!(failed.is_empty(), "kind mutations below 100%: {failed:?}");
}
