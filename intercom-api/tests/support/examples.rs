//! Reading the spec's examples at test time, shared by the example, drift and mutation tests.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crate is inside the workspace")
        .to_path_buf()
}

/// The spec node at a local `$ref` target (`#/a/b`), following chains.
pub fn deref<'a>(spec: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(target) => match target.strip_prefix('#').and_then(|p| spec.pointer(p)) {
                Some(next) => node = next,
                None => return node,
            },
            None => return node,
        }
    }
    node
}

/// Every `(label, value)` example of a media-type object (`example`, and each of `examples`,
/// `$ref`s into `spec` resolved).
pub fn examples_of(spec: &Value, media: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(e) = media.get("example") {
        out.push(("example".to_string(), e.clone()));
    }
    if let Some(Value::Object(m)) = media.get("examples") {
        for (name, ex) in m {
            if let Some(v) = deref(spec, ex).get("value") {
                out.push((name.clone(), v.clone()));
            }
        }
    }
    out
}

/// A progress line that shows even when the test passes: written to the process's stderr
/// directly, which libtest's output capture (it only captures `print!`/`eprint!`) does not
/// swallow.
pub fn progress(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}
