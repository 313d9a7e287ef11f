//! Typed client for the Intercom REST API.
#![warn(missing_docs)]

#[doc(hidden)]
pub mod codec;
pub mod runtime;

pub use codec::drift;

// @generated versions (begin): managed by `cargo xtask regen`
#[cfg(feature = "v2_10")]
#[rustfmt::skip]
pub mod v2_10;
#[cfg(feature = "v2_11")]
#[rustfmt::skip]
pub mod v2_11;
// @generated versions (end)

// runtime re-exports (begin)
/// The HTTP status of a response or an error (`reqwest`'s, i.e. `http`'s), as returned by
/// [`Error::status`] and [`Response::status`].
pub use reqwest::StatusCode;
pub use runtime::{
    ApiError, ApiErrorItem, CallOptions, Client, ClientBuilder, DecodeError, Error,
    InvalidRequestError, Method, OperationExt, PaginationError, RateLimit, RawRequest,
    RedirectError, Region, Response, ResponseTooLargeError, TransportError,
};
pub use runtime::{Items, Pages};
// runtime re-exports (end)
pub use drift::Drift;
