//! Typed client for the Intercom REST API.
#![warn(missing_docs)]

mod codec;
mod runtime;

pub use codec::drift;

// @generated versions (begin): managed by `cargo xtask regen`
#[cfg(feature = "v2_10")]
#[rustfmt::skip]
pub mod v2_10;
#[cfg(feature = "v2_11")]
#[rustfmt::skip]
pub mod v2_11;
// @generated versions (end)

// The public runtime: each type has this one path.
pub use drift::Drift;
/// The HTTP status of a response or an error (`reqwest`'s, i.e. `http`'s), as returned by
/// [`Error::status`] and [`Response::status`].
pub use reqwest::StatusCode;
pub use runtime::{
    ApiError, ApiErrorItem, CallOptions, Client, ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES,
    DecodeError, Error, InvalidRequestError, Items, MAX_ERROR_BODY_BYTES, MAX_RESPONSE_DEPTH,
    Method, OperationExt, Pages, PaginationError, RateLimit, RawRequest, Redirect, RedirectError,
    Region, Response, ResponseTooLargeError, TransportError, path_segment,
};

/// Not public API: what the generated code and the crate's own tests reach into (the request
/// parts, the decoders, the send path, the pagination drivers, the codec). No semver guarantee.
#[doc(hidden)]
pub mod __private {
    pub use crate::runtime::{
        Extras, RawResponse, RequestParts, body, decode_bytes, decode_empty, decode_json,
        decode_redirect, decode_text, pagination, reqwest, send,
    };

    /// The serde helpers of the generated types.
    pub mod codec {
        pub use crate::codec::*;
    }
}
