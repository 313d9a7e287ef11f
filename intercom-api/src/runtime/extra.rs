//! Escape hatches for what the spec lacks: undeclared query parameters, extra headers and a raw
//! JSON body on every operation builder (held in [`Extras`], set through
//! [`Operation`](super::Operation)), and calls to endpoints the spec does not describe
//! ([`RawRequest`]).
//!
//! Both go through the same send path as the generated operations (authentication,
//! `Intercom-Version`, retries, rate-limit handling, [`Error`]). Problems found while the request
//! is assembled (an invalid header name, an attempt to set `Authorization`, a path that is not
//! relative to the base URL) are kept and returned by `send` as [`Error::InvalidRequest`]: the
//! builders never panic.

use std::borrow::Cow;
use std::future::Future;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::Error;
use super::request::{CallOptions, RequestParts};
use super::response::{Response, decode_json};

/// Headers that cannot be set by [`header`](RawRequest::header): the credentials, the
/// `Intercom-Version` the types were generated for, and the message framing.
const RESERVED_HEADERS: &[(&str, &str)] = &[
    ("authorization", "it carries the client's access token"),
    (
        "proxy-authorization",
        "credentials are configured on the client",
    ),
    (
        "intercom-version",
        "it is set per API version (use `client.request(..).api_version(..)` for another version)",
    ),
    ("host", "it is derived from the client's base URL"),
    ("content-length", "it is derived from the body"),
    ("transfer-encoding", "it is derived from the body"),
];

/// What a call adds to its operation: [`CallOptions`], undeclared query parameters, extra
/// headers and a raw JSON body. Held by every generated builder; set by the
/// [`Operation`](super::Operation) methods.
///
/// Boxed, and allocated only once something is set: a builder grows by one pointer, and cloning
/// or dropping one is a call into this module (compile time of the generated crate).
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Extras {
    inner: Option<Box<ExtrasInner>>,
}

/// The contents of [`Extras`].
#[derive(Debug, Default)]
pub(crate) struct ExtrasInner {
    pub(crate) options: CallOptions,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) raw_body: Option<Bytes>,
    /// The first problem found while assembling, reported at send time.
    pub(crate) invalid: Option<String>,
}

// Written out (a derived `clone` is `#[inline]`) so that the generated builders' `Clone` calls
// one function instead of each instantiating the clone of every field.
impl Clone for Extras {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.as_ref().map(|inner| {
                Box::new(ExtrasInner {
                    options: inner.options.clone(),
                    query: inner.query.clone(),
                    headers: inner.headers.clone(),
                    raw_body: inner.raw_body.clone(),
                    invalid: inner.invalid.clone(),
                })
            }),
        }
    }
}

impl Extras {
    /// What was set, if anything.
    pub(crate) fn get(&self) -> Option<&ExtrasInner> {
        self.inner.as_deref()
    }

    /// The per-call options (none set: the client's settings).
    pub(crate) fn options(&self) -> &CallOptions {
        static NONE: CallOptions = CallOptions {
            max_attempts: None,
            retry_non_idempotent: None,
            timeout: None,
            max_response_bytes: None,
        };
        self.get().map_or(&NONE, |inner| &inner.options)
    }

    /// The undeclared query parameters.
    pub(crate) fn query(&self) -> &[(String, String)] {
        self.get().map_or(&[], |inner| &inner.query)
    }

    /// The extra headers, already validated.
    pub(crate) fn headers(&self) -> &[(HeaderName, HeaderValue)] {
        self.get().map_or(&[], |inner| &inner.headers)
    }

    /// The raw body replacing the typed one.
    pub(crate) fn raw_body(&self) -> Option<&Bytes> {
        self.get().and_then(|inner| inner.raw_body.as_ref())
    }

    /// The first problem found while assembling.
    pub(crate) fn invalid(&self) -> Option<&str> {
        self.get().and_then(|inner| inner.invalid.as_deref())
    }

    fn inner_mut(&mut self) -> &mut ExtrasInner {
        self.inner.get_or_insert_with(Box::default)
    }

    /// Replaces the per-call options.
    pub fn set_options(&mut self, options: CallOptions) {
        self.inner_mut().options = options;
    }

    /// Appends a query parameter after the declared ones.
    pub fn push_query(&mut self, name: String, value: String) {
        self.inner_mut().query.push((name, value));
    }

    /// Adds a header; an invalid or reserved one is recorded and fails the call at send time.
    pub fn push_header(&mut self, name: &str, value: &str) {
        match checked_header(name, value) {
            Ok(header) => self.inner_mut().headers.push(header),
            Err(reason) => self.fail(reason),
        }
    }

    /// Sends `body` instead of the typed body.
    pub fn set_raw_body(&mut self, body: &serde_json::Value) {
        self.set_json(body);
    }

    fn set_json<B: Serialize + ?Sized>(&mut self, body: &B) {
        match serde_json::to_vec(body) {
            Ok(json) => self.inner_mut().raw_body = Some(Bytes::from(json)),
            Err(e) => self.fail(format!("cannot serialize the request body: {e}")),
        }
    }

    fn fail(&mut self, reason: String) {
        self.inner_mut().invalid.get_or_insert(reason);
    }
}

/// Validates an extra header: a valid name that is not reserved, a valid value.
fn checked_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let header = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("invalid header name `{}`", name.escape_debug()))?;
    if let Some((_, why)) = RESERVED_HEADERS
        .iter()
        .find(|(reserved, _)| header.as_str() == *reserved)
    {
        return Err(format!(
            "the header `{name}` cannot be set on a request: {why}"
        ));
    }
    // The value is not quoted, and not shown by `Debug`: it may be a secret.
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        format!("invalid value for header `{name}`: it contains characters not allowed in an HTTP header")
    })?;
    value.set_sensitive(true);
    Ok((header, value))
}

/// A call to an endpoint the spec does not describe, sent like a generated operation: same
/// authentication, retries, rate-limit handling and [`Error`].
///
/// Made by [`Client::request`] (no `Intercom-Version` header unless
/// [`api_version`](RawRequest::api_version) sets one) or by a version module's `request`, e.g.
/// `client.v2_11().request(..)` (sends `Intercom-Version: 2.11`). The response decodes into
/// [`serde_json::Value`] ([`send_json`](RawRequest::send_json)) or any
/// [`DeserializeOwned`] type ([`send`](RawRequest::send)).
///
/// ```no_run
/// # async fn run(client: &intercom_api::Client) -> Result<(), intercom_api::Error> {
/// use intercom_api::Method;
///
/// let tags = client
///     .request(Method::GET, "/tags")
///     .api_version("Unstable")
///     .query_param("per_page", "50")
///     .send_json()
///     .await?;
/// println!("{tags}");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct RawRequest {
    client: Client,
    method: Method,
    path: String,
    api_version: Option<Cow<'static, str>>,
    extra: Extras,
}

impl RawRequest {
    /// A request for `method` and `path` (relative to the client's base URL).
    #[doc(hidden)]
    pub fn new(
        client: Client,
        method: Method,
        path: String,
        api_version: Option<&'static str>,
    ) -> Self {
        Self {
            client,
            method,
            path,
            api_version: api_version.map(Cow::Borrowed),
            extra: Extras::default(),
        }
    }

    /// Sends `Intercom-Version: <version>` (e.g. `"Unstable"`), replacing the version the
    /// request was made with, if any.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(Cow::Owned(version.into()));
        self
    }

    /// Appends a query parameter (percent-encoded; order is kept and names may repeat).
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push_query(name.into(), value.into());
        self
    }

    /// Adds a header. A header with the same name as one the client sets (`Accept`,
    /// `User-Agent`, `Content-Type`) replaces it; repeating a name sends every value.
    /// `Authorization`, `Proxy-Authorization`, `Intercom-Version` (see
    /// [`api_version`](RawRequest::api_version)), `Host`, `Content-Length` and
    /// `Transfer-Encoding` cannot be set: like an invalid name or value, they make
    /// `send` fail with [`Error::InvalidRequest`] naming the header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.extra.push_header(name, value);
        self
    }

    /// Sends `body` serialized as JSON (`Content-Type: application/json`). A body that cannot be
    /// serialized makes `send` fail with [`Error::InvalidRequest`].
    pub fn json<B: Serialize>(mut self, body: B) -> Self {
        self.extra.set_json(&body);
        self
    }

    /// Per-call options: retry attempts, retrying non-idempotent requests, timeout.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.extra.set_options(options);
        self
    }

    /// Sends the request and decodes the body into `T` (an empty body decodes as JSON `null`,
    /// so `()` and `Option<_>` accept it).
    pub fn send<T: DeserializeOwned + Send + 'static>(
        self,
    ) -> impl Future<Output = Result<T, Error>> + Send + 'static {
        super::send::body(self.send_with_response())
    }

    /// Sends the request and returns the body as a [`serde_json::Value`].
    pub fn send_json(
        self,
    ) -> impl Future<Output = Result<serde_json::Value, Error>> + Send + 'static {
        self.send()
    }

    /// Sends the request and returns the status, headers, rate-limit state and the body
    /// decoded into `T`.
    pub fn send_with_response<T: DeserializeOwned + Send + 'static>(
        self,
    ) -> impl Future<Output = Result<Response<T>, Error>> + Send + 'static {
        let parts = self.request_parts();
        super::send::send(self.client, parts, decode_json::<T>)
    }

    fn request_parts(&self) -> Result<RequestParts, Error> {
        let path = self.path.as_str();
        if !path.starts_with('/') || path.starts_with("//") || path.contains(['?', '#']) {
            return Err(Error::invalid_request(format!(
                "`{}` is not a path relative to the client's base URL: it must start with a \
                 single `/` and have no query or fragment (use `query_param`); absolute URLs \
                 are not accepted",
                path.escape_debug()
            )));
        }
        let mut parts = RequestParts::raw(self.method.clone(), self.api_version.clone(), path);
        parts.set_extras(&self.extra);
        Ok(parts)
    }
}

impl Client {
    /// Calls an endpoint the spec does not describe: `path` (e.g. `/contacts/abc/notes`) is
    /// relative to the client's base URL and sent as given, so percent-encode dynamic segments
    /// with [`path_segment`](super::path_segment). No `Intercom-Version` header is sent (the
    /// workspace's default version applies) unless
    /// [`api_version`](RawRequest::api_version) sets one; `client.v2_11().request(..)` sends
    /// that module's version.
    pub fn request(&self, method: Method, path: impl Into<String>) -> RawRequest {
        RawRequest::new(self.clone(), method, path.into(), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(extras: &Extras) -> usize {
        extras.get().map_or(0, |e| e.headers.len())
    }

    fn invalid(extras: &Extras) -> String {
        extras
            .get()
            .and_then(|e| e.invalid.clone())
            .unwrap_or_default()
    }

    #[test]
    fn nothing_is_allocated_until_something_is_set() {
        let extras = Extras::default();
        assert!(extras.get().is_none());
        assert!(extras.clone().get().is_none());
    }

    #[test]
    fn reserved_and_invalid_headers_are_recorded() {
        let mut extras = Extras::default();
        extras.push_header("X-Trace", "1");
        assert_eq!(headers(&extras), 1);
        assert_eq!(headers(&extras.clone()), 1);
        assert_eq!(invalid(&extras), "");
        for name in ["Authorization", "AUTHORIZATION", "intercom-version", "Host"] {
            let mut extras = Extras::default();
            extras.push_header(name, "x");
            let reason = invalid(&extras);
            assert!(reason.contains(&format!("`{name}`")), "{reason}");
            assert_eq!(headers(&extras), 0);
        }
        let mut extras = Extras::default();
        extras.push_header("bad name", "x");
        extras.push_header("X-Ok", "line\nbreak");
        let reason = invalid(&extras);
        assert!(
            reason.contains("invalid header name `bad name`"),
            "{reason}"
        );
    }
}
