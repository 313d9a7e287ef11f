//! Hand-written runtime: client, auth, regions, errors, the shared send path,
//! retries and the escape hatches for what the spec lacks ([`RawRequest`]).
//!
//! The generated API modules build a `RequestParts`, hand it to the
//! [`Client`]'s shared send path and decode the result into a [`Response`].
//! Everything a caller needs is re-exported at the crate root as well.

mod auth;
mod client;
mod error;
mod extra;
#[doc(hidden)]
pub mod pagination;
mod path;
mod region;
mod request;
mod response;
mod retry;
mod send;

pub use client::{Client, ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES};
pub use error::{
    ApiError, ApiErrorItem, DecodeError, Error, InvalidRequestError, MAX_ERROR_BODY_BYTES,
    PaginationError, RedirectError, ResponseTooLargeError, TransportError,
};
pub use extra::{OperationExt, RawRequest};
pub use pagination::{Items, Pages};
pub use path::path_segment;
pub use region::Region;
pub use request::CallOptions;
pub use response::{MAX_RESPONSE_DEPTH, RateLimit, Redirect, Response};

#[doc(hidden)]
pub use extra::Extras;
#[doc(hidden)]
pub use request::RequestParts;
#[doc(hidden)]
pub use response::{
    RawResponse, decode_bytes, decode_empty, decode_json, decode_redirect, decode_text,
};
#[doc(hidden)]
pub use send::{body, send};

/// The `reqwest` version used by the runtime, for generated code.
#[doc(hidden)]
pub use reqwest;
/// The HTTP method of a [`RawRequest`] (`reqwest`'s, i.e. `http`'s).
pub use reqwest::Method;
