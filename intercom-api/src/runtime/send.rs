//! The send path of the generated operations: a built request goes through
//! [`Client::execute`](super::Client) (retries, errors) and its body is decoded.
//!
//! The generated `send()` / `send_with_response()` methods are plain functions that build the
//! [`RequestParts`] and return one of these futures, so each operation compiles to a few lines and
//! the asynchronous code exists once, here.

use std::future::Future;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::Error;
use super::request::RequestParts;
use super::response::{Response, decode_bytes, decode_empty, decode_json};

/// Sends the request and decodes a JSON body into `T`.
#[doc(hidden)]
pub async fn send_json<T: DeserializeOwned>(
    client: &Client,
    parts: Result<RequestParts, Error>,
) -> Result<Response<T>, Error> {
    decode_json(client.execute(parts?).await?)
}

/// Sends the request; the success has no body.
#[doc(hidden)]
pub async fn send_empty(
    client: &Client,
    parts: Result<RequestParts, Error>,
) -> Result<Response<()>, Error> {
    decode_empty(client.execute(parts?).await?)
}

/// Sends the request and returns the body bytes as they are (file downloads).
#[doc(hidden)]
pub async fn send_bytes(
    client: &Client,
    parts: Result<RequestParts, Error>,
) -> Result<Response<Bytes>, Error> {
    decode_bytes(client.execute(parts?).await?)
}

/// The body of the response that `response` resolves to.
#[doc(hidden)]
pub async fn body<T>(
    response: impl Future<Output = Result<Response<T>, Error>>,
) -> Result<T, Error> {
    response.await.map(Response::into_body)
}
