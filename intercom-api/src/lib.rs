//! A typed Rust client for the [Intercom REST API](https://developers.intercom.com), generated
//! from Intercom's own OpenAPI descriptions.
//!
//! Every operation and schema of each supported API version is generated: the operations of a
//! version hang off [`Client`] (`client.v2_11()`), grouped by tag, and return the generated types.
//! A small hand-written runtime does the rest: authentication, regions, the shared send path,
//! retries and rate limits, pagination, errors, and escape hatches for what the spec lacks.
//!
//! # Quickstart
//!
//! ```toml
//! [dependencies]
//! intercom-api = "0.1" # API version features: "v2_11" (default), "v2_10"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! futures = "0.3" # only for the stream adapters (`StreamExt`, `TryStreamExt`) of paginated calls
//! ```
//!
//! ```no_run
//! # #[cfg(feature = "v2_11")]
//! # mod example {
//! use intercom_api::prelude::*;
//! use intercom_api::{Client, Region};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), intercom_api::Error> {
//!     let token = std::env::var("INTERCOM_TOKEN").expect("set INTERCOM_TOKEN");
//!     // `Client::new(token)` talks to the US region; the builder sets the region, a custom
//!     // base URL, timeouts and retries.
//!     let client = Client::builder(token).region(Region::Eu).build()?;
//!
//!     // Required parameters are arguments, optional ones setters; `.send()` returns the
//!     // decoded body, `.send_with_response()` adds status, headers, rate limit and drift.
//!     let contacts = client
//!         .v2_11()
//!         .contacts()
//!         .list_contacts()
//!         .per_page(50)
//!         .send()
//!         .await?;
//!     println!("{:?} contacts", contacts.total_count);
//!
//!     match client.v2_11().contacts().show_contact("404-id").send().await {
//!         Ok(contact) => println!("{:?}", contact.email),
//!         Err(error) if error.is_not_found() => println!("no such contact"),
//!         Err(error) => return Err(error),
//!     }
//!     Ok(())
//! }
//! # }
//! # fn main() {}
//! ```
//!
//! The repository's `intercom-api/examples/` holds complete programs.
//!
//! # Request bodies
//!
//! Request bodies are the generated types. A body the operation cannot do without (the spec marks
//! it required, or its schema has required members or is a union) is an argument of the operation
//! method; a body that may be left out is the `.body(..)` setter. Both take `impl Into<T>`, so a
//! union variant's payload converts into the union. Request structs have `new` with the required
//! members (constant members such as a `type` tag are filled in) and chainable `with_<field>`
//! setters for the optional ones; a struct with required members has no `Default`, so struct
//! update syntax goes over `new`: `T { field: Some(x), ..T::new(required) }`. A union with exactly
//! one string, integer, number, boolean or array variant converts from that value.
//!
//! ```no_run
//! # #[cfg(feature = "v2_11")]
//! # mod example {
//! use intercom_api::prelude::*;
//! use intercom_api::v2_11::models::{
//!     MultipleFilterSearchRequest, MultipleFilterSearchRequestOperator, SearchRequest,
//!     SingleFilterSearchRequest, SingleFilterSearchRequestOperator as Op,
//! };
//!
//! async fn open_or_pending(client: &intercom_api::Client) -> Result<(), intercom_api::Error> {
//!     let state = |value: &str| {
//!         SingleFilterSearchRequest::new()
//!             .with_field("state")
//!             .with_operator(Op::Equals)
//!             .with_value(value)
//!     };
//!     // One filter is `SearchRequest::new(state("open"))`; two combined with OR:
//!     let query = MultipleFilterSearchRequest::new()
//!         .with_operator(MultipleFilterSearchRequestOperator::Or)
//!         .with_value([state("open"), state("pending")]);
//!     let tickets = client
//!         .v2_11()
//!         .tickets()
//!         .search_tickets(SearchRequest::new(query))
//!         .send()
//!         .await?;
//!     println!("{:?} tickets", tickets.total_count);
//!     Ok(())
//! }
//! # }
//! # fn main() {}
//! ```
//!
//! # Versions and features
//!
//! One module per Intercom API version, each behind a cargo feature of the same name: `v2_11`
//! (the default) and `v2_10`; both together compile. Each has `models` (every schema) and
//! `operations` (every operation, one module per tag), and sends its `Intercom-Version` header.
//! Operations the spec does not describe are reachable with [`Client::request`] or
//! `client.v2_11().request(method, path)`.
//!
//! Moving code from one version to the next: [`migrations`] has one page per pair of adjacent
//! versions (what breaks, with the counterpart in the new version; what was added, by tag).
//!
//! # Decoding policy
//!
//! Intercom's live API does not always follow its spec, so responses decode leniently and
//! requests stay strict:
//!
//! - **Lenient responses.** Every field of a type reachable from a response is an `Option`; an
//!   absent or `null` member never fails decoding. Members the spec does not declare are kept in
//!   `additional_properties`, so re-encoding reproduces the input. String enums have an
//!   `Unknown(`[`UnknownValue`]`)` variant, unions an `Other`/`Unknown` variant holding the raw
//!   value. A string field accepts a number or boolean (kept as text); an integer field accepts a
//!   decimal string. A member the spec fixes to one value (`type: admin`) is an `Option<String>`.
//! - **Forward-compatible enums.** Every generated enum and union is `#[non_exhaustive]`: a value
//!   or variant a spec update adds does not break a `match`. String enums parse with `FromStr` and
//!   print their wire value with `Display`/`as_str()`; request-only enums have no `Unknown` and
//!   their `FromStr` fails with [`UnknownEnumValue`].
//! - **Drift.** A member of the wrong JSON kind never fails a response: that field decodes as
//!   `None`, its raw value goes into the enclosing struct's `additional_properties`, and the event
//!   is reported as a [`Drift`] (path, Rust type, expected type, JSON kind found, never the value)
//!   in [`Response::drift`] and as a `tracing` warning (target `intercom_api::drift`). A body decoded
//!   by hand gets its report from [`drift::collect`]. A list in the other list shape (a bare array
//!   for a list object `{"type": "list", "data": [..]}`, or such an object for a declared array) is
//!   decoded across the swap, with a drift record saying so ([`drift::Action`]).
//! - **What still fails.** Malformed JSON, a top-level body of the wrong kind, a body nested deeper
//!   than [`MAX_RESPONSE_DEPTH`] or larger than the client's limit: a [`DecodeError`] naming the
//!   field path, which keeps the whole body ([`DecodeError::body`]). No error's `Display` or
//!   `Debug` shows response body content.
//! - **Strict requests.** Types used only in requests keep required fields required and reject
//!   undeclared members. Constant members (`"type": "admin"`) are no fields: serialization writes
//!   them and `new()` does not take them.
//! - **Escape hatches.** Every operation builder implements [`Operation`]: `.query_param`,
//!   `.header` and `.raw_body` for what the spec lacks; [`RawRequest`] calls any endpoint with
//!   the same authentication, retries and errors.
//!
//! # Retries, rate limits and pagination
//!
//! - **Retries.** 429, 500, 502, 503, 504 and transport failures are retried, up to 3 attempts
//!   in total by default ([`ClientBuilder::max_attempts`], or per call with [`CallOptions`]).
//!   Idempotent methods and searches are retried on all of them; `POST` and `PATCH` only on 429
//!   unless `retry_non_idempotent(true)` is set. Waits follow `Retry-After` (or
//!   `X-RateLimit-Reset` on a 429), capped by `max_retry_wait`, else exponential backoff with
//!   jitter. [`Response::rate_limit`] and [`Error::rate_limit`] expose the rate-limit headers.
//! - **Rate-limit pacing** (on by default, [`RateLimitPacing`]): the clones of a client share
//!   what the last response said about Intercom's rate-limit window; a call the window has no room
//!   for waits for its reset instead of being refused, and a 429 pauses every call of the client.
//!   Pacing holds a call only while its waits (pacing and retries together) stay within
//!   `max_retry_wait`, else [`Error::RateLimited`].
//! - **Redirects** are never followed: an unexpected 3xx is [`Error::Redirect`]; an operation
//!   whose only declared result is a redirect returns [`Redirect`].
//! - **Pagination.** Every operation that returns a page implements [`Paginated`]: `.pages()` (a
//!   stream of whole pages, [`Pages`]) and `.stream()` (the items of every page, [`Items`], capped
//!   with [`Items::max_items`]). Both are lazy `futures` streams: nothing is sent before they are
//!   polled and each page is one call through the retry policy. Cursors, searches, page numbers
//!   and the companies scroll are followed; pagination is detected from response shapes. A stream
//!   ends on the last page, on a repeated cursor, or with [`Error::Pagination`] when the server
//!   repeats a page; an error is yielded after the items before it and ends the stream.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod codec;
mod runtime;

pub use codec::drift;
pub use codec::{UnknownEnumValue, UnknownValue};

pub mod notification;
#[cfg(feature = "webhooks")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhooks")))]
pub mod webhooks;

// @generated versions (begin): managed by `cargo xtask regen`
#[cfg(feature = "v2_10")]
#[cfg_attr(docsrs, doc(cfg(feature = "v2_10")))]
#[rustfmt::skip]
pub mod v2_10;
#[cfg(feature = "v2_11")]
#[cfg_attr(docsrs, doc(cfg(feature = "v2_11")))]
#[rustfmt::skip]
pub mod v2_11;
#[cfg(feature = "v2_14")]
#[cfg_attr(docsrs, doc(cfg(feature = "v2_14")))]
#[rustfmt::skip]
pub mod v2_14;
#[cfg(feature = "v2_16")]
#[cfg_attr(docsrs, doc(cfg(feature = "v2_16")))]
#[rustfmt::skip]
pub mod v2_16;
#[rustfmt::skip]
pub mod migrations;
// @generated versions (end)

#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod testing;

// The public runtime: each type has this one path.
pub use drift::Drift;
/// The HTTP status of a response or an error (`reqwest`'s, i.e. `http`'s), as returned by
/// [`Error::status`] and [`Response::status`].
pub use reqwest::StatusCode;
/// The former name of [`Operation`] (its escape hatches), kept so `use intercom_api::OperationExt;`
/// still works.
#[doc(hidden)]
pub use runtime::Operation as OperationExt;
/// The `reqwest` crate this client is built on: a client passed to
/// [`ClientBuilder::http_client`] must come from this version (`intercom_api::reqwest::Client`).
pub use runtime::reqwest;
pub use runtime::{
    ApiError, ApiErrorItem, CallOptions, Client, ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES,
    DecodeError, DriftError, Error, InvalidRequestError, Items, MAX_ERROR_BODY_BYTES,
    MAX_RESPONSE_DEPTH, Method, Operation, Pages, Paginated, PaginationError, RateLimit,
    RateLimitPacing, RateLimitedError, RawRequest, Redirect, RedirectError, Region, Response,
    ResponseTooLargeError, TransportError, path_segment,
};

/// What a program sending operations always needs in scope: the [`Operation`] trait (`send`,
/// `send_with_response`, `options` and the escape hatches of every builder) and [`Paginated`]
/// (`pages` and `stream` of list operations). `use intercom_api::prelude::*;`
pub mod prelude {
    pub use crate::runtime::{Operation, Paginated};
}

/// Not public API: what the generated code and the crate's own tests reach into (the request
/// parts, the decoders, the send path, the pagination drivers, the codec). No semver guarantee.
#[doc(hidden)]
pub mod __private {
    pub use crate::runtime::{
        CallState, Decoder, Extras, RawResponse, RequestParts, body, decode_bytes, decode_empty,
        decode_json, decode_json_array, decode_redirect, decode_text, pagination, reqwest, send,
        send_as,
    };

    /// The serde helpers of the generated types.
    pub mod codec {
        pub use crate::codec::*;
    }
}
