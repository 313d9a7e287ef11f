//! The repaired ("normalized") description: the same spec with the defects that lowering works around
//! fixed in the document itself, so that other tools (the Prism mock server) accept it.
//!
//! Repairs, all generic: a `$ref` to a missing `#/components/schemas/<name>` gets a free-form object
//! schema of that name (the same fallback the generator uses).

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
        let Some(name) = target.strip_prefix("#/components/schemas/") else { continue };
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
                message: format!("added a free-form object schema for the dangling $ref at {pointer}"),
            });
        }
    }
    Ok(Normalized { document, repairs })
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
        assert_eq!(n.repairs[0].pointer, "#/components/schemas/custom_attributes");
        assert_eq!(n.document["components"]["schemas"]["custom_attributes"]["type"], "object");
        // Idempotent.
        assert!(normalize(&n.document).expect("normalizes").repairs.is_empty());
    }
}
