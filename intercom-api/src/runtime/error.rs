//! The runtime's single error type and its parts.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;

use super::response::RateLimit;
use crate::codec::drift::Drift;

/// Maximum number of characters of a response body quoted in an error message.
const SNIPPET_CHARS: usize = 200;
/// Maximum number of bytes of a non-`error.list` error body kept in an [`ApiError`]
/// ([`ApiError::body_text`]); the rest is dropped.
pub const MAX_ERROR_BODY_BYTES: usize = 8 * 1024;

/// Any error returned by the Intercom client.
///
/// Use the helper methods ([`status`](Error::status),
/// [`is_not_found`](Error::is_not_found), [`codes`](Error::codes), ...) for the
/// common questions, or match on the variants for full detail. The access token
/// never appears in an error's `Display` or `Debug` output.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be sent or its response could not be read:
    /// connection refused or reset, DNS or TLS failure, timeout, connection
    /// dropped while reading the body.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// Intercom answered with a non-success status code.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// A success response's body did not match the expected type.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The request could not be built (body serialization, invalid path
    /// parameter, invalid client configuration such as a bad base URL).
    #[error(transparent)]
    InvalidRequest(#[from] InvalidRequestError),
    /// A response body was larger than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes),
    /// [`CallOptions::max_response_bytes`](super::CallOptions::max_response_bytes)); it was not
    /// read further. Not retried.
    #[error(transparent)]
    ResponseTooLarge(#[from] ResponseTooLargeError),
    /// The server answered with a redirect (3xx) the operation does not
    /// declare. Redirects are never followed: the token must not go to another
    /// origin or over plain http, and a request with a body must not turn into
    /// another method. Not retried.
    #[error(transparent)]
    Redirect(#[from] RedirectError),
    /// A `.pages()`/`.stream()` listing stopped because going on could repeat
    /// or skip items: the server sent a page identical to the previous one, or
    /// a page number that does not advance.
    #[error(transparent)]
    Pagination(#[from] PaginationError),
    /// The client's rate-limit pacing would have had to hold the call longer than
    /// [`max_retry_wait`](super::ClientBuilder::max_retry_wait) (in total, with the call's
    /// retries): Intercom's window had no room left. Nothing was sent for this attempt; see
    /// [`RateLimitPacing`](super::RateLimitPacing).
    #[error(transparent)]
    RateLimited(#[from] RateLimitedError),
    /// A success response decoded, but members of its body did not fit the types the spec
    /// declares ([`drift`](crate::drift)), and the client decodes strictly
    /// ([`ClientBuilder::strict_decoding`](super::ClientBuilder::strict_decoding), on for the
    /// clients of the mock of `intercom_api::testing`). Names each member's path and types. Not
    /// retried.
    #[error(transparent)]
    Drift(#[from] DriftError),
}

impl Error {
    /// The HTTP status of an API error ([`Error::Api`]); `None` for every other
    /// kind of error.
    pub fn status(&self) -> Option<StatusCode> {
        self.as_api().map(ApiError::status)
    }

    /// `true` for an API error with status 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// `true` for an API error with status 429 Too Many Requests, and for
    /// [`Error::RateLimited`] (the client's pacing gave up waiting for the window).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited(_))
            || self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// How many attempts the call made before failing with this error (an API or transport
    /// error, after the retry policy); `None` for errors that are not the outcome of attempts.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(e) => Some(e.attempts()),
            Error::Transport(e) => Some(e.attempts()),
            _ => None,
        }
    }

    /// Records how many attempts a call made (the send path, once the retries are over).
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        match &mut self {
            Error::Api(e) => e.inner.attempts = attempts,
            Error::Transport(e) => e.inner.attempts = attempts,
            _ => {}
        }
        self
    }

    /// `true` when the request timed out (connect timeout or whole-request
    /// timeout).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_timeout())
    }

    /// `true` when the server could not be reached at all.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_connect())
    }

    /// The Intercom error codes (such as `"not_found"` or `"unauthorized"`) of
    /// an API error, in the order Intercom listed them; empty otherwise.
    pub fn codes(&self) -> Vec<&str> {
        self.api_errors().iter().map(|e| e.code.as_str()).collect()
    }

    /// The Intercom request id of the failed request, when known: from the
    /// error body or the `x-request-id` response header.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id(),
            Error::Decode(e) => e.request_id(),
            Error::Drift(e) => e.request_id(),
            _ => None,
        }
    }

    /// The items of Intercom's `error.list` body; empty for other errors or
    /// when the body was not an `error.list`.
    pub fn api_errors(&self) -> &[ApiErrorItem] {
        self.as_api().map_or(&[], ApiError::errors)
    }

    /// The rate-limit headers of the failed response, for API errors; for
    /// [`Error::RateLimited`], the window the client last knew of.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        match self {
            Error::RateLimited(e) => Some(e.rate_limit()),
            _ => self.as_api().map(ApiError::rate_limit),
        }
    }

    /// The API error, if this is one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Error::InvalidRequest(InvalidRequestError {
            inner: Box::new(InvalidRequestInner {
                message: message.into(),
                source: None,
            }),
        })
    }

    pub(crate) fn invalid_request_with(
        message: impl Into<String>,
        source: impl StdError + Send + Sync + 'static,
    ) -> Self {
        Error::InvalidRequest(InvalidRequestError {
            inner: Box::new(InvalidRequestInner {
                message: message.into(),
                source: Some(Box::new(source)),
            }),
        })
    }
}

/// A transport-level failure; the underlying [`reqwest::Error`] is kept as the
/// error [`source`](StdError::source).
pub struct TransportError {
    /// Boxed so that [`Error`] stays two words.
    inner: Box<TransportInner>,
}

struct TransportInner {
    source: reqwest::Error,
    attempts: u32,
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind())
            .field("attempts", &self.inner.attempts)
            .field("source", &self.inner.source)
            .finish()
    }
}

impl TransportError {
    pub(crate) fn new(source: reqwest::Error) -> Self {
        Self {
            inner: Box::new(TransportInner {
                source,
                attempts: 1,
            }),
        }
    }

    /// How many attempts the call made (1 when it was not retried).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// What failed, in words.
    fn kind(&self) -> &'static str {
        let e = &self.inner.source;
        if e.is_timeout() {
            "the request timed out"
        } else if e.is_connect() {
            "could not connect to the server"
        } else if e.is_body() || e.is_decode() {
            "the connection failed while reading the response body"
        } else if e.is_request() {
            "sending the request failed"
        } else {
            "HTTP transport error"
        }
    }

    /// `true` when the connect timeout or the whole-request timeout elapsed.
    pub fn is_timeout(&self) -> bool {
        self.inner.source.is_timeout()
    }

    /// `true` when connecting to the server failed.
    pub fn is_connect(&self) -> bool {
        self.inner.source.is_connect()
    }

    /// The underlying `reqwest` error.
    pub fn reqwest_error(&self) -> &reqwest::Error {
        &self.inner.source
    }

    /// Whether retrying the request could help (connect failures, timeouts,
    /// connections dropped while sending or reading).
    pub(crate) fn is_retryable(&self) -> bool {
        let e = &self.inner.source;
        e.is_timeout() || e.is_connect() || e.is_request() || e.is_body() || e.is_decode()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "transport error: {}", self.kind())?;
        write_attempts(f, self.inner.attempts)
    }
}

/// ` (after N attempts)` when the call was retried.
fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, " (after {attempts} attempts)")?;
    }
    Ok(())
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.inner.source)
    }
}

/// One item of Intercom's `error.list` error body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ApiErrorItem {
    /// Machine-readable error code, e.g. `"not_found"`, `"parameter_invalid"`.
    #[serde(default)]
    pub code: String,
    /// Human-readable message.
    #[serde(default)]
    pub message: Option<String>,
    /// The request field the error is about, when Intercom names one.
    #[serde(default)]
    pub field: Option<String>,
}

/// Intercom's error body: `{"type":"error.list","request_id":"...","errors":[...]}`.
#[derive(Deserialize)]
struct ErrorList {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    errors: Vec<ApiErrorItem>,
}

/// Intercom answered with a non-success status.
///
/// Its `Display` and `Debug` never show the response body (customer data): a body that is not
/// an Intercom `error.list` is shown by length only, and [`body_text`](ApiError::body_text)
/// returns it.
pub struct ApiError {
    inner: Box<ApiErrorInner>,
}

struct ApiErrorInner {
    status: StatusCode,
    headers: HeaderMap,
    rate_limit: RateLimit,
    request_id: Option<String>,
    errors: Vec<ApiErrorItem>,
    body_text: Option<String>,
    attempts: u32,
}

impl fmt::Debug for ApiError {
    // A raw body is customer data: its length only. The headers are left out (`headers()`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut d = f.debug_struct("ApiError");
        d.field("status", &inner.status)
            .field("codes", &self.codes())
            .field("errors", &inner.errors)
            .field("request_id", &inner.request_id)
            .field("attempts", &inner.attempts);
        if inner.rate_limit != RateLimit::default() {
            d.field("rate_limit", &inner.rate_limit);
        }
        if let Some(text) = &inner.body_text {
            d.field("body_text_len", &text.len());
        }
        d.finish_non_exhaustive()
    }
}

impl ApiError {
    /// Builds the error from a non-success response. The body is decoded as
    /// Intercom's `error.list` when possible and kept as raw text otherwise.
    pub(crate) fn from_response(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Self {
        let header_request_id = super::response::header_request_id(&headers).map(str::to_owned);
        let rate_limit = RateLimit::from_headers(&headers);
        let (request_id, errors, body_text) = match serde_json::from_slice::<ErrorList>(body) {
            Ok(list) if list.kind.as_deref() == Some("error.list") || !list.errors.is_empty() => {
                (list.request_id.or(header_request_id), list.errors, None)
            }
            _ => (
                header_request_id,
                Vec::new(),
                Some(truncated_text(body, MAX_ERROR_BODY_BYTES)),
            ),
        };
        Self {
            inner: Box::new(ApiErrorInner {
                status,
                headers,
                rate_limit,
                request_id,
                errors,
                body_text,
                attempts: 1,
            }),
        }
    }

    /// How many attempts the call made (1 when it was not retried).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The HTTP status code.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// The rate-limit headers of the response.
    pub fn rate_limit(&self) -> RateLimit {
        self.inner.rate_limit
    }

    /// Intercom's request id (from the error body, else the `x-request-id`
    /// header).
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The decoded `error.list` items (empty when the body was not an
    /// `error.list`).
    pub fn errors(&self) -> &[ApiErrorItem] {
        &self.inner.errors
    }

    /// The error codes of [`errors`](ApiError::errors).
    pub fn codes(&self) -> Vec<&str> {
        self.inner.errors.iter().map(|e| e.code.as_str()).collect()
    }

    /// The raw response body, when it was not an Intercom `error.list`
    /// (for example an HTML page from a proxy), up to [`MAX_ERROR_BODY_BYTES`]. Never part of
    /// the error's `Display` or `Debug`.
    pub fn body_text(&self) -> Option<&str> {
        self.inner.body_text.as_deref()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        write!(f, "Intercom API error: HTTP {}", inner.status)?;
        for (i, item) in inner.errors.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            f.write_str(if item.code.is_empty() {
                "(no code)"
            } else {
                &item.code
            })?;
            if let Some(message) = &item.message {
                write!(f, " ({message})")?;
            }
            if let Some(field) = &item.field {
                write!(f, " [field `{field}`]")?;
            }
        }
        if let Some(text) = &inner.body_text
            && !text.trim().is_empty()
        {
            // The body is customer data: its length only (`ApiError::body_text` has it).
            write!(
                f,
                ": a {}-byte body that is not an Intercom error list",
                text.len()
            )?;
        }
        if let Some(id) = &inner.request_id {
            write!(f, " (request id {id})")?;
        }
        write_attempts(f, inner.attempts)
    }
}

impl StdError for ApiError {}

/// A success response's body could not be decoded into the expected type.
///
/// `Display` names the field path, the decoder's message, the status and the request id; neither
/// it nor `Debug` shows the body (customer data), which [`body`](DecodeError::body) and
/// [`body_snippet`](DecodeError::body_snippet) return. [`source`](StdError::source) is the
/// underlying `serde_json::Error` or `std::str::Utf8Error`, when there is one.
pub struct DecodeError {
    inner: Box<DecodeErrorInner>,
}

struct DecodeErrorInner {
    status: StatusCode,
    request_id: Option<String>,
    path: String,
    message: String,
    snippet: String,
    source: Option<DecodeSource>,
    body: Bytes,
}

/// What a [`DecodeError`] was caused by.
#[derive(Debug)]
enum DecodeSource {
    Json(serde_json::Error),
    Utf8(std::str::Utf8Error),
}

impl fmt::Debug for DecodeErrorInner {
    // The body is customer data: its length only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("path", &self.path)
            .field("message", &self.message)
            .field("source", &self.source)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl DecodeError {
    pub(crate) fn new(
        status: StatusCode,
        request_id: Option<String>,
        path: String,
        error: serde_json::Error,
        body: Bytes,
    ) -> Self {
        let text = String::from_utf8_lossy(&body);
        let offset = byte_offset(&text, error.line(), error.column());
        let mut message = error.to_string();
        // The document itself has the wrong kind (an array where the spec declares an object, or
        // the reverse): no member can take the hit, so the whole body is an error.
        if path == "." && error.is_data() && message.starts_with("invalid type:") {
            let found = match text.trim_start().as_bytes().first() {
                Some(b'[') => "a JSON array",
                Some(b'{') => "a JSON object",
                Some(b'"') => "a JSON string",
                Some(b't' | b'f') => "a JSON boolean",
                Some(b'n') => "JSON null",
                _ => "a JSON number",
            };
            message = format!(
                "the response body is {found}, not the kind the operation declares ({message}); \
                 the whole body is kept (`DecodeError::body`)"
            );
        }
        let snippet = snippet(&text, offset);
        Self {
            inner: Box::new(DecodeErrorInner {
                status,
                request_id,
                path,
                message,
                snippet,
                source: Some(DecodeSource::Json(error)),
                body,
            }),
        }
    }

    /// A text body that is not UTF-8.
    pub(crate) fn not_utf8(
        status: StatusCode,
        request_id: Option<String>,
        error: std::str::Utf8Error,
        body: Bytes,
    ) -> Self {
        let valid = error.valid_up_to();
        let text = String::from_utf8_lossy(&body);
        let offset = String::from_utf8_lossy(&body[..valid]).len();
        Self {
            inner: Box::new(DecodeErrorInner {
                status,
                request_id,
                path: ".".to_owned(),
                message: format!("the text body is not valid UTF-8 (at byte {valid})"),
                snippet: snippet(&text, offset.min(text.len())),
                source: Some(DecodeSource::Utf8(error)),
                body,
            }),
        }
    }

    /// A body nested deeper than `limit` arrays and objects; `offset` is the byte that opens
    /// the first level too many.
    pub(crate) fn too_deep(
        status: StatusCode,
        request_id: Option<String>,
        limit: usize,
        offset: usize,
        body: Bytes,
    ) -> Self {
        let text = String::from_utf8_lossy(&body);
        Self {
            inner: Box::new(DecodeErrorInner {
                status,
                request_id,
                path: ".".to_owned(),
                message: format!(
                    "the body nests arrays and objects deeper than the maximum depth of {limit} \
                     levels (at byte {offset})"
                ),
                snippet: snippet(&text, offset.min(text.len())),
                source: None,
                body,
            }),
        }
    }

    /// The path of the offending value inside the JSON document, e.g.
    /// `data[3].custom_attributes.plan` (`.` for the document root).
    pub fn path(&self) -> &str {
        &self.inner.path
    }

    /// The `serde_json` error message (includes line and column).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// Up to about 200 characters of the body around the error position. Never part of the
    /// error's `Display` or `Debug` (the body is customer data).
    pub fn body_snippet(&self) -> &str {
        &self.inner.snippet
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The `x-request-id` response header, when present.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The whole response body as received, for decoding it another way (for example into
    /// `serde_json::Value`).
    pub fn body(&self) -> &Bytes {
        &self.inner.body
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        write!(
            f,
            "failed to decode the response body at `{}`: {} (HTTP {}",
            inner.path, inner.message, inner.status
        )?;
        if let Some(id) = &inner.request_id {
            write!(f, ", request id {id}")?;
        }
        f.write_str(")")
    }
}

impl StdError for DecodeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self.inner.source.as_ref()? {
            DecodeSource::Json(error) => Some(error),
            DecodeSource::Utf8(error) => Some(error),
        }
    }
}

/// The request could not be built or the client is misconfigured.
pub struct InvalidRequestError {
    inner: Box<InvalidRequestInner>,
}

struct InvalidRequestInner {
    message: String,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl InvalidRequestError {
    /// What is wrong with the request.
    pub fn message(&self) -> &str {
        &self.inner.message
    }
}

impl fmt::Display for InvalidRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid request: {}", self.inner.message)
    }
}

impl StdError for InvalidRequestError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// Byte offset of a 1-based line / column position (as reported by
/// `serde_json`) inside `text`; 0 when unknown.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let line_start = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum::<usize>();
    line_start
        .saturating_add(column.saturating_sub(1))
        .min(text.len())
}

/// At most [`SNIPPET_CHARS`] characters of `text` around byte `offset`, with
/// `…` marking cut ends.
pub(crate) fn snippet(text: &str, offset: usize) -> String {
    let char_count = text.chars().count();
    if char_count <= SNIPPET_CHARS {
        return text.to_owned();
    }
    let offset_chars = text.char_indices().take_while(|(i, _)| *i < offset).count();
    let start = offset_chars
        .saturating_sub(SNIPPET_CHARS / 2)
        .min(char_count - SNIPPET_CHARS);
    let mut out = String::with_capacity(SNIPPET_CHARS + 8);
    if start > 0 {
        out.push('…');
    }
    out.extend(text.chars().skip(start).take(SNIPPET_CHARS));
    if start + SNIPPET_CHARS < char_count {
        out.push('…');
    }
    out
}

/// Most drift records a [`DriftError`]'s `Display` lists (all are kept: [`DriftError::drift`]).
const DRIFT_SHOWN: usize = 10;

/// A response whose body drifted from its declared types, from a client that decodes strictly:
/// see [`Error::Drift`].
///
/// Keeps the status, the request id and the [`Drift`] records of the decoded body (paths, Rust
/// types, JSON kinds), never the body or the decoded value (customer data). `Display` lists the
/// first ten records; every one is in [`drift`](DriftError::drift).
pub struct DriftError {
    /// Boxed so that [`Error`] stays two words.
    inner: Box<DriftInner>,
}

#[derive(Debug)]
struct DriftInner {
    status: StatusCode,
    request_id: Option<String>,
    drift: Vec<Drift>,
}

impl DriftError {
    pub(crate) fn new(status: StatusCode, request_id: Option<String>, drift: Vec<Drift>) -> Self {
        Self {
            inner: Box::new(DriftInner {
                status,
                request_id,
                drift,
            }),
        }
    }

    /// The members that did not fit their declared types (never empty), in decode order.
    pub fn drift(&self) -> &[Drift] {
        &self.inner.drift
    }

    /// The HTTP status of the response (a 2xx).
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The `x-request-id` response header, when present.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }
}

impl fmt::Debug for DriftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DriftError")
            .field("status", &self.inner.status)
            .field("request_id", &self.inner.request_id)
            .field("drift", &self.inner.drift)
            .finish()
    }
}

impl fmt::Display for DriftError {
    /// `strict decoding: 1 member of the response body did not fit its declared type:
    /// data[1].id (in Contact): expected String, found an object (HTTP 200, request id r-1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let n = inner.drift.len();
        let (members, types) = if n == 1 {
            ("member", "type")
        } else {
            ("members", "types")
        };
        write!(
            f,
            "strict decoding: {n} {members} of the response body did not fit {} declared {types}:",
            if n == 1 { "its" } else { "their" }
        )?;
        for (i, record) in inner.drift.iter().take(DRIFT_SHOWN).enumerate() {
            let sep = if i == 0 { " " } else { "; " };
            write!(f, "{sep}{record}")?;
        }
        if n > DRIFT_SHOWN {
            write!(f, "; and {} more", n - DRIFT_SHOWN)?;
        }
        write!(f, " (HTTP {}", inner.status)?;
        if let Some(id) = &inner.request_id {
            write!(f, ", request id {id}")?;
        }
        f.write_str(")")
    }
}

impl StdError for DriftError {}

/// A listing stopped because the server does not page the way it says: see
/// [`Error::Pagination`].
pub struct PaginationError {
    /// Boxed so that [`Error`] stays two words.
    inner: Box<PaginationInner>,
}

struct PaginationInner {
    message: String,
    /// The failure of the page request, when one ended the listing.
    source: Option<Error>,
}

impl PaginationError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(PaginationInner {
                message: message.into(),
                source: None,
            }),
        }
    }

    pub(crate) fn with_source(message: impl Into<String>, source: Error) -> Self {
        Self {
            inner: Box::new(PaginationInner {
                message: message.into(),
                source: Some(source),
            }),
        }
    }

    /// The failed page request that ended the listing, if one did.
    pub fn page_error(&self) -> Option<&Error> {
        self.inner.source.as_ref()
    }

    /// What the server did.
    pub fn message(&self) -> &str {
        &self.inner.message
    }
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pagination stopped: {}", self.inner.message)?;
        if let Some(source) = &self.inner.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl StdError for PaginationError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// The text of `body` (invalid UTF-8 replaced) cut to at most `max` bytes at a character boundary.
fn truncated_text(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(max + 4)]);
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// A response body over the size limit: see [`Error::ResponseTooLarge`].
pub struct ResponseTooLargeError {
    inner: Box<ResponseTooLargeInner>,
}

struct ResponseTooLargeInner {
    limit: u64,
    status: StatusCode,
    content_length: Option<u64>,
}

impl ResponseTooLargeError {
    pub(crate) fn new(limit: u64, status: StatusCode, content_length: Option<u64>) -> Self {
        Self {
            inner: Box::new(ResponseTooLargeInner {
                limit,
                status,
                content_length,
            }),
        }
    }

    /// The limit in bytes that the body exceeded.
    pub fn limit(&self) -> u64 {
        self.inner.limit
    }

    /// The status of the response.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The `Content-Length` the server announced, when it did.
    pub fn content_length(&self) -> Option<u64> {
        self.inner.content_length
    }
}

impl fmt::Display for ResponseTooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response body (status {}) exceeds the limit of {} bytes (max_response_bytes)",
            self.inner.status.as_u16(),
            self.inner.limit
        )?;
        if let Some(length) = self.inner.content_length {
            write!(f, "; Content-Length: {length}")?;
        }
        Ok(())
    }
}

impl StdError for ResponseTooLargeError {}

/// An undeclared redirect: see [`Error::Redirect`].
pub struct RedirectError {
    inner: Box<RedirectInner>,
}

struct RedirectInner {
    status: StatusCode,
    location: Option<String>,
}

impl RedirectError {
    pub(crate) fn new(status: StatusCode, location: Option<String>) -> Self {
        Self {
            inner: Box::new(RedirectInner { status, location }),
        }
    }

    /// The redirect's status (301, 302, 303, 307, 308, ...); with a caller's own HTTP client
    /// that followed the redirect, the status of the response it reached.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The `Location` the server redirected to, as sent (it may carry a signed query).
    pub fn location(&self) -> Option<&str> {
        self.inner.location.as_deref()
    }
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inner.status.is_redirection() {
            write!(
                f,
                "the server redirected (status {}) ",
                self.inner.status.as_u16()
            )?;
        } else {
            f.write_str("the custom HTTP client followed a redirect ")?;
        }
        match &self.inner.location {
            // The query (often a signature) and any userinfo are left out.
            Some(location) => {
                let end = location.find(['?', '#']).unwrap_or(location.len());
                let shown = &location[..end];
                let shown = match (shown.find("://"), shown.find('@')) {
                    (Some(scheme), Some(at)) if at > scheme => {
                        format!("{}***{}", &shown[..scheme + 3], &shown[at..])
                    }
                    _ => shown.to_owned(),
                };
                write!(f, "to `{shown}`")?;
            }
            None => f.write_str("without a Location")?,
        }
        f.write_str("; undeclared redirects are errors")
    }
}

impl StdError for RedirectError {}

impl fmt::Debug for DecodeError {
    // The fields themselves, under the public name (not `DecodeError { inner: .. }`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Debug for InvalidRequestError {
    // The fields themselves, under the public name (not `InvalidRequestError { inner: .. }`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Debug for PaginationError {
    // The fields themselves, under the public name (not `PaginationError { inner: .. }`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Debug for ResponseTooLargeError {
    // The fields themselves, under the public name (not `ResponseTooLargeError { inner: .. }`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Debug for RedirectError {
    // The fields themselves, under the public name (not `RedirectError { inner: .. }`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Debug for InvalidRequestInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvalidRequestError")
            .field("message", &self.message)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Debug for PaginationInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaginationError")
            .field("message", &self.message)
            .field("page_error", &self.source)
            .finish()
    }
}

impl fmt::Debug for ResponseTooLargeInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseTooLargeError")
            .field("limit", &self.limit)
            .field("status", &self.status)
            .field("content_length", &self.content_length)
            .finish()
    }
}

impl fmt::Debug for RedirectInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedirectError")
            .field("status", &self.status)
            .field("location", &self.location)
            .finish()
    }
}

/// The client's rate-limit pacing gave up: see [`Error::RateLimited`].
pub struct RateLimitedError {
    inner: Box<RateLimitedInner>,
}

struct RateLimitedInner {
    rate_limit: RateLimit,
    waited: Duration,
    needed: Option<Duration>,
    max_wait: Duration,
}

impl RateLimitedError {
    pub(crate) fn new(
        rate_limit: RateLimit,
        waited: Duration,
        needed: Option<Duration>,
        max_wait: Duration,
    ) -> Self {
        Self {
            inner: Box::new(RateLimitedInner {
                rate_limit,
                waited,
                needed,
                max_wait,
            }),
        }
    }

    /// The rate-limit window the client last knew of (from the latest response's headers).
    pub fn rate_limit(&self) -> RateLimit {
        self.inner.rate_limit
    }

    /// How long the pacing held this attempt before giving up.
    pub fn waited(&self) -> Duration {
        self.inner.waited
    }

    /// The further wait the window required, when known (until its reset); `None` when the
    /// call was still queued behind others or waiting for calls in flight.
    pub fn needed(&self) -> Option<Duration> {
        self.inner.needed
    }

    /// What was left of the call's wait budget
    /// ([`max_retry_wait`](super::ClientBuilder::max_retry_wait) minus its earlier waits).
    pub fn max_wait(&self) -> Duration {
        self.inner.max_wait
    }
}

impl fmt::Debug for RateLimitedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("RateLimitedError")
            .field("rate_limit", &inner.rate_limit)
            .field("waited", &inner.waited)
            .field("needed", &inner.needed)
            .field("max_wait", &inner.max_wait)
            .finish()
    }
}

impl fmt::Display for RateLimitedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        write!(
            f,
            "rate limited: Intercom's rate-limit window has no room for the call within the wait \
             budget of {} ms (waited {} ms",
            inner.max_wait.as_millis(),
            inner.waited.as_millis()
        )?;
        if let Some(needed) = inner.needed {
            write!(f, ", {} ms more needed", needed.as_millis())?;
        }
        f.write_str(")")?;
        let window = inner.rate_limit;
        if let (Some(limit), Some(remaining)) = (window.limit, window.remaining) {
            write!(f, "; window: {remaining} of {limit} left")?;
            if let Some(reset) = window.reset {
                write!(f, ", resets at {reset} (Unix seconds)")?;
            }
        }
        Ok(())
    }
}

impl StdError for RateLimitedError {}

#[cfg(test)]
mod tests {
    use super::{DecodeError, byte_offset, snippet};
    use std::error::Error as _;

    #[test]
    fn text_decode_error_keeps_the_utf8_error_and_hides_the_body() {
        let body = bytes::Bytes::from_static(b"secret \xff body");
        let error = std::str::from_utf8(&body).expect_err("not UTF-8");
        let error = DecodeError::not_utf8(reqwest::StatusCode::OK, None, error, body);
        let source = error.source().expect("a source");
        assert!(source.is::<std::str::Utf8Error>(), "{source:?}");
        let shown = format!("{error} | {error:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(error.body_snippet().contains("secret"));
    }

    #[test]
    fn snippet_is_bounded_and_char_safe() {
        let text = "é".repeat(1000);
        let s = snippet(&text, 1000);
        assert!(s.chars().count() <= 202);
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert_eq!(snippet("short", 3), "short");
        let s = snippet(&"x".repeat(500), 0);
        assert_eq!(s.chars().count(), 201);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn offsets() {
        assert_eq!(byte_offset("abc\ndef", 2, 2), 5);
        assert_eq!(byte_offset("abc", 0, 0), 0);
        assert_eq!(byte_offset("abc", 1, 99), 3);
    }
}
