//! [`Client`] and [`ClientBuilder`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderValue;

use super::auth::AccessToken;
use super::error::Error;
use super::rate_limit::{Pacer, RateLimitPacing};
use super::region::Region;
use super::retry::RetryConfig;

/// Default `User-Agent` header.
const DEFAULT_USER_AGENT: &str = concat!("intercom-api/", env!("CARGO_PKG_VERSION"));
/// Default connect timeout.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default whole-request timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default largest response body read (64 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// A client for the Intercom REST API.
///
/// Cheap to clone (the state is shared behind an [`Arc`]); create one per
/// access token and reuse it. Every operation builder (and [`RawRequest`](super::RawRequest))
/// holds its own clone, so the futures and streams it returns are `Send + 'static`: they can be
/// handed to `tokio::spawn` and outlive this value. API operations live in the generated version
/// modules; this type holds the connection pool, credentials, base URL,
/// timeouts, retry policy and the rate-limit pacing that all its clones share
/// ([`ClientBuilder::rate_limit`]). Its `Debug` output never shows the token.
///
/// ```no_run
/// # fn main() -> Result<(), intercom_api::Error> {
/// use intercom_api::{Client, Region};
///
/// let client = Client::builder("my-access-token").region(Region::Eu).build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// The shared state of a [`Client`]. `Err` holds the reason a client made by
/// [`Client::new`] cannot send requests (reported by every call).
pub(crate) struct Inner {
    pub(crate) ready: Result<Ready, String>,
}

/// Everything needed to send requests.
pub(crate) struct Ready {
    pub(crate) http: reqwest::Client,
    pub(crate) auth: HeaderValue,
    /// Base URL without trailing slash, e.g. `https://api.intercom.io`.
    pub(crate) base_url: String,
    /// Path of the base URL without trailing slash (usually empty).
    pub(crate) base_path: String,
    /// The base URL, parsed once: every request URL must keep its origin.
    pub(crate) base_parsed: Url,
    pub(crate) user_agent: HeaderValue,
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: RetryConfig,
    /// Largest response body read, success or error.
    pub(crate) max_response_bytes: u64,
    /// The rate-limit pacing shared by every clone of the client.
    pub(crate) pacer: Pacer,
    /// `http` is the built-in client (whose TLS backend comes from this crate's features), not
    /// one passed to [`ClientBuilder::http_client`].
    pub(crate) builtin_http: bool,
    /// A response whose decode recorded drift fails with [`Error::Drift`].
    pub(crate) strict_decoding: bool,
}

impl Client {
    /// A client for the US region with default settings.
    ///
    /// Never fails: if the client cannot be set up (for example the token
    /// contains characters not allowed in an HTTP header), every request
    /// returns [`Error::InvalidRequest`] explaining why. Use
    /// [`Client::builder`] to get such problems reported up front.
    pub fn new(token: impl Into<String>) -> Client {
        let builder = Client::builder(token);
        match builder.build() {
            Ok(client) => client,
            Err(error) => Client {
                inner: Arc::new(Inner {
                    ready: Err(error.to_string()),
                }),
            },
        }
    }

    /// A client whose every request returns [`Error::InvalidRequest`] with `reason`.
    #[cfg(feature = "test-util")]
    pub(crate) fn unusable(reason: String) -> Client {
        Client {
            inner: Arc::new(Inner { ready: Err(reason) }),
        }
    }

    /// A builder to configure region, base URL, timeouts, retries and more.
    pub fn builder(token: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(token)
    }

    /// The base URL requests are sent to (without trailing slash); `None`
    /// when the client could not be set up.
    pub fn base_url(&self) -> Option<&str> {
        self.inner.ready.as_ref().ok().map(|r| r.base_url.as_str())
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Client");
        match &self.inner.ready {
            Ok(ready) => d
                .field("base_url", &ready.base_url)
                .field("token", &"<redacted>")
                .field("user_agent", &ready.user_agent)
                .field("timeout", &ready.timeout)
                .field("max_attempts", &ready.retry.max_attempts)
                .field("retry_non_idempotent", &ready.retry.retry_non_idempotent)
                .field("max_retry_wait", &ready.retry.max_retry_wait)
                .field("rate_limit", &ready.pacer.pacing())
                .field("strict_decoding", &ready.strict_decoding),
            Err(reason) => d.field("token", &"<redacted>").field("unusable", reason),
        };
        d.finish_non_exhaustive()
    }
}

/// Where requests go: a known region or a custom URL.
#[derive(Clone)]
enum Target {
    Region(Region),
    Custom(String),
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Region(region) => f.debug_tuple("Region").field(region).finish(),
            Target::Custom(url) => f.debug_tuple("Custom").field(&redact_url(url)).finish(),
        }
    }
}

/// `raw` with any userinfo (`user:password@`) replaced by `***@`, for errors and `Debug`;
/// also when `raw` does not parse as a URL.
fn redact_url(raw: &str) -> String {
    let (scheme, rest) = match raw.find("://") {
        Some(at) => raw.split_at(at + 3),
        None => ("", raw),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}***{}", &rest[at..]),
        None => raw.to_owned(),
    }
}

/// `true` for `localhost` and loopback IP addresses.
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    match ip.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// Configures and builds a [`Client`]; created by [`Client::builder`].
///
/// Its `Debug` output never shows the token.
#[derive(Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    token: AccessToken,
    target: Target,
    connect_timeout: Duration,
    timeout: Option<Duration>,
    user_agent: String,
    http_client: Option<reqwest::Client>,
    retry: RetryConfig,
    max_response_bytes: u64,
    allow_insecure_http: bool,
    rate_limit: RateLimitPacing,
    strict_decoding: bool,
}

impl ClientBuilder {
    fn new(token: impl Into<String>) -> Self {
        Self {
            token: AccessToken::new(token.into()),
            target: Target::Region(Region::default()),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: Some(DEFAULT_TIMEOUT),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http_client: None,
            retry: RetryConfig::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
            rate_limit: RateLimitPacing::default(),
            strict_decoding: false,
        }
    }

    /// Sends requests to the API host of `region` (default [`Region::Us`]).
    /// Replaces an earlier [`base_url`](ClientBuilder::base_url).
    pub fn region(mut self, region: Region) -> Self {
        self.target = Target::Region(region);
        self
    }

    /// Sends requests to a custom base URL (a proxy, a mock server), e.g.
    /// `http://127.0.0.1:8080` or `https://proxy.example/intercom`.
    /// Operation paths are appended to it. Must be an absolute `https` URL
    /// (or `http` to a loopback address, unless
    /// [`allow_insecure_http`](ClientBuilder::allow_insecure_http)) without
    /// credentials, query or fragment; checked by
    /// [`build`](ClientBuilder::build). Replaces an earlier
    /// [`region`](ClientBuilder::region).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.target = Target::Custom(url.into());
        self
    }

    /// Allows a plain `http` [`base_url`](ClientBuilder::base_url) whose host is not a loopback
    /// address (default `false`: the token would cross the network in clear text, so only
    /// `https`, or `http` to `127.0.0.0/8`, `::1` or `localhost`, is accepted).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Timeout for establishing a connection (default 10 s). Ignored when an
    /// [`http_client`](ClientBuilder::http_client) is supplied.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout for a whole attempt, from connecting until the response body
    /// has been read (default 60 s). Each retry gets a fresh timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Removes the whole-request timeout.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Overrides the `User-Agent` header (default `intercom-api/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Uses a caller-configured `reqwest` client (proxies, TLS settings,
    /// connection pool sharing), of the `reqwest` version this crate uses:
    /// [`intercom_api::reqwest`](crate::reqwest). Authentication, the `Intercom-Version`,
    /// `Accept` and `User-Agent` headers, the request timeout and retries are
    /// still handled per request. Build it with
    /// `.redirect(reqwest::redirect::Policy::none())`: a response that a
    /// custom client reached through a redirect fails with
    /// [`Error::Redirect`], but only after the redirect was followed.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Total attempts per call, first try included (default 3). `0` is
    /// treated as `1`. Can be overridden per call with
    /// [`CallOptions`](super::CallOptions).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts.max(1);
        self
    }

    /// Also retry non-idempotent requests (POST, PATCH) after 5xx responses
    /// and transport errors, which may repeat a side effect (default
    /// `false`; a 429 is always retried since the request was not
    /// processed).
    pub fn retry_non_idempotent(mut self, enabled: bool) -> Self {
        self.retry.retry_non_idempotent = enabled;
        self
    }

    /// The most one call waits in all (default 60 s): rate-limit pacing and the
    /// waits asked by `Retry-After` or `X-RateLimit-Reset` count against it; a
    /// requested wait is shortened to what is left, and with nothing left the
    /// call stops (pacing: [`Error::RateLimited`](crate::Error::RateLimited);
    /// a retry: the server's answer).
    pub fn max_retry_wait(mut self, max: Duration) -> Self {
        self.retry.max_retry_wait = max;
        self
    }

    /// First delay of the exponential backoff used when the server gives no
    /// wait hint (default 500 ms; doubled per retry, plus up to 100 %
    /// random jitter).
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.retry.initial_backoff = delay;
        self
    }

    /// Largest backoff delay before jitter (default 30 s).
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.retry.max_backoff = delay;
        self
    }

    /// Largest response body the client reads, success or error (default 64 MiB): a larger
    /// `Content-Length` fails before the body is read, and a body (e.g. chunked) that grows past
    /// it fails as soon as it does, with [`Error::ResponseTooLarge`] naming the limit. Can be
    /// overridden per call with [`CallOptions`](super::CallOptions).
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Strict decoding (default `false`): a success response whose body decoded with
    /// [`drift`](crate::drift) (a member whose JSON value did not fit the type the spec declares,
    /// left `None` and kept raw) fails with [`Error::Drift`], which names each member's path, the
    /// Rust type it was declared with and the JSON kind that arrived, with the status and request
    /// id (never the values). Applies to every typed decode: `send`, `send_with_response`,
    /// `send_as_*`, every page of `.pages()`/`.stream()` (the stream ends with the error at the
    /// page that drifted) and [`RawRequest::send`](super::RawRequest::send). Nothing changes for
    /// bodies that fit their types, nor for bodies that do not decode at all
    /// ([`Error::Decode`]).
    ///
    /// Meant for tests: a test fails when the crate had to keep a value raw, where the default
    /// (lenient) client decodes the rest and reports the records
    /// ([`Response::drift`](super::Response::drift)). The clients of the mock server of
    /// `intercom_api::testing` (feature `test-util`) decode strictly.
    ///
    /// ```no_run
    /// # #[cfg(feature = "v2_16")]
    /// # async fn run() -> Result<(), intercom_api::Error> {
    /// use intercom_api::prelude::*;
    /// use intercom_api::{Client, Error};
    ///
    /// let client = Client::builder("token").strict_decoding(true).build()?;
    /// match client.v2_16().admins().identify_admin().send().await {
    ///     Ok(_admin) => {}
    ///     Err(Error::Drift(error)) => {
    ///         for record in error.drift() {
    ///             // `data[3].ticket_state (in Ticket): expected TicketTicketState, found an object`
    ///             eprintln!("{record}");
    ///         }
    ///     }
    ///     Err(other) => return Err(other),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn strict_decoding(mut self, strict: bool) -> Self {
        self.strict_decoding = strict;
        self
    }

    /// How calls are paced by Intercom's rate-limit headers (default
    /// [`RateLimitPacing::on`]): [`RateLimitPacing::off`], or
    /// [`RateLimitPacing::with_reserve`] to leave part of every window to other processes of the
    /// same Intercom app. Shared by every clone of the built client.
    pub fn rate_limit(mut self, pacing: RateLimitPacing) -> Self {
        self.rate_limit = pacing;
        self
    }

    /// Validates the settings and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the base URL is invalid, the token or
    /// user agent contain characters not allowed in an HTTP header, or the
    /// HTTP client cannot be created.
    pub fn build(self) -> Result<Client, Error> {
        let (base_url, base_path) = match &self.target {
            Target::Region(region) => (region.base_url().to_owned(), String::new()),
            Target::Custom(url) => validate_base_url(url, self.allow_insecure_http)?,
        };
        let base_parsed = Url::parse(&base_url)
            .map_err(|e| Error::invalid_request_with("cannot parse the base URL", e))?;
        let auth = self.token.bearer_header().ok_or_else(|| {
            Error::invalid_request(
                "the access token contains characters that are not allowed in an HTTP header",
            )
        })?;
        let user_agent = HeaderValue::try_from(self.user_agent.as_str()).map_err(|e| {
            Error::invalid_request_with(
                "the user agent contains characters that are not allowed in an HTTP header",
                e,
            )
        })?;
        let builtin_http = self.http_client.is_none();
        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .user_agent(user_agent.clone())
                // Redirects are never followed (see `Error::Redirect`).
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::invalid_request_with("cannot create the HTTP client", e))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                ready: Ok(Ready {
                    http,
                    auth,
                    base_url,
                    base_path,
                    base_parsed,
                    user_agent,
                    timeout: self.timeout,
                    retry: self.retry,
                    max_response_bytes: self.max_response_bytes,
                    pacer: Pacer::new(self.rate_limit),
                    builtin_http,
                    strict_decoding: self.strict_decoding,
                }),
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token)
            .field("target", &self.target)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http_client.is_some())
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("rate_limit", &self.rate_limit)
            .field("strict_decoding", &self.strict_decoding)
            .finish()
    }
}

/// Checks a custom base URL; returns it without trailing slash, and its path
/// without trailing slash.
fn validate_base_url(raw: &str, allow_insecure_http: bool) -> Result<(String, String), Error> {
    let shown = redact_url(raw);
    let invalid = |why: &str| Error::invalid_request(format!("invalid base URL `{shown}`: {why}"));
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::invalid_request_with(format!("invalid base URL `{shown}`"), e))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("a host is required"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials in the URL are not supported (the access token authenticates)",
        ));
    }
    if url.scheme() == "http" && !allow_insecure_http && !is_loopback(&url) {
        return Err(invalid(
            "plain http is only allowed to a loopback address; use https, or \
             `ClientBuilder::allow_insecure_http(true)`",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a query or fragment is not allowed"));
    }
    let base = url.as_str().trim_end_matches('/').to_owned();
    let path = url.path().trim_end_matches('/').to_owned();
    Ok((base, path))
}

#[cfg(test)]
mod tests {
    use super::{redact_url, validate_base_url};

    #[test]
    fn redaction() {
        assert_eq!(
            redact_url("https://u:pw@h.example/x"),
            "https://***@h.example/x"
        );
        assert_eq!(redact_url("u:pw@h.example"), "***@h.example");
        assert_eq!(redact_url("https://h.example/a@b"), "https://h.example/a@b");
    }

    #[test]
    fn base_urls() {
        let validate_base_url = |url| validate_base_url(url, false);
        assert_eq!(
            validate_base_url("http://127.0.0.1:8080/").ok(),
            Some(("http://127.0.0.1:8080".to_owned(), String::new()))
        );
        assert_eq!(
            validate_base_url("https://proxy.example/intercom/").ok(),
            Some((
                "https://proxy.example/intercom".to_owned(),
                "/intercom".to_owned()
            ))
        );
        for bad in [
            "",
            "not a url",
            "ftp://x.example",
            "https://u:p@x.example",
            "https://x.example/?a=1",
            "https://x.example/#f",
            "mailto:a@b.c",
        ] {
            assert!(validate_base_url(bad).is_err(), "{bad}");
        }
    }
}
