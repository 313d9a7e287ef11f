//! Decodes every example of every pinned spec into its generated type and re-encodes it.
//!
//! For each pinned version (`specs/*.toml`) the spec is read at test time; every example under every
//! operation's responses (all statuses; `example` and `examples`) is decoded into the generated type
//! for that operation and status, re-encoded, and compared with the input (absent and `null` count as
//! equal; numbers compare by value). Request-body examples decode into the request types.
//! Prints `examples: <version>: <passed>/<total>` and fails below 100%.

#[path = "generated/mod.rs"]
#[rustfmt::skip]
mod generated;


use serde_json::Value;

#[path = "support/compare.rs"]
mod compare;
#[path = "support/examples.rs"]
mod support;

use support::{examples_of, progress, workspace};

use compare::differs;
pub use compare::roundtrip;

#[derive(Default)]
struct Tally {
    passed: usize,
    total: usize,
    failures: Vec<String>,
}

impl Tally {
    fn record(&mut self, label: String, outcome: Option<Result<Value, String>>, input: &Value) {
        self.total += 1;
        let err = match outcome {
            None => Some("no generated type for this operation/status".to_string()),
            Some(Err(e)) => Some(e),
            Some(Ok(out)) => differs(input, &out).map(|d| format!("round trip differs: {d}")),
        };
        match err {
            None => self.passed += 1,
            Some(e) => self.failures.push(format!("{label}: {e}")),
        }
    }
}

#[test]
fn every_spec_example_decodes_into_its_generated_type() {
    let root = workspace();
    let pins = codegen::specs::load_pins(&root).expect("pins load");
    assert!(!pins.is_empty(), "no pinned versions in specs/");
    let mut failed = Vec::new();
    for pin in &pins {
        let spec = codegen::specs::locate(&root, pin).unwrap_or_else(|e| panic!("{e}"));
        let doc = codegen::load::load_str(&spec.text).unwrap_or_else(|e| panic!("{e}"));
        let Some(dispatch) = generated::dispatch(&pin.version) else {
            failed.push(format!(
                "{}: no generated dispatch (enable its cargo feature: run the tests with --all-features, or run `cargo xtask regen`)",
                pin.version
            ));
            continue;
        };
        let mut responses = Tally::default();
        let mut requests = Tally::default();
        let paths = doc
            .raw
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
                if let Some(Value::Object(rs)) = op.get("responses") {
                    for (status, r) in rs {
                        let Some(Value::Object(content)) = r.get("content") else {
                            continue;
                        };
                        for media in content.values() {
                            for (name, ex) in examples_of(media) {
                                let label =
                                    format!("{} {method} {path} {status} [{name}]", pin.version);
                                responses.record(label, (dispatch.response)(id, status, &ex), &ex);
                            }
                        }
                    }
                }
                if let Some(Value::Object(content)) =
                    op.get("requestBody").and_then(|b| b.get("content"))
                {
                    for media in content.values() {
                        for (name, ex) in examples_of(media) {
                            let label = format!("{} {method} {path} request [{name}]", pin.version);
                            requests.record(label, (dispatch.request)(id, &ex), &ex);
                        }
                    }
                }
            }
        }
        progress(&format!(
            "examples: {}: {}/{}",
            pin.version, responses.passed, responses.total
        ));
        for f in &responses.failures {
            println!("  FAIL {f}");
        }
        // Request types are strict, and many request examples in the spec illustrate error responses
        // (`bad_request`, `no_body_supplied...`) or contradict their own schema (undeclared members,
        // ids declared `integer` holding hex strings): those are rightly rejected. Reported, not gated.
        progress(&format!(
            "request examples: {}: {}/{}",
            pin.version, requests.passed, requests.total
        ));
        for f in &requests.failures {
            println!("  rejected {f}");
        }
        if responses.total == 0 || responses.passed < responses.total {
            failed.push(format!(
                "{}: {}/{} response examples",
                pin.version, responses.passed, responses.total
            ));
        }
    }
    assert!(failed.is_empty(), "example decoding below 100%: {failed:?}");
}
