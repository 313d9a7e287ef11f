//! Hand-written runtime: client, auth, regions, errors, the shared send path,
//! retries and the escape hatches for what the spec lacks ([`RawRequest`]).
//!
//! Every generated operation builder implements [`Operation`] (and, when it returns a page,
//! [`Paginated`]): it describes its request as a `RequestParts`; the trait hands it to the
//! [`Client`]'s shared send path and decodes the result into a [`Response`].
//! The module is private: what a caller needs is re-exported at the crate root (its one public
//! path), what the generated code and the crate's tests need under `crate::__private`.

mod auth;
mod client;
mod error;
mod extra;
mod operation;
pub mod pagination;
mod path;
mod rate_limit;
mod region;
mod request;
mod response;
mod retry;
mod send;

pub use client::{Client, ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES};
pub use error::{
    ApiError, ApiErrorItem, DecodeError, DriftError, Error, InvalidRequestError,
    MAX_ERROR_BODY_BYTES, PaginationError, RateLimitedError, RedirectError, ResponseTooLargeError,
    TransportError,
};
pub use extra::RawRequest;
pub use operation::{CallState, Decoder, Operation, send_as};
pub use pagination::{Items, Pages, Paginated};
pub use path::path_segment;
pub use rate_limit::RateLimitPacing;
pub use region::Region;
pub use request::CallOptions;
pub use response::{MAX_RESPONSE_DEPTH, RateLimit, Redirect, Response};

pub use extra::Extras;
pub use request::RequestParts;
pub use response::{
    RawResponse, decode_bytes, decode_empty, decode_json, decode_json_array, decode_redirect,
    decode_text,
};
pub use send::{body, send};

/// The `reqwest` version used by the runtime, for generated code.
pub use reqwest;
/// The HTTP method of a [`RawRequest`] (`reqwest`'s, i.e. `http`'s).
pub use reqwest::Method;
