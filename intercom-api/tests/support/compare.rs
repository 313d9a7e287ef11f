//! Decoding a JSON value into a generated type and comparing the re-encoding with the input,
//! shared by the example, drift and mutation tests (each includes the generated tables as
//! `generated`, which call [`roundtrip`] and [`leftovers`] at the crate root).
//!
//! Two documents are equal when they differ only where the decoding policy says they may: an
//! absent member equals a `null` one, numbers compare by value, and a number equals its decimal
//! text (a number arriving in a `string` field is kept as its text; a string holding a decimal
//! integer in an integer field is kept as the number), and a boolean equals its text (a boolean
//! arriving in a `string` field is kept as `"true"` or `"false"`).

use serde_json::Value;

/// Decodes `value` as `T` (naming the field path on failure) and re-encodes it.
pub fn roundtrip<T: serde::de::DeserializeOwned + serde::Serialize>(
    value: &Value,
) -> Result<Value, String> {
    let text = value.to_string();
    let mut de = serde_json::Deserializer::from_str(&text);
    let decoded: T = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| format!("at `{}`: {}", e.path(), e.inner()))?;
    serde_json::to_value(&decoded).map_err(|e| format!("re-encoding failed: {e}"))
}

/// Decodes `value` as `T` and lists the members it keeps in undeclared `additional_properties` maps
/// (as JSON pointers). Members that are declared but drifted (kept raw because their JSON kind
/// differs from the spec's) are not undeclared: they are left out.
pub fn leftovers<T: serde::de::DeserializeOwned + crate::generated::Leftovers>(
    value: &Value,
) -> Result<Vec<String>, String> {
    let (decoded, drifted) =
        intercom_api::drift::collect(|| serde_json::from_value::<T>(value.clone()));
    let decoded = decoded.map_err(|e| e.to_string())?;
    let drifted: Vec<String> = drifted.iter().map(|d| drift_pointer(d.path())).collect();
    let mut out = Vec::new();
    decoded.leftovers("", &mut out);
    out.retain(|p| !drifted.contains(p));
    Ok(out)
}

/// `data[3].ticket_state` -> `/data/3/ticket_state`.
pub fn drift_pointer(path: &str) -> String {
    let mut out = String::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            out.push('/');
            out.push_str(&rest[..open]);
            rest = &rest[open..];
            while let Some(close) = rest.find(']') {
                out.push('/');
                out.push_str(&rest[1..close]);
                rest = &rest[close + 1..];
            }
        } else {
            out.push('/');
            out.push_str(rest);
        }
    }
    out
}

/// Removes `null` members (absent and null are equivalent) and normalizes numbers to f64.
pub fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), normalize(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| v.clone()),
        other => other.clone(),
    }
}

/// A number and a string holding its decimal text.
fn same_number(n: &serde_json::Number, s: &str) -> bool {
    n.as_f64().is_some_and(|f| s.parse::<f64>().ok() == Some(f))
}

/// First difference between `a` (input) and `b` (re-encoded), as a path; compare normalized
/// values ([`normalize`]).
pub fn first_diff(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    None => return Some(format!("{path}.{k}: dropped on re-encode")),
                    Some(w) => {
                        if let Some(d) = first_diff(v, w, &format!("{path}.{k}")) {
                            return Some(d);
                        }
                    }
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{path}.{k}: added on re-encode"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_diff(v, w, &format!("{path}[{i}]"))),
        _ if a == b => None,
        // A number where the spec declares a string decodes to its decimal text, and a decimal
        // integer string where it declares an integer decodes to the number.
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n))
            if same_number(n, s) =>
        {
            None
        }
        // A boolean where the spec declares a string decodes to its text.
        (Value::Bool(b), Value::String(s)) if s == if *b { "true" } else { "false" } => None,
        _ => Some(format!("{path}: {a} became {b}")),
    }
}

/// `None` when `output` re-encodes `input` faithfully, else the first difference.
pub fn differs(input: &Value, output: &Value) -> Option<String> {
    first_diff(&normalize(input), &normalize(output), "$")
}
