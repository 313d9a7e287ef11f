//! The lazy streams: [`Pages`] (whole pages) and [`Items`] (the items of every page, optionally
//! capped with [`Items::max_items`]), and the one driver that pages through a call with a
//! [`PageStrategy`].
//!
//! Both streams are lazy: no request is sent before the stream is first polled, and the next page
//! is only requested once the previous one has been consumed. Every request goes through the
//! client's send path, so each page is retried on its own per the retry policy (429, 5xx,
//! transport errors). A stream ends after the last page, on a key already followed (a server bug
//! that would otherwise loop forever; a scroll may repeat its key), or after the first error,
//! which is yielded as the last element.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_core::stream::FusedStream;
use futures_util::StreamExt;

use super::Paginated;
use super::strategy::{PageKey, PageStrategy};
use crate::runtime::error::{Error, PaginationError};
use crate::runtime::response::Response;

/// A boxed, type-erased stream.
type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send + 'static>>;

/// A lazy stream of whole pages of a paginated operation.
///
/// Returned by the `.pages()` method of generated list operations. Each page is a [`Response`],
/// as from `send_with_response()`: the decoded page ([`body`](Response::body),
/// [`into_body`](Response::into_body)) with its status, headers, request id, rate-limit state and
/// the [`drift`](Response::drift) records of that page alone. Owns its client (`Send + 'static`:
/// it can be spawned). No request is sent before it is polled; each poll that needs a new page
/// sends one call (retried per the client's retry policy). Yields `Err(..)` at most once, as its
/// last element.
///
/// ```no_run
/// # #[cfg(feature = "v2_11")]
/// # async fn run(client: &intercom_api::Client) -> Result<(), intercom_api::Error> {
/// use futures_util::TryStreamExt;
/// use intercom_api::prelude::*;
///
/// let mut pages = client.v2_11().contacts().list_contacts().per_page(150).pages();
/// while let Some(page) = pages.try_next().await? {
///     for drift in page.drift() {
///         eprintln!("request {:?}: {drift}", page.request_id());
///     }
///     println!("{} contacts", page.body().data.as_ref().map_or(0, Vec::len));
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Pages<P> {
    inner: BoxStream<Result<Response<P>, Error>>,
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
    type Item = Result<Response<P>, Error>;

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
/// use intercom_api::prelude::*;
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
struct Driver<C, K, S, A, W> {
    /// The call as first built; every later call is `with_key(template, key)`.
    template: C,
    /// The call to send on the next poll; `None` once the listing is over.
    next: Option<C>,
    /// Keys already followed, to stop on a repeated cursor; `None` when keys may repeat (a scroll).
    seen: Option<HashSet<K>>,
    send: S,
    /// The next key from a page (`None`: the last page); an error ends the listing instead of
    /// yielding the page.
    advance: A,
    with_key: W,
    /// What a failed request ends the listing with.
    failed: fn(Error) -> Error,
}

/// Pages through `first`: sends it when the stream is first polled, then the call
/// `with_key(first.clone(), key)` for each key `advance` returns, until it returns none, an end
/// key (an empty cursor) or a key already followed (when `repeated_key_ends`).
fn drive<C, P, K, Fut, S, A, W>(
    first: C,
    send: S,
    advance: A,
    with_key: W,
    repeated_key_ends: bool,
    failed: fn(Error) -> Error,
) -> Pages<P>
where
    C: Clone + Send + 'static,
    P: Send + 'static,
    K: PageKey + 'static,
    Fut: Future<Output = Result<Response<P>, Error>> + Send + 'static,
    S: Fn(C) -> Fut + Send + 'static,
    A: FnMut(&P) -> Result<Option<K>, Error> + Send + 'static,
    W: Fn(C, K) -> C + Send + 'static,
{
    let state = Driver {
        template: first.clone(),
        next: Some(first),
        seen: repeated_key_ends.then(HashSet::new),
        send,
        advance,
        with_key,
        failed,
    };
    let stream = futures_util::stream::unfold(state, |mut state| async move {
        let call = state.next.take()?;
        // After an error `state.next` stays `None`: the stream ends after yielding it.
        let page = match (state.send)(call).await {
            Ok(page) => page,
            Err(error) => return Some((Err((state.failed)(error)), state)),
        };
        let key = match (state.advance)(page.body()) {
            Ok(key) => key,
            Err(error) => return Some((Err(error), state)),
        };
        if let Some(key) = key {
            let fresh = match &mut state.seen {
                Some(seen) => seen.insert(key.clone()),
                None => true,
            };
            if fresh && !key.is_end() {
                state.next = Some((state.with_key)(state.template.clone(), key));
            } else if !fresh {
                tracing::warn!("Intercom repeated a pagination cursor; stopping the listing");
            }
        }
        Some((Ok(page), state))
    });
    Pages {
        inner: Box::pin(stream),
        done: false,
    }
}

/// The pages of a generated paginated operation: its strategy advances, and a page whose item ids
/// (items without an id are left out) are the same, in the same order, as the previous page's ends
/// the stream with [`Error::Pagination`] (a server that ignores the cursor or page number would
/// otherwise make the stream yield the same items again). Pages without ids are not compared.
pub(super) fn paginated<O: Paginated>(first: O) -> Pages<O::Output> {
    let mut strategy = O::Strategy::default();
    let mut previous_ids: Vec<String> = Vec::new();
    let advance = move |page: &O::Output| {
        let key = strategy.advance(O::position(page))?;
        let ids = O::item_ids(page);
        if let Some(first) = ids.first().filter(|_| ids == previous_ids) {
            return Err(PaginationError::new(format!(
                "the server sent the same page twice ({} items, first id `{first}`); it ignores \
                 the cursor or page number",
                ids.len(),
            ))
            .into());
        }
        previous_ids = ids;
        Ok(key)
    };
    drive(
        first,
        O::send_with_response,
        advance,
        O::seek,
        O::Strategy::REPEATED_KEY_ENDS,
        O::Strategy::failed,
    )
}

/// Pages through a cursor or page-number paginated call given as closures.
///
/// Sends `first` when the stream is first polled and yields the page. Then
/// `next_key(&page)` gives the key of the next page: the stream ends when it
/// is `None`, when the key [is an end marker](PageKey::is_end) (an empty
/// cursor), or when the same key was already followed (the server repeated a
/// cursor). Otherwise the next call is `with_key(first.clone(), key)`. After an error the stream
/// yields it and ends. `send` returns the page alone: the stream yields it as a `200 OK` response
/// without headers or drift records (these drivers page through fakes in tests).
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
    let advance = move |page: &P| Ok(next_key(page));
    let send = move |call: C| with_response(send(call));
    drive(first, send, advance, with_key, true, |error| error)
}

/// Like [`pages`], for scroll APIs, whose scroll parameter may stay the same on every page: a
/// repeated key does not end the stream, and a failed page ends it with [`Error::Pagination`]
/// (the [`Scroll`](super::strategy::Scroll) rules). `next_key` must return `None` for a page
/// without items (the end of a scroll); a missing or empty key ends it too.
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
    let advance = move |page: &P| Ok(next_key(page));
    let send = move |call: C| with_response(send(call));
    drive(
        first,
        send,
        advance,
        with_key,
        false,
        super::strategy::Scroll::failed,
    )
}

/// `page` as a `200 OK` response without headers or drift records.
async fn with_response<P>(
    page: impl Future<Output = Result<P, Error>>,
) -> Result<Response<P>, Error> {
    page.await.map(Response::from_body)
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
        pages: Some(Box::pin(
            pages.map(move |page| page.map(|page| extract(page.into_body()))),
        )),
        buffer: Vec::new().into_iter(),
        remaining: None,
    }
}
