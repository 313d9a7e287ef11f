//! Valid arguments for every operation, built from the (normalized) spec JSON: path and required
//! query parameters from their examples or schemas, request bodies from the spec's request examples
//! (those named like a 2xx response example first) and finally one synthesized from the schema.
//! Generic: nothing here knows about a particular operation.

use serde_json::{Map, Value};

use crate::Args;

/// HTTP methods of an OpenAPI path item.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
/// Deepest schema nesting synthesized (guards recursive schemas).
const MAX_DEPTH: usize = 12;
/// Longest `$ref` chain followed.
const MAX_REF_HOPS: usize = 32;

/// One operation of the spec with the argument sets to try, best first.
pub struct Operation {
    /// The `operationId`.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// Argument sets to try in order; the first one Prism accepts counts.
    pub candidates: Vec<Candidate>,
}

/// One argument set and where its body came from.
pub struct Candidate {
    /// Where the body came from.
    pub source: Source,
    /// A label for reports.
    pub label: String,
    /// The arguments.
    pub args: Args,
}

/// Where a request body came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The spec's request example of that name.
    Example(String),
    /// Synthesized from the schema.
    Synthesized,
    /// The operation has no request body.
    NoBody,
}

impl Source {
    fn label(&self) -> String {
        match self {
            Source::Example(name) => format!("example `{name}`"),
            Source::Synthesized => "synthesized from the schema".to_owned(),
            Source::NoBody => "no body".to_owned(),
        }
    }
}

/// Every operation of `doc` (in document order) with its candidate arguments.
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let item = resolve(doc, item);
        let shared = item.get("parameters");
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let params = parameters(doc, shared, op.get("parameters"));
            let candidates = bodies(doc, op)
                .into_iter()
                .map(|(source, body)| Candidate {
                    label: source.label(),
                    source,
                    args: Args::new(params.clone(), body),
                })
                .collect();
            out.push(Operation {
                id: id.to_owned(),
                method: method.to_uppercase(),
                path: path.clone(),
                candidates,
            });
        }
    }
    out
}

/// Follows `$ref`s (local JSON pointers) to the node they name; a dangling or cyclic reference
/// yields the last node reached.
pub fn resolve<'a>(doc: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..MAX_REF_HOPS {
        let Some(target) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        else {
            break;
        };
        node = target;
    }
    node
}

/// Path parameters and required query parameters (header and cookie parameters are set by the
/// client itself); operation-level parameters override path-level ones of the same name and place.
fn parameters(doc: &Value, shared: Option<&Value>, own: Option<&Value>) -> Map<String, Value> {
    let mut chosen: Vec<&Value> = Vec::new();
    for list in [shared, own].into_iter().flatten() {
        for p in list.as_array().into_iter().flatten() {
            let p = resolve(doc, p);
            let key = |x: &Value| (x.get("name").cloned(), x.get("in").cloned());
            chosen.retain(|q| key(q) != key(p));
            chosen.push(p);
        }
    }
    let mut out = Map::new();
    for p in chosen {
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        if place == "path" || (place == "query" && required) {
            out.insert(name.to_owned(), parameter_value(doc, p));
        }
    }
    out
}

/// A parameter's value: its `example`, its first `examples` entry, else one synthesized from its
/// schema; scalars are coerced to the schema's type.
fn parameter_value(doc: &Value, p: &Value) -> Value {
    let schema = p.get("schema").map(|s| resolve(doc, s));
    let example = p.get("example").cloned().or_else(|| {
        p.get("examples")
            .and_then(Value::as_object)
            .and_then(|m| m.values().next())
            .and_then(|e| resolve(doc, e).get("value").cloned())
    });
    match (example, schema) {
        (Some(v), Some(s)) => coerce(doc, s, v),
        (Some(v), None) => v,
        (None, Some(s)) => synthesize(doc, s),
        (None, None) => Value::String("123".to_owned()),
    }
}

/// Body candidates of an operation: request examples whose name matches a 2xx response example
/// name, the other request examples, then a body synthesized from the schema. An operation without
/// a JSON request body gets one candidate without a body.
fn bodies(doc: &Value, op: &Value) -> Vec<(Source, Option<Value>)> {
    let Some(media) = op
        .get("requestBody")
        .map(|b| resolve(doc, b))
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .and_then(|content| {
            content
                .iter()
                .find(|(mime, _)| mime.contains("json"))
                .or_else(|| content.iter().next())
                .map(|(_, media)| media)
        })
    else {
        return vec![(Source::NoBody, None)];
    };
    let success_names = success_example_names(doc, op);
    let examples = media_examples(doc, media);
    let (mut matching, others): (Vec<_>, Vec<_>) = examples
        .into_iter()
        .partition(|(name, _)| success_names.contains(name));
    matching.extend(others);
    let mut out: Vec<(Source, Option<Value>)> = Vec::new();
    for (name, value) in matching {
        if !out.iter().any(|(_, b)| b.as_ref() == Some(&value)) {
            out.push((Source::Example(name), Some(value)));
        }
    }
    // Without a schema: an empty object.
    let value = media
        .get("schema")
        .map_or_else(|| Value::Object(Map::new()), |s| synthesize(doc, s));
    if !out.iter().any(|(_, b)| b.as_ref() == Some(&value)) {
        out.push((Source::Synthesized, Some(value)));
    }
    out
}

/// `(name, value)` of every example of a media-type object (`example` is named `example`).
fn media_examples(doc: &Value, media: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(v) = media.get("example") {
        out.push(("example".to_owned(), v.clone()));
    }
    for (name, ex) in media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(v) = resolve(doc, ex).get("value") {
            out.push((name.clone(), v.clone()));
        }
    }
    out
}

/// Names of the examples of the operation's 2xx responses.
fn success_example_names(doc: &Value, op: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (status, response) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !status.starts_with('2') {
            continue;
        }
        let response = resolve(doc, response);
        for media in response
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|c| c.values())
        {
            for name in media
                .get("examples")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.keys())
            {
                out.push(name.clone());
            }
        }
    }
    out
}

/// A value valid for `schema`: required properties only (recursively), the first variant of a
/// `oneOf`/`anyOf`, all parts of an `allOf`, and scalars from the schema's example, enum or
/// default, else a type-appropriate value.
pub fn synthesize(doc: &Value, schema: &Value) -> Value {
    synth(doc, schema, 0)
}

fn synth(doc: &Value, schema: &Value, depth: usize) -> Value {
    let s = resolve(doc, schema);
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
        // Merge the parts (and the members declared next to them) into one schema.
        let mut merged = without(s, &["allOf"]);
        for part in parts {
            merged = merge(&merged, resolve(doc, part));
        }
        return synth(doc, &merged, depth + 1);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = s.get(key).and_then(Value::as_array).and_then(|v| v.first()) {
            // The first variant, with the members declared next to the union (variants are often
            // bare constraints such as `{required: [id]}` on the outer properties).
            let merged = merge(&without(s, &["oneOf", "anyOf"]), resolve(doc, first));
            return synth(doc, &merged, depth + 1);
        }
    }
    synth_own(doc, s, depth)
}

/// `schema` without the members `keys`.
fn without(schema: &Value, keys: &[&str]) -> Value {
    match schema {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `base` refined by `extra`: `properties` are merged, `required` lists joined, other members of
/// `extra` win.
fn merge(base: &Value, extra: &Value) -> Value {
    let (Value::Object(base), Value::Object(extra)) = (base, extra) else {
        return extra.clone();
    };
    let mut out = base.clone();
    for (k, v) in extra {
        match (k.as_str(), out.get_mut(k), v) {
            ("properties", Some(Value::Object(mine)), Value::Object(theirs)) => {
                for (name, prop) in theirs {
                    mine.insert(name.clone(), prop.clone());
                }
            }
            ("required", Some(Value::Array(mine)), Value::Array(theirs)) => {
                for name in theirs {
                    if !mine.contains(name) {
                        mine.push(name.clone());
                    }
                }
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// The schema's own type, ignoring combinators.
fn schema_type(s: &Value) -> Option<&str> {
    match s.get("type") {
        Some(Value::String(t)) => Some(t),
        // OpenAPI 3.1 style `type: [x, "null"]`.
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ if s.get("properties").is_some() || s.get("additionalProperties").is_some() => {
            Some("object")
        }
        _ if s.get("items").is_some() => Some("array"),
        _ => None,
    }
}

fn synth_own(doc: &Value, s: &Value, depth: usize) -> Value {
    match schema_type(s) {
        Some("object") => {
            let properties = s.get("properties").and_then(Value::as_object);
            let required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if properties.is_none() && required.is_empty() {
                // Free-form object: its example when it has one.
                return match s.get("example") {
                    Some(Value::Object(m)) => Value::Object(m.clone()),
                    _ => Value::Object(Map::new()),
                };
            }
            let mut out = Map::new();
            for name in required {
                let value = match properties.and_then(|p| p.get(name)) {
                    Some(prop) => synth(doc, prop, depth + 1),
                    None => Value::String("123".to_owned()),
                };
                out.insert(name.to_owned(), value);
            }
            Value::Object(out)
        }
        Some("array") => match s.get("items") {
            Some(items) => Value::Array(vec![synth(doc, items, depth + 1)]),
            None => Value::Array(Vec::new()),
        },
        Some(ty) => scalar(doc, s, ty),
        None => match s.get("example").or_else(|| s.get("default")) {
            Some(v) => v.clone(),
            None => s
                .get("enum")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
                .cloned()
                .unwrap_or(Value::Null),
        },
    }
}

/// A scalar for a schema of type `ty`: the example (when allowed by the enum), the first enum
/// value, the default, else a value derived from the type and format.
fn scalar(doc: &Value, s: &Value, ty: &str) -> Value {
    let allowed = s.get("enum").and_then(Value::as_array);
    let fits = |v: &Value| allowed.is_none_or(|e| e.contains(v));
    if let Some(v) = s
        .get("example")
        .map(|v| coerce(doc, s, v.clone()))
        .filter(|v| fits(v) && !v.is_null())
    {
        return v;
    }
    if let Some(v) = allowed.and_then(|e| e.iter().find(|v| !v.is_null())) {
        return v.clone();
    }
    if let Some(v) = s.get("default").filter(|v| !v.is_null()) {
        return v.clone();
    }
    let format = s.get("format").and_then(Value::as_str).unwrap_or_default();
    match ty {
        "integer" => Value::from(
            s.get("minimum")
                .and_then(Value::as_i64)
                .map_or(1, |m| m.max(1)),
        ),
        "number" => Value::from(s.get("minimum").and_then(Value::as_f64).unwrap_or(1.0)),
        "boolean" => Value::Bool(true),
        _ => Value::String(
            match format {
                "date-time" => "2024-01-01T00:00:00Z",
                "date" => "2024-01-01",
                "email" => "jdoe@example.com",
                "uri" | "url" => "https://example.com",
                "uuid" => "123e4567-e89b-42d3-a456-426614174000",
                _ => "123",
            }
            .to_owned(),
        ),
    }
}

/// Converts a scalar example to the schema's scalar type (`"123"` for a string holding the number
/// 123, a number for an integer holding `"5"`); anything else is returned as it is.
fn coerce(doc: &Value, s: &Value, v: Value) -> Value {
    let s = resolve(doc, s);
    match (schema_type(s), &v) {
        (Some("string"), Value::Number(_) | Value::Bool(_)) => Value::String(v.to_string()),
        (Some("integer"), Value::String(t)) => t.trim().parse::<i64>().map_or(v, Value::from),
        (Some("number"), Value::String(t)) => t
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(v, Value::Number),
        (Some("boolean"), Value::String(t)) => t.trim().parse::<bool>().map_or(v, Value::Bool),
        _ => v,
    }
}
