//! A mock Intercom API for your own tests (feature `test-util`).
//!
//! [`MockServer`] listens on 127.0.0.1 (a free port, served by [`hyper`]) and answers every
//! operation of one API version at its method and path: `MockServer::v2_16().await` for 2.16, one
//! constructor per version feature. Like Intercom it answers 401 without a bearer token and 400
//! when the `Intercom-Version` header is not the operation's. An operation nobody scripted answers
//! with its spec's success example (or a minimal body that decodes into the response type), with
//! `X-Request-Id` and `X-RateLimit-*` headers. A request to a path no operation has is answered
//! 404 and listed by [`MockServer::unknown_requests`].
//!
//! For a webhook receiver's tests, [`notification`] builds the body Intercom posts for a topic and
//! item, signed like Intercom signs it (`test-util` enables the `webhooks` feature for this).
//!
//! ```no_run
//! # async fn demo() -> Result<(), intercom_api::Error> {
//! use intercom_api::prelude::*;
//! use intercom_api::testing::MockServer;
//!
//! let mock = MockServer::v2_16().await;
//! let client = mock.client();
//! let admins = client.v2_16().admins().list_admins().send().await?;
//! # let _ = admins;
//! # Ok(())
//! # }
//! ```

use std::collections::{BTreeMap, VecDeque};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::de::DeserializeOwned;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{HeaderMap, StatusCode};

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
    /// How [`MockServer::pages`] serves it (`None`: not paginated).
    pub paging: Option<MockPaging>,
}

/// How a paginated operation pages (from the generator): see [`MockServer::pages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MockPaging {
    /// The page's array member holding the items.
    pub items: &'static str,
    /// How the next page is asked for.
    pub style: PageStyle,
}

/// A pagination style; paths are member names from the page's (or body's) top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageStyle {
    /// A cursor query parameter; the next cursor at `next` in the page.
    Cursor {
        /// Query parameter.
        param: &'static str,
        /// Path of the next cursor.
        next: &'static [&'static str],
    },
    /// A cursor at `cursor` in the request body (searches); the next cursor at `next`.
    Body {
        /// Path of the cursor in the request body.
        cursor: &'static [&'static str],
        /// Path of the next cursor.
        next: &'static [&'static str],
    },
    /// A page-number query parameter; the page at `page` and the page count at `total`.
    PageNumber {
        /// Query parameter.
        param: &'static str,
        /// Path of the current page number.
        page: &'static [&'static str],
        /// Path of the total page count.
        total: &'static [&'static str],
    },
    /// A scroll parameter echoed back at `next`; an empty page ends the listing.
    Scroll {
        /// Query parameter.
        param: &'static str,
        /// Path of the next scroll parameter.
        next: &'static [&'static str],
    },
}

/// Items served across pages ([`MockServer::pages`]).
#[derive(Debug, Clone, PartialEq)]
struct Paged {
    paging: MockPaging,
    pages: Vec<Vec<serde_json::Value>>,
}

impl Paged {
    /// The page `request` asks for, in the operation's style.
    fn answer(&self, request: &Incoming) -> Answer {
        let query = |param: &str| {
            form_urlencoded::parse(request.query.as_bytes())
                .find(|(k, _)| k == param)
                .map(|(_, v)| v.into_owned())
        };
        let cursor_index = |cursor: Option<String>| {
            cursor
                .and_then(|c| {
                    c.strip_prefix("page-")
                        .and_then(|n| n.parse::<usize>().ok())
                })
                .unwrap_or(0)
        };
        let n = self.pages.len();
        let mut page = serde_json::Value::Object(serde_json::Map::new());
        let index = match self.paging.style {
            PageStyle::Cursor { param, next } | PageStyle::Scroll { param, next } => {
                let index = cursor_index(query(param));
                let scroll = matches!(self.paging.style, PageStyle::Scroll { .. });
                if index + 1 < n || (scroll && index < n) {
                    set_path(
                        &mut page,
                        next,
                        serde_json::json!(format!("page-{}", index + 1)),
                    );
                }
                index
            }
            PageStyle::Body { cursor, next } => {
                let body: serde_json::Value =
                    serde_json::from_slice(&request.body).unwrap_or_default();
                let sent = cursor
                    .iter()
                    .try_fold(&body, |v, key| v.get(key))
                    .and_then(|v| v.as_str().map(str::to_string));
                let index = cursor_index(sent);
                if index + 1 < n {
                    set_path(
                        &mut page,
                        next,
                        serde_json::json!(format!("page-{}", index + 1)),
                    );
                }
                index
            }
            PageStyle::PageNumber {
                param,
                page: at,
                total,
            } => {
                let number = query(param)
                    .and_then(|p| p.parse::<usize>().ok())
                    .unwrap_or(1);
                set_path(&mut page, at, serde_json::json!(number));
                set_path(&mut page, total, serde_json::json!(n.max(1)));
                number.saturating_sub(1)
            }
        };
        let items = self.pages.get(index).cloned().unwrap_or_default();
        set_path(
            &mut page,
            &[self.paging.items],
            serde_json::Value::Array(items),
        );
        Answer::new(200).body(page.to_string().into_bytes(), "application/json")
    }
}

/// Sets the member at `path` of `value`, making the objects on the way.
fn set_path(value: &mut serde_json::Value, path: &[&str], to: serde_json::Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = value;
    for key in parents {
        let Some(obj) = cur.as_object_mut() else {
            return;
        };
        cur = obj
            .entry(key.to_string())
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    }
    if let Some(obj) = cur.as_object_mut() {
        obj.insert(last.to_string(), to);
    }
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

    /// The body decoded into `T`: the operation's request type (a generated model), so that a
    /// test asserts on Rust values.
    ///
    /// # Errors
    ///
    /// The decoding error when the body is not a `T`.
    pub fn body_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// A typed handle on one operation (generated: `intercom_api::v2_16::mock::ops::REPLY_TICKET`):
/// `B` is the operation's request body type (`Option<_>` for an optional body, `()` without one),
/// the type [`MockServer::received`] decodes the recorded bodies into.
pub struct MockOp<B> {
    operation_id: &'static str,
    version: &'static str,
    body: PhantomData<fn() -> B>,
}

impl<B> MockOp<B> {
    /// The handle of `operation_id` in `version` (used by the generated `ops` modules).
    #[doc(hidden)]
    pub const fn new(operation_id: &'static str, version: &'static str) -> Self {
        MockOp {
            operation_id,
            version,
            body: PhantomData,
        }
    }

    /// The spec's `operationId`.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The API version it belongs to.
    pub fn version(&self) -> &'static str {
        self.version
    }
}

impl<B> Clone for MockOp<B> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B> Copy for MockOp<B> {}

impl<B> std::fmt::Debug for MockOp<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockOp")
            .field("operation_id", &self.operation_id)
            .field("version", &self.version)
            .field("body", &std::any::type_name::<B>())
            .finish()
    }
}

/// What names an operation for [`MockServer::on`], [`MockServer::pages`] and
/// [`MockServer::received`]: a typed [`MockOp`] handle (records are [`Received`]) or the spec's
/// `operationId` as a `&str` (records are [`ReceivedRequest`]).
pub trait OpRef {
    /// What [`MockServer::received`] returns per request.
    type Record;

    /// The spec's `operationId`.
    fn operation_id(&self) -> &str;

    /// The API version the handle belongs to (`None`: any).
    fn version(&self) -> Option<&str> {
        None
    }

    /// The record of `request`, an instance of the path template `template`.
    #[doc(hidden)]
    fn record(&self, request: ReceivedRequest, template: &str) -> Self::Record;
}

impl OpRef for &str {
    type Record = ReceivedRequest;

    fn operation_id(&self) -> &str {
        self
    }

    fn record(&self, request: ReceivedRequest, _: &str) -> ReceivedRequest {
        request
    }
}

impl OpRef for &String {
    type Record = ReceivedRequest;

    fn operation_id(&self) -> &str {
        self
    }

    fn record(&self, request: ReceivedRequest, _: &str) -> ReceivedRequest {
        request
    }
}

impl<B: DeserializeOwned> OpRef for MockOp<B> {
    type Record = Received<B>;

    fn operation_id(&self) -> &str {
        self.operation_id
    }

    fn version(&self) -> Option<&str> {
        Some(self.version)
    }

    fn record(&self, request: ReceivedRequest, template: &str) -> Received<B> {
        Received::new(request, template)
    }
}

impl<B: DeserializeOwned> OpRef for &MockOp<B> {
    type Record = Received<B>;

    fn operation_id(&self) -> &str {
        self.operation_id
    }

    fn version(&self) -> Option<&str> {
        Some(self.version)
    }

    fn record(&self, request: ReceivedRequest, template: &str) -> Received<B> {
        Received::new(request, template)
    }
}

/// A request of one operation, decoded: what [`MockServer::received`] returns for a [`MockOp`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Received<B> {
    /// The path parameters by their template names, percent-decoded (`ticket_id` -> `t1`).
    pub path_params: BTreeMap<String, String>,
    /// The query pairs in order, decoded.
    pub query: Vec<(String, String)>,
    /// The body decoded into the operation's request type (an empty body decodes as JSON `null`:
    /// `()` and `Option<_>` accept it). An error when the body is not that type (e.g. multipart).
    pub body: Result<B, serde_json::Error>,
    /// The request as received.
    pub request: ReceivedRequest,
}

impl<B: DeserializeOwned> Received<B> {
    fn new(request: ReceivedRequest, template: &str) -> Self {
        let path_params = template
            .trim_matches('/')
            .split('/')
            .zip(request.path.trim_matches('/').split('/'))
            .filter_map(|(t, a)| {
                let name = t.strip_prefix('{')?.strip_suffix('}')?;
                let value = percent_encoding::percent_decode_str(a).decode_utf8_lossy();
                Some((name.to_string(), value.into_owned()))
            })
            .collect();
        let query = form_urlencoded::parse(request.query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let body = if request.body.is_empty() {
            serde_json::from_slice(b"null")
        } else {
            serde_json::from_slice(&request.body)
        };
        Received {
            path_params,
            query,
            body,
            request,
        }
    }
}

impl<B> Received<B> {
    /// The path parameter `name` (decoded).
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params.get(name).map(String::as_str)
    }

    /// The first value of the query parameter `name` (decoded).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server state holds between requests.
#[derive(Debug, Default)]
struct State {
    received: Vec<ReceivedRequest>,
    /// Scripted rules per operation id, applied front first.
    rules: BTreeMap<&'static str, VecDeque<Rule>>,
}

impl State {
    /// The reply of the first rule for `operation_id`, using up one of its times.
    fn next_reply(&mut self, operation_id: &str) -> Option<Scripted> {
        let rules = self.rules.get_mut(operation_id)?;
        let rule = rules.front_mut()?;
        let reply = rule.reply.clone();
        if let Some(left) = rule.times.as_mut() {
            *left = left.saturating_sub(1);
            if *left == 0 {
                rules.pop_front();
            }
        }
        Some(reply)
    }
}

/// A scripted answer and how often it applies (`None`: from then on).
#[derive(Debug, Clone)]
struct Rule {
    reply: Scripted,
    times: Option<usize>,
}

/// What a rule answers.
#[derive(Debug, Clone)]
enum Scripted {
    Reply(Reply),
    Pages(Arc<Paged>),
}

/// A scripted answer: status, headers, body and delay. Made by [`Reply::model`], [`Reply::json`],
/// [`Reply::error`], [`Reply::rate_limited`], [`Reply::connection_reset`]; adjusted by the
/// `with_*` methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
    delay: Option<Duration>,
    /// Close the connection instead of answering.
    reset: bool,
}

impl Reply {
    /// 200 with `value` serialized by the crate (a generated model, or anything `Serialize`).
    pub fn model<T: Serialize>(value: &T) -> Result<Reply, serde_json::Error> {
        Ok(Reply::json_bytes(serde_json::to_vec(value)?))
    }

    /// 200 with raw JSON, sent as given (to test how your code meets drift).
    pub fn json(value: serde_json::Value) -> Reply {
        Reply::json_bytes(value.to_string().into_bytes())
    }

    fn json_bytes(body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            content_type: Some("application/json".to_string()),
            body,
            headers: Vec::new(),
            delay: None,
            reset: false,
        }
    }

    /// No HTTP answer at all: the server closes the connection after reading the request (after
    /// the [`with_delay`](Reply::with_delay), if any), so the client sees a transport error and
    /// retries it as its policy says (idempotent requests by default).
    pub fn connection_reset() -> Reply {
        Reply {
            reset: true,
            ..Reply::error(502)
        }
    }

    /// `status` with Intercom's error body (`{"type":"error.list","errors":[{code,message}]}`), its
    /// code from the status (`not_found`, `server_error`, ...): see [`Reply::error_with`].
    pub fn error(status: u16) -> Reply {
        let (code, message) = error_code(status);
        Reply::error_with(status, code, message)
    }

    /// `status` with Intercom's error body carrying `code` and `message`.
    pub fn error_with(status: u16, code: &str, message: &str) -> Reply {
        let mut reply = Reply::json(error_body("", code, message));
        reply.status = status;
        reply
    }

    /// 429 with Intercom's `rate_limit_exceeded` error body, `Retry-After: <seconds>` and
    /// `X-RateLimit-Remaining: 0`.
    pub fn rate_limited(retry_after_secs: u64) -> Reply {
        Reply::error(429)
            .with_header("Retry-After", &retry_after_secs.to_string())
            .with_header("X-RateLimit-Remaining", "0")
    }

    /// The same reply with another status.
    pub fn with_status(mut self, status: u16) -> Reply {
        self.status = status;
        self
    }

    /// The same reply with one more header (it replaces a default header of the same name).
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The same reply, sent after `delay` (to exercise your timeouts).
    pub fn with_delay(mut self, delay: Duration) -> Reply {
        self.delay = Some(delay);
        self
    }

    fn answer(&self) -> Answer {
        let mut answer = Answer::new(self.status);
        if let Some(ct) = &self.content_type {
            answer = answer.body(self.body.clone(), ct);
        }
        answer.delay = self.delay;
        answer.reset = self.reset;
        answer
    }
}

/// Intercom's error code and message for an HTTP status.
fn error_code(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("parameter_invalid", "Parameter invalid"),
        401 => ("unauthorized", "Access Token Invalid"),
        403 => ("forbidden", "Forbidden"),
        404 => ("not_found", "Resource Not Found"),
        409 => ("conflict", "Conflict"),
        422 => ("parameter_invalid", "Unprocessable entity"),
        429 => ("rate_limit_exceeded", "Rate limit exceeded"),
        500..=599 => ("server_error", "Server error"),
        _ => ("error", "Error"),
    }
}

/// Intercom's error body.
fn error_body(request_id: &str, code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "error.list",
        "request_id": request_id,
        "errors": [{ "code": code, "message": message }],
    })
}

/// The `operationId` passed to [`MockServer::on`] is not served by the mock's version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the mock of Intercom API {version} has no operation `{operation_id}`")]
pub struct UnknownOperation {
    /// The id asked for.
    pub operation_id: String,
    /// The mock's version.
    pub version: &'static str,
}

/// Why [`MockServer::pages`] could not script an operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PagesError {
    /// The version has no such operation.
    #[error(transparent)]
    UnknownOperation(#[from] UnknownOperation),
    /// The operation does not return pages.
    #[error("`{0}` is not a paginated operation")]
    NotPaginated(String),
    /// An item does not serialize to JSON.
    #[error("an item does not serialize: {0}")]
    Serialize(#[from] serde_json::Error),
}

/// Scripts one operation: see [`MockServer::on`].
#[derive(Debug)]
#[must_use = "a script does nothing until `.reply(..)`"]
pub struct Script<'a> {
    mock: &'a MockServer,
    operation_id: &'static str,
    times: Option<usize>,
}

impl Script<'_> {
    /// The next rule applies to this many requests, then the rule after it does.
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n.max(1));
        self
    }

    /// Adds the rule: answer with `reply` (`times` requests, or every request from then on).
    pub fn reply(self, reply: Reply) {
        self.push(Scripted::Reply(reply));
    }

    /// Adds the rule: serve `items` across pages of `per_page` in the operation's own pagination
    /// style (cursor, search body cursor, page number, scroll), answering each request with the
    /// page it asks for: see [`MockServer::pages`].
    ///
    /// # Errors
    ///
    /// [`PagesError`] when the operation is not paginated or an item does not serialize.
    pub fn pages<T: Serialize>(self, items: &[T], per_page: usize) -> Result<(), PagesError> {
        let paging = self
            .mock
            .operations
            .iter()
            .find(|op| op.operation_id == self.operation_id)
            .and_then(|op| op.paging)
            .ok_or_else(|| PagesError::NotPaginated(self.operation_id.to_string()))?;
        let values = items
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()?;
        let pages = values.chunks(per_page.max(1)).map(<[_]>::to_vec).collect();
        self.push(Scripted::Pages(Arc::new(Paged { paging, pages })));
        Ok(())
    }

    fn push(self, reply: Scripted) {
        if let Ok(mut state) = self.mock.state.lock() {
            state
                .rules
                .entry(self.operation_id)
                .or_default()
                .push_back(Rule {
                    reply,
                    times: self.times,
                });
        }
    }
}

/// A request as the router sees it.
#[derive(Debug)]
struct Incoming {
    method: String,
    path: String,
    /// The raw query string, without `?`.
    query: String,
    headers: HeaderMap,
    body: Bytes,
}

/// What the server sends back: status, headers, body, after an optional delay, or nothing at all.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Option<Duration>,
    /// Close the connection without an answer.
    reset: bool,
}

impl Answer {
    fn new(status: u16) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: None,
            reset: false,
        }
    }

    fn body(self, body: Vec<u8>, content_type: &str) -> Answer {
        Answer { body, ..self }.header("Content-Type", content_type)
    }

    /// Sets `name` to `value`, replacing a header of that name.
    fn header(mut self, name: &str, value: &str) -> Answer {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    fn into_response(self) -> hyper::Response<Full<Bytes>> {
        let mut response = hyper::Response::new(Full::new(Bytes::from(self.body)));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                hyper::header::HeaderName::from_bytes(name.as_bytes()),
                hyper::header::HeaderValue::from_str(value),
            ) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

/// The "error" a scripted [`Reply::connection_reset`] returns to hyper, which then closes the
/// connection without answering.
#[derive(Debug, thiserror::Error)]
#[error("scripted connection reset")]
struct ConnectionReset;

/// Routes every request through the operation table.
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
    fn error(status: u16, request_id: &str, code: &str, message: &str) -> Answer {
        let body = error_body(request_id, code, message);
        Answer::new(status).body(body.to_string().into_bytes(), "application/json")
    }

    /// The scripted reply of `op`, if a rule applies.
    fn scripted(&self, op: &MockOperation) -> Option<Scripted> {
        let mut state = self.state.lock().ok()?;
        state.next_reply(op.operation_id)
    }

    fn respond(&self, request: &Incoming) -> Answer {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let request_id = format!("mock-{n:06}");
        let method = request.method.as_str();
        let path = request.path.as_str();
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
            query: request.query.clone(),
            body: request.body.to_vec(),
        });
        let (answer, own_headers) = match answer(matched, request) {
            Ok(op) => match self.scripted(op) {
                Some(Scripted::Reply(reply)) => (reply.answer(), reply.headers),
                Some(Scripted::Pages(paged)) => (paged.answer(request), Vec::new()),
                None => (default_answer(op), Vec::new()),
            },
            Err(Rejection(status, code, message)) => (
                Router::error(status, &request_id, code, &message),
                Vec::new(),
            ),
        };
        let reset = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            + 10;
        let answer = answer
            .header("X-Request-Id", &request_id)
            .header("X-RateLimit-Limit", &RATE_LIMIT.to_string())
            .header(
                "X-RateLimit-Remaining",
                &RATE_LIMIT.saturating_sub(n).to_string(),
            )
            .header("X-RateLimit-Reset", &reset.to_string());
        // A scripted reply's own headers win over the defaults.
        own_headers
            .iter()
            .fold(answer, |a, (name, value)| a.header(name, value))
    }

    /// Serves one HTTP request: reads it whole, answers (or resets).
    async fn serve(
        self: Arc<Self>,
        request: hyper::Request<hyper::body::Incoming>,
    ) -> Result<hyper::Response<Full<Bytes>>, ConnectionReset> {
        let (parts, body) = request.into_parts();
        // A body that fails to arrive is served as empty (the client has gone).
        let body = body
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let incoming = Incoming {
            method: parts.method.as_str().to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().unwrap_or_default().to_string(),
            headers: parts.headers,
            body,
        };
        let answer = self.respond(&incoming);
        if let Some(delay) = answer.delay {
            tokio::time::sleep(delay).await;
        }
        if answer.reset {
            return Err(ConnectionReset);
        }
        Ok(answer.into_response())
    }
}

/// Why the mock refuses a request: status, Intercom's error code, message.
struct Rejection(u16, &'static str, String);

/// Authentication, route and version checks: the operation to answer, or the rejection.
fn answer<'o>(
    matched: Option<&'o MockOperation>,
    request: &Incoming,
) -> Result<&'o MockOperation, Rejection> {
    let bearer = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| !token.trim().is_empty());
    if !bearer {
        return Err(Rejection(
            401,
            "unauthorized",
            "Access Token Invalid".into(),
        ));
    }
    let sent = request
        .headers
        .get("intercom-version")
        .and_then(|v| v.to_str().ok());
    let Some(op) = matched else {
        return Err(Rejection(404, "not_found", "Resource Not Found".into()));
    };
    let expected = op.version;
    if sent != Some(expected) {
        let message = format!(
            "Intercom-Version {} is not {expected}",
            sent.unwrap_or("(missing)")
        );
        return Err(Rejection(400, "intercom_version_invalid", message));
    }
    Ok(op)
}

/// The answer of `op` nobody scripted: the generator's default.
fn default_answer(op: &MockOperation) -> Answer {
    let answer = Answer::new(op.status);
    match op.content_type {
        Some(ct) => answer.body(op.body.as_bytes().to_vec(), ct),
        None => answer,
    }
}

/// Accepts connections on `listener` and serves each (HTTP/1.1) until the task is aborted;
/// aborting it drops the connections' tasks too.
async fn accept_loop(listener: tokio::net::TcpListener, router: Arc<Router>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let router = Arc::clone(&router);
                let service = hyper::service::service_fn(move |request| {
                    Arc::clone(&router).serve(request)
                });
                connections.spawn(async move {
                    // A connection that fails (a scripted reset, a client gone) just ends.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// A mock Intercom API on 127.0.0.1: see the [module docs](self).
///
/// Made by the per-version constructors (`MockServer::v2_16().await`, ...). Dropping it stops the
/// server.
pub struct MockServer {
    uri: String,
    server: tokio::task::JoinHandle<()>,
    version: &'static str,
    operations: &'static [MockOperation],
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.uri)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server for `version` serving `operations` (called by the generated constructors).
    ///
    /// # Panics
    ///
    /// When no port on 127.0.0.1 can be bound (a test environment without loopback), or outside a
    /// Tokio runtime.
    #[doc(hidden)]
    pub async fn start_with(version: &'static str, operations: &'static [MockOperation]) -> Self {
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", 0)).await {
            Ok(listener) => listener,
            Err(e) => panic!("the mock server cannot bind 127.0.0.1: {e}"),
        };
        let uri = match listener.local_addr() {
            Ok(addr) => format!("http://{addr}"),
            Err(e) => panic!("the mock server has no local address: {e}"),
        };
        let state = Arc::new(Mutex::new(State::default()));
        let router = Arc::new(Router {
            operations,
            state: Arc::clone(&state),
            requests: AtomicU64::new(0),
        });
        let server = tokio::spawn(accept_loop(listener, router));
        MockServer {
            uri,
            server,
            version,
            operations,
            state,
        }
    }

    /// The base URL (`http://127.0.0.1:<port>`).
    pub fn uri(&self) -> String {
        self.uri.clone()
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
    /// the mock's limit is never reached; 429s you script are still retried as usual), with
    /// [strict decoding](crate::ClientBuilder::strict_decoding) on: a body that drifts from its
    /// declared types fails the call with [`Error::Drift`](crate::Error::Drift), so your test
    /// sees it. To decode leniently (to test how your code handles drift), build your own client
    /// against [`uri`](Self::uri) (`Client::builder(MOCK_TOKEN).base_url(mock.uri())`).
    pub fn client(&self) -> Client {
        match Client::builder(MOCK_TOKEN)
            .base_url(self.uri())
            .rate_limit(RateLimitPacing::off())
            .strict_decoding(true)
            .build()
        {
            Ok(client) => client,
            // Not expected for a loopback URL: every call then returns the reason.
            Err(error) => Client::unusable(error.to_string()),
        }
    }

    /// Scripts the operation `op` (a typed handle such as `v2_16::mock::ops::LIST_ADMINS`, or the
    /// spec's `operationId`): rules apply in the order
    /// they were added, each for its [`times`](Script::times) (or from then on), then the default
    /// answer again. Authentication and version checks come first.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use intercom_api::testing::{MockServer, Reply};
    ///
    /// let mock = MockServer::v2_16().await;
    /// mock.on("listAdmins")?.times(2).reply(Reply::rate_limited(1));
    /// mock.on("listAdmins")?.reply(Reply::json(serde_json::json!({"type": "admin.list", "admins": []})));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`UnknownOperation`] when the version has no such operation (or the handle is another
    /// version's).
    pub fn on(&self, op: impl OpRef) -> Result<Script<'_>, UnknownOperation> {
        let op = self.find(&op)?;
        Ok(Script {
            mock: self,
            operation_id: op.operation_id,
            times: None,
        })
    }

    /// Serves `items` (models or JSON values) across pages of `per_page` items for every request of
    /// `op` (a handle or an `operationId`) from now on, in the operation's own pagination style, so that your
    /// `.stream()` code walks them all: the shorthand of `self.on(operation_id)?.pages(..)`
    /// (with [`Script::times`] it can sit in a sequence, e.g. between scripted 429s).
    ///
    /// # Errors
    ///
    /// [`PagesError`] for an unknown or unpaginated operation or an item that does not serialize.
    pub fn pages<T: Serialize>(
        &self,
        op: impl OpRef,
        items: &[T],
        per_page: usize,
    ) -> Result<(), PagesError> {
        self.on(op)?.pages(items, per_page)
    }

    /// The operation `op` names, in this mock's version.
    fn find(&self, op: &impl OpRef) -> Result<&'static MockOperation, UnknownOperation> {
        let id = op.operation_id();
        self.operations
            .iter()
            .find(|o| o.operation_id == id && op.version().is_none_or(|v| v == self.version))
            .ok_or_else(|| UnknownOperation {
                operation_id: id.to_string(),
                version: self.version,
            })
    }

    /// Every request received so far, in order (unknown paths included).
    pub fn received_requests(&self) -> Vec<ReceivedRequest> {
        self.state
            .lock()
            .map(|s| s.received.clone())
            .unwrap_or_default()
    }

    /// The requests of the operation `op`, in order. For a typed handle
    /// (`v2_16::mock::ops::REPLY_TICKET`) each is a [`Received`]: path parameters by name, query
    /// pairs, and the body decoded into the operation's request type; for an `operationId` (`&str`)
    /// each is the [`ReceivedRequest`] as sent. A handle of another version matches nothing.
    pub fn received<Op: OpRef>(&self, op: Op) -> Vec<Op::Record> {
        let Ok(found) = self.find(&op) else {
            return Vec::new();
        };
        self.received_requests()
            .into_iter()
            .filter(|r| r.operation_id == Some(found.operation_id))
            .map(|r| op.record(r, found.path))
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

impl Drop for MockServer {
    /// Stops the server: the listener and every open connection.
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A [`Client`] that talks to `mock`, decoding strictly: [`MockServer::client`].
pub fn client_for(mock: &MockServer) -> Client {
    mock.client()
}

/// The client secret [`notification`] signs with.
pub const MOCK_CLIENT_SECRET: &str = "mock-client-secret";

/// The `app_id` of the notifications [`notification`] builds.
pub const MOCK_APP_ID: &str = "mock-app";

/// A webhook notification as Intercom posts it: the raw body and its `X-Hub-Signature` value
/// ([`crate::webhooks::SIGNATURE_HEADER`]). Made by [`notification`] and [`notification_signed`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MockNotification {
    /// The JSON body, as bytes (post these exact bytes: the signature covers them).
    pub body: Vec<u8>,
    /// The `X-Hub-Signature` header value: `sha1=<hex HMAC of the body>`.
    pub signature: String,
}

impl MockNotification {
    /// The body as text (it is JSON, so UTF-8).
    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or_default()
    }
}

/// The notification Intercom would post for `topic` about `item` (a model or JSON value), signed
/// with [`MOCK_CLIENT_SECRET`]: see [`notification_signed`].
///
/// # Errors
///
/// `item` does not serialize to JSON.
pub fn notification<T: Serialize>(
    topic: &str,
    item: &T,
) -> Result<MockNotification, serde_json::Error> {
    notification_signed(MOCK_CLIENT_SECRET, topic, item)
}

/// The notification Intercom would post for `topic` about `item`, signed with `client_secret`
/// (your app's, as your receiver verifies it): the envelope `{"type": "notification_event", "id",
/// "topic", "app_id": MOCK_APP_ID, "created_at", "delivery_attempts": 1, "first_sent_at", "data":
/// {"type": "notification_event_data", "item"}}` (times: now; ids: `notif_mock_<n>`, one per call),
/// and its `X-Hub-Signature` from [`crate::webhooks::sign`].
///
/// # Errors
///
/// `item` does not serialize to JSON.
pub fn notification_signed<T: Serialize>(
    client_secret: impl AsRef<[u8]>,
    topic: &str,
    item: &T,
) -> Result<MockNotification, serde_json::Error> {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let envelope = serde_json::json!({
        "type": "notification_event",
        "id": format!("notif_mock_{id:06}"),
        "topic": topic,
        "app_id": MOCK_APP_ID,
        "created_at": now,
        "delivery_attempts": 1,
        "first_sent_at": now,
        "data": {
            "type": "notification_event_data",
            "item": serde_json::to_value(item)?,
        },
    });
    let body = serde_json::to_vec(&envelope)?;
    let signature = crate::webhooks::sign(client_secret, &body);
    Ok(MockNotification { body, signature })
}
