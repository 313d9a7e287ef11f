//! Responses shaped by one API version, decoded with another version's types.
//!
//! Intercom answers with its current shapes whichever `Intercom-Version` was asked for, and its
//! descriptions change the JSON kind of members between versions (`admin.avatar` is a string in
//! 2.10 and an object in 2.11; `ticket.ticket_state` a string in 2.11 and an object in 2.14). So
//! every response example of each source version (the pinned ones, and Intercom's unstable
//! description in `../shared/intercom-openapi/next/<name>/`) is decoded into each pinned version's generated type
//! for the same operation (paired by `operationId`, else by method and path with parameter names
//! ignored; the same status, else one of the same class), re-encoded and compared with the input
//! (`support/compare.rs`).
//!
//! Prints `drift: <from> -> <to>: decoded d/t, round trip r/t` per pair and fails below 100%.

#[path = "generated/mod.rs"]
#[rustfmt::skip]
#[allow(dead_code)]
mod generated;

#[path = "support/compare.rs"]
mod compare;
#[path = "support/examples.rs"]
mod support;

use support::{deref, examples_of, progress, workspace};

pub use compare::{leftovers, roundtrip};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The directory of the unstable descriptions: `$INTERCOM_OPENAPI_DIR/next`, else the mirror's.
fn next_dir(root: &Path) -> PathBuf {
    match std::env::var_os("INTERCOM_OPENAPI_DIR") {
        Some(dir) if Path::new(&dir).join("next").is_dir() => Path::new(&dir).join("next"),
        _ => root.join("../shared/intercom-openapi/next"),
    }
}

/// One operation of a description.
struct Operation {
    id: Option<String>,
    method: String,
    /// The path with parameter names removed: `/contacts/{}`.
    shape: String,
    responses: BTreeMap<String, Vec<(String, Value)>>,
}

fn path_shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

fn operations(raw: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !op.is_object() {
                continue;
            }
            let mut responses = BTreeMap::new();
            if let Some(Value::Object(rs)) = op.get("responses") {
                for (status, r) in rs {
                    let Some(Value::Object(content)) = deref(raw, r).get("content") else {
                        continue;
                    };
                    let examples: Vec<_> = content
                        .values()
                        .flat_map(|media| examples_of(raw, media))
                        .collect();
                    responses.insert(status.clone(), examples);
                }
            }
            out.push(Operation {
                id: op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                method: method.clone(),
                shape: path_shape(path),
                responses,
            });
        }
    }
    out
}

fn load(text: &str) -> Value {
    codegen::load::load_str(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .raw
}

#[derive(Default)]
struct Tally {
    total: usize,
    decoded: usize,
    round_trip: usize,
    unpaired: usize,
    /// Members that did not fit their declared type (kept raw).
    drifted: usize,
    failures: Vec<String>,
}

#[test]
fn responses_of_every_version_decode_into_every_pinned_version() {
    let root = workspace();
    let pins = codegen::specs::load_pins(&root).expect("pins load");
    let mut sources: Vec<(String, Value)> = Vec::new();
    let mut targets: Vec<(String, Value)> = Vec::new();
    for pin in &pins {
        let spec = codegen::specs::locate(&root, pin).unwrap_or_else(|e| panic!("{e}"));
        // With its corrections, as regen read it.
        let raw = codegen::load::load_spec(&spec)
            .unwrap_or_else(|e| panic!("{e}"))
            .doc
            .raw;
        sources.push((pin.version.clone(), raw.clone()));
        targets.push((pin.version.clone(), raw));
    }
    // The unstable description(s) under `next/` shape responses too: Intercom may answer with
    // them before a version ships. Sources only (no types are generated for them here).
    let next = next_dir(&root);
    let mut dirs: Vec<_> = std::fs::read_dir(&next)
        .unwrap_or_else(|e| panic!("{}: {e} (the unstable descriptions)", next.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("api.intercom.io.yaml").is_file())
        .collect();
    dirs.sort();
    for dir in dirs {
        let text = std::fs::read_to_string(dir.join("api.intercom.io.yaml")).expect("read spec");
        let version = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_owned();
        if sources.iter().any(|(v, _)| *v == version) {
            continue;
        }
        sources.push((version, load(&text)));
    }

    let mut failed = Vec::new();
    for (to, target_raw) in &targets {
        let Some(dispatch) = generated::dispatch(to) else {
            failed.push(format!(
                "{to}: no generated dispatch (run with --all-features)"
            ));
            continue;
        };
        let target_ops = operations(target_raw);
        for (from, source_raw) in &sources {
            if from == to {
                continue;
            }
            let mut tally = Tally::default();
            for op in operations(source_raw) {
                let paired = target_ops
                    .iter()
                    .find(|t| t.id.is_some() && t.id == op.id)
                    .or_else(|| {
                        target_ops
                            .iter()
                            .find(|t| t.method == op.method && t.shape == op.shape)
                    });
                for (status, examples) in &op.responses {
                    for (name, example) in examples {
                        let Some(target) = paired else {
                            tally.unpaired += 1;
                            continue;
                        };
                        let id = target.id.as_deref().unwrap_or_default();
                        let class = &status[..1];
                        let candidates = std::iter::once(status.as_str()).chain(
                            target
                                .responses
                                .keys()
                                .map(String::as_str)
                                .filter(|s| s.starts_with(class) && *s != status),
                        );
                        let (outcome, drifted) = intercom_api::drift::collect(|| {
                            candidates
                                .into_iter()
                                .find_map(|s| (dispatch.response)(id, s, example))
                        });
                        tally.drifted += drifted.len();
                        for d in &drifted {
                            println!(
                                "  drifted: {from} {} {} {status} [{name}] as {to} {id}: {d}",
                                op.method, op.shape
                            );
                        }
                        let Some(outcome) = outcome else {
                            tally.unpaired += 1;
                            continue;
                        };
                        tally.total += 1;
                        let label = format!(
                            "{from} -> {to}: {} {} {status} [{name}] as {id}",
                            op.method, op.shape
                        );
                        match outcome {
                            Err(e) => tally.failures.push(format!("{label}: {e}")),
                            Ok(out) => {
                                tally.decoded += 1;
                                match compare::differs(example, &out) {
                                    None => tally.round_trip += 1,
                                    Some(d) => tally
                                        .failures
                                        .push(format!("{label}: round trip differs: {d}")),
                                }
                            }
                        }
                    }
                }
            }
            progress(&format!(
                "drift: {from} -> {to}: decoded {}/{}, round trip {}/{}",
                tally.decoded, tally.total, tally.round_trip, tally.total
            ));
            progress(&format!(
                "  {} members of {from}'s examples drifted in {to}'s types (kept raw)",
                tally.drifted
            ));
            if tally.unpaired > 0 {
                println!(
                    "  ({} examples of {from} have no operation or status in {to})",
                    tally.unpaired
                );
            }
            for f in &tally.failures {
                println!("  FAIL {f}");
            }
            if tally.total == 0 || tally.round_trip < tally.total {
                failed.push(format!(
                    "{from} -> {to}: {}/{} decoded, {}/{} round trip",
                    tally.decoded, tally.total, tally.round_trip, tally.total
                ));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "cross-version decoding below 100%: {failed:?}"
    );
}
