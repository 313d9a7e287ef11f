//! Responses: the raw response handed to generated code, the typed
//! [`Response`], rate-limit headers and body decoding.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::error::{DecodeError, Error};
use crate::codec::ArrayBody;
use crate::codec::drift::{self, Drift};

/// Header carrying Intercom's request id.
const REQUEST_ID: &str = "x-request-id";

/// A successful (2xx) response whose body has been read but not decoded.
///
/// Produced by `Client::execute` and consumed by [`decode_json`],
/// [`decode_empty`] or [`decode_bytes`]; not meant to be used directly.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    /// Assembles a raw response (used by the send path and by tests).
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The undecoded body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    fn with_body<T>(self, body: T) -> Response<T> {
        Response {
            status: self.status,
            headers: self.headers,
            body,
            drift: Vec::new(),
        }
    }
}

/// A successful response: the decoded body plus status and headers.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
    drift: Vec<Drift>,
}

impl<T> Response<T> {
    /// `body` as a `200 OK` response without headers or drift records (the pagination drivers
    /// of tests, whose fake calls return the page alone).
    pub(crate) fn from_body(body: T) -> Self {
        Self {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body,
            drift: Vec::new(),
        }
    }

    /// The HTTP status (always a 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Intercom's rate-limit headers of this response.
    pub fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(&self.headers)
    }

    /// The `x-request-id` header: Intercom's id for this request, useful
    /// when contacting support.
    pub fn request_id(&self) -> Option<&str> {
        header_request_id(&self.headers)
    }

    /// The members of the body whose JSON value did not fit the type the spec declares (see
    /// [`drift`](crate::drift)): each left its field `None` and is kept raw in the enclosing
    /// struct's `additional_properties`. Empty when the body matched its types; a service can
    /// alert on it to learn early that the API changed shape.
    pub fn drift(&self) -> &[Drift] {
        &self.drift
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Consumes the response, returning the decoded body.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Consumes the response, returning its drift records.
    pub(crate) fn into_drift(self) -> Vec<Drift> {
        self.drift
    }

    /// Consumes the response, returning status, headers and body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }

    /// Transforms the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
            drift: self.drift,
        }
    }
}

/// Intercom's rate-limit state as reported by the `X-RateLimit-Limit`,
/// `X-RateLimit-Remaining` and `X-RateLimit-Reset` response headers. Each
/// field is `None` when the header is absent or not a number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Requests allowed in the current window (`X-RateLimit-Limit`).
    pub limit: Option<u64>,
    /// Requests left in the current window (`X-RateLimit-Remaining`).
    pub remaining: Option<u64>,
    /// When the window resets, in Unix epoch seconds (`X-RateLimit-Reset`).
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Parses the rate-limit headers out of `headers`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        Self {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset"),
        }
    }

    /// [`reset`](RateLimit::reset) as a point in time.
    pub fn reset_at(&self) -> Option<SystemTime> {
        self.reset
            .and_then(|secs| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs)))
    }
}

pub(crate) fn header_request_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Decodes a JSON body into `T`. An empty body decodes as JSON `null` (so it
/// works for `Option<_>` and `()`); failures name the offending field path. Members that drifted
/// are recorded on the response ([`Response::drift`]) and logged.
#[doc(hidden)]
pub fn decode_json<T: DeserializeOwned>(raw: RawResponse) -> Result<Response<T>, Error> {
    // A plain typed decode first, with serde_json's own depth limit (128 levels, within ours:
    // every level it parses counts, so a body it decodes is within `MAX_RESPONSE_DEPTH`; only a
    // value skipped as `IgnoredAny`, which no response type uses, is walked without recursion
    // and uncounted). A body that decodes (the usual case, drift being tolerated) pays neither
    // for the depth scan nor for field paths. Its drift records are logged only if it is kept.
    let mut de = serde_json::Deserializer::from_slice(json_body(&raw));
    let (first, drifted) = drift::collect_unlogged(|| {
        T::deserialize(&mut de).and_then(|value| de.end().map(|()| value))
    });
    match first {
        Ok(value) => {
            drift::log(&drifted);
            let mut response = raw.with_body(value);
            response.drift = drifted;
            Ok(response)
        }
        // Anything else is decoded again the thorough way, which gives the error: the first
        // attempt's records are dropped unlogged (the second logs its own).
        Err(_) => {
            drop(drifted);
            decode_json_with_path(raw)
        }
    }
}

/// The body [`decode_json`] decodes: an empty (or blank) body is `null`.
fn json_body(raw: &RawResponse) -> &[u8] {
    if raw.body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &raw.body
    }
}

/// [`decode_json`] for a body the plain decode rejected: the depth check of our own, then the
/// decode through `serde_path_to_error`, so the error names the path of the member that failed.
/// Out of line, so the usual path stays small.
#[cold]
#[inline(never)]
fn decode_json_with_path<T: DeserializeOwned>(raw: RawResponse) -> Result<Response<T>, Error> {
    let body = json_body(&raw);
    if let Some(offset) = too_deep(body, MAX_RESPONSE_DEPTH) {
        let request_id = header_request_id(&raw.headers).map(str::to_owned);
        return Err(DecodeError::too_deep(
            raw.status,
            request_id,
            MAX_RESPONSE_DEPTH,
            offset,
            raw.body.clone(),
        )
        .into());
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    // Depth is bounded by `too_deep` above, with a limit of our own (serde_json's 128 counts the
    // levels of the page, the item and the member too).
    de.disable_recursion_limit();
    let (value, drifted) = drift::collect(|| {
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            // Reject trailing characters after the document.
            Ok(value) => de.end().map(|()| value).map_err(|e| (".".to_owned(), e)),
            Err(error) => Err((error.path().to_string(), error.into_inner())),
        }
    });
    match value {
        Ok(value) => {
            let mut response = raw.with_body(value);
            response.drift = drifted;
            Ok(response)
        }
        Err((path, error)) => {
            let request_id = header_request_id(&raw.headers).map(str::to_owned);
            Err(DecodeError::new(raw.status, request_id, path, error, raw.body.clone()).into())
        }
    }
}

/// Decodes the JSON body of an operation declared to return an array: [`decode_json`], where an
/// object with exactly one array member (`{"type": "list", "data": [..]}`) also decodes, as that
/// array, with a drift record that keeps the object's other members
/// ([`drift::Action::Unwrapped`]).
#[doc(hidden)]
pub fn decode_json_array<T: DeserializeOwned>(raw: RawResponse) -> Result<Response<Vec<T>>, Error> {
    decode_json::<ArrayBody<T>>(raw).map(|response| response.map(|body| body.0))
}

/// Deepest nesting of arrays and objects a response body may have. A contact in a list page
/// with 127 levels inside a free-form member is about 131 deep; the decoder needs well under
/// 1 MiB of stack for 160 levels in a debug build.
pub const MAX_RESPONSE_DEPTH: usize = 160;

/// The offset of the first `[` or `{` that opens a level deeper than `limit`, outside strings;
/// `None` when the body stays within it. One pass, no recursion.
fn too_deep(body: &[u8], limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, &byte) in body.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(offset);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A redirect the operation declares (a 3xx response in the spec, such as a recording answered
/// with a signed URL): returned to the caller, never followed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Redirect {
    /// The 3xx status.
    pub status: StatusCode,
    /// The `Location` header, as sent; `None` when the server sent none (or one that is not
    /// text).
    pub location: Option<String>,
}

/// The status and `Location` of a declared redirect.
#[doc(hidden)]
pub fn decode_redirect(raw: RawResponse) -> Result<Response<Redirect>, Error> {
    let location = raw
        .headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let redirect = Redirect {
        status: raw.status,
        location,
    };
    Ok(raw.with_body(redirect))
}

/// Discards the body, for operations that return nothing useful.
#[doc(hidden)]
pub fn decode_empty(raw: RawResponse) -> Result<Response<()>, Error> {
    Ok(raw.with_body(()))
}

/// Returns the body bytes as they are (file downloads).
#[doc(hidden)]
pub fn decode_bytes(raw: RawResponse) -> Result<Response<Bytes>, Error> {
    let body = raw.body.clone();
    Ok(raw.with_body(body))
}

/// Decodes a text body (`text/*`) as UTF-8. A body that is not UTF-8 is a [`DecodeError`] that
/// keeps the bytes ([`DecodeError::body`]).
#[doc(hidden)]
pub fn decode_text(raw: RawResponse) -> Result<Response<String>, Error> {
    match std::str::from_utf8(&raw.body) {
        Ok(text) => {
            let text = text.to_owned();
            Ok(raw.with_body(text))
        }
        Err(error) => {
            let request_id = header_request_id(&raw.headers).map(str::to_owned);
            Err(DecodeError::not_utf8(raw.status, request_id, error, raw.body.clone()).into())
        }
    }
}

#[cfg(test)]
mod text_tests {
    use super::{RawResponse, decode_text};
    use crate::runtime::Error;
    use bytes::Bytes;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    fn raw(body: &'static [u8]) -> RawResponse {
        RawResponse::new(StatusCode::OK, HeaderMap::new(), Bytes::from_static(body))
    }

    #[test]
    fn text_bodies_decode_as_utf8() {
        let text = decode_text(raw("Agent: Hello\nCaller: Hi \u{e9}".as_bytes())).expect("text");
        assert_eq!(text.body(), "Agent: Hello\nCaller: Hi \u{e9}");
    }

    #[test]
    fn invalid_utf8_is_a_decode_error_that_keeps_the_bytes() {
        let Err(Error::Decode(e)) = decode_text(raw(b"ok \xff\xfe")) else {
            panic!("expected a decode error");
        };
        assert!(
            e.message().contains("not valid UTF-8 (at byte 3)"),
            "{}",
            e.message()
        );
        assert_eq!(&e.body()[..], b"ok \xff\xfe");
    }
}

#[cfg(test)]
mod depth_tests {
    use super::too_deep;

    #[test]
    fn nesting_is_counted_outside_strings_only() {
        assert_eq!(too_deep(b"[[1]]", 2), None);
        assert_eq!(too_deep(b"[[[1]]]", 2), Some(2));
        assert_eq!(too_deep(br#"{"a":"[[[[\"[[["}"#, 1), None);
        assert_eq!(too_deep(br#"[{"a":[]}]"#, 2), Some(6));
        // Escapes: an escaped quote or backslash does not end the string.
        assert_eq!(too_deep(br#"["\\",[["x"]]]"#, 2), Some(7));
        assert_eq!(too_deep(br#"["\\\"[[",[1]]"#, 2), None);
        // An unterminated string or escape hides what follows.
        assert_eq!(too_deep(br#"["[[[[["#, 2), None);
        assert_eq!(too_deep(b"[\"\\", 0), Some(0));
        assert_eq!(too_deep(b"[\"\\", 1), None);
    }
}
