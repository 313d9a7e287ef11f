//! Request assembly ([`RequestParts`], [`CallOptions`]) and the shared,
//! non-generic send path (`Client::execute`).

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use backon::Retryable;
use bytes::Bytes;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION, USER_AGENT,
};
use reqwest::{Method, Url};
use tracing::Instrument;
use tracing::field::Empty;

use super::client::{Client, Ready};
use super::error::{ApiError, Error, RedirectError, ResponseTooLargeError, TransportError};
use super::extra::Extras;
use super::path::push_encoded_segment;
use super::response::RawResponse;
use super::retry;

/// The `Intercom-Version` request header.
static INTERCOM_VERSION: HeaderName = HeaderName::from_static("intercom-version");

/// Per-call overrides of the client's settings.
///
/// ```
/// use intercom_api::CallOptions;
///
/// let options = CallOptions::new().max_attempts(5).retry_non_idempotent(true);
/// assert_eq!(options.max_attempts, Some(5));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// Total attempts for this call, first try included (`0` counts as `1`);
    /// `None` uses the client's setting.
    pub max_attempts: Option<u32>,
    /// Whether this call may be retried after a 5xx response or a transport
    /// error even though its method is not idempotent (POST, PATCH); `None`
    /// uses the client's setting.
    pub retry_non_idempotent: Option<bool>,
    /// Timeout for each attempt of this call; `None` uses the client's
    /// setting.
    pub timeout: Option<Duration>,
    /// Largest response body read for this call, success or error; `None` uses the client's
    /// setting ([`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes)).
    pub max_response_bytes: Option<u64>,
}

impl CallOptions {
    /// No overrides: the client's settings apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`max_attempts`](CallOptions::max_attempts).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// Sets [`retry_non_idempotent`](CallOptions::retry_non_idempotent).
    pub fn retry_non_idempotent(mut self, enabled: bool) -> Self {
        self.retry_non_idempotent = Some(enabled);
        self
    }

    /// Sets [`max_response_bytes`](CallOptions::max_response_bytes).
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Sets [`timeout`](CallOptions::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// A request being assembled by generated code; sent by `Client::execute`.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct RequestParts {
    method: Method,
    /// `None`: no `Intercom-Version` header (raw requests).
    api_version: Option<Cow<'static, str>>,
    path_template: Cow<'static, str>,
    path: String,
    query: Vec<(String, String)>,
    /// Undeclared query parameters, sent after `query`.
    extra_query: Vec<(String, String)>,
    /// Extra headers, already validated.
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Bytes>,
    /// A `multipart/form-data` body (instead of `body`), encoded for each attempt.
    form: Option<Vec<FormField>>,
    /// `body` is a raw body that the typed one must not replace.
    raw_body: bool,
    /// Media type asked for in `Accept`.
    accept: &'static str,
    options: CallOptions,
    /// Set when a path parameter makes the request unsendable.
    invalid: Option<String>,
    /// The operation only reads although its method is not idempotent (a `POST` search):
    /// retried like a `GET`.
    read_only: bool,
    /// The server keeps state per call (a scroll): never retried after it may have been
    /// processed.
    stateful: bool,
    /// The operation declares a redirect: a 3xx is its result, not an error.
    redirect_declared: bool,
}

impl RequestParts {
    /// Starts a request for the operation at `path_template` (e.g.
    /// `/contacts/{contact_id}`, used for tracing) in API version
    /// `api_version` (e.g. `"2.11"`).
    pub fn new(method: Method, api_version: &'static str, path_template: &'static str) -> Self {
        Self::with(
            method,
            Some(Cow::Borrowed(api_version)),
            Cow::Borrowed(path_template),
            String::with_capacity(path_template.len() + 16),
        )
    }

    /// A request for an endpoint the spec does not describe: `path` is sent as given (and
    /// traced as is).
    pub(crate) fn raw(method: Method, api_version: Option<Cow<'static, str>>, path: &str) -> Self {
        Self::with(
            method,
            api_version,
            Cow::Owned(path.to_owned()),
            path.to_owned(),
        )
    }

    fn with(
        method: Method,
        api_version: Option<Cow<'static, str>>,
        path_template: Cow<'static, str>,
        path: String,
    ) -> Self {
        Self {
            method,
            api_version,
            path_template,
            path,
            query: Vec::new(),
            extra_query: Vec::new(),
            headers: Vec::new(),
            body: None,
            form: None,
            raw_body: false,
            accept: "application/json",
            options: CallOptions::default(),
            invalid: None,
            read_only: false,
            stateful: false,
            redirect_declared: false,
        }
    }

    /// Applies what the caller added to the operation: call options, undeclared query
    /// parameters (sent after the declared ones), extra headers and a raw body (which the typed
    /// body set afterwards by [`set_json_body`](Self::set_json_body) does not replace).
    pub fn set_extras(&mut self, extras: &Extras) {
        let Some(extras) = extras.get() else {
            return;
        };
        self.options = extras.options.clone();
        self.extra_query.clone_from(&extras.query);
        self.headers.clone_from(&extras.headers);
        if let Some(body) = &extras.raw_body {
            self.body = Some(body.clone());
            self.raw_body = true;
        }
        if self.invalid.is_none() {
            self.invalid.clone_from(&extras.invalid);
        }
    }

    /// Marks the operation as read-only whatever its method (a `POST .../search`): it is
    /// retried on 5xx responses and transport errors like a `GET`.
    pub fn set_read_only(&mut self) {
        self.read_only = true;
    }

    /// Marks the operation as stateful on the server (the companies scroll, whose position
    /// Intercom advances with every call): it is never retried after a failure that may
    /// follow processing (5xx, timeout, dropped connection), whatever the method and the call
    /// options; only a 429 (not processed) is retried.
    pub fn set_stateful(&mut self) {
        self.stateful = true;
    }

    /// The operation declares a 3xx response: a redirect is returned (status and `Location`,
    /// see `decode_redirect`), never followed, instead of being an error.
    pub fn set_redirect_declared(&mut self) {
        self.redirect_declared = true;
    }

    /// Appends a literal chunk of the path, e.g. `/contacts/`.
    pub fn push_path(&mut self, literal: &'static str) {
        self.path.push_str(literal);
    }

    /// Appends a path parameter, percent-encoded as exactly one path
    /// segment. An empty value makes the request fail with
    /// [`Error::InvalidRequest`] (it would address a different endpoint).
    pub fn push_path_param(&mut self, value: &str) {
        if value.is_empty() && self.invalid.is_none() {
            self.invalid = Some(format!("empty path parameter for `{}`", self.path_template));
        }
        push_encoded_segment(&mut self.path, value);
    }

    /// Appends a query parameter; order is kept and names may repeat.
    pub fn push_query(&mut self, name: &str, value: String) {
        self.query.push((name.to_owned(), value));
    }

    /// Serializes `body` as the JSON request body, unless a raw body was set with
    /// [`set_extras`](Self::set_extras).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when serialization fails.
    pub fn set_json_body<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        if self.raw_body {
            return Ok(());
        }
        let json = serde_json::to_vec(body)
            .map_err(|e| Error::invalid_request_with("cannot serialize the request body", e))?;
        self.body = Some(Bytes::from(json));
        Ok(())
    }

    /// Sends `body` as a `multipart/form-data` body, one part per member (in the order `body`
    /// serializes them):
    /// strings as they are, numbers and booleans as their JSON text, each element of an array as
    /// a part of its own, objects as JSON (`Content-Type: application/json`); `null` members are
    /// left out. Unless a raw body was set with [`set_extras`](Self::set_extras).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when serialization fails or `body` is not an object.
    pub fn set_form_body<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        if self.raw_body {
            return Ok(());
        }
        let value = serde_json::to_value(body)
            .map_err(|e| Error::invalid_request_with("cannot serialize the request body", e))?;
        let serde_json::Value::Object(members) = value else {
            return Err(Error::invalid_request(
                "a multipart/form-data request body must be an object",
            ));
        };
        let mut fields = Vec::with_capacity(members.len());
        for (name, member) in members {
            let items = match member {
                serde_json::Value::Array(items) => items,
                other => vec![other],
            };
            for item in items {
                let (value, json) = match item {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(s) => (s, false),
                    v @ (serde_json::Value::Bool(_) | serde_json::Value::Number(_)) => {
                        (v.to_string(), false)
                    }
                    v => (v.to_string(), true),
                };
                fields.push(FormField {
                    name: name.clone(),
                    value,
                    json,
                });
            }
        }
        self.form = Some(fields);
        Ok(())
    }

    /// Asks for another media type than `application/json` (e.g. a raw download).
    pub fn set_accept(&mut self, media_type: &'static str) {
        self.accept = media_type;
    }

    /// Applies per-call overrides.
    pub fn set_options(&mut self, options: &CallOptions) {
        self.options = options.clone();
    }

    /// The filled, percent-encoded path (without base URL and query).
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// Outcome of one failed attempt, with what the retry loop needs to know.
struct AttemptError {
    error: Error,
    retryable: bool,
    /// Wait requested by the server (`Retry-After`, `X-RateLimit-Reset`).
    server_wait: Option<Duration>,
}

/// Per-call settings shared by all attempts.
struct Call<'a> {
    ready: &'a Ready,
    parts: &'a RequestParts,
    url: Url,
    /// Every request header: the client's, then the caller's extra ones.
    headers: HeaderMap,
    timeout: Option<Duration>,
    /// Idempotent method, or the caller opted in to retrying this one.
    unsafe_retry_allowed: bool,
    /// Largest response body read.
    max_response_bytes: u64,
}

impl Client {
    /// Sends a request assembled by generated code: builds the URL, adds the
    /// authentication, `Intercom-Version`, `Accept` and `User-Agent`
    /// headers, retries per the retry policy and turns non-2xx responses into
    /// [`Error::Api`].
    #[doc(hidden)]
    pub async fn execute(&self, parts: RequestParts) -> Result<RawResponse, Error> {
        let span = tracing::info_span!(
            "intercom.request",
            method = %parts.method,
            path = &*parts.path_template,
            api_version = parts.api_version.as_deref().unwrap_or("(default)"),
            attempts = Empty,
            status = Empty,
            duration_ms = Empty,
        );
        let started = Instant::now();
        let attempts = AtomicU32::new(0);
        let result = self
            .execute_inner(&parts, &attempts)
            .instrument(span.clone())
            .await;
        span.record("attempts", attempts.load(Ordering::Relaxed));
        span.record("duration_ms", millis(started.elapsed()));
        let status = match &result {
            Ok(raw) => Some(raw.status()),
            Err(error) => error.status(),
        };
        if let Some(status) = status {
            span.record("status", status.as_u16());
        }
        if let Err(error) = &result {
            span.in_scope(|| tracing::debug!(error = %error, "Intercom request failed"));
        }
        result
    }

    async fn execute_inner(
        &self,
        parts: &RequestParts,
        attempts: &AtomicU32,
    ) -> Result<RawResponse, Error> {
        let ready = match &self.inner.ready {
            Ok(ready) => ready,
            Err(reason) => {
                return Err(Error::invalid_request(format!(
                    "the client could not be set up: {reason}"
                )));
            }
        };
        if let Some(reason) = &parts.invalid {
            return Err(Error::invalid_request(reason.clone()));
        }
        let url = build_url(ready, parts)?;
        let headers = request_headers(ready, parts)?;
        let max_attempts = parts
            .options
            .max_attempts
            .unwrap_or(ready.retry.max_attempts)
            .max(1);
        let call = Call {
            ready,
            parts,
            url,
            headers,
            timeout: parts.options.timeout.or(ready.timeout),
            max_response_bytes: parts
                .options
                .max_response_bytes
                .unwrap_or(ready.max_response_bytes),
            unsafe_retry_allowed: !parts.stateful
                && (retry::is_idempotent(&parts.method)
                    || parts.read_only
                    || parts
                        .options
                        .retry_non_idempotent
                        .unwrap_or(ready.retry.retry_non_idempotent)),
        };
        let call = &call;
        let max_wait = ready.retry.max_retry_wait;
        let initial_backoff = ready.retry.initial_backoff;
        let result = (move || async move {
            let attempt = attempts.fetch_add(1, Ordering::Relaxed) + 1;
            call.attempt(attempt).await
        })
        .retry(ready.retry.backoff(max_attempts))
        .sleep(backon::TokioSleeper)
        .when(|e: &AttemptError| e.retryable)
        .adjust(move |e: &AttemptError, backoff: Option<Duration>| {
            // `None` means the attempts are used up: give up either way.
            backoff.map(|backoff| {
                e.server_wait.map_or(backoff, |wait| {
                    retry::server_wait_with_floor(wait, max_wait, initial_backoff)
                })
            })
        })
        .notify(|e: &AttemptError, wait: Duration| {
            tracing::warn!(
                error = %e.error,
                wait_ms = millis(wait),
                "retrying Intercom request"
            );
        })
        .await;
        result.map_err(|e| e.error)
    }
}

impl Call<'_> {
    /// One attempt: send, read the whole body, classify the outcome.
    async fn attempt(&self, attempt: u32) -> Result<RawResponse, AttemptError> {
        let span = tracing::debug_span!(
            "intercom.attempt",
            attempt,
            status = Empty,
            duration_ms = Empty
        );
        let started = Instant::now();
        let result = self.send(&span).instrument(span.clone()).await;
        span.record("duration_ms", millis(started.elapsed()));
        result
    }

    async fn send(&self, span: &tracing::Span) -> Result<RawResponse, AttemptError> {
        let ready = self.ready;
        let mut request = ready
            .http
            .request(self.parts.method.clone(), self.url.clone())
            .headers(self.headers.clone());
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        if let Some(body) = &self.parts.body {
            request = request.body(body.clone());
        } else if let Some(fields) = &self.parts.form {
            // Sets `Content-Type: multipart/form-data; boundary=...` and the length.
            request = request.multipart(multipart_form(fields));
        }
        let mut response = request.send().await.map_err(|e| self.transport(e))?;
        let status = response.status();
        span.record("status", status.as_u16());
        if status.is_redirection() && self.parts.redirect_declared && response.url() == &self.url {
            let headers = std::mem::take(response.headers_mut());
            return Ok(RawResponse::new(status, headers, Bytes::new()));
        }
        if status.is_redirection() || response.url() != &self.url {
            // Not followed (our client's policy), or followed by a caller's own client.
            let location = if status.is_redirection() {
                response
                    .headers()
                    .get(LOCATION)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            } else {
                Some(response.url().to_string())
            };
            return Err(AttemptError {
                error: RedirectError::new(status, location).into(),
                retryable: false,
                server_wait: None,
            });
        }
        let headers = std::mem::take(response.headers_mut());
        let body = self.read_body(response, status).await?;
        if status.is_success() {
            return Ok(RawResponse::new(status, headers, body));
        }
        let retryable = retry::should_retry_status(status, self.unsafe_retry_allowed);
        let server_wait = if retryable {
            retry::server_wait_hint(status, &headers, SystemTime::now())
        } else {
            None
        };
        Err(AttemptError {
            error: ApiError::from_response(status, headers, &body).into(),
            retryable,
            server_wait,
        })
    }

    /// Reads the whole body, at most `max_response_bytes`: a larger `Content-Length` fails
    /// before anything is read, a body that grows past the limit fails as soon as it does.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        status: reqwest::StatusCode,
    ) -> Result<Bytes, AttemptError> {
        let limit = self.max_response_bytes;
        let too_large = |content_length| AttemptError {
            error: ResponseTooLargeError::new(limit, status, content_length).into(),
            retryable: false,
            server_wait: None,
        };
        let content_length = response.content_length();
        if content_length.is_some_and(|length| length > limit) {
            return Err(too_large(content_length));
        }
        let capacity = content_length.unwrap_or(0).min(limit).min(1 << 20);
        let mut body = bytes::BytesMut::with_capacity(usize::try_from(capacity).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transport(e))? {
            let total = u64::try_from(body.len() + chunk.len()).unwrap_or(u64::MAX);
            if total > limit {
                return Err(too_large(content_length));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    fn transport(&self, error: reqwest::Error) -> AttemptError {
        let error = TransportError::new(error);
        AttemptError {
            retryable: self.unsafe_retry_allowed && error.is_retryable(),
            error: error.into(),
            server_wait: None,
        }
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
struct FormField {
    name: String,
    value: String,
    /// `value` is JSON (an object member): sent with `Content-Type: application/json`.
    json: bool,
}

/// The form of one attempt (a `reqwest` form is a stream, used up by the attempt that sends it).
fn multipart_form(fields: &[FormField]) -> reqwest::multipart::Form {
    fields
        .iter()
        .fold(reqwest::multipart::Form::new(), |form, f| {
            let part = reqwest::multipart::Part::text(f.value.clone());
            let part = if f.json {
                part.mime_str("application/json")
                    .unwrap_or_else(|_| reqwest::multipart::Part::text(f.value.clone()))
            } else {
                part
            };
            form.part(f.name.clone(), part)
        })
}

/// The headers of every attempt: authentication, `Intercom-Version` (when set), `Accept`,
/// `User-Agent`, `Content-Type` for a body, then the caller's extra headers, which replace the
/// client's ones of the same name (`Authorization` and `Intercom-Version` cannot be extra
/// headers: see `Extras::push_header`).
fn request_headers(ready: &Ready, parts: &RequestParts) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::with_capacity(5 + parts.headers.len());
    headers.insert(AUTHORIZATION, ready.auth.clone());
    if let Some(version) = &parts.api_version {
        let value = HeaderValue::from_str(version).map_err(|e| {
            Error::invalid_request_with(format!("invalid Intercom-Version `{version}`"), e)
        })?;
        headers.insert(&INTERCOM_VERSION, value);
    }
    headers.insert(ACCEPT, HeaderValue::from_static(parts.accept));
    headers.insert(USER_AGENT, ready.user_agent.clone());
    if parts.body.is_some() {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    for (name, _) in &parts.headers {
        headers.remove(name);
    }
    for (name, value) in &parts.headers {
        headers.append(name.clone(), value.clone());
    }
    Ok(headers)
}

/// Base URL + encoded path + query (declared, then extra parameters). Fails instead of sending
/// to a different path when URL parsing would normalise the path (dot segments, characters that
/// need percent-encoding in a raw path), and never sends to another host than the base URL's.
fn build_url(ready: &Ready, parts: &RequestParts) -> Result<Url, Error> {
    let mut url = Url::parse(&format!("{}{}", ready.base_url, parts.path))
        .map_err(|e| Error::invalid_request_with("cannot build the request URL", e))?;
    let expected = format!("{}{}", ready.base_path, parts.path);
    if url.path() != expected && !(expected.is_empty() && url.path() == "/") {
        return Err(Error::invalid_request(format!(
            "the path `{}` cannot be sent unchanged (URL normalisation turns it into `{}`); \
             `.` and `..` segments are not allowed, and other characters must be percent-encoded",
            parts.path,
            url.path()
        )));
    }
    if url.origin() != ready.base_parsed.origin() {
        return Err(Error::invalid_request(format!(
            "the path `{}` does not stay on the client's base URL",
            parts.path
        )));
    }
    if !parts.query.is_empty() || !parts.extra_query.is_empty() {
        let mut query = url.query_pairs_mut();
        for (name, value) in parts.query.iter().chain(&parts.extra_query) {
            query.append_pair(name, value);
        }
    }
    Ok(url)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_query_assembly() {
        let mut parts = RequestParts::new(Method::GET, "2.11", "/contacts/{id}");
        parts.push_path("/contacts/");
        parts.push_path_param("a/../b?c#d");
        parts.push_query("per_page", "5".to_owned());
        parts.push_query("tag", "x&y=z".to_owned());
        parts.push_query("tag", "two".to_owned());
        assert_eq!(parts.path(), "/contacts/a%2F..%2Fb%3Fc%23d");
        assert_eq!(parts.query.len(), 3);
        assert!(parts.invalid.is_none());
        let mut empty = RequestParts::new(Method::GET, "2.11", "/contacts/{id}");
        empty.push_path("/contacts/");
        empty.push_path_param("");
        assert!(empty.invalid.is_some());
    }
}
