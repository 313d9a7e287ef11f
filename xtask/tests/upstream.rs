//! `cargo xtask upstream` against a mock GitHub REST API: a tiny HTTP/1.1 server on 127.0.0.1
//! (std only) answering canned JSON by path and query, recording every request. The binary finds
//! it through `GITHUB_API_URL`, as in GitHub Actions.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

mod support;

const REPO: &str = "/repos/intercom/Intercom-OpenAPI";
/// The commit both checked-in pins name.
const PIN: &str = "8889625a7b931d8649e18726e7f872ff073520fc";
const C0: &str = "0000000000000000000000000000000000000000";
const C2: &str = "2222222222222222222222222222222222222222";
const C3: &str = "3333333333333333333333333333333333333333";
const C4: &str = "4444444444444444444444444444444444444444";

/// One canned answer: the request path, substrings its query must contain, then the response.
struct Route {
    path: String,
    query_has: Vec<String>,
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

fn route(path: &str, query_has: &[&str], body: serde_json::Value) -> Route {
    Route {
        path: path.to_string(),
        query_has: query_has.iter().map(|s| s.to_string()).collect(),
        status: 200,
        headers: Vec::new(),
        body: body.to_string(),
    }
}

/// A received request: target (path and query) and headers (names in lower case).
#[derive(Debug, Clone)]
struct Received {
    target: String,
    headers: Vec<(String, String)>,
}

struct Mock {
    base: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Mock {
    fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// Starts the server; `routes` gets the base URL (for `Link` headers). First matching route wins;
/// anything else is a GitHub-style 404. The thread lives as long as the test process.
fn serve(routes: impl FnOnce(&str) -> Vec<Route>) -> Mock {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().expect("local addr"));
    let routes = routes(&base);
    let received = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&received);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = answer(stream, &routes, &log);
        }
    });
    Mock { base, received }
}

fn answer(stream: TcpStream, routes: &[Route], log: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let target = line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    if let Ok(mut l) = log.lock() {
        l.push(Received {
            target: target.clone(),
            headers,
        });
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let found = routes
        .iter()
        .find(|r| r.path == path && r.query_has.iter().all(|q| query.contains(q.as_str())));
    let (status, extra, body) = match found {
        Some(r) => (r.status, r.headers.clone(), r.body.clone()),
        None => (
            404,
            Vec::new(),
            r#"{"message":"Not Found","documentation_url":"https://docs.github.com"}"#.to_string(),
        ),
    };
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (n, v) in extra {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = stream;
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}

fn commit(sha: &str, date: &str, message: &str) -> serde_json::Value {
    serde_json::json!({
        "sha": sha,
        "html_url": format!("https://github.com/intercom/Intercom-OpenAPI/commit/{sha}"),
        "commit": {
            "message": message,
            "author": {"date": date},
            "committer": {"date": date}
        }
    })
}

fn dir(name: &str) -> serde_json::Value {
    serde_json::json!({"name": name, "type": "dir", "path": format!("descriptions/{name}")})
}

/// Upstream as of the tests: 2.10 unchanged since the pin; 2.11 changed twice (one commit per
/// page: the listing is paginated); a new 2.12; older 0 and 2.7 not pinned.
fn upstream_routes(base: &str) -> Vec<Route> {
    let commits = format!("{REPO}/commits");
    let mut page1 = route(
        &commits,
        &["path=descriptions/2.11/api.intercom.io.yaml"],
        serde_json::json!([commit(
            C3,
            "2025-10-03T00:00:00Z",
            "Update 2.11: tickets\n\nlong body"
        )]),
    );
    page1.headers.push((
        "Link".into(),
        format!(
            "<{base}{commits}?path=descriptions/2.11/api.intercom.io.yaml&sha=main&page=2>; rel=\"next\", <{base}{commits}?page=2>; rel=\"last\""
        ),
    ));
    vec![
        route(
            &format!("{REPO}/commits/{PIN}"),
            &[],
            commit(PIN, "2025-09-01T10:00:00Z", "the pinned commit"),
        ),
        route(
            &commits,
            &["path=descriptions/2.10/api.intercom.io.yaml", "sha=main"],
            serde_json::json!([commit(PIN, "2025-09-01T10:00:00Z", "pinned")]),
        ),
        route(
            &commits,
            &["path=descriptions/2.11/api.intercom.io.yaml", "page=2"],
            serde_json::json!([
                commit(C2, "2025-10-02T00:00:00Z", "Update 2.11: contacts"),
                commit(PIN, "2025-09-01T10:00:00Z", "pinned"),
                commit(C0, "2025-09-01T09:00:00Z", "before the pin: never listed"),
            ]),
        ),
        page1,
        route(
            &commits,
            &["path=descriptions/2.12/api.intercom.io.yaml"],
            serde_json::json!([commit(C4, "2025-10-04T00:00:00Z", "Add 2.12")]),
        ),
        route(
            &format!("{REPO}/contents/descriptions"),
            &["ref=main"],
            serde_json::json!([
                dir("0"),
                dir("2.10"),
                dir("2.11"),
                dir("2.12"),
                dir("2.7"),
                dir("not-a-version"),
                {"name": "README.md", "type": "file", "path": "descriptions/README.md"}
            ]),
        ),
    ]
}

/// A workspace holding only the checked-in pins; removed on drop.
struct TempWorkspace {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

fn temp_workspace() -> TempWorkspace {
    let real = support::real_root();
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    std::fs::write(root.join("Cargo.toml"), "[workspace]\n").expect("Cargo.toml");
    std::fs::create_dir_all(root.join("specs")).expect("specs");
    for v in ["2.10", "2.11"] {
        let name = format!("{v}.toml");
        std::fs::copy(
            real.join("specs").join(&name),
            root.join("specs").join(&name),
        )
        .expect("copy pin");
    }
    TempWorkspace { _dir: dir, root }
}

fn xtask(root: &Path, api: &str, token: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.arg("upstream")
        .args(args)
        .current_dir(root)
        .env_remove("CARGO_MANIFEST_DIR")
        .env("GITHUB_API_URL", api)
        .env_remove("GITHUB_TOKEN");
    if let Some(t) = token {
        cmd.env("GITHUB_TOKEN", t);
    }
    cmd.output().expect("run xtask")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn lists_newer_commits_across_pages_and_unpinned_versions() {
    let mock = serve(upstream_routes);
    let ws = temp_workspace();
    let out = xtask(&ws.root, &mock.base, None, &[]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    let expected = format!(
        "2.10: up to date with intercom/Intercom-OpenAPI@main (8889625)
2.11: 2 newer commit(s) touching descriptions/2.11/api.intercom.io.yaml since the pinned 8889625:
  3333333 2025-10-03 Update 2.11: tickets
  2222222 2025-10-02 Update 2.11: contacts
  update: cargo xtask pin 2.11 --commit {C3}
2.12: new upstream version (descriptions/2.12/api.intercom.io.yaml at 4444444): cargo xtask add-version 2.12 --commit {C4}
not pinned, older than the newest pin (not added): 0, 2.7
upstream: updates available
"
    );
    assert_eq!(stdout, expected);

    let received = mock.received();
    let targets: Vec<&str> = received.iter().map(|r| r.target.as_str()).collect();
    // The pinned commit's date is asked once for both pins (same commit), then used as `since`.
    assert_eq!(
        targets
            .iter()
            .filter(|t| t.ends_with(&format!("/commits/{PIN}")))
            .count(),
        1,
        "{targets:#?}"
    );
    assert!(
        targets
            .iter()
            .any(|t| t.contains("since=2025-09-01T10:00:00Z")),
        "{targets:#?}"
    );
    assert!(targets.iter().any(|t| t.contains("page=2")), "{targets:#?}");
    for r in &received {
        let header = |n: &str| {
            r.headers
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(header("accept"), Some("application/vnd.github+json"));
        assert_eq!(header("authorization"), None, "no token, no header");
        assert!(header("user-agent").is_some());
    }
}

#[test]
fn json_output_and_token() {
    let mock = serve(upstream_routes);
    let ws = temp_workspace();
    let out = xtask(
        &ws.root,
        &format!("{}/", mock.base),
        Some("s3cret"),
        &["--json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["up_to_date"], false);
    assert_eq!(json["branch"], "main");
    assert_eq!(
        json["api_url"],
        mock.base.as_str(),
        "trailing slash dropped"
    );
    let pins = json["pins"].as_array().cloned().unwrap_or_default();
    assert_eq!(pins.len(), 2);
    assert_eq!(pins[0]["version"], "2.10");
    assert_eq!(pins[0]["newer_commits"], serde_json::json!([]));
    assert_eq!(pins[0]["latest_commit"], serde_json::Value::Null);
    assert_eq!(pins[1]["version"], "2.11");
    assert_eq!(pins[1]["pinned_commit"], PIN);
    assert_eq!(pins[1]["latest_commit"], C3);
    let newer: Vec<&str> = pins[1]["newer_commits"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["sha"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(newer, [C3, C2]);
    assert_eq!(
        pins[1]["newer_commits"][0]["message"],
        "Update 2.11: tickets"
    );
    assert_eq!(
        json["new_versions"],
        serde_json::json!([{
            "version": "2.12",
            "repository": "intercom/Intercom-OpenAPI",
            "path": "descriptions/2.12/api.intercom.io.yaml",
            "latest_commit": {
                "sha": C4,
                "date": "2025-10-04T00:00:00Z",
                "message": "Add 2.12",
                "url": format!("https://github.com/intercom/Intercom-OpenAPI/commit/{C4}")
            }
        }])
    );
    assert_eq!(
        json["unpinned_older_versions"],
        serde_json::json!(["0", "2.7"])
    );
    for r in mock.received() {
        assert!(
            r.headers
                .iter()
                .any(|(k, v)| k == "authorization" && v == "Bearer s3cret"),
            "{r:?}"
        );
    }
}

#[test]
fn up_to_date_when_nothing_is_newer() {
    let mock = serve(|_| {
        vec![
            route(
                &format!("{REPO}/commits/{PIN}"),
                &[],
                commit(PIN, "2025-09-01T10:00:00Z", "pinned"),
            ),
            // The pinned commit did not touch the file: since it, nothing did.
            route(
                &format!("{REPO}/commits"),
                &["since="],
                serde_json::json!([]),
            ),
            route(
                &format!("{REPO}/contents/descriptions"),
                &[],
                serde_json::json!([dir("2.10"), dir("2.11")]),
            ),
        ]
    });
    let ws = temp_workspace();
    let out = xtask(&ws.root, &mock.base, None, &["--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["up_to_date"], true);
    assert_eq!(json["new_versions"], serde_json::json!([]));
    let out = xtask(&ws.root, &mock.base, None, &[]);
    assert!(text(&out.stdout).ends_with("upstream: the pins are up to date\n"));
}

#[test]
fn an_unknown_pinned_commit_reports_the_newest_upstream_commit() {
    let mock = serve(upstream_routes);
    let ws = temp_workspace();
    let pin = ws.root.join("specs").join("2.11.toml");
    let text_of_pin = std::fs::read_to_string(&pin).expect("pin");
    std::fs::write(&pin, text_of_pin.replace(PIN, "unknown")).expect("write pin");
    let out = xtask(&ws.root, &mock.base, None, &["--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["pins"][1]["pinned_commit_known"], false);
    assert_eq!(json["pins"][1]["latest_commit"], C3);
    // Only the first commit is asked for (per_page=1), no `since`.
    let asked: Vec<String> = mock
        .received()
        .into_iter()
        .map(|r| r.target)
        .filter(|t| t.contains("2.11"))
        .collect();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(
        asked[0].contains("per_page=1") && !asked[0].contains("since"),
        "{asked:?}"
    );
}

#[test]
fn http_errors_name_the_url_and_the_cause() {
    // The pinned commit is not upstream (404 for every path).
    let mock = serve(|_| Vec::new());
    let ws = temp_workspace();
    let out = xtask(&ws.root, &mock.base, None, &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr,
        format!(
            "error: spec 2.10: pinned commit {PIN}: upstream: GET {}{REPO}/commits/{PIN}: HTTP status 404: Not Found\n",
            mock.base
        )
    );

    // Rate limited without a token: GitHub's message, and a hint.
    let mock = serve(|_| {
        vec![Route {
            path: format!("{REPO}/commits/{PIN}"),
            query_has: Vec::new(),
            status: 403,
            headers: Vec::new(),
            body: r#"{"message":"API rate limit exceeded for 127.0.0.1."}"#.into(),
        }]
    });
    let out = xtask(&ws.root, &mock.base, None, &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("HTTP status 403: API rate limit exceeded for 127.0.0.1. (rate limited? set GITHUB_TOKEN)"),
        "{stderr}"
    );

    // Not JSON.
    let mock = serve(|_| {
        vec![Route {
            path: format!("{REPO}/commits/{PIN}"),
            query_has: Vec::new(),
            status: 200,
            headers: Vec::new(),
            body: "<html>".into(),
        }]
    });
    let out = xtask(&ws.root, &mock.base, None, &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "GET {}{REPO}/commits/{PIN}: invalid JSON",
            mock.base
        )),
        "{stderr}"
    );
}

#[test]
fn offline_is_a_clear_error_not_a_panic() {
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let base = format!("http://127.0.0.1:{port}");
    let ws = temp_workspace();
    for args in [&[][..], &["--json"]] {
        let out = xtask(&ws.root, &base, None, args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            stderr.starts_with(&format!(
                "error: spec 2.10: pinned commit {PIN}: upstream: GET {base}{REPO}/commits/{PIN}: no response: Connection Failed: Connect error: "
            )),
            "{stderr}"
        );
        assert!(stderr.contains("Connection refused"), "{stderr}");
    }
    // An unresolvable host.
    let out = xtask(&ws.root, "http://nonexistent.invalid", None, &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("GET http://nonexistent.invalid/repos/"),
        "{stderr}"
    );
    assert!(stderr.contains("Dns Failed"), "{stderr}");
}
