//! Request assembly: [`RequestParts`] (what generated code and [`RawRequest`](super::RawRequest)
//! build) and [`CallOptions`]. Sending them is the job of [`send`](mod@super::send).

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};

use super::error::Error;
use super::extra::Extras;
use super::path::push_encoded_segment;

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
///
/// What the caller added to the operation (call options, undeclared query parameters, extra
/// headers, a raw body) is its [`Extras`], held as they are; the send path reads them through
/// the accessors below.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct RequestParts {
    pub(super) method: Method,
    /// `None`: no `Intercom-Version` header (raw requests).
    pub(super) api_version: Option<Cow<'static, str>>,
    pub(super) path_template: Cow<'static, str>,
    path: String,
    query: Vec<(String, String)>,
    /// The typed JSON body (a raw body in `extras` replaces it).
    body: Option<Bytes>,
    /// A `multipart/form-data` body (instead of `body`), encoded for each attempt.
    pub(super) form: Option<Vec<FormField>>,
    /// Media type asked for in `Accept`.
    pub(super) accept: &'static str,
    /// What the caller added: options, extra query and headers, raw body.
    extras: Extras,
    /// Set when a path parameter makes the request unsendable.
    invalid: Option<String>,
    /// The operation only reads although its method is not idempotent (a `POST` search):
    /// retried like a `GET`.
    pub(super) read_only: bool,
    /// The server keeps state per call (a scroll): never retried after it may have been
    /// processed.
    pub(super) stateful: bool,
    /// The operation declares a redirect: a 3xx is its result, not an error.
    pub(super) redirect_declared: bool,
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
            body: None,
            form: None,
            accept: "application/json",
            extras: Extras::default(),
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
        self.extras.clone_from(extras);
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
        if self.extras.raw_body().is_some() {
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
        if self.extras.raw_body().is_some() {
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

    /// Applies per-call overrides (through the request's [`Extras`], where generated code puts
    /// them with [`Extras::set_options`]).
    pub fn set_options(&mut self, options: &CallOptions) {
        self.extras.set_options(options.clone());
    }

    /// The filled, percent-encoded path (without base URL and query).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The declared query parameters, then the caller's undeclared ones.
    pub(super) fn query(&self) -> impl Iterator<Item = &(String, String)> {
        self.query.iter().chain(self.extras.query())
    }

    /// The JSON body sent: the caller's raw body, else the typed one.
    pub(super) fn body(&self) -> Option<&Bytes> {
        self.extras.raw_body().or(self.body.as_ref())
    }

    /// The caller's extra headers, already validated.
    pub(super) fn extra_headers(&self) -> &[(HeaderName, HeaderValue)] {
        self.extras.headers()
    }

    /// The caller's per-call options.
    pub(super) fn options(&self) -> &CallOptions {
        self.extras.options()
    }

    /// Why the request cannot be sent, if it cannot: the first problem the caller's additions
    /// had (they are applied first), else an empty path parameter.
    pub(super) fn invalid(&self) -> Option<&str> {
        self.extras.invalid().or(self.invalid.as_deref())
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub(super) struct FormField {
    pub(super) name: String,
    pub(super) value: String,
    /// `value` is JSON (an object member): sent with `Content-Type: application/json`.
    pub(super) json: bool,
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
        assert_eq!(parts.query().count(), 3);
        assert!(parts.invalid().is_none());
        let mut empty = RequestParts::new(Method::GET, "2.11", "/contacts/{id}");
        empty.push_path("/contacts/");
        empty.push_path_param("");
        assert!(empty.invalid().is_some());
    }
}
