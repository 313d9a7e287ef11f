//! The send path of the generated operations: a built request goes through
//! [`Client::execute`](super::Client) (retries, errors) and its body is decoded.
//!
//! The generated `send()` / `send_with_response()` methods are plain functions that build the
//! [`RequestParts`] and return this future, so each operation compiles to a few lines and
//! the asynchronous code exists once, here.

use std::future::Future;

use super::client::Client;
use super::error::Error;
use super::request::RequestParts;
use super::response::{RawResponse, Response};

/// Sends the request and decodes the success with `decode` (`decode_json`, `decode_empty` or
/// `decode_bytes`). The future owns `client` (a clone: an `Arc`), so it is `'static` and can be
/// spawned.
#[doc(hidden)]
pub async fn send<T>(
    client: Client,
    parts: Result<RequestParts, Error>,
    decode: impl FnOnce(RawResponse) -> Result<Response<T>, Error>,
) -> Result<Response<T>, Error> {
    decode(client.execute(parts?).await?)
}

/// The body of the response that `response` resolves to.
#[doc(hidden)]
pub async fn body<T>(
    response: impl Future<Output = Result<Response<T>, Error>>,
) -> Result<T, Error> {
    response.await.map(Response::into_body)
}
