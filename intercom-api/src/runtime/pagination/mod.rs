//! Lazy pagination: [`Paginated`] (implemented by every generated operation that returns a page),
//! its streams [`Pages`] and [`Items`], and the strategies that say how a listing advances and
//! ends (`strategy.rs`: cursor, search cursor, page number, scroll, next URL, and the page a
//! response implies when the spec declares no paging parameter).
//!
//! The generated code supplies only accessors: where a page's items and cursor fields are, and
//! where the next page's key goes on the request. Both streams and every end rule are written
//! once, here.

mod strategy;
mod streams;

pub use strategy::{
    Cursor, Implied, ImpliedPage, ImpliedPosition, NextUrl, NumberPosition, PageKey, PageNumber,
    PageStrategy, Scroll, ScrollPosition, SearchCursor,
};
pub use streams::{Items, Pages, items, pages, scroll_pages};

use super::operation::Operation;

/// A list operation: implemented by every generated builder whose response is a page. Its
/// [`pages`](Paginated::pages) and [`stream`](Paginated::stream) follow the pages lazily (no
/// request is sent before the stream is polled) and stop at the last page, on a missing, empty or
/// repeated cursor, or with [`Error::Pagination`](crate::Error::Pagination) when the server
/// repeats a page. How an operation pages is said on its `impl Paginated`.
///
/// ```no_run
/// # #[cfg(feature = "v2_11")]
/// # async fn run(client: &intercom_api::Client) -> Result<(), intercom_api::Error> {
/// use futures_util::TryStreamExt;
/// use intercom_api::prelude::*;
///
/// let mut pages = client.v2_11().contacts().list_contacts().per_page(150).pages();
/// while let Some(page) = pages.try_next().await? {
///     // A `Response`: the page with its status, headers and drift records.
///     println!("{} contacts", page.body().data.as_ref().map_or(0, Vec::len));
/// }
/// # Ok(())
/// # }
/// ```
pub trait Paginated: Operation + Clone {
    /// One item of a page.
    type Item: Send + 'static;
    /// How the listing advances and ends.
    #[doc(hidden)]
    type Strategy: PageStrategy;

    /// What the strategy reads from `page` (its cursor fields).
    #[doc(hidden)]
    fn position(page: &Self::Output) -> <Self::Strategy as PageStrategy>::Position;

    /// This call, asking for the page `key` selects.
    #[doc(hidden)]
    fn seek(self, key: <Self::Strategy as PageStrategy>::Key) -> Self;

    /// The items of `page` (none when it has none).
    #[doc(hidden)]
    fn items(page: Self::Output) -> Vec<Self::Item>;

    /// The ids of the items of `page`, to detect a server that repeats a page (none: not checked).
    #[doc(hidden)]
    fn item_ids(page: &Self::Output) -> Vec<String> {
        let _ = page;
        Vec::new()
    }

    /// The call as first sent (e.g. with a body, where the cursor of later pages goes).
    #[doc(hidden)]
    fn first(self) -> Self {
        self
    }

    /// Every page, lazily: no request is sent before the stream is polled; each page is one call
    /// through the retry policy, yielded as a [`Response`](crate::Response) (like
    /// [`send_with_response`](Operation::send_with_response): status, headers, request id,
    /// rate-limit state and that page's [`drift`](crate::Response::drift)); its
    /// [`into_body`](crate::Response::into_body) is the page.
    fn pages(self) -> Pages<Self::Output> {
        streams::paginated(self.first())
    }

    /// Every item of every page, lazily; cap it with [`Items::max_items`].
    fn stream(self) -> Items<Self::Item> {
        items(self.pages(), Self::items)
    }
}
