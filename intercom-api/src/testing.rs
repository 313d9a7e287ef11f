//! A mock Intercom API for your own tests (feature `test-util`).
//!
//! [`MockServer`] listens on 127.0.0.1 (a free port, through [`wiremock`]) and answers every
//! operation of one API version at its method and path: `MockServer::v2_16().await` for 2.16, one
//! constructor per version feature. Like Intercom it answers 401 without a bearer token and 400
//! when the `Intercom-Version` header is not the operation's. An operation nobody scripted answers
//! with its spec's success example (or a minimal body that decodes into the response type), with
//! `X-Request-Id` and `X-RateLimit-*` headers. A request to a path no operation has is answered
//! 404 and listed by [`MockServer::unknown_requests`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), intercom_api::Error> {
//! use intercom_api::testing::MockServer;
//!
//! let mock = MockServer::v2_16().await;
//! let client = mock.client();
//! let admins = client.v2_16().admins().list_admins().send().await?;
//! # let _ = admins;
//! # Ok(())
//! # }
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use wiremock::{Mock, Request, Respond, ResponseTemplate, matchers::any};

use crate::runtime::{Client, RateLimitPacing};

/// The token [`MockServer::client`] sends.
pub const MOCK_TOKEN: &str = "mock-token";

/// The rate limit the mock reports in `X-RateLimit-Limit` (Intercom's default per app).
const RATE_LIMIT: u64 = 10_000;

/// One operation the mock serves, with its default answer (from the generator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MockOperation {
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template as in the spec (`/contacts/{contact_id}`).
    pub path: &'static str,
    /// The `Intercom-Version` the client sends for it.
    pub version: &'static str,
    /// Status of the default answer.
    pub status: u16,
    /// Media type of the default answer (`None`: no body).
    pub content_type: Option<&'static str>,
    /// Body of the default answer.
    pub body: &'static str,
}

impl MockOperation {
    /// How well `path` (no query) matches the template: `None` when it does not, else the number
    /// of literal segments (the most literal template wins: `/contacts/search` over
    /// `/contacts/{id}`).
    fn score(&self, method: &str, path: &str) -> Option<usize> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let template: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
        if template.len() != actual.len() {
            return None;
        }
        let mut literal = 0;
        for (t, a) in template.iter().zip(&actual) {
            if t.starts_with('{') && t.ends_with('}') {
                if a.is_empty() {
                    return None;
                }
            } else if t == a {
                literal += 1;
            } else {
                return None;
            }
        }
        Some(literal)
    }
}

/// A request the mock received.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    /// The operation it matched (`None`: an unknown path, answered 404).
    pub operation_id: Option<&'static str>,
    /// HTTP method.
    pub method: String,
    /// Path, without the query.
    pub path: String,
    /// The query string, without `?` (empty when there is none).
    pub query: String,
    /// The body as sent.
    pub body: Vec<u8>,
}

impl ReceivedRequest {
    /// The body as JSON (`None` when it is empty or not JSON).
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// What the server state holds between requests.
#[derive(Debug, Default)]
struct State {
    received: Vec<ReceivedRequest>,
}

/// The responder behind the wiremock server: routes every request through the operation table.
struct Router {
    operations: &'static [MockOperation],
    state: Arc<Mutex<State>>,
    requests: AtomicU64,
}

impl Router {
    fn record(&self, request: ReceivedRequest) {
        if let Ok(mut state) = self.state.lock() {
            state.received.push(request);
        }
    }

    /// Intercom's error body: `{"type":"error.list","request_id":..,"errors":[{code,message}]}`.
    fn error(status: u16, request_id: &str, code: &str, message: &str) -> ResponseTemplate {
        let body = serde_json::json!({
            "type": "error.list",
            "request_id": request_id,
            "errors": [{ "code": code, "message": message }],
        });
        ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
    }
}

impl Respond for Router {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let request_id = format!("mock-{n:06}");
        let method = request.method.as_str();
        let path = request.url.path();
        let matched = self
            .operations
            .iter()
            .filter_map(|op| op.score(method, path).map(|s| (s, op)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, op)| op);
        self.record(ReceivedRequest {
            operation_id: matched.map(|op| op.operation_id),
            method: method.to_string(),
            path: path.to_string(),
            query: request.url.query().unwrap_or_default().to_string(),
            body: request.body.clone(),
        });
        let template = answer(matched, request, &request_id);
        let reset = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            + 10;
        template
            .insert_header("X-Request-Id", request_id.as_str())
            .insert_header("X-RateLimit-Limit", RATE_LIMIT.to_string().as_str())
            .insert_header(
                "X-RateLimit-Remaining",
                RATE_LIMIT.saturating_sub(n).to_string().as_str(),
            )
            .insert_header("X-RateLimit-Reset", reset.to_string().as_str())
    }
}

/// The answer to one request: authentication, version and route checks, then the default.
fn answer(
    matched: Option<&MockOperation>,
    request: &Request,
    request_id: &str,
) -> ResponseTemplate {
    let bearer = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| !token.trim().is_empty());
    if !bearer {
        return Router::error(401, request_id, "unauthorized", "Access Token Invalid");
    }
    let sent = request
        .headers
        .get("intercom-version")
        .and_then(|v| v.to_str().ok());
    let Some(op) = matched else {
        return Router::error(404, request_id, "not_found", "Resource Not Found");
    };
    let expected = op.version;
    if sent != Some(expected) {
        let message = format!(
            "Intercom-Version {} is not {expected}",
            sent.unwrap_or("(missing)")
        );
        return Router::error(400, request_id, "intercom_version_invalid", &message);
    }
    let template = ResponseTemplate::new(op.status);
    match op.content_type {
        Some(ct) => template.set_body_raw(op.body, ct),
        None => template,
    }
}

/// A mock Intercom API on 127.0.0.1: see the [module docs](self).
///
/// Made by the per-version constructors (`MockServer::v2_16().await`, ...). Dropping it stops the
/// server.
pub struct MockServer {
    server: wiremock::MockServer,
    version: &'static str,
    operations: &'static [MockOperation],
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri())
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server for `version` serving `operations` (called by the generated constructors).
    #[doc(hidden)]
    pub async fn start_with(version: &'static str, operations: &'static [MockOperation]) -> Self {
        let server = wiremock::MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        Mock::given(any())
            .respond_with(Router {
                operations,
                state: Arc::clone(&state),
                requests: AtomicU64::new(0),
            })
            .mount(&server)
            .await;
        MockServer {
            server,
            version,
            operations,
            state,
        }
    }

    /// The base URL (`http://127.0.0.1:<port>`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The API version it serves (`2.16`).
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// Every operation it serves, with its default answer, in spec order.
    pub fn operations(&self) -> &'static [MockOperation] {
        self.operations
    }

    /// A [`Client`] that talks to this server with the token [`MOCK_TOKEN`] (rate-limit pacing off:
    /// the mock's limit is never reached; 429s you script are still retried as usual).
    pub fn client(&self) -> Client {
        match Client::builder(MOCK_TOKEN)
            .base_url(self.uri())
            .rate_limit(RateLimitPacing::off())
            .build()
        {
            Ok(client) => client,
            // Not expected for a loopback URL: every call then returns the reason.
            Err(error) => Client::unusable(error.to_string()),
        }
    }

    /// Every request received so far, in order (unknown paths included).
    pub fn received_requests(&self) -> Vec<ReceivedRequest> {
        self.state
            .lock()
            .map(|s| s.received.clone())
            .unwrap_or_default()
    }

    /// The requests of the operation `operation_id` (the spec's `operationId`), in order.
    pub fn received(&self, operation_id: &str) -> Vec<ReceivedRequest> {
        self.received_requests()
            .into_iter()
            .filter(|r| r.operation_id == Some(operation_id))
            .collect()
    }

    /// The requests to a path no operation has (each was answered 404), in order.
    pub fn unknown_requests(&self) -> Vec<ReceivedRequest> {
        self.received_requests()
            .into_iter()
            .filter(|r| r.operation_id.is_none())
            .collect()
    }
}

/// A [`Client`] that talks to `mock`: [`MockServer::client`].
pub fn client_for(mock: &MockServer) -> Client {
    mock.client()
}
