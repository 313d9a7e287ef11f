//! Stage 1: YAML text -> a JSON tree (kept for pointers, examples and normalization) and an
//! `openapiv3::OpenAPI` document. Errors name the JSON pointer of the offending node. A pinned
//! description's corrections ([`crate::corrections`]) are merged into the JSON tree before the
//! typed document is built, so lowering only ever sees the corrected description.

use serde_json::{Map, Value};

use crate::corrections::{self, Applied};
use crate::error::{Error, pointer_token};
use crate::specs::{CorrectionsText, SpecText};

/// A loaded OpenAPI description.
#[derive(Debug, Clone)]
pub struct Document {
    /// The whole description as JSON (YAML keys stringified).
    pub raw: Value,
    /// The typed description.
    pub openapi: openapiv3::OpenAPI,
}

/// Parses YAML (or JSON) text into a [`Document`].
pub fn load_str(text: &str) -> Result<Document, Error> {
    from_json(parse_json_tree(text)?)
}

/// A located description loaded with its corrections.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The corrected description.
    pub doc: Document,
    /// What the corrections changed (`None` when the pin has none).
    pub corrections: Option<Applied>,
}

/// Loads a located description ([`crate::specs::locate`]) and applies its corrections file, if
/// any. Errors name the file (and the JSON pointer): a corrections file that does not parse, or a
/// corrected description that is not valid OpenAPI.
pub fn load_spec(spec: &SpecText) -> Result<Loaded, Error> {
    load_with(&spec.text, spec.corrections.as_ref(), &spec.pin.version)
}

/// [`load_spec`] for a description text and an optional corrections file; `version` names them in
/// errors.
pub fn load_with(
    text: &str,
    corrections: Option<&CorrectionsText>,
    version: &str,
) -> Result<Loaded, Error> {
    let Some(c) = corrections else {
        return Ok(Loaded {
            doc: load_str(text)?,
            corrections: None,
        });
    };
    let patch = corrections::parse(&c.text)
        .map_err(|e| Error::other(format!("corrections {version}: {}: {e}", c.path.display())))?;
    let mut raw = parse_json_tree(text)?;
    let applied = corrections::apply(&mut raw, &patch);
    let doc = from_json(raw).map_err(|e| {
        Error::other(format!(
            "spec {version} with corrections {}: {e}",
            c.path.display()
        ))
    })?;
    Ok(Loaded {
        doc,
        corrections: Some(applied),
    })
}

fn parse_json_tree(text: &str) -> Result<Value, Error> {
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| Error::at("#", format!("invalid YAML: {e}")))?;
    yaml_to_json(yaml, "#")
}

/// Builds a [`Document`] from an already parsed JSON tree.
pub fn from_json(raw: Value) -> Result<Document, Error> {
    if !raw.is_object() {
        return Err(Error::at(
            "#",
            "an OpenAPI description must be a mapping at the top level",
        ));
    }
    match raw.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => {}
        Some(v) => {
            return Err(Error::at(
                "#/openapi",
                format!("unsupported OpenAPI version {v:?}: only 3.0.x is supported"),
            ));
        }
        None => {
            let message = match raw.get("openapi") {
                Some(v) if !v.is_null() => format!(
                    "the `openapi` version must be a string such as \"3.0.3\" (found {v}; quote it in YAML)"
                ),
                _ => "missing `openapi: 3.0.x` version field".to_string(),
            };
            return Err(Error::at("#/openapi", message));
        }
    }
    let openapi = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&raw).map_err(|e| {
        let pointer = path_to_pointer(e.path());
        Error::at(
            pointer,
            format!("not a valid OpenAPI 3.0 node: {}", e.inner()),
        )
    })?;
    Ok(Document { raw, openapi })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    let mut out = String::from("#");
    for seg in path.iter() {
        match seg {
            serde_path_to_error::Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            serde_path_to_error::Segment::Map { key } => {
                out.push('/');
                out.push_str(&pointer_token(key));
            }
            serde_path_to_error::Segment::Enum { variant } => {
                out.push('/');
                out.push_str(&pointer_token(variant));
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    out
}

fn yaml_to_json(v: serde_yaml::Value, ptr: &str) -> Result<Value, Error> {
    Ok(match v {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Error::at(ptr, format!("number {f} cannot be represented in JSON"))
                    })?
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(seq) => Value::Array(
            seq.into_iter()
                .enumerate()
                .map(|(i, x)| yaml_to_json(x, &format!("{ptr}/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        serde_yaml::Value::Mapping(m) => {
            let mut out = Map::new();
            for (k, val) in m {
                let key = match k {
                    serde_yaml::Value::String(s) => s,
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    serde_yaml::Value::Null => "null".to_string(),
                    _ => return Err(Error::at(ptr, "mapping keys must be scalars")),
                };
                let child = format!("{ptr}/{}", pointer_token(&key));
                let val = yaml_to_json(val, &child)?;
                out.insert(key, val);
            }
            Value::Object(out)
        }
        serde_yaml::Value::Tagged(t) => yaml_to_json(t.value, ptr)?,
    })
}
