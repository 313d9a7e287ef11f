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
pub use runtime::{
    ApiError, ApiErrorItem, CallOptions, Client, ClientBuilder, DecodeError, Error,
    InvalidRequestError, Method, OperationExt, PaginationError, RateLimit, RawRequest,
    RedirectError, Region, Response, ResponseTooLargeError, TransportError,
};
// runtime re-exports (end)
pub use drift::Drift;
