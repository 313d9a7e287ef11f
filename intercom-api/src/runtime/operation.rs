//! [`Operation`]: the one trait every generated request builder implements. A builder only
//! describes its request (method, path, query, body, retry class: [`Operation::request`]) and how
//! its success decodes ([`Operation::DECODE`]); sending it, the per-call options and the escape
//! hatches for what the spec lacks are written once, here.
//!
//! The provided methods are generic over the builder: like the body of an `async fn`, they are
//! compiled where an operation is sent, not for every operation of the crate.

use std::future::Future;

use reqwest::Method;

use super::client::Client;
use super::error::Error;
use super::extra::Extras;
use super::request::{CallOptions, RequestParts};
use super::response::{RawResponse, Response};

/// How an operation's success response decodes (`decode_json`, `decode_empty`, `decode_bytes`...).
#[doc(hidden)]
pub type Decoder<T> = fn(RawResponse) -> Result<Response<T>, Error>;

/// What every builder holds besides its parameters: the client that sends it and what the call
/// adds ([`CallOptions`], the escape hatches).
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct CallState {
    client: Client,
    extra: Extras,
}

impl CallState {
    /// A call through `client`, with nothing added yet.
    pub fn new(client: Client) -> Self {
        Self {
            client,
            extra: Extras::default(),
        }
    }

    /// The request of an operation: `method`, the `Intercom-Version` `api_version`, the path
    /// `template` with its `{name}` placeholders filled in order by `values` (percent-encoded; a
    /// placeholder without a value is kept as written), and what the call adds.
    pub fn parts(
        &self,
        method: Method,
        api_version: &'static str,
        template: &'static str,
        values: &[&str],
    ) -> RequestParts {
        let mut parts = self.unfilled_parts(method, api_version, template);
        let mut values = values.iter();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| c + open) else {
                break;
            };
            parts.push_path(&rest[..open]);
            match values.next() {
                Some(value) => parts.push_path_param(value),
                None => parts.push_path(&rest[open..=close]),
            }
            rest = &rest[close + 1..];
        }
        parts.push_path(rest);
        parts
    }

    /// Like [`parts`](Self::parts), with an empty path: the caller pushes its segments.
    pub fn unfilled_parts(
        &self,
        method: Method,
        api_version: &'static str,
        template: &'static str,
    ) -> RequestParts {
        let mut parts = RequestParts::new(method, api_version, template);
        parts.set_extras(&self.extra);
        parts
    }

    /// The client that sends the call.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

/// A request of the API: implemented by every generated operation builder (the value returned by
/// e.g. `client.v2_11().tickets().get_ticket("42")`). Set the operation's own parameters with the
/// builder's methods, then [`send`](Operation::send) it.
///
/// Besides sending, it carries the per-call [`options`](Operation::options) and the escape hatches
/// for what the spec lacks: a query parameter the spec does not declare, an extra header, a raw
/// JSON body in place of the typed one. The rules of the escape hatches are the ones of
/// [`RawRequest`](crate::RawRequest)'s methods of the same names. Like [`CallOptions`], what is set
/// applies to every page of a paginated operation's
/// [`pages`](crate::Paginated::pages)/[`stream`](crate::Paginated::stream).
///
/// Bring it into scope with `use intercom_api::prelude::*;` (or `use intercom_api::Operation;`).
///
/// ```no_run
/// # #[cfg(feature = "v2_11")]
/// # async fn run(client: &intercom_api::Client) -> Result<(), intercom_api::Error> {
/// use intercom_api::prelude::*;
/// use intercom_api::v2_11::models::SetAwayAdminRequest;
/// use serde_json::json;
///
/// // The raw body replaces the typed one (a required argument here).
/// client
///     .v2_11()
///     .admins()
///     .set_away_admin("991", SetAwayAdminRequest::new(true, false))
///     .query_param("notify", "false")
///     .header("X-Request-Source", "nightly-sync")
///     .raw_body(json!({"away_mode_enabled": true, "away_mode_reassign": false, "away_status_reason_id": 42}))
///     .send()
///     .await?;
/// # Ok(())
/// # }
/// ```
pub trait Operation: Sized + Send + 'static {
    /// The decoded success body.
    type Output: Send + 'static;

    /// How the success response decodes into [`Output`](Operation::Output).
    #[doc(hidden)]
    const DECODE: Decoder<Self::Output>;

    /// The client and what the call adds to the operation.
    #[doc(hidden)]
    fn call_mut(&mut self) -> &mut CallState;

    /// The request, built before anything is sent: method, path, query, body, retry class.
    #[doc(hidden)]
    fn request(&self) -> Result<RequestParts, Error>;

    /// Per-call options: retry attempts, retrying non-idempotent requests, timeout.
    fn options(mut self, options: CallOptions) -> Self {
        self.call_mut().extra.set_options(options);
        self
    }

    /// Sends the request and returns the decoded body.
    fn send(self) -> impl Future<Output = Result<Self::Output, Error>> + Send + 'static {
        super::send::body(self.send_with_response())
    }

    /// Sends the request and returns the status, headers, rate-limit state and decoded body.
    fn send_with_response(
        mut self,
    ) -> impl Future<Output = Result<Response<Self::Output>, Error>> + Send + 'static {
        let parts = self.request();
        let client = self.call_mut().client.clone();
        super::send::send(client, parts, Self::DECODE)
    }

    /// Appends a query parameter the spec does not declare, after the declared ones
    /// (percent-encoded; order is kept and names may repeat).
    fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.call_mut().extra.push_query(name.into(), value.into());
        self
    }

    /// Adds a header, with the rules of [`RawRequest::header`](crate::RawRequest::header): it
    /// replaces a header of the same name the client sets (`Accept`, `User-Agent`,
    /// `Content-Type`); `Authorization` (in any case), `Proxy-Authorization`, `Intercom-Version`,
    /// `Host`, `Content-Length` and `Transfer-Encoding` cannot be set, and like an invalid name or
    /// value they make `send` fail with [`Error::InvalidRequest`] naming the header (nothing is
    /// sent).
    fn header(mut self, name: &str, value: &str) -> Self {
        self.call_mut().extra.push_header(name, value);
        self
    }

    /// Sends `body` verbatim as the JSON request body (`Content-Type: application/json`) in
    /// place of the typed one, which is then not serialized. Also on operations that declare no
    /// body. `.pages()`/`.stream()` of a search operation put their cursor into the typed body:
    /// with a raw body they would resend the first page, so page through those yourself.
    fn raw_body(mut self, body: serde_json::Value) -> Self {
        self.call_mut().extra.set_raw_body(&body);
        self
    }
}

/// Sends `operation` asking for `accept` and decodes the success with `decode` (the generated
/// `send_as_*` methods: another media type of the success response).
#[doc(hidden)]
pub fn send_as<O: Operation, T>(
    mut operation: O,
    accept: &'static str,
    decode: Decoder<T>,
) -> impl Future<Output = Result<T, Error>> + Send + 'static
where
    T: Send + 'static,
{
    let parts = operation.request().map(|mut parts| {
        parts.set_accept(accept);
        parts
    });
    let client = operation.call_mut().client.clone();
    super::send::body(super::send::send(client, parts, decode))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(values: &[&str], template: &'static str) -> String {
        let state = CallState::new(Client::new("token"));
        state
            .parts(Method::GET, "2.11", template, values)
            .path()
            .to_owned()
    }

    #[test]
    fn placeholders_are_filled_in_order_and_encoded() {
        assert_eq!(path(&["a b", "7"], "/x/{id}/y/{n}"), "/x/a%20b/y/7");
        assert_eq!(path(&[], "/tickets"), "/tickets");
        // More placeholders than values: the rest stay as written.
        assert_eq!(path(&["1"], "/x/{a}/{b}"), "/x/1/{b}");
    }
}
