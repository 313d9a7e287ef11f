//! Lazy pagination: [`Pages`] (whole pages) and [`Items`] (the items of
//! every page, optionally capped with [`Items::max_items`]).
//!
//! Generated list operations get `.pages()` and `.stream()` built on
//! [`pages`], [`scroll_pages`] and [`items`]. Both streams are lazy: no request
//! is sent before the stream is first polled, and the next page is only
//! requested once the previous one has been consumed. Every request goes
//! through the client's send path, so each page is retried on its own per
//! the retry policy (429, 5xx, transport errors).
//!
//! Lists whose spec declares no paging parameter page by the key their
//! response implies ([`ImpliedPage`]: a cursor, a `next` URL's parameter or
//! the next page number), sent as an undeclared query parameter.
//!
//! A stream ends after the last page: when a page has no next cursor (or page
//! number), when the cursor is empty, when the server repeats a cursor it
//! already sent (a server bug that would otherwise loop forever), or after
//! the first error, which is yielded as the last element.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_core::stream::FusedStream;
use futures_util::StreamExt;

use super::error::{Error, PaginationError};
use super::request::RequestParts;

/// A boxed, type-erased stream.
type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send + 'static>>;

/// The key that selects the next page: a cursor (`String`) or a page number
/// (`i64`, `i32`, `u32`, `u64`).
///
/// Implemented by the generated code's key types; a key can say that it marks
/// the end of the listing.
#[doc(hidden)]
pub trait PageKey: Eq + Hash + Clone + Send {
    /// `true` when this key means "no further page" (an empty cursor).
    fn is_end(&self) -> bool;
}

impl PageKey for String {
    /// An empty (or all-whitespace) cursor ends the listing.
    fn is_end(&self) -> bool {
        self.trim().is_empty()
    }
}

macro_rules! page_number_key {
    ($($ty:ty),*) => {$(
        impl PageKey for $ty {
            /// A page number never ends the listing by itself; the generated
            /// `next_key` returns `None` after the last page.
            fn is_end(&self) -> bool {
                false
            }
        }
    )*};
}

page_number_key!(i32, i64, u32, u64);

/// The next page of an operation that declares no paging parameter (most
/// 2.10 lists), as its response implies it; the generated builder sends it
/// as a query parameter the spec does not declare.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ImpliedPage {
    /// `starting_after=<cursor>`.
    Cursor(String),
    /// `page=<n>`.
    Number(i64),
}

impl PageKey for ImpliedPage {
    fn is_end(&self) -> bool {
        match self {
            ImpliedPage::Cursor(cursor) => cursor.is_end(),
            ImpliedPage::Number(_) => false,
        }
    }
}

impl ImpliedPage {
    /// The page after the one just received, from its `pages` member, in
    /// this order: a non-empty `next.starting_after` cursor; a `next` URL's
    /// `starting_after`, else its `page` (only those are taken from it: the
    /// call's own parameters are resent unchanged); `page + 1` while `page`
    /// is below `total_pages`. `None` (the last page) when none applies.
    pub fn next(
        cursor: Option<String>,
        next_url: Option<String>,
        page: Option<i64>,
        total_pages: Option<i64>,
    ) -> Option<Self> {
        if let Some(cursor) = cursor.filter(|c| !c.is_end()) {
            return Some(ImpliedPage::Cursor(cursor));
        }
        if let Some(next) = next_url.as_deref().and_then(Self::from_url) {
            return Some(next);
        }
        let (page, total_pages) = (page?, total_pages?);
        (page < total_pages).then_some(ImpliedPage::Number(page + 1))
    }

    /// `starting_after`, else `page`, from the query of `url` (absolute, or
    /// relative to the API).
    fn from_url(url: &str) -> Option<Self> {
        let base = reqwest::Url::parse("https://api.intercom.io/").ok()?;
        let url = base.join(url.trim()).ok()?;
        let value = |name: &str| {
            url.query_pairs()
                .find(|(k, v)| k == name && !v.trim().is_empty())
                .map(|(_, v)| v.into_owned())
        };
        if let Some(cursor) = value("starting_after") {
            return Some(ImpliedPage::Cursor(cursor));
        }
        value("page")?.trim().parse().ok().map(ImpliedPage::Number)
    }

    /// Adds the page to a request as `starting_after` or `page`.
    pub fn push_query(&self, parts: &mut RequestParts) {
        match self {
            ImpliedPage::Cursor(cursor) => parts.push_query("starting_after", cursor.clone()),
            ImpliedPage::Number(page) => parts.push_query("page", page.to_string()),
        }
    }
}

/// A lazy stream of whole pages of a paginated operation.
///
/// Returned by the `.pages()` method of generated list operations. Owns its
/// client (`Send + 'static`: it can be spawned). No request is sent before
/// it is polled; each poll that needs a new page
/// sends one call (retried per the client's retry policy). Yields
/// `Err(..)` at most once, as its last element.
///
/// ```no_run
/// # #[cfg(feature = "v2_11")]
/// # async fn run(client: &intercom_api::Client) -> Result<(), intercom_api::Error> {
/// use futures_util::TryStreamExt;
///
/// let mut pages = client.v2_11().contacts().list_contacts().per_page(150).pages();
/// while let Some(page) = pages.try_next().await? {
///     println!("{} contacts", page.data.map_or(0, |d| d.len()));
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Pages<P> {
    inner: BoxStream<Result<P, Error>>,
    done: bool,
}

impl<P> fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<P> Stream for Pages<P> {
    type Item = Result<P, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let polled = self.inner.as_mut().poll_next(cx);
        if let Poll::Ready(None) = polled {
            self.done = true;
        }
        polled
    }
}

impl<P> FusedStream for Pages<P> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

/// A lazy stream of the items of every page of a paginated operation.
///
/// Returned by the `.stream()` method of generated list operations. Owns its
/// client (`Send + 'static`: it can be spawned). No request is sent before
/// it is polled, and the next page is only requested
/// once every item of the previous one has been yielded. An error (after the
/// client's retries) is yielded as the last element.
///
/// ```no_run
/// # #[cfg(feature = "v2_11")]
/// # async fn run(client: &intercom_api::Client) -> Result<(), intercom_api::Error> {
/// use futures_util::TryStreamExt;
///
/// let first_500: Vec<_> = client
///     .v2_11()
///     .contacts()
///     .list_contacts()
///     .stream()
///     .max_items(500)
///     .try_collect()
///     .await?;
/// # let _ = first_500;
/// # Ok(())
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Items<I> {
    pages: Option<BoxStream<Result<Vec<I>, Error>>>,
    buffer: std::vec::IntoIter<I>,
    remaining: Option<usize>,
}

// No field is structurally pinned: `pages` is boxed and `buffer` is only
// moved out of by value.
impl<I> Unpin for Items<I> {}

impl<I> fmt::Debug for Items<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("buffered", &self.buffer.len())
            .field("remaining", &self.remaining)
            .field("done", &self.is_terminated())
            .finish_non_exhaustive()
    }
}

impl<I> Items<I> {
    /// Stops the stream after `n` items. Once the `n`th item has been
    /// yielded no further request is sent; `max_items(0)` sends none at all.
    /// A second call replaces the cap, counting from the items still to
    /// come.
    pub fn max_items(mut self, n: usize) -> Self {
        self.remaining = Some(n);
        if n == 0 {
            self.finish();
        }
        self
    }

    fn finish(&mut self) {
        self.pages = None;
        self.buffer = Vec::new().into_iter();
    }
}

impl<I> Stream for Items<I> {
    type Item = Result<I, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.remaining == Some(0) {
                this.finish();
                return Poll::Ready(None);
            }
            if let Some(item) = this.buffer.next() {
                if let Some(remaining) = &mut this.remaining {
                    *remaining -= 1;
                }
                return Poll::Ready(Some(Ok(item)));
            }
            let Some(pages) = this.pages.as_mut() else {
                return Poll::Ready(None);
            };
            match pages.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(items))) => this.buffer = items.into_iter(),
                Poll::Ready(Some(Err(error))) => {
                    this.finish();
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(None) => {
                    this.finish();
                    return Poll::Ready(None);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.buffer.len();
        let (low, high) = match (self.pages.is_some(), self.remaining) {
            (_, Some(n)) if n <= buffered => (n, Some(n)),
            (false, _) => (buffered, Some(buffered)),
            (true, remaining) => (buffered, remaining),
        };
        (low, high)
    }
}

impl<I> FusedStream for Items<I> {
    fn is_terminated(&self) -> bool {
        self.pages.is_none() && self.buffer.len() == 0
    }
}

/// The state carried from one page request to the next.
struct Cursor<C, K, S, N, W> {
    /// The call as first built; every later call is `with_key(template, key)`.
    template: C,
    /// The call to send on the next poll; `None` once the listing is over.
    next: Option<C>,
    /// Keys already followed, to stop on a repeated cursor; `None` for scroll
    /// APIs, which legitimately repeat their key.
    seen: Option<HashSet<K>>,
    send: S,
    next_key: N,
    with_key: W,
}

fn paginate<C, P, K, Fut, S, N, W>(
    first: C,
    send: S,
    next_key: N,
    with_key: W,
    detect_repeats: bool,
) -> Pages<P>
where
    C: Clone + Send + 'static,
    P: Send + 'static,
    K: PageKey + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
    S: Fn(C) -> Fut + Send + 'static,
    N: Fn(&P) -> Option<K> + Send + 'static,
    W: Fn(C, K) -> C + Send + 'static,
{
    let state = Cursor {
        template: first.clone(),
        next: Some(first),
        seen: detect_repeats.then(HashSet::new),
        send,
        next_key,
        with_key,
    };
    let stream = futures_util::stream::unfold(state, |mut state| async move {
        let call = state.next.take()?;
        match (state.send)(call).await {
            Ok(page) => {
                if let Some(key) = (state.next_key)(&page) {
                    let fresh = match &mut state.seen {
                        Some(seen) => seen.insert(key.clone()),
                        None => true,
                    };
                    if fresh && !key.is_end() {
                        state.next = Some((state.with_key)(state.template.clone(), key));
                    } else if !fresh {
                        tracing::warn!(
                            "Intercom repeated a pagination cursor; stopping the listing"
                        );
                    }
                }
                Some((Ok(page), state))
            }
            // `state.next` is `None`: the stream ends after the error.
            Err(error) => Some((Err(error), state)),
        }
    });
    Pages {
        inner: Box::pin(stream),
        done: false,
    }
}

/// Pages through a cursor or page-number paginated operation.
///
/// Sends `first` when the stream is first polled and yields the page. Then
/// `next_key(&page)` gives the key of the next page: the stream ends when it
/// is `None`, when the key [is an end marker](PageKey::is_end) (an empty
/// cursor), or when the same key was already followed (the server repeated a
/// cursor). Otherwise the next call is `with_key(first.clone(), key)`: the
/// original call with the key applied (a query parameter, or the
/// `pagination` member of a search body). After an error the stream yields
/// it and ends.
#[doc(hidden)]
pub fn pages<C, P, K, Fut, S, N, W>(first: C, send: S, next_key: N, with_key: W) -> Pages<P>
where
    C: Clone + Send + 'static,
    P: Send + 'static,
    K: PageKey + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
    S: Fn(C) -> Fut + Send + 'static,
    N: Fn(&P) -> Option<K> + Send + 'static,
    W: Fn(C, K) -> C + Send + 'static,
{
    paginate(first, send, next_key, with_key, true)
}

/// Like [`pages`], for scroll APIs (`GET /companies/scroll`), whose scroll
/// parameter may stay the same on every page: a repeated key does not end
/// the stream. `next_key` must return `None` for a page without items (the
/// end of a scroll); a missing or empty key ends it too.
#[doc(hidden)]
pub fn scroll_pages<C, P, K, Fut, S, N, W>(first: C, send: S, next_key: N, with_key: W) -> Pages<P>
where
    C: Clone + Send + 'static,
    P: Send + 'static,
    K: PageKey + 'static,
    Fut: Future<Output = Result<P, Error>> + Send + 'static,
    S: Fn(C) -> Fut + Send + 'static,
    N: Fn(&P) -> Option<K> + Send + 'static,
    W: Fn(C, K) -> C + Send + 'static,
{
    let pages = paginate(first, send, next_key, with_key, false);
    // Intercom keeps the scroll position on its side: a page that failed may have advanced it,
    // so going on (or retrying) could skip a page. The stream ends with an error that says so.
    let stream = pages.map(|page| {
        page.map_err(|error| {
            PaginationError::with_source(
                "a scroll page failed after the server may have advanced the scroll; the scroll \
                 must restart from the beginning (a retry could skip a page)",
                error,
            )
            .into()
        })
    });
    Pages {
        inner: Box::pin(stream),
        done: false,
    }
}

/// The items of every page of `pages`, in order; `extract` takes a page's
/// items out of it (an empty `Vec` for a page without items, which does not
/// end the stream).
#[doc(hidden)]
pub fn items<P, I, F>(pages: Pages<P>, extract: F) -> Items<I>
where
    P: Send + 'static,
    I: Send + 'static,
    F: Fn(P) -> Vec<I> + Send + 'static,
{
    Items {
        pages: Some(Box::pin(pages.map(move |page| page.map(&extract)))),
        buffer: Vec::new().into_iter(),
        remaining: None,
    }
}

/// Checks every page of `pages` with `check` before it is yielded; a page that fails the check is
/// not yielded: the error is, and the stream ends (no further request is sent).
fn guarded<P, St, F>(pages: Pages<P>, state: St, check: F) -> Pages<P>
where
    P: Send + 'static,
    St: Send + 'static,
    F: FnMut(&mut St, &P) -> Result<(), Error> + Send + 'static,
{
    let stream = futures_util::stream::unfold(Some((pages, state, check)), |current| async move {
        let (mut pages, mut state, mut check) = current?;
        match pages.next().await? {
            Ok(page) => match check(&mut state, &page) {
                Ok(()) => Some((Ok(page), Some((pages, state, check)))),
                Err(error) => Some((Err(error), None)),
            },
            Err(error) => Some((Err(error), None)),
        }
    });
    Pages {
        inner: Box::pin(stream),
        done: false,
    }
}

/// Ends `pages` with [`Error::Pagination`] instead of yielding a page whose item ids (`ids`; items
/// without an id are left out) are the same, in the same order, as the previous page's: a server
/// that ignores the cursor or page number would otherwise make the stream yield the same items
/// again. Pages without ids are not compared.
#[doc(hidden)]
pub fn distinct_pages<P, F>(pages: Pages<P>, ids: F) -> Pages<P>
where
    P: Send + 'static,
    F: Fn(&P) -> Vec<String> + Send + 'static,
{
    guarded(pages, Vec::<String>::new(), move |previous, page| {
        let current = ids(page);
        if let Some(first) = current.first().filter(|_| current == *previous) {
            return Err(PaginationError::new(format!(
                "the server sent the same page twice ({} items, first id `{first}`); it ignores \
                 the cursor or page number",
                current.len(),
            ))
            .into());
        }
        *previous = current;
        Ok(())
    })
}

/// Ends a page-number listing with [`Error::Pagination`] when a page's number (`number`, when
/// the page has one) is not above the previous page's: the server echoes a page number instead
/// of advancing, and would otherwise be asked for pages forever.
#[doc(hidden)]
pub fn advancing_pages<P, F>(pages: Pages<P>, number: F) -> Pages<P>
where
    P: Send + 'static,
    F: Fn(&P) -> Option<i64> + Send + 'static,
{
    guarded(pages, None::<i64>, move |previous, page| {
        let Some(current) = number(page) else {
            return Ok(());
        };
        if let Some(before) = previous.filter(|before| current <= *before) {
            return Err(PaginationError::new(format!(
                "the page number does not advance (page {current} after page {before})"
            ))
            .into());
        }
        *previous = Some(current);
        Ok(())
    })
}
