//! Malformed descriptions: codegen returns `Err` (naming the JSON pointer of the node at fault) and
//! never panics. Ends with a small deterministic mutation fuzz over valid fixtures.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use codegen::Error;
use codegen::workspace::generate_version;

/// Runs the whole pipeline; a panic fails the test with the input.
fn run(text: &str) -> Result<(), Error> {
    match catch_unwind(AssertUnwindSafe(|| generate_version(text, "9.99", "0000"))) {
        Ok(r) => r.map(|_| ()),
        Err(_) => panic!("generate_version panicked on:\n{text}"),
    }
}

/// Runs the pipeline and expects an error.
fn err(text: &str) -> Error {
    match run(text) {
        Ok(()) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

/// A valid document header; `rest` follows it (paths and components).
fn doc(rest: &str) -> String {
    format!("openapi: 3.0.1\ninfo:\n  title: Intercom API\n  version: '9.99'\n{rest}")
}

const OK_RESPONSE: &str = "      responses:\n        '200':\n          description: ok\n";

#[test]
fn valid_minimal_document_is_ok() {
    run(&doc("paths: {}\n")).expect("a minimal document is valid");
}

#[test]
fn invalid_yaml() {
    for text in [
        "openapi: [3.0.1\n",
        "openapi: 3.0.1\n  info: x\n bad: [\n",
        "a: b: c\n",
        "\t- x\n",
        "key: 'unterminated\n",
    ] {
        let e = err(text);
        assert_eq!(e.pointer, "#", "{text:?}: {e}");
        assert!(e.message.contains("YAML"), "{text:?}: {e}");
    }
}

#[test]
fn not_a_mapping() {
    for text in [
        "- openapi\n- 3.0.1\n",
        "42\n",
        "just a string\n",
        "",
        "~\n",
        "[]\n",
    ] {
        let e = err(text);
        assert_eq!(e.pointer, "#", "{text:?}: {e}");
        assert!(e.message.contains("mapping"), "{text:?}: {e}");
    }
}

#[test]
fn missing_openapi_field() {
    let e = err("info:\n  title: t\n  version: '1'\npaths: {}\n");
    assert_eq!(e.pointer, "#/openapi");
    assert!(e.message.contains("missing"), "{e}");
    // Swagger 2.0 documents have no `openapi` field at all.
    let e = err("swagger: '2.0'\ninfo:\n  title: t\n  version: '1'\npaths: {}\n");
    assert_eq!(e.pointer, "#/openapi");
}

#[test]
fn unsupported_openapi_version() {
    for v in ["'2.0'", "\"3.1.0\"", "'4.0.0'", "''"] {
        let e = err(&format!(
            "openapi: {v}\ninfo:\n  title: t\n  version: '1'\npaths: {{}}\n"
        ));
        assert_eq!(e.pointer, "#/openapi", "{v}: {e}");
        assert!(e.message.contains("unsupported"), "{v}: {e}");
    }
    // Unquoted, YAML reads these as numbers; they are still rejected at `#/openapi`.
    for v in ["2.0", "2", "3.1"] {
        let e = err(&format!(
            "openapi: {v}\ninfo:\n  title: t\n  version: '1'\npaths: {{}}\n"
        ));
        assert_eq!(e.pointer, "#/openapi", "{v}: {e}");
    }
}

#[test]
fn not_an_openapi_node() {
    let e = err(&doc("paths: 7\n"));
    assert_eq!(e.pointer, "#/paths", "{e}");
    let e = err(&doc("paths: {}\ncomponents:\n  schemas:\n    contact: 7\n"));
    assert_eq!(e.pointer, "#/components/schemas/contact", "{e}");
    // OpenAPI 3.1 style type lists are not 3.0.
    let e = err(&doc(
        "paths: {}\ncomponents:\n  schemas:\n    contact:\n      type: [string, 'null']\n",
    ));
    assert!(e.pointer.starts_with("#/components/schemas/contact"), "{e}");
}

#[test]
fn unknown_schema_type() {
    let e = err(&doc(
        "paths: {}\ncomponents:\n  schemas:\n    ticket_state:\n      type: foo\n",
    ));
    assert!(
        e.pointer == "#/components/schemas/ticket_state/type"
            || e.pointer == "#/components/schemas/ticket_state",
        "{e}"
    );
    assert!(e.message.contains("foo"), "{e}");
}

#[test]
fn unknown_schema_type_in_nested_positions() {
    // In a property.
    let e = err(&doc(
        "paths: {}\ncomponents:\n  schemas:\n    ticket:\n      type: object\n      properties:\n        state:\n          type: foo\n",
    ));
    assert!(
        e.pointer
            .starts_with("#/components/schemas/ticket/properties/state"),
        "{e}"
    );
    // In an inline request body.
    let e = err(&doc(&format!(
        "paths:\n  /tickets:\n    post:\n      operationId: createTicket\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: foo\n{OK_RESPONSE}"
    )));
    assert!(
        e.pointer
            .starts_with("#/paths/~1tickets/post/requestBody/content/application~1json/schema"),
        "{e}"
    );
    // In an array's items.
    let e = err(&doc(
        "paths: {}\ncomponents:\n  schemas:\n    tags:\n      type: array\n      items:\n        type: foo\n",
    ));
    assert!(
        e.pointer.starts_with("#/components/schemas/tags/items"),
        "{e}"
    );
}

#[test]
fn ref_loop_between_two_components() {
    let e = err(&doc(
        "paths: {}\ncomponents:\n  schemas:\n    a:\n      $ref: '#/components/schemas/b'\n    b:\n      $ref: '#/components/schemas/a'\n",
    ));
    assert!(
        e.pointer == "#/components/schemas/a" || e.pointer == "#/components/schemas/b",
        "{e}"
    );
    assert!(e.message.contains("loop"), "{e}");
}

#[test]
fn ref_loop_to_itself_and_through_three() {
    let e = err(&doc(
        "paths: {}\ncomponents:\n  schemas:\n    a:\n      $ref: '#/components/schemas/a'\n",
    ));
    assert_eq!(e.pointer, "#/components/schemas/a", "{e}");
    let e = err(&doc(
        "paths: {}\ncomponents:\n  schemas:\n    a:\n      $ref: '#/components/schemas/b'\n    b:\n      $ref: '#/components/schemas/c'\n    c:\n      $ref: '#/components/schemas/a'\n",
    ));
    assert!(
        ["a", "b", "c"]
            .iter()
            .any(|n| e.pointer == format!("#/components/schemas/{n}")),
        "{e}"
    );
}

#[test]
fn allof_loops() {
    // Single-$ref allOf on both sides: an alias loop.
    let e = err(&doc(
        "paths: {}\ncomponents:\n  schemas:\n    a:\n      allOf:\n      - $ref: '#/components/schemas/b'\n    b:\n      allOf:\n      - $ref: '#/components/schemas/a'\n",
    ));
    assert!(e.pointer.starts_with("#/components/schemas/"), "{e}");
    // allOf merging that never ends.
    let e = err(&doc(
        "paths: {}\ncomponents:\n  schemas:\n    a:\n      allOf:\n      - $ref: '#/components/schemas/b'\n      - properties: {x: {type: string}}\n    b:\n      allOf:\n      - $ref: '#/components/schemas/a'\n      - properties: {y: {type: string}}\n",
    ));
    assert!(e.pointer.starts_with("#/components/schemas/"), "{e}");
    assert!(e.message.contains("loop"), "{e}");
}

#[test]
fn missing_request_body_ref() {
    let e = err(&doc(&format!(
        "paths:\n  /tickets:\n    post:\n      operationId: createTicket\n      requestBody:\n        $ref: '#/components/requestBodies/nope'\n{OK_RESPONSE}"
    )));
    assert_eq!(e.pointer, "#/paths/~1tickets/post/requestBody", "{e}");
    assert!(e.message.contains("#/components/requestBodies/nope"), "{e}");
}

#[test]
fn missing_response_ref() {
    let e = err(&doc(
        "paths:\n  /tickets:\n    get:\n      operationId: listTickets\n      responses:\n        '200':\n          $ref: '#/components/responses/nope'\n",
    ));
    assert_eq!(e.pointer, "#/paths/~1tickets/get/responses/200", "{e}");
}

#[test]
fn missing_parameter_ref() {
    let e = err(&doc(&format!(
        "paths:\n  /tickets/{{id}}:\n    get:\n      operationId: getTicket\n      parameters:\n      - $ref: '#/components/parameters/nope'\n{OK_RESPONSE}"
    )));
    assert_eq!(e.pointer, "#/paths/~1tickets~1{id}/get/parameters/0", "{e}");
    assert!(e.message.contains("#/components/parameters/nope"), "{e}");
    // At path-item level.
    let e = err(&doc(&format!(
        "paths:\n  /tickets/{{id}}:\n    parameters:\n    - $ref: '#/components/parameters/nope'\n    get:\n      operationId: getTicket\n{OK_RESPONSE}"
    )));
    assert_eq!(e.pointer, "#/paths/~1tickets~1{id}/parameters/0", "{e}");
}

#[test]
fn missing_schema_ref_in_a_path_parameter_is_a_warning() {
    // A dangling *schema* ref is not fatal: a free-form stand-in plus a warning at the position.
    let text = doc(&format!(
        "paths:\n  /tickets/{{id}}:\n    get:\n      operationId: getTicket\n      parameters:\n      - name: id\n        in: path\n        required: true\n        schema:\n          $ref: '#/components/schemas/nope'\n{OK_RESPONSE}"
    ));
    let (_, report) =
        generate_version(&text, "9.99", "0000").expect("dangling schema refs are warnings");
    let dangling: Vec<_> = report
        .warnings
        .iter()
        .filter(|w| w.message.contains("dangling $ref"))
        .collect();
    assert_eq!(dangling.len(), 1, "{:?}", report.warnings);
    assert_eq!(
        dangling[0].pointer,
        "#/paths/~1tickets~1{id}/get/parameters/0/schema"
    );
}

#[test]
fn duplicate_operation_id() {
    let e = err(&doc(&format!(
        "paths:\n  /tickets:\n    get:\n      operationId: listTickets\n{OK_RESPONSE}  /tickets/search:\n    post:\n      operationId: listTickets\n{OK_RESPONSE}"
    )));
    assert!(e.pointer.ends_with("/operationId"), "{e}");
    assert!(
        e.pointer == "#/paths/~1tickets/get/operationId"
            || e.pointer == "#/paths/~1tickets~1search/post/operationId",
        "{e}"
    );
    assert!(e.message.contains("listTickets"), "{e}");
}

#[test]
fn unsupported_ref_kinds_do_not_panic() {
    // External and non-schema refs where a schema is expected, and a path item $ref.
    for text in [
        doc(
            "paths: {}\ncomponents:\n  schemas:\n    a:\n      type: object\n      properties:\n        x:\n          $ref: 'other.yaml#/components/schemas/x'\n        y:\n          $ref: '#/components/parameters/y'\n        z:\n          $ref: '#/components/schemas/'\n",
        ),
        doc("paths:\n  /a:\n    $ref: '#/paths/~1b'\n"),
        doc(&format!(
            "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody:\n        $ref: 'other.yaml#/x'\n{OK_RESPONSE}"
        )),
    ] {
        if let Err(e) = run(&text) {
            assert!(e.pointer.starts_with('#'), "{e}");
        }
    }
}

// ---- Mutation fuzz ----

/// Tiny deterministic PRNG (PCG-style LCG, high bits).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const REPLACEMENTS: &[&str] = &[
    "{}",
    "[]",
    "null",
    "7",
    "''",
    "true",
    "-1",
    "'#/components/schemas/nope'",
];

/// One random edit of `lines`; returns a description of what was done.
fn mutate(lines: &mut Vec<String>, rng: &mut Lcg) -> String {
    if lines.is_empty() {
        lines.push("x".to_string());
        return "push".to_string();
    }
    let i = rng.below(lines.len());
    // Value replacements are weighted up: they mostly keep the YAML valid and reach lowering.
    match rng.below(12) {
        0 => {
            let l = lines.remove(i);
            format!("delete line {i} {l:?}")
        }
        1 => {
            let l = lines[i].clone();
            lines.insert(i, l);
            format!("duplicate line {i}")
        }
        2 => {
            let by = [1, 2, 2, 4][rng.below(4)];
            lines[i] = format!("{}{}", " ".repeat(by), lines[i]);
            format!("indent line {i} by {by}")
        }
        3 => {
            let lead = lines[i].len() - lines[i].trim_start().len();
            let by = [1, 2, 2, 4][rng.below(4)].min(lead);
            lines[i] = lines[i][by..].to_string();
            format!("dedent line {i} by {by}")
        }
        4..=6 => {
            // Replace the value of `key: value` (or the item of `- item`, or the key of `key:`).
            let r = REPLACEMENTS[rng.below(REPLACEMENTS.len())];
            let line = lines[i].clone();
            let indent = &line[..line.len() - line.trim_start().len()];
            let body = line.trim_start();
            lines[i] = if let Some(pos) = body.find(": ") {
                format!("{indent}{}: {r}", &body[..pos])
            } else if body.starts_with("- ") {
                format!("{indent}- {r}")
            } else if body.ends_with(':') {
                format!("{indent}{r}:")
            } else {
                format!("{indent}{r}")
            };
            format!("replace value on line {i} with {r}")
        }
        7 => {
            // Replace one whitespace-separated token anywhere.
            let r = REPLACEMENTS[rng.below(REPLACEMENTS.len())];
            let line = lines[i].clone();
            let indent = &line[..line.len() - line.trim_start().len()];
            let mut tokens: Vec<&str> = line.split_whitespace().collect();
            if tokens.is_empty() {
                return "noop".to_string();
            }
            let t = rng.below(tokens.len());
            tokens[t] = r;
            lines[i] = format!("{indent}{}", tokens.join(" "));
            format!("replace token {t} on line {i} with {r}")
        }
        8 | 9 => {
            // Delete a whole block: the line and every more-indented line after it (keeps YAML valid).
            let indent = |l: &str| l.len() - l.trim_start().len();
            let own = indent(&lines[i]);
            let mut end = i + 1;
            while end < lines.len() && (lines[end].trim().is_empty() || indent(&lines[end]) > own) {
                end += 1;
            }
            lines.drain(i..end);
            format!("delete block at line {i} ({} lines)", end - i)
        }
        10 => {
            // Transplant the value of another `key: value` line (a `$ref` target, an enum value, a type).
            let values: Vec<String> = lines
                .iter()
                .filter_map(|l| l.split_once(": ").map(|(_, v)| v.to_string()))
                .collect();
            if values.is_empty() {
                return "noop".to_string();
            }
            let v = values[rng.below(values.len())].clone();
            let Some((key, _)) = lines[i].split_once(": ") else {
                return "noop".to_string();
            };
            lines[i] = format!("{key}: {v}");
            format!("set value on line {i} to {v}")
        }
        _ => {
            let j = rng.below(lines.len());
            lines.swap(i, j);
            format!("swap lines {i} and {j}")
        }
    }
}

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(format!("{name}.yaml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

// No mutation is excluded: when this was written, 3,000 cases per fixture (all 16 fixtures, two
// seeds) returned Ok or Err without a panic. (`catch_unwind` cannot catch a stack overflow, which
// aborts the whole test binary instead.)

/// Mutates `name` `cases` times (1 to 3 edits each) and checks the pipeline returns instead of panicking.
fn fuzz(name: &str, seed: u64, cases: usize) -> (usize, usize) {
    let base = fixture(name);
    run(&base).unwrap_or_else(|e| panic!("fixture {name} must be valid: {e}"));
    let original: Vec<String> = base.lines().map(str::to_string).collect();
    let mut rng = Lcg(seed);
    let (mut ok, mut errs) = (0, 0);
    let mut panics = Vec::new();
    for case in 0..cases {
        let mut lines = original.clone();
        let edits = 1 + rng.below(3);
        let what: Vec<String> = (0..edits).map(|_| mutate(&mut lines, &mut rng)).collect();
        let text = lines.join("\n") + "\n";
        match catch_unwind(AssertUnwindSafe(|| generate_version(&text, "9.99", "0000"))) {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(e)) => {
                errs += 1;
                assert!(
                    e.pointer.is_empty() || e.pointer.starts_with('#'),
                    "{name} case {case}: bad pointer in {e}"
                );
                assert!(
                    !e.message.starts_with("internal:"),
                    "{name} case {case} ({what:?}): generated code does not parse: {e}\n{text}"
                );
            }
            Err(_) => panics.push(format!("{name} case {case}: {what:?}\n{text}")),
        }
    }
    assert!(
        panics.is_empty(),
        "{} mutation(s) panicked; first:\n{}",
        panics.len(),
        panics[0]
    );
    (ok, errs)
}

#[test]
fn fuzz_reply_request() {
    let (ok, errs) = fuzz("reply_request", 0x1f2e_3d4c, 300);
    assert_eq!(ok + errs, 300);
    // The mutations must exercise both outcomes.
    assert!(ok > 0 && errs > 0, "ok {ok}, errors {errs}");
}

#[test]
fn fuzz_anyof_additional() {
    let (ok, errs) = fuzz("anyof_additional", 0xdead_beef, 300);
    assert!(ok > 0 && errs > 0, "ok {ok}, errors {errs}");
}

#[test]
fn fuzz_tagged_oneof() {
    let (ok, errs) = fuzz("tagged_oneof", 42, 300);
    assert!(ok > 0 && errs > 0, "ok {ok}, errors {errs}");
}
