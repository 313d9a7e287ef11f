//! Decode throughput of the generated 2.11 response types against `serde_json::Value`.
//!
//! The bodies are built at bench time from the pinned 2.11 spec's own response examples (read with
//! `codegen::specs`, like `tests/examples.rs`), scaled up:
//!
//! - `conversation_500`: the `retrieveConversation` 200 example with 500 conversation parts (the parts
//!   are the `conversation_part` objects found in the spec's response examples, cycled, with fresh ids);
//!   decoded as `Conversation`.
//! - `contacts_150`: the `ListContacts` 200 example with 150 contacts (its own `data[0]`, or else the
//!   largest `contact` object among the response examples); decoded as `ContactList`.
//! - `search_1mb`: the `searchConversations` 200 example, its conversations replicated to ~1 MiB;
//!   decoded as `PaginatedConversationResponse`.
//! - `tickets_1mb`: the `searchTickets` 200 example, its tickets replicated to ~1 MiB; decoded as
//!   `TicketList` (exercises the untagged `TicketCustomAttributesValue`).
//!
//! - `tickets_1mb_drift1`: `tickets_1mb` with every 100th leaf member (1%) replaced by a value of
//!   another JSON kind (a string by an object, a number by a non-numeric string, a boolean by an
//!   array); decoded as `TicketList`, the drifted members kept raw.
//!
//! Each body is decoded with `serde_json::from_slice` into the generated type and into `Value`, with
//! `from_str` into both, and through the client's decode path (`decode_json` on a `RawResponse`). Then two union
//! micro-benchmarks: a union told apart by JSON kind (`TicketCustomAttributesValue`, one
//! `deserialize_any` visitor) and a tagged union (`Component`, buffered through `Value`).
//!
//! `cargo bench -p intercom-api --bench decode` measures (median of `BENCH_SAMPLES`, default 11,
//! samples of at least `BENCH_SAMPLE_MS`, default 100 ms, interleaved across the cases of a group).
//! Without `--bench` (that is, under `cargo test --benches`) or with `BENCH_SMOKE=1` each case runs
//! once and the decoded results are checked, without timing.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;
use intercom_api::__private::reqwest::header::HeaderMap;
use intercom_api::__private::{RawResponse, decode_json};
use intercom_api::StatusCode;
use intercom_api::v2_11::models;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

const MIB: usize = 1024 * 1024;
/// Target: typed decoding takes at most this many times the `Value` time.
const TARGET_RATIO: f64 = 1.0;

struct Config {
    smoke: bool,
    samples: usize,
    sample_time: Duration,
}

fn config() -> Config {
    let bench = std::env::args().any(|a| a == "--bench");
    let smoke = !bench || std::env::var_os("BENCH_SMOKE").is_some_and(|v| v != "0");
    let env_num = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(default)
    };
    Config {
        smoke,
        samples: env_num("BENCH_SAMPLES", 11) as usize,
        sample_time: Duration::from_millis(env_num("BENCH_SAMPLE_MS", 100)),
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies from the spec examples

fn workspace() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crate is inside the workspace")
        .to_path_buf()
}

/// The raw 2.11 spec as JSON.
fn spec_2_11() -> Value {
    let root = workspace();
    let pins = codegen::specs::load_pins(&root).expect("pins load");
    let pin = pins
        .iter()
        .find(|p| p.version == "2.11")
        .expect("a 2.11 pin in specs/");
    let spec = codegen::specs::locate(&root, pin).unwrap_or_else(|e| panic!("{e}"));
    codegen::load::load_spec(&spec)
        .unwrap_or_else(|e| panic!("{e}"))
        .doc
        .raw
}

/// Every response example of every operation: `(operationId, status, value)`.
fn response_examples(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for item in paths.values().filter_map(Value::as_object) {
        for op in item.values() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (status, r) in responses {
                let Some(content) = r.get("content").and_then(Value::as_object) else {
                    continue;
                };
                for media in content.values() {
                    if let Some(e) = media.get("example") {
                        out.push((id.to_string(), status.clone(), e.clone()));
                    }
                    if let Some(m) = media.get("examples").and_then(Value::as_object) {
                        for ex in m.values() {
                            if let Some(v) = ex.get("value") {
                                out.push((id.to_string(), status.clone(), v.clone()));
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

fn first_example(examples: &[(String, String, Value)], op: &str) -> Value {
    examples
        .iter()
        .find(|(id, status, _)| id == op && status == "200")
        .map(|(_, _, v)| v.clone())
        .unwrap_or_else(|| panic!("no 200 example for {op} in the 2.11 spec"))
}

/// Every object (at any depth) whose `type` member is `ty`.
fn objects_of_type(v: &Value, ty: &str, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            if m.get("type").and_then(Value::as_str) == Some(ty) {
                out.push(v.clone());
            }
            for x in m.values() {
                objects_of_type(x, ty, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                objects_of_type(x, ty, out);
            }
        }
        _ => {}
    }
}

/// `n` copies of the `pool` items (cycled), each with a distinct `id`.
fn replicate(pool: &[Value], n: usize, id_base: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let mut item = pool[i % pool.len()].clone();
            if let Some(m) = item.as_object_mut() {
                m.insert("id".to_string(), json!((id_base + i).to_string()));
            }
            item
        })
        .collect()
}

/// Replicates `base[key]` (a non-empty array) until the body serializes to at least `size` bytes.
fn grow_list(mut base: Value, key: &str, size: usize, id_base: usize) -> Value {
    let pool = base[key]
        .as_array()
        .filter(|a| !a.is_empty())
        .cloned()
        .unwrap_or_else(|| panic!("the example has no {key} to replicate"));
    let empty = {
        let mut b = base.clone();
        b[key] = json!([]);
        serde_json::to_vec(&b).expect("encode").len()
    };
    let item = serde_json::to_vec(&pool[0]).expect("encode").len() + 1;
    let n = (size.saturating_sub(empty)).div_ceil(item).max(1);
    base[key] = Value::Array(replicate(&pool, n, id_base));
    base["total_count"] = json!(n);
    base
}

struct Body {
    name: &'static str,
    what: String,
    bytes: Vec<u8>,
}

impl Body {
    fn new(name: &'static str, what: String, value: &Value) -> Self {
        Body {
            name,
            what,
            bytes: serde_json::to_vec(value).expect("encode"),
        }
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.bytes).expect("serde_json writes UTF-8")
    }
}

fn bodies(spec: &Value) -> Vec<Body> {
    let examples = response_examples(spec);
    let all: Vec<Value> = examples.iter().map(|(_, _, v)| v.clone()).collect();
    let all = Value::Array(all);

    // A conversation with 500 parts.
    let mut conversation = first_example(&examples, "retrieveConversation");
    let mut parts = Vec::new();
    objects_of_type(&all, "conversation_part", &mut parts);
    assert!(
        !parts.is_empty(),
        "no conversation_part in the spec examples"
    );
    let distinct = parts.len();
    conversation["conversation_parts"]["conversation_parts"] =
        Value::Array(replicate(&parts, 500, 100_000));
    conversation["conversation_parts"]["total_count"] = json!(500);

    // 150 contacts.
    let mut contacts = first_example(&examples, "ListContacts");
    let contact = match contacts["data"].get(0) {
        Some(c) => c.clone(),
        None => {
            let mut found = Vec::new();
            objects_of_type(&all, "contact", &mut found);
            found
                .into_iter()
                .max_by_key(|c| c.as_object().map_or(0, Map::len))
                .expect("a contact object in the spec examples")
        }
    };
    contacts["data"] = Value::Array(replicate(&[contact], 150, 200_000));
    contacts["total_count"] = json!(150);

    let search = grow_list(
        first_example(&examples, "searchConversations"),
        "conversations",
        MIB,
        300_000,
    );
    let tickets = grow_list(
        first_example(&examples, "searchTickets"),
        "tickets",
        MIB,
        400_000,
    );
    let mut drifted = tickets.clone();
    let n_drifted = drift_every(&mut drifted, 100);
    let n_search = search["conversations"].as_array().map_or(0, Vec::len);
    let n_tickets = tickets["tickets"].as_array().map_or(0, Vec::len);

    vec![
        Body::new(
            "conversation_500",
            format!("Conversation, 500 parts ({distinct} distinct from the examples)"),
            &conversation,
        ),
        Body::new(
            "contacts_150",
            "ContactList, 150 contacts".into(),
            &contacts,
        ),
        Body::new(
            "search_1mb",
            format!("PaginatedConversationResponse, {n_search} conversations"),
            &search,
        ),
        Body::new(
            "tickets_1mb",
            format!("TicketList, {n_tickets} tickets"),
            &tickets,
        ),
        Body::new(
            "tickets_1mb_drift1",
            format!(
                "TicketList, {n_tickets} tickets, {n_drifted} leaf members (1%) of another kind"
            ),
            &drifted,
        ),
    ]
}

/// Replaces every `every`-th leaf member (a scalar member of an object, in document order) by a
/// value of another JSON kind; returns how many.
fn drift_every(value: &mut Value, every: usize) -> usize {
    fn walk(v: &mut Value, every: usize, seen: &mut usize, changed: &mut usize) {
        match v {
            Value::Object(members) => {
                for member in members.values_mut() {
                    let replacement = match member {
                        Value::String(_) => Some(json!({"drifted": true})),
                        Value::Number(_) => Some(json!("not a number")),
                        Value::Bool(_) => Some(json!([1])),
                        _ => None,
                    };
                    match replacement {
                        Some(r) => {
                            *seen += 1;
                            if (*seen).is_multiple_of(every) {
                                *member = r;
                                *changed += 1;
                            }
                        }
                        None => walk(member, every, seen, changed),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, every, seen, changed)),
            _ => {}
        }
    }
    let (mut seen, mut changed) = (0, 0);
    walk(value, every, &mut seen, &mut changed);
    changed
}

// ---------------------------------------------------------------------------------------------
// Timing

/// One measured case: a name and a closure that decodes once.
struct Case<'a> {
    name: String,
    bytes: usize,
    run: Box<dyn FnMut() + 'a>,
    iters: u64,
    samples: Vec<Duration>,
}

impl<'a> Case<'a> {
    fn new(name: impl Into<String>, bytes: usize, run: impl FnMut() + 'a) -> Self {
        Case {
            name: name.into(),
            bytes,
            run: Box::new(run),
            iters: 1,
            samples: Vec::new(),
        }
    }

    /// Median time per iteration.
    fn median(&self) -> Duration {
        let mut s = self.samples.clone();
        s.sort();
        match s.len() {
            0 => Duration::ZERO,
            n if n % 2 == 1 => s[n / 2],
            n => (s[n / 2 - 1] + s[n / 2]) / 2,
        }
    }

    fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / self.median().as_secs_f64() / 1e6
    }
}

/// Runs every case: once in smoke mode; else calibrates each to `sample_time` per sample and takes
/// `samples` samples, interleaving the cases so that drift affects them alike.
fn measure(cfg: &Config, cases: &mut [Case<'_>]) {
    if cfg.smoke {
        for c in cases.iter_mut() {
            (c.run)();
        }
        return;
    }
    for c in cases.iter_mut() {
        // Warm up and calibrate.
        let t = Instant::now();
        (c.run)();
        let once = t.elapsed().max(Duration::from_nanos(1));
        let mut iters = (cfg.sample_time.as_nanos() / once.as_nanos()).max(1) as u64;
        // Refine with a timed batch (the first call includes cold caches).
        let t = Instant::now();
        for _ in 0..iters.min(1000) {
            (c.run)();
        }
        let per = t.elapsed() / iters.min(1000) as u32;
        iters = (cfg.sample_time.as_nanos() / per.as_nanos().max(1)).max(1) as u64;
        c.iters = iters;
    }
    for _ in 0..cfg.samples {
        for c in cases.iter_mut() {
            let t = Instant::now();
            for _ in 0..c.iters {
                (c.run)();
            }
            c.samples.push(t.elapsed() / c.iters as u32);
        }
    }
}

fn decode_slice<T: DeserializeOwned>(bytes: &[u8]) -> T {
    serde_json::from_slice(black_box(bytes)).expect("decodes")
}

fn decode_str<T: DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(black_box(text)).expect("decodes")
}

/// The client's path: `decode_json` as the generated `send()` calls it on a read body (the depth
/// check, the decode, the drift records on the response).
fn decode_client<T: DeserializeOwned>(raw: &RawResponse) -> T {
    let response = decode_json::<T>(black_box(raw.clone())).expect("decodes");
    black_box(response.drift());
    response.into_body()
}

// ---------------------------------------------------------------------------------------------
// The main comparison: generated types vs Value

fn typed_cases<'a, T: DeserializeOwned + 'a>(body: &'a Body) -> Vec<Case<'a>> {
    let n = body.bytes.len();
    let bytes = &body.bytes[..];
    let text = body.text();
    let raw = RawResponse::new(
        StatusCode::OK,
        HeaderMap::new(),
        Bytes::copy_from_slice(bytes),
    );
    vec![
        Case::new("value_slice", n, move || {
            black_box(decode_slice::<Value>(bytes));
        }),
        Case::new("typed_slice", n, move || {
            black_box(decode_slice::<T>(bytes));
        }),
        Case::new("value_str", n, move || {
            black_box(decode_str::<Value>(text));
        }),
        Case::new("typed_str", n, move || {
            black_box(decode_str::<T>(text));
        }),
        Case::new("typed_client_path", n, move || {
            black_box(decode_client::<T>(&raw));
        }),
    ]
}

/// Checks that the typed decoding keeps the items (run in smoke mode too).
fn check(bodies: &[Body]) {
    let c: models::Conversation = decode_slice(&bodies[0].bytes);
    let parts = c
        .conversation_parts
        .and_then(|p| p.conversation_parts)
        .map_or(0, |p| p.len());
    assert_eq!(parts, 500, "conversation parts decoded");
    let l: models::ContactList = decode_slice(&bodies[1].bytes);
    assert_eq!(l.data.map_or(0, |d| d.len()), 150, "contacts decoded");
    let s: models::PaginatedConversationResponse = decode_slice(&bodies[2].bytes);
    assert!(s.conversations.is_some_and(|c| c.len() > 100));
    let t: models::TicketList = decode_slice(&bodies[3].bytes);
    assert!(t.tickets.is_some_and(|t| t.len() > 100));
    // The drifted body decodes, records its drift, and re-encodes to itself.
    let (d, drift) =
        intercom_api::drift::collect(|| decode_slice::<models::TicketList>(&bodies[4].bytes));
    assert!(drift.len() > 100, "drift recorded: {}", drift.len());
    let original: Value = serde_json::from_slice(&bodies[4].bytes).expect("json");
    let reencoded = serde_json::to_value(&d).expect("encode");
    assert_eq!(
        strip_nulls(&original),
        strip_nulls(&reencoded),
        "drifted members are kept"
    );
}

/// `null` members removed (absent and `null` are the same to the decoder).
fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), strip_nulls(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

fn main() {
    let cfg = config();
    let spec = spec_2_11();
    let bodies = bodies(&spec);
    drop(spec);
    check(&bodies);

    if cfg.smoke {
        println!("decode (smoke, each case once, not a measurement)");
    } else {
        println!(
            "decode: median of {} samples of >= {} ms each, release build; MB = 10^6 bytes",
            cfg.samples,
            cfg.sample_time.as_millis()
        );
    }
    println!();
    println!(
        "| body | bytes | Value MB/s | typed MB/s | typed/Value | Value (str) MB/s | typed (str) MB/s | typed/Value (str) | client path MB/s | client/Value |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut worst: f64 = 0.0;
    for body in &bodies {
        let mut cases = match body.name {
            "conversation_500" => typed_cases::<models::Conversation>(body),
            "contacts_150" => typed_cases::<models::ContactList>(body),
            "search_1mb" => typed_cases::<models::PaginatedConversationResponse>(body),
            _ => typed_cases::<models::TicketList>(body),
        };
        measure(&cfg, &mut cases);
        if cfg.smoke {
            println!(
                "| {} | {} | ran | ran | | | | | | |",
                body.name,
                body.bytes.len()
            );
            continue;
        }
        let t = |name: &str| cases.iter().find(|c| c.name == name).expect("case exists");
        let ratio = |a: &str, b: &str| t(a).median().as_secs_f64() / t(b).median().as_secs_f64();
        worst = worst.max(ratio("typed_slice", "value_slice"));
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.2} | {:.0} | {:.0} | {:.2} | {:.0} | {:.2} |",
            body.name,
            body.bytes.len(),
            t("value_slice").mb_per_s(),
            t("typed_slice").mb_per_s(),
            ratio("typed_slice", "value_slice"),
            t("value_str").mb_per_s(),
            t("typed_str").mb_per_s(),
            ratio("typed_str", "value_str"),
            t("typed_client_path").mb_per_s(),
            ratio("typed_client_path", "value_slice"),
        );
    }
    println!();
    for body in &bodies {
        println!("- {}: {}", body.name, body.what);
    }
    if !cfg.smoke {
        let verdict = if worst <= TARGET_RATIO {
            "meets"
        } else {
            "misses"
        };
        println!("worst typed/Value (from_slice): {worst:.2}; target <= {TARGET_RATIO}: {verdict}");
    }

    unions(&cfg);
}

// ---------------------------------------------------------------------------------------------
// Unions: by JSON kind (`TicketCustomAttributesValue`) and tagged (`Component`, buffered through Value)

fn unions(cfg: &Config) {
    // 20 000 mixed custom-attribute values, as a ticket's `ticket_attributes` holds them.
    let shapes = [
        json!("attribute_value"),
        json!(42),
        json!(3.5),
        json!(true),
        Value::Null,
        json!(["a", "b"]),
        json!({"type": "upload", "name": "a.png", "url": "https://example.com/a.png",
               "content_type": "image/png", "filesize": 100, "width": 10, "height": 10}),
    ];
    let attrs: Vec<Value> = (0..20_000)
        .map(|i| shapes[i % shapes.len()].clone())
        .collect();
    let attrs = serde_json::to_vec(&attrs).expect("encode");

    // 5 000 canvas components, mostly text, as a canvas-kit response lists them.
    let components: Vec<Value> = (0..5_000)
        .map(|i| {
            json!({"type": "text", "id": format!("t{i}"), "text": "*Hello* world, this is a canvas",
                   "align": "left", "style": "paragraph", "bottom_margin": "none"})
        })
        .collect();
    let components = serde_json::to_vec(&components).expect("encode");

    let a = &attrs[..];
    let c = &components[..];
    let mut untagged = vec![
        Case::new("Vec<Value>", a.len(), move || {
            black_box(decode_slice::<Vec<Value>>(a));
        }),
        Case::new(
            "Vec<Option<TicketCustomAttributesValue>> (by JSON kind, generated)",
            a.len(),
            move || {
                black_box(decode_slice::<
                    Vec<Option<models::TicketCustomAttributesValue>>,
                >(a));
            },
        ),
    ];
    let mut tagged = vec![
        Case::new("Vec<Value>", c.len(), move || {
            black_box(decode_slice::<Vec<Value>>(c));
        }),
        Case::new(
            "Vec<Component> (tagged, tag first: streamed, generated)",
            c.len(),
            move || {
                black_box(decode_slice::<Vec<models::Component>>(c));
            },
        ),
        Case::new(
            "Vec<TextComponent> (the variant type directly: no buffering)",
            c.len(),
            move || {
                black_box(decode_slice::<Vec<models::TextComponent>>(c));
            },
        ),
    ];
    let decoded: Vec<models::Component> = decode_slice(c);
    assert!(matches!(decoded[0], models::Component::Text(_)));
    let decoded: Vec<Option<models::TicketCustomAttributesValue>> = decode_slice(a);
    assert!(matches!(
        decoded[6],
        Some(models::TicketCustomAttributesValue::FileAttribute(_))
    ));
    assert_eq!(decoded[4], None);
    measure(cfg, &mut untagged);
    measure(cfg, &mut tagged);
    println!();
    println!("unions (from_slice):");
    println!();
    println!("| input | decoded as | bytes | MB/s | time / Vec<Value> |");
    println!("|---|---|---:|---:|---:|");
    for (input, cases) in [
        ("20k mixed attribute values", &untagged),
        ("5k text components", &tagged),
    ] {
        let base = cases[0].median().as_secs_f64();
        for case in cases.iter() {
            if cfg.smoke {
                println!("| {input} | {} | {} | ran | |", case.name, case.bytes);
            } else {
                println!(
                    "| {input} | {} | {} | {:.0} | {:.2} |",
                    case.name,
                    case.bytes,
                    case.mb_per_s(),
                    case.median().as_secs_f64() / base
                );
            }
        }
    }
}
