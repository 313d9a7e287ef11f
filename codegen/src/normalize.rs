//! The repaired ("normalized") description: the same spec with the defects that lowering works around
//! fixed in the document itself, so that other tools (the Prism mock server) accept it.
//!
//! Repairs, all generic, each reported with the pointer of the node:
//! - a `$ref` to a missing `#/components/schemas/<name>` gets a free-form object schema of that name
//!   (the same fallback the generator uses);
//! - an exploded object query parameter declared only through `oneOf` variants gets their properties
//!   at the top level too;
//! - `format: uuid` with `maxLength` below 36 (unsatisfiable) loses the format;
//! - an `enum` that lists `null` beside a `type` loses the `null` and gets `nullable: true`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::error::{Error, Warning, pointer_token};

/// The normalized description and what was repaired.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The repaired document (JSON).
    pub document: Value,
    /// One entry per repair, naming the node.
    pub repairs: Vec<Warning>,
}

/// Repairs `raw` (a loaded description, see [`crate::load::Document::raw`]).
pub fn normalize(raw: &Value) -> Result<Normalized, Error> {
    let mut document = raw.clone();
    let mut refs = Vec::new();
    collect_refs(&document, "#", &mut refs);
    let mut repairs = Vec::new();
    for (pointer, target) in refs {
        let Some(name) = target.strip_prefix("#/components/schemas/") else {
            continue;
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        let schemas = document
            .as_object_mut()
            .ok_or_else(|| Error::at("#", "not an object"))?
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or_else(|| Error::at("#/components", "not an object"))?
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or_else(|| Error::at("#/components/schemas", "not an object"))?;
        if !schemas.contains_key(&name) {
            schemas.insert(
                name.clone(),
                json!({
                    "type": "object",
                    "additionalProperties": true,
                    "description": format!("Added by normalization: `{name}` is referenced but not defined."),
                }),
            );
            repairs.push(Warning {
                pointer: format!("#/components/schemas/{}", pointer_token(&name)),
                message: format!(
                    "added a free-form object schema for the dangling $ref at {pointer}"
                ),
            });
        }
    }
    explode_query_objects(&mut document, &mut repairs);
    let mut uuid = Vec::new();
    contradictory_uuid_formats(&mut document, "#", &mut uuid);
    repairs.extend(uuid);
    Ok(Normalized { document, repairs })
}

/// A `style: form, explode: true` object query parameter whose members are declared only inside its
/// `oneOf`/`anyOf` variants: mock servers collect query keys from the top-level `properties`, so the
/// variants' properties are copied up (the variants still decide which combination is valid).
fn explode_query_objects(document: &mut Value, repairs: &mut Vec<Warning>) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            for (i, p) in params.iter_mut().enumerate() {
                let is_form_query = p.get("in").and_then(Value::as_str) == Some("query")
                    && p.get("style")
                        .and_then(Value::as_str)
                        .is_none_or(|s| s == "form")
                    && p.get("explode").and_then(Value::as_bool).unwrap_or(true);
                let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) else {
                    continue;
                };
                if !is_form_query || schema.get("properties").is_some() {
                    continue;
                }
                let mut merged = Map::new();
                for key in ["oneOf", "anyOf"] {
                    for variant in schema
                        .get(key)
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        for (name, prop) in variant
                            .get("properties")
                            .and_then(Value::as_object)
                            .into_iter()
                            .flatten()
                        {
                            merged.entry(name.clone()).or_insert_with(|| prop.clone());
                        }
                    }
                }
                if merged.is_empty() {
                    continue;
                }
                schema.insert("properties".to_string(), Value::Object(merged));
                repairs.push(Warning {
                    pointer: format!("#/paths/{}/{method}/parameters/{i}/schema", pointer_token(path)),
                    message: "exploded object query parameter: copied its variants' properties to the top level".to_string(),
                });
            }
        }
    }
}

/// `format: uuid` with `maxLength` below 36 can never be satisfied (a UUID has 36 characters): the
/// format is dropped, the length kept. An `enum` listing `null` beside a `type` (ajv, Prism's
/// validator, cannot compile it, and Prism then validates no request body of that schema at all)
/// loses the `null` and gets `nullable: true`.
fn contradictory_uuid_formats(v: &mut Value, ptr: &str, repairs: &mut Vec<Warning>) {
    match v {
        Value::Object(m) => {
            let contradictory = m.get("format").and_then(Value::as_str) == Some("uuid")
                && m.get("maxLength")
                    .and_then(Value::as_u64)
                    .is_some_and(|n| n < 36);
            if contradictory {
                m.remove("format");
                repairs.push(Warning {
                    pointer: ptr.to_string(),
                    message: "`format: uuid` contradicts `maxLength` below 36: format dropped"
                        .to_string(),
                });
            }
            let typed_null_enum = m.contains_key("type")
                && m.get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.iter().any(Value::is_null));
            if typed_null_enum {
                if let Some(Value::Array(values)) = m.get_mut("enum") {
                    values.retain(|x| !x.is_null());
                }
                m.insert("nullable".to_string(), Value::Bool(true));
                repairs.push(Warning {
                    pointer: ptr.to_string(),
                    message: "`enum` lists null beside a `type`: null dropped from the enum, `nullable: true` set (a validator that cannot compile the schema skips it: Prism then accepts any request body)"
                        .to_string(),
                });
            }
            for (k, x) in m.iter_mut() {
                if k == "example" || k == "examples" {
                    continue;
                }
                contradictory_uuid_formats(x, &format!("{ptr}/{}", pointer_token(k)), repairs);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter_mut().enumerate() {
                contradictory_uuid_formats(x, &format!("{ptr}/{i}"), repairs);
            }
        }
        _ => {}
    }
}

fn collect_refs(v: &Value, ptr: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push((ptr.to_string(), r.clone()));
            }
            for (k, x) in m {
                collect_refs(x, &format!("{ptr}/{}", pointer_token(k)), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                collect_refs(x, &format!("{ptr}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Rewrites the response side of a normalized description to the crate's decoding policy, for a mock
/// server that validates responses (Prism `--errors`): every schema reachable from a response loses
/// `required`, `format`, `enum`, `type` and `nullable`, and its `oneOf`s become `anyOf`s — exactly
/// what the generated response types accept (absent/null members, any string format, unknown enum
/// values, a member of another JSON kind kept raw, overlapping union variants: the first that fits
/// wins). Only the kind of a response body itself stays checked (`type` is put back at the top:
/// a body of the wrong kind is a decode error). Component schemas used by requests too are copied
/// (`<name>_response`) first, so request validation keeps its full strength.
pub fn relax_responses(document: &mut Value) -> Vec<Warning> {
    let components: Vec<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let (response_roots, request_roots) = operation_roots(document);
    let responses = reachable_components(document, &response_roots);
    let requests = reachable_components(document, &request_roots);
    // The JSON kind of every component, read before relaxing (a response body keeps it).
    let mut kinds: BTreeMap<String, String> = components
        .iter()
        .filter_map(|c| {
            component_schema(document, c)
                .and_then(|s| root_kind(document, &s, 0))
                .map(|k| (c.clone(), k))
        })
        .collect();
    let rename = response_copy_names(&components, &responses, &requests);
    for (old, new) in &rename {
        if let Some(k) = kinds.get(old).cloned() {
            kinds.insert(new.clone(), k);
        }
    }
    let out = relax_response_components(document, &responses, &requests, &rename);
    relax_response_bodies(document, &rename, &kinds);
    out
}

/// A component schema by name (`None` when there is none).
fn component_schema(doc: &Value, name: &str) -> Option<Value> {
    doc.pointer(&format!("/components/schemas/{}", pointer_token(name)))
        .cloned()
}

/// The roots of each side, over every operation: its `responses` (response side), its
/// `requestBody` and `parameters` (request side).
fn operation_roots(document: &Value) -> (Vec<Value>, Vec<Value>) {
    let mut response_roots = Vec::new();
    let mut request_roots = Vec::new();
    if let Some(paths) = document.get("paths").and_then(Value::as_object) {
        for item in paths.values() {
            for op in item.as_object().into_iter().flat_map(|m| m.values()) {
                if let Some(r) = op.get("responses") {
                    response_roots.push(r.clone());
                }
                for key in ["requestBody", "parameters"] {
                    if let Some(r) = op.get(key) {
                        request_roots.push(r.clone());
                    }
                }
            }
        }
    }
    (response_roots, request_roots)
}

/// The names of the component schemas reachable from `roots` through `$ref`s.
fn reachable_components(doc: &Value, roots: &[Value]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = Vec::new();
    for r in roots {
        schema_refs(r, &mut stack);
    }
    while let Some(n) = stack.pop() {
        if seen.insert(n.clone())
            && let Some(s) = component_schema(doc, &n)
        {
            schema_refs(&s, &mut stack);
        }
    }
    seen
}

/// The name of the response-side copy of each component both sides use: `<name>_response`, with
/// `_` appended until it is free.
fn response_copy_names(
    components: &[String],
    responses: &BTreeSet<String>,
    requests: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    components
        .iter()
        .filter(|c| responses.contains(*c) && requests.contains(*c))
        .map(|c| {
            let mut n = format!("{c}_response");
            while components.contains(&n) {
                n.push('_');
            }
            (c.clone(), n)
        })
        .collect()
}

/// Copies the shared components under their response names, then relaxes every response-only
/// component and every copy (their refs pointing at the copies); one warning each.
fn relax_response_components(
    document: &mut Value,
    responses: &BTreeSet<String>,
    requests: &BTreeSet<String>,
    rename: &BTreeMap<String, String>,
) -> Vec<Warning> {
    let mut out = Vec::new();
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return out;
    };
    for (old, new) in rename {
        if let Some(s) = schemas.get(old).cloned() {
            schemas.insert(new.clone(), s);
        }
    }
    for name in responses
        .iter()
        .filter(|n| !requests.contains(*n))
        .chain(rename.values())
    {
        if let Some(s) = schemas.get_mut(name) {
            rewrite_refs(s, rename);
            relax(s);
            out.push(Warning {
                pointer: format!("#/components/schemas/{}", pointer_token(name)),
                message: "response schema relaxed to the lenient decoding policy".to_string(),
            });
        }
    }
    out
}

/// Points every operation's responses at the response copies and relaxes each response body's
/// schema, putting back its JSON kind at the top (from `kinds` for a `$ref`).
fn relax_response_bodies(
    document: &mut Value,
    rename: &BTreeMap<String, String>,
    kinds: &BTreeMap<String, String>,
) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|m| m.values_mut())
        {
            let Some(r) = op.get_mut("responses") else {
                continue;
            };
            rewrite_refs(r, rename);
            for resp in r.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                for media in resp
                    .get_mut("content")
                    .and_then(Value::as_object_mut)
                    .into_iter()
                    .flat_map(|m| m.values_mut())
                {
                    if let Some(s) = media.get_mut("schema") {
                        relax_body(s, kinds);
                    }
                }
            }
        }
    }
}

/// Relaxes one response body's schema, keeping its JSON kind checked at the top.
fn relax_body(s: &mut Value, kinds: &BTreeMap<String, String>) {
    let kind = match s.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/components/schemas/")
            .map(|n| n.replace("~1", "/").replace("~0", "~"))
            .and_then(|n| kinds.get(&n).cloned()),
        None => inline_kind(s),
    };
    relax(s);
    if let Some(kind) = kind {
        let relaxed = std::mem::take(s);
        *s = json!({"allOf": [relaxed], "type": kind});
    }
}

fn schema_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(name) = m
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.replace("~1", "/").replace("~0", "~"));
            }
            for (k, x) in m {
                if k != "example" && k != "examples" {
                    schema_refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| schema_refs(x, out)),
        _ => {}
    }
}

fn rewrite_refs(v: &mut Value, rename: &BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref")
                && let Some(new) = r
                    .strip_prefix("#/components/schemas/")
                    .and_then(|n| rename.get(n))
            {
                *r = format!("#/components/schemas/{}", pointer_token(new));
            }
            for (k, x) in m.iter_mut() {
                if k != "example" && k != "examples" {
                    rewrite_refs(x, rename);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rewrite_refs(x, rename)),
        _ => {}
    }
}

/// The JSON kind a schema declares at its root (`object`, `array`, ...), following `$ref`s and
/// `allOf`; `None` when it declares none.
fn root_kind(doc: &Value, schema: &Value, depth: usize) -> Option<String> {
    if depth > 32 {
        return None;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = doc.pointer(r.strip_prefix('#')?)?;
        return root_kind(doc, target, depth + 1);
    }
    inline_kind(schema).or_else(|| {
        schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|part| root_kind(doc, part, depth + 1))
    })
}

/// The kind an inline schema declares itself (`type`, or `object` for bare `properties`).
fn inline_kind(schema: &Value) -> Option<String> {
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => Some(t.to_string()),
        None if schema.get("properties").is_some() => Some("object".to_string()),
        None if schema.get("items").is_some() => Some("array".to_string()),
        None => None,
    }
}

/// Drops `required`, `format`, `enum`, `type`, `nullable` and `discriminator`, and turns `oneOf`
/// into `anyOf`, on a schema and its inline sub-schemas (walking schema positions only, so
/// properties named `format` or `required` are kept).
fn relax(v: &mut Value) {
    let Value::Object(m) = v else { return };
    if m.contains_key("$ref") {
        return;
    }
    for key in [
        "required",
        "format",
        "enum",
        "type",
        "nullable",
        "discriminator",
    ] {
        m.remove(key);
    }
    if let Some(one_of) = m.remove("oneOf") {
        m.insert("anyOf".to_string(), one_of);
    }
    if let Some(props) = m.get_mut("properties").and_then(Value::as_object_mut) {
        props.values_mut().for_each(relax);
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(x) = m.get_mut(key) {
            relax(x);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(a) = m.get_mut(key).and_then(Value::as_array_mut) {
            a.iter_mut().for_each(relax);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangling_schema_refs_get_a_free_form_object() {
        let raw = json!({
            "openapi": "3.0.1",
            "components": {"schemas": {"a": {"properties": {"x": {"$ref": "#/components/schemas/custom_attributes"}}}}}
        });
        let n = normalize(&raw).expect("normalizes");
        assert_eq!(n.repairs.len(), 1);
        assert_eq!(
            n.repairs[0].pointer,
            "#/components/schemas/custom_attributes"
        );
        assert_eq!(
            n.document["components"]["schemas"]["custom_attributes"]["type"],
            "object"
        );
        // Idempotent.
        assert!(
            normalize(&n.document)
                .expect("normalizes")
                .repairs
                .is_empty()
        );
    }

    #[test]
    fn relaxing_responses_keeps_request_schemas_strict() {
        let raw = json!({
            "openapi": "3.0.1",
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/shared"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/shared"}}}}}
            }}},
            "components": {"schemas": {"shared": {
                "type": "object",
                "required": ["format"],
                "properties": {"format": {"type": "string", "format": "uri", "enum": ["a"]}}
            }}}
        });
        let mut doc = normalize(&raw).expect("normalizes").document;
        let relaxed = relax_responses(&mut doc);
        assert_eq!(relaxed.len(), 1);
        // The request keeps the strict original; the response points at a relaxed copy.
        assert_eq!(
            doc["components"]["schemas"]["shared"]["required"],
            json!(["format"])
        );
        let copy = &doc["components"]["schemas"]["shared_response"];
        assert!(copy.get("required").is_none());
        // A property called `format` is a property, not the keyword; its own keywords are
        // relaxed: any kind (drift is kept raw), any value.
        let member = &copy["properties"]["format"];
        assert!(member.is_object());
        assert!(member.get("type").is_none());
        assert!(member.get("enum").is_none());
        assert!(member.get("format").is_none());
        // The body itself keeps its kind: a body of the wrong kind does not decode.
        let body = &doc["paths"]["/a"]["post"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(body["type"], "object");
        assert_eq!(
            body["allOf"][0]["$ref"],
            "#/components/schemas/shared_response"
        );
        assert_eq!(
            doc["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/shared"
        );
    }

    #[test]
    fn enums_listing_null_beside_a_type_become_nullable() {
        let raw = json!({
            "openapi": "3.0.1",
            "components": {"schemas": {"a": {"properties": {
                "t": {"type": "string", "enum": [null, "a"], "example": {"enum": [null]}},
                "u": {"enum": [null, "b"]}
            }}}}
        });
        let n = normalize(&raw).expect("normalizes");
        let t = &n.document["components"]["schemas"]["a"]["properties"]["t"];
        assert_eq!(t["enum"], json!(["a"]));
        assert_eq!(t["nullable"], true);
        // Examples are data, not schemas.
        assert_eq!(t["example"]["enum"], json!([null]));
        // Without a `type`, `null` in an enum is fine for validators: left alone.
        let u = &n.document["components"]["schemas"]["a"]["properties"]["u"];
        assert_eq!(u["enum"], json!([null, "b"]));
        assert_eq!(n.repairs.len(), 1);
        assert_eq!(n.repairs[0].pointer, "#/components/schemas/a/properties/t");
    }

    #[test]
    fn relaxed_response_unions_accept_overlapping_variants() {
        let raw = json!({
            "openapi": "3.0.1",
            "paths": {"/a": {"get": {
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"v": {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "object"}], "discriminator": {"propertyName": "a"}}}
                }}}}}
            }}}
        });
        let mut doc = normalize(&raw).expect("normalizes").document;
        relax_responses(&mut doc);
        let body =
            &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(body["type"], "object");
        let v = &body["allOf"][0]["properties"]["v"];
        assert!(v.get("oneOf").is_none() && v.get("discriminator").is_none());
        assert_eq!(v["anyOf"].as_array().map(Vec::len), Some(2));
        assert!(v["anyOf"][0].get("type").is_none());
    }
}
