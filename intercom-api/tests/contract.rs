//! Contract test against the Prism mock server.
//!
//! For every pinned version (`specs/*.toml`) the spec is normalized
//! (`codegen::normalize::normalize`, then `relax_responses`: response schemas follow the crate's
//! lenient decoding policy), written to a JSON file and served by Prism (`@stoplight/prism-cli`,
//! installed under `.tools/prism` when missing) in mock mode with `--errors`. Every
//! operation is called through the generated client (the call tables in `generated_calls/`) with
//! arguments built from the spec (see `contract_support::synth`): the first argument set that
//! decodes into the strict request types and that Prism accepts counts. A call passes when Prism
//! reports no request violation (it answers 4xx and lists them in the `sl-violations` header) and
//! the 2xx response, the spec's example picked by Prism, decodes into the generated type. Any
//! remaining response violation makes Prism (with `--errors`) answer 500, which fails the call.
//! Then every program in `examples/` that calls the API (reads `INTERCOM_TOKEN`) runs against the 2.16 mock (the default version) and must exit with status 0.
//!
//! Prints `contract: <version>: <passed>/<total>`, `contract examples: <passed>/<total>` and every
//! failure with its operation, arguments and Prism's violations. Needs Node.js and npm.

#[path = "generated_calls/mod.rs"]
#[rustfmt::skip]
mod generated_calls;

mod contract_support;
#[path = "support/pins.rs"]
mod pins;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use contract_support::prism::{self, Prism};
use contract_support::{examples, synth};

/// Every error from [`Args`] starts with this: the argument does not fit the generated type (the
/// call was not sent; the driver tries the next candidate).
const ARGUMENT_ERROR: &str = "argument error:";

/// The API version the programs in `examples/` are written against.
const EXAMPLES_VERSION: &str = "2.16";

/// The example shown in the README's Quickstart.
const QUICKSTART_EXAMPLE: &str = "reply_conversation_contact_email";

/// The response header in which Prism lists violations.
const VIOLATIONS_HEADER: &str = "sl-violations";

/// A JSON argument bag for one call: parameters by their wire name, and the request body.
#[derive(Debug, Clone, Default)]
pub struct Args {
    params: Map<String, Value>,
    body: Option<Value>,
}

impl Args {
    /// Arguments from parameters (by wire name) and an optional body.
    pub fn new(params: Map<String, Value>, body: Option<Value>) -> Self {
        Self { params, body }
    }

    /// The required parameter `name`, decoded as `T`.
    pub fn param<T: DeserializeOwned>(&self, name: &str) -> Result<T, String> {
        self.optional_param(name)?
            .ok_or_else(|| format!("{ARGUMENT_ERROR} the required parameter `{name}` is missing"))
    }

    /// The parameter `name` decoded as `T`, `None` when absent.
    pub fn optional_param<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, String> {
        self.params
            .get(name)
            .map(|v| decode(v).map_err(|e| format!("{ARGUMENT_ERROR} parameter `{name}`: {e}")))
            .transpose()
    }

    /// The required request body, decoded as `T`.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, String> {
        self.optional_body()?
            .ok_or_else(|| format!("{ARGUMENT_ERROR} the required request body is missing"))
    }

    /// The request body decoded as `T`, `None` when absent.
    pub fn optional_body<T: DeserializeOwned>(&self) -> Result<Option<T>, String> {
        self.body
            .as_ref()
            .map(|v| decode(v).map_err(|e| format!("{ARGUMENT_ERROR} request body: {e}")))
            .transpose()
    }
}

impl fmt::Display for Args {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "params {}", Value::Object(self.params.clone()))?;
        if let Some(body) = &self.body {
            write!(f, ", body {body}")?;
        }
        Ok(())
    }
}

/// Decodes `value` as `T`, naming the failing path.
fn decode<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value.clone()).map_err(|e| {
        let path = e.path().to_string();
        format!("at `{path}`: {}", e.into_inner())
    })
}

/// What Prism answered to one call.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The HTTP status.
    pub status: u16,
    /// The `sl-violations` header (a JSON array), when Prism sent one; for a Prism error answer
    /// without the header, the `validation` member of its problem body.
    pub violations: Option<String>,
    /// `None` for a 2xx response that decoded into the generated type; otherwise the client's error
    /// (an API error for a non-2xx status, or a decode error).
    pub error: Option<String>,
}

impl Outcome {
    /// Violations of the request (everything Prism did not locate in the response).
    pub fn request_violations(&self) -> Vec<String> {
        violations(self.violations.as_deref(), false)
    }

    /// Violations of the response: the spec's own example contradicts the spec's schema.
    pub fn response_violations(&self) -> Vec<String> {
        violations(self.violations.as_deref(), true)
    }

    /// A 2xx that decoded (or the 3xx of an operation that declares a redirect and no 2xx: the
    /// client returns it instead of an error), with no request violation.
    pub fn passed(&self) -> bool {
        self.error.is_none()
            && (200..400).contains(&self.status)
            && self.request_violations().is_empty()
    }

    /// A one-line description for failure reports.
    pub fn describe(&self) -> String {
        let mut out = format!("HTTP {}", self.status);
        let request = self.request_violations();
        if !request.is_empty() {
            out.push_str(&format!("; request violations: {}", request.join("; ")));
        }
        let response = self.response_violations();
        if !response.is_empty() {
            out.push_str(&format!("; response violations: {}", response.join("; ")));
        }
        if let Some(e) = &self.error {
            out.push_str(&format!("; {e}"));
        }
        out
    }
}

/// The violations of a `sl-violations` JSON array, as `location: message (severity)`, either those
/// located in the response or all the others. Unparseable text is reported as a request violation.
fn violations(raw: Option<&str>, response: bool) -> Vec<String> {
    let Some(raw) = raw else { return Vec::new() };
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(raw) else {
        return if response {
            Vec::new()
        } else {
            vec![raw.to_owned()]
        };
    };
    items
        .iter()
        .filter_map(|item| {
            let location: Vec<String> = item
                .get("location")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_owned))
                .collect();
            let in_response = location.first().is_some_and(|l| l == "response");
            (in_response == response).then(|| {
                let message = item.get("message").and_then(Value::as_str).unwrap_or("?");
                let severity = item.get("severity").and_then(Value::as_str).unwrap_or("?");
                format!("{}: {message} ({severity})", location.join("."))
            })
        })
        .collect()
}

/// Turns the result of `send_with_response` into an [`Outcome`]; `Err` when no HTTP answer was
/// received (transport failure, request that could not be built).
pub fn finish<T>(
    r: Result<intercom_api::Response<T>, intercom_api::Error>,
) -> Result<Outcome, String> {
    match r {
        Ok(response) => Ok(Outcome {
            status: response.status().as_u16(),
            violations: header(response.headers()),
            error: None,
        }),
        Err(intercom_api::Error::Api(e)) => Ok(Outcome {
            status: e.status().as_u16(),
            violations: header(e.headers()).or_else(|| problem_violations(e.body_text())),
            error: Some(e.to_string()),
        }),
        Err(intercom_api::Error::Decode(e)) => Ok(Outcome {
            status: e.status().as_u16(),
            violations: None,
            error: Some(format!("the response did not decode: {e}")),
        }),
        Err(e) => Err(error_chain(&e)),
    }
}

fn header(headers: &intercom_api::__private::reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(VIOLATIONS_HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// The `validation` array of a Prism problem body.
fn problem_violations(body: Option<&str>) -> Option<String> {
    let body: Value = serde_json::from_str(body?).ok()?;
    body.get("validation").map(Value::to_string)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(&format!(": {s}"));
        source = s.source();
    }
    out
}

fn workspace() -> PathBuf {
    crate_dir()
        .parent()
        .expect("the crate is inside the workspace")
        .to_path_buf()
}

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Results of one version.
#[derive(Default)]
struct Tally {
    passed: usize,
    total: usize,
    failures: Vec<String>,
    notes: Vec<String>,
    /// Passing calls by where their body came from: spec example, synthesized, none.
    sources: [usize; 3],
    /// Request examples that satisfy their schema (Prism finds no body violation when they are
    /// sent as they are), and how many of those the generated request types can express.
    valid_examples: usize,
    buildable_examples: usize,
}

/// Sends a request example as it is (no generated type in between) and returns Prism's body
/// violations: empty when the example satisfies its schema.
async fn raw_body_violations(
    version: &str,
    client: &intercom_api::Client,
    op: &synth::Operation,
    args: &Args,
) -> Result<Vec<String>, String> {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    for (name, value) in &args.params {
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let placeholder = format!("{{{name}}}");
        if path.contains(&placeholder) {
            path = path.replace(&placeholder, &intercom_api::path_segment(&text));
        } else {
            query.push((name.clone(), text));
        }
    }
    let method = intercom_api::Method::from_bytes(op.method.to_uppercase().as_bytes())
        .map_err(|e| format!("method {}: {e}", op.method))?;
    let mut request = client.request(method, path).api_version(version);
    for (name, value) in query {
        request = request.query_param(name, value);
    }
    if let Some(body) = &args.body {
        request = request.json(body.clone());
    }
    let outcome = finish(request.send_with_response::<Value>().await)?;
    Ok(outcome
        .request_violations()
        .into_iter()
        .filter(|v| v.starts_with("body") || v.starts_with("request.body"))
        .collect())
}

/// Calls one operation with each candidate until one passes. Every request example is tried
/// (also after a pass): one the request types cannot express while it satisfies its schema is a
/// failure of its own.
async fn check_operation(
    version: &str,
    client: &intercom_api::Client,
    op: &synth::Operation,
    tally: &mut Tally,
) {
    tally.total += 1;
    let name = format!("{} {} {} ({})", version, op.method, op.path, op.id);
    // (Prism answered, description) of every rejected candidate.
    let mut attempts: Vec<(bool, String)> = Vec::new();
    let mut passed = false;
    for candidate in &op.candidates {
        let example = matches!(candidate.source, synth::Source::Example(_));
        if passed && !example {
            continue;
        }
        let result = match generated_calls::call(version, client, &op.id, &candidate.args).await {
            None => Err(format!(
                "the cargo feature of version {version} is off (run with --all-features)"
            )),
            Some(None) => Err("no generated call for this operationId".to_owned()),
            Some(Some(result)) => result,
        };
        if example && candidate.args.body.is_some() {
            check_example_buildable(version, client, op, candidate, &result, &name, tally).await;
        }
        if passed {
            continue;
        }
        match result {
            Ok(outcome) if outcome.passed() => {
                passed = true;
                tally.passed += 1;
                let source = match &candidate.source {
                    synth::Source::Example(_) => 0,
                    synth::Source::Synthesized => 1,
                    synth::Source::NoBody => 2,
                };
                tally.sources[source] += 1;
                let response = outcome.response_violations();
                if !response.is_empty() {
                    let shown = response.len().min(3);
                    tally.notes.push(format!(
                        "{name}: the spec's response example violates its schema ({} violations): {}{}",
                        response.len(),
                        response[..shown].join("; "),
                        if shown < response.len() { "; ..." } else { "" }
                    ));
                }
                for (_, attempt) in attempts.iter().filter(|(answered, _)| *answered) {
                    tally.notes.push(format!(
                        "{name}: passed with {}, after {attempt}",
                        candidate.label
                    ));
                }
            }
            Ok(outcome) => attempts.push((
                true,
                format!(
                    "{} [{}] -> {}",
                    candidate.label,
                    candidate.args,
                    outcome.describe()
                ),
            )),
            Err(e) => attempts.push((
                false,
                format!("{} [{}] -> {e}", candidate.label, candidate.args),
            )),
        }
    }
    if !passed {
        let attempts: Vec<String> = attempts.into_iter().map(|(_, a)| a).collect();
        tally
            .failures
            .push(format!("{name}:\n      {}", attempts.join("\n      ")));
    }
}

/// Counts a request example that satisfies its schema (sent as it is, Prism finds no body
/// violation) and whether the generated request types expressed it (`result` is not an argument
/// error); one they could not express is a failure. Examples with members the spec does not
/// declare (objects are open, so Prism accepts them) are noted, not counted: the request types
/// hold the declared members, and `.raw_body()` sends anything else.
async fn check_example_buildable(
    version: &str,
    client: &intercom_api::Client,
    op: &synth::Operation,
    candidate: &synth::Candidate,
    result: &Result<Outcome, String>,
    name: &str,
    tally: &mut Tally,
) {
    match raw_body_violations(version, client, op, &candidate.args).await {
        Ok(body_violations) if body_violations.is_empty() => {
            match result {
                // Undeclared members (the schema does not close the object, so Prism accepts
                // them): the typed request expresses the declared surface; the rest is sent
                // with `.raw_body()`. A `null` body is no body.
                Err(e)
                    if e.starts_with(ARGUMENT_ERROR)
                        && (e.contains("unknown field")
                            || candidate.args.body.as_ref().is_some_and(Value::is_null)) =>
                {
                    tally.notes.push(format!(
                        "{name}: {} carries members the spec does not declare (or is `null`): sent with `.raw_body()`, not the request type: {e}",
                        candidate.label
                    ));
                }
                Err(e) if e.starts_with(ARGUMENT_ERROR) => {
                    tally.valid_examples += 1;
                    tally.failures.push(format!(
                        "{name}: {} satisfies its schema (Prism finds no body violation when it is sent as it is) but the request types cannot express it: {e}",
                        candidate.label
                    ));
                }
                _ => {
                    tally.valid_examples += 1;
                    tally.buildable_examples += 1;
                }
            }
        }
        Ok(_) => {}
        Err(raw) => tally.failures.push(format!(
            "{name}: {} could not be sent as it is: {raw}",
            candidate.label
        )),
    }
}

/// Runs every operation of one version against Prism.
fn check_version(
    runtime: &tokio::runtime::Runtime,
    cli: &Path,
    work_dir: &Path,
    version: &str,
    document: &Value,
) -> Result<(Tally, Prism), String> {
    let spec_file = work_dir.join(format!("{version}.json"));
    let text = serde_json::to_string(document).map_err(|e| format!("{version}: {e}"))?;
    std::fs::write(&spec_file, text)
        .map_err(|e| format!("cannot write {}: {e}", spec_file.display()))?;
    let started = Instant::now();
    let prism = Prism::start(
        cli,
        &spec_file,
        &work_dir.join(format!("prism-{version}.log")),
    )?;
    eprintln!(
        "contract: {version}: Prism listening at {} after {:.1} s",
        prism.base_url,
        started.elapsed().as_secs_f64()
    );
    let client = intercom_api::Client::builder("contract-test-token")
        .base_url(prism.base_url.as_str())
        .max_attempts(1)
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .map_err(|e| format!("cannot build the client: {e}"))?;
    let mut tally = Tally::default();
    for op in synth::operations(document) {
        runtime.block_on(check_operation(version, &client, &op, &mut tally));
    }
    Ok((tally, prism))
}

#[test]
fn every_operation_and_example_passes_against_prism() {
    let started = Instant::now();
    let root = workspace();
    let pins = pins::pins_under_test(&root);
    let cli = prism::ensure_installed(&root).unwrap_or_else(|e| panic!("{e}"));
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    remove_old_work_dirs(tmp);
    let work_dir = tmp.join(format!("{WORK_DIR_PREFIX}{}", std::process::id()));
    std::fs::create_dir_all(&work_dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", work_dir.display()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");

    let mut failed: Vec<String> = Vec::new();
    let mut example_versions = 0;
    for pin in &pins {
        let version = pin.version.as_str();
        let spec = codegen::specs::locate(&root, pin).unwrap_or_else(|e| panic!("{e}"));
        // With its corrections, as regen read it (what `cargo xtask normalize` writes too).
        let doc = codegen::load::load_spec(&spec)
            .unwrap_or_else(|e| panic!("{e}"))
            .doc;
        let mut normalized =
            codegen::normalize::normalize(&doc.raw).unwrap_or_else(|e| panic!("{e}"));
        // Prism runs with `--errors`, which also validates its responses (the spec's examples):
        // describe them with the crate's lenient decoding policy, as the generated types do.
        codegen::normalize::relax_responses(&mut normalized.document);
        let (tally, prism) =
            match check_version(&runtime, &cli, &work_dir, version, &normalized.document) {
                Ok(r) => r,
                Err(e) => {
                    progress(&format!("contract: {version}: 0/0"));
                    println!("  FAIL {e}");
                    failed.push(format!("{version}: {e}"));
                    continue;
                }
            };
        progress(&format!(
            "contract: {version}: {}/{}",
            tally.passed, tally.total
        ));
        progress(&format!(
            "contract request examples: {version}: {}/{} that satisfy their schema are expressible",
            tally.buildable_examples, tally.valid_examples
        ));
        let [examples, synthesized, none] = tally.sources;
        println!(
            "  bodies of the passing calls: {examples} spec examples, {synthesized} synthesized from the schema, {none} without a body"
        );
        for f in &tally.failures {
            println!("  FAIL {f}");
        }
        for n in &tally.notes {
            println!("  note {n}");
        }
        if tally.total == 0 || tally.passed < tally.total {
            failed.push(format!(
                "{version}: {}/{} operations",
                tally.passed, tally.total
            ));
        }
        if tally.buildable_examples < tally.valid_examples {
            failed.push(format!(
                "{version}: {}/{} request examples that satisfy their schema are expressible",
                tally.buildable_examples, tally.valid_examples
            ));
        }
        // The examples are written against 2.16, the default version.
        if version == EXAMPLES_VERSION {
            example_versions += 1;
            if let Err(e) = check_examples(&root, &prism.base_url, &work_dir) {
                failed.push(e);
            }
        }
        drop(prism);
    }
    if example_versions == 0 && pins.iter().any(|p| p.version == EXAMPLES_VERSION) {
        failed.push(format!(
            "no {EXAMPLES_VERSION} mock server to run the examples against"
        ));
    }
    println!(
        "contract: finished in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        let _ = std::fs::remove_dir_all(&work_dir);
    } else {
        println!(
            "contract: spec files and Prism logs kept in {}",
            work_dir.display()
        );
    }
    assert!(failed.is_empty(), "contract test failed: {failed:?}");
}

/// Work directories (spec files, Prism logs) are `<CARGO_TARGET_TMPDIR>/contract-<pid>`; kept after
/// a failure for inspection.
const WORK_DIR_PREFIX: &str = "contract-";

/// Removes work directories of earlier runs that are more than an hour old.
fn remove_old_work_dirs(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(3600));
        if old
            && entry
                .file_name()
                .to_string_lossy()
                .starts_with(WORK_DIR_PREFIX)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Runs every example against the mock at `base_url`.
fn check_examples(root: &Path, base_url: &str, work_dir: &Path) -> Result<(), String> {
    let names = examples::names(crate_dir())?;
    let binaries = examples::binaries(root, crate_dir(), &names)?;
    let mut passed = 0;
    let mut failures = Vec::new();
    for (name, bin) in names.iter().zip(&binaries) {
        match examples::run(bin, base_url, work_dir) {
            Ok(out) => {
                passed += 1;
                println!("  ok {name}: {}", out.replace('\n', " | "));
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    progress(&format!("contract examples: {passed}/{}", names.len()));
    for f in &failures {
        println!("  FAIL {f}");
    }
    if names.is_empty() || !failures.is_empty() {
        return Err(format!("examples: {passed}/{}", names.len()));
    }
    Ok(())
}

/// The README's Quickstart shows the example program verbatim.
#[test]
fn readme_quickstart_is_the_example_program() {
    let readme_path = workspace().join("README.md");
    let readme = std::fs::read_to_string(&readme_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", readme_path.display()));
    let example_path = crate_dir()
        .join("examples")
        .join(format!("{QUICKSTART_EXAMPLE}.rs"));
    let example = std::fs::read_to_string(&example_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", example_path.display()));
    let section = readme
        .split_once("\n## Quickstart\n")
        .map(|(_, rest)| rest)
        .expect("README.md has a `## Quickstart` section");
    let block = section
        .split_once("\n```rust\n")
        .and_then(|(_, rest)| rest.split_once("\n```\n"))
        .map(|(code, _)| code)
        .expect("the Quickstart has a ```rust block");
    assert_eq!(
        block.trim_end(),
        example.trim_end(),
        "the README Quickstart must show {} exactly",
        example_path.display()
    );
}

/// A progress line that shows even when the test passes: written to the process's stderr directly,
/// which libtest's output capture (it only captures `print!`/`eprint!`) does not swallow.
fn progress(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}
