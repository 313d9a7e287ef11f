//! Pagination runtime (`intercom_api::__private::pagination`) driven by
//! hand-written fake calls: a `Clone` call template and an async `send` that
//! answers from a table of pages and records every request. No HTTP; the
//! same scenarios through the generated client and a mock server are in
//! `tests/faults.rs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::stream::FusedStream;
use futures_util::{Stream, StreamExt, TryStreamExt};
use intercom_api::__private::pagination::{items, pages, scroll_pages};
use intercom_api::{Client, Error, Items, Pages};

/// One fake page: its items and the key of the next page.
#[derive(Debug, Clone, PartialEq)]
struct Page<K> {
    items: Vec<u32>,
    next: Option<K>,
}

/// A key (`None`: the first call) and its page or failure.
type Entry<K> = (Option<K>, Result<Page<K>, String>);

/// The fake server: a page (or a failure) per key; `None` is the first call.
struct Server<K> {
    pages: HashMap<Option<K>, Result<Page<K>, String>>,
    requests: Mutex<Vec<Option<K>>>,
}

/// The call template: which key to send.
#[derive(Clone)]
struct Call<K> {
    server: Arc<Server<K>>,
    key: Option<K>,
}

impl<K: Clone + Eq + std::hash::Hash + Send + Sync + 'static> Call<K> {
    fn with_key(mut self, key: K) -> Self {
        self.key = Some(key);
        self
    }

    async fn send(self) -> Result<Page<K>, Error> {
        tokio::task::yield_now().await;
        if let Ok(mut requests) = self.server.requests.lock() {
            requests.push(self.key.clone());
        }
        match self.server.pages.get(&self.key) {
            Some(Ok(page)) => Ok(page.clone()),
            Some(Err(why)) => Err(error(why)),
            None => Err(error("no such page")),
        }
    }
}

/// An `Error` built through the public API (an invalid base URL).
fn error(why: &str) -> Error {
    match Client::builder("token")
        .base_url(format!("bad url {why}"))
        .build()
    {
        Err(error) => error,
        Ok(_) => panic!("the base URL should have been rejected"),
    }
}

fn fake_server<K: Eq + std::hash::Hash>(pages: Vec<Entry<K>>) -> Arc<Server<K>> {
    Arc::new(Server {
        pages: pages.into_iter().collect(),
        requests: Mutex::new(Vec::new()),
    })
}

fn requests<K: Clone>(server: &Server<K>) -> Vec<Option<K>> {
    server
        .requests
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default()
}

fn page<K>(items: std::ops::RangeInclusive<u32>, next: Option<K>) -> Result<Page<K>, String> {
    Ok(Page {
        items: items.collect(),
        next,
    })
}

fn cursor(s: &str) -> Option<String> {
    Some(s.to_owned())
}

fn cursor_pages(server: &Arc<Server<String>>) -> Pages<Page<String>> {
    let first = Call {
        server: Arc::clone(server),
        key: None,
    };
    pages(
        first,
        Call::send,
        |page: &Page<String>| page.next.clone(),
        Call::with_key,
    )
}

fn cursor_items(server: &Arc<Server<String>>) -> Items<u32> {
    items(cursor_pages(server), |page: Page<String>| page.items)
}

/// Three pages chained by cursors `a` and `b`.
fn three_pages() -> Arc<Server<String>> {
    fake_server(vec![
        (None, page(1..=3, cursor("a"))),
        (cursor("a"), page(4..=6, cursor("b"))),
        (cursor("b"), page(7..=9, None)),
    ])
}

#[tokio::test]
async fn follows_cursors_over_three_pages_in_order() {
    let server = three_pages();
    let all: Vec<u32> = cursor_items(&server).try_collect().await.expect("items");
    assert_eq!(all, (1..=9).collect::<Vec<_>>());
    assert_eq!(requests(&server), vec![None, cursor("a"), cursor("b")]);

    let server = three_pages();
    let pages: Vec<Page<String>> = cursor_pages(&server)
        .map_ok(intercom_api::Response::into_body)
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2].items, vec![7, 8, 9]);
}

#[tokio::test]
async fn nothing_is_sent_before_polling_and_one_page_per_poll() {
    let server = three_pages();
    let mut pages = cursor_pages(&server);
    tokio::task::yield_now().await;
    assert!(requests(&server).is_empty());
    let first = pages.try_next().await.expect("ok").expect("a page");
    assert_eq!(first.body().items, vec![1, 2, 3]);
    assert_eq!(requests(&server).len(), 1);

    let server = three_pages();
    let mut items = cursor_items(&server);
    assert!(requests(&server).is_empty());
    for expected in 1..=3 {
        assert_eq!(items.try_next().await.expect("ok"), Some(expected));
    }
    // The third item was the last of page 1: page 2 is fetched only now.
    assert_eq!(requests(&server).len(), 1);
    assert_eq!(items.try_next().await.expect("ok"), Some(4));
    assert_eq!(requests(&server).len(), 2);

    // Dropping an unpolled stream never sends anything.
    let server = three_pages();
    drop(cursor_items(&server).max_items(5));
    assert!(requests(&server).is_empty());
}

#[tokio::test]
async fn missing_or_empty_cursor_ends_the_stream() {
    for last in [None, cursor(""), cursor("  ")] {
        let server = fake_server(vec![
            (None, page(1..=2, cursor("a"))),
            (cursor("a"), page(3..=4, last.clone())),
            (cursor(""), page(90..=99, None)),
            (cursor("  "), page(90..=99, None)),
        ]);
        let all: Vec<u32> = cursor_items(&server).try_collect().await.expect("items");
        assert_eq!(all, vec![1, 2, 3, 4], "{last:?}");
        assert_eq!(requests(&server), vec![None, cursor("a")], "{last:?}");
    }
}

#[tokio::test]
async fn repeated_cursor_ends_the_stream() {
    // a -> b -> a: the cycle is cut, every page is yielded once.
    let server = fake_server(vec![
        (None, page(1..=2, cursor("a"))),
        (cursor("a"), page(3..=4, cursor("b"))),
        (cursor("b"), page(5..=6, cursor("a"))),
    ]);
    let all: Vec<u32> = cursor_items(&server).try_collect().await.expect("items");
    assert_eq!(all, vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(requests(&server), vec![None, cursor("a"), cursor("b")]);

    // A page pointing at itself.
    let server = fake_server(vec![
        (None, page(1..=2, cursor("a"))),
        (cursor("a"), page(3..=4, cursor("a"))),
    ]);
    let pages: Vec<_> = cursor_pages(&server).try_collect().await.expect("pages");
    assert_eq!(pages.len(), 2);
    assert_eq!(requests(&server), vec![None, cursor("a")]);
}

#[tokio::test]
async fn an_error_is_the_last_element() {
    let server = fake_server(vec![
        (None, page(1..=2, cursor("a"))),
        (cursor("a"), Err("page two failed".to_owned())),
        (cursor("b"), page(5..=6, None)),
    ]);
    let mut items = cursor_items(&server);
    assert_eq!(items.next().await.map(|r| r.ok()), Some(Some(1)));
    assert_eq!(items.next().await.map(|r| r.ok()), Some(Some(2)));
    let error = items
        .next()
        .await
        .expect("an element")
        .expect_err("an error");
    assert!(error.to_string().contains("page two failed"), "{error}");
    assert!(items.next().await.is_none());
    assert!(items.next().await.is_none(), "fused");
    assert!(items.is_terminated());
    assert_eq!(requests(&server), vec![None, cursor("a")]);

    // The same through `pages`, and a failing first page.
    let mut pages = cursor_pages(&server);
    assert!(pages.next().await.expect("page 1").is_ok());
    assert!(pages.next().await.expect("page 2").is_err());
    assert!(pages.next().await.is_none());
    assert!(pages.next().await.is_none(), "fused");
    assert!(pages.is_terminated());

    let server = fake_server(vec![(None, Err("down".to_owned()))]);
    let result: Result<Vec<u32>, Error> = cursor_items(&server).try_collect().await;
    assert!(result.is_err());
    assert_eq!(requests(&server).len(), 1);
}

#[tokio::test]
async fn max_items_caps_and_sends_no_extra_request() {
    // Cap inside page 2.
    let server = three_pages();
    let some: Vec<u32> = cursor_items(&server)
        .max_items(4)
        .try_collect()
        .await
        .expect("items");
    assert_eq!(some, vec![1, 2, 3, 4]);
    assert_eq!(requests(&server).len(), 2);

    // Cap exactly at a page boundary: page 2 is never requested.
    let server = three_pages();
    let mut capped = cursor_items(&server).max_items(3);
    let some: Vec<u32> = (&mut capped).try_collect().await.expect("items");
    assert_eq!(some, vec![1, 2, 3]);
    assert_eq!(requests(&server).len(), 1);
    assert!(capped.is_terminated());
    assert!(capped.next().await.is_none());
    assert_eq!(requests(&server).len(), 1);

    // Zero: nothing at all.
    let server = three_pages();
    let none: Vec<u32> = cursor_items(&server)
        .max_items(0)
        .try_collect()
        .await
        .expect("items");
    assert!(none.is_empty());
    assert!(requests(&server).is_empty());

    // More than available: everything, no extra request.
    let server = three_pages();
    let all: Vec<u32> = cursor_items(&server)
        .max_items(1_000)
        .try_collect()
        .await
        .expect("items");
    assert_eq!(all.len(), 9);
    assert_eq!(requests(&server).len(), 3);
}

#[tokio::test]
async fn empty_pages_in_the_middle_do_not_end_the_stream() {
    let server = fake_server(vec![
        (None, page(1..=2, cursor("a"))),
        (
            cursor("a"),
            Ok(Page {
                items: Vec::new(),
                next: cursor("b"),
            }),
        ),
        (cursor("b"), page(3..=3, None)),
    ]);
    let all: Vec<u32> = cursor_items(&server).try_collect().await.expect("items");
    assert_eq!(all, vec![1, 2, 3]);
    assert_eq!(requests(&server).len(), 3);
}

/// Page-number pagination: `next = page + 1` while below `total_pages`,
/// the way the generator computes it.
#[tokio::test]
async fn page_numbers_stop_at_total_pages() {
    #[derive(Clone)]
    struct NumberedCall {
        page: Option<i64>,
        sent: Arc<Mutex<Vec<Option<i64>>>>,
    }
    struct NumberedPage {
        page: i64,
        total_pages: i64,
        items: Vec<i64>,
    }
    async fn send(call: NumberedCall) -> Result<NumberedPage, Error> {
        if let Ok(mut sent) = call.sent.lock() {
            sent.push(call.page);
        }
        let page = call.page.unwrap_or(1);
        Ok(NumberedPage {
            page,
            total_pages: 4,
            items: vec![page * 10, page * 10 + 1],
        })
    }
    let sent = Arc::new(Mutex::new(Vec::new()));
    let first = NumberedCall {
        page: None,
        sent: Arc::clone(&sent),
    };
    let stream = items(
        pages(
            first,
            send,
            |p: &NumberedPage| (p.page < p.total_pages).then_some(p.page + 1),
            |mut call: NumberedCall, page: i64| {
                call.page = Some(page);
                call
            },
        ),
        |p: NumberedPage| p.items,
    );
    let all: Vec<i64> = stream.try_collect().await.expect("items");
    assert_eq!(all, vec![10, 11, 20, 21, 30, 31, 40, 41]);
    let sent = sent.lock().map(|s| s.clone()).unwrap_or_default();
    assert_eq!(sent, vec![None, Some(2), Some(3), Some(4)]);
}

/// Scroll APIs may send the same scroll parameter on every page; the end is
/// an empty page.
#[tokio::test]
async fn scroll_allows_a_repeated_key_and_ends_on_an_empty_page() {
    #[derive(Clone)]
    struct ScrollCall {
        param: Option<String>,
        served: Arc<Mutex<u32>>,
    }
    async fn send(call: ScrollCall) -> Result<Page<String>, Error> {
        let n = match call.served.lock() {
            Ok(mut served) => {
                *served += 1;
                *served
            }
            Err(_) => return Err(error("poisoned")),
        };
        if n > 1 && call.param.as_deref() != Some("scroll-1") {
            return Err(error("wrong scroll param"));
        }
        let items = if n <= 3 { vec![n] } else { Vec::new() };
        Ok(Page {
            items,
            next: cursor("scroll-1"),
        })
    }
    let served = Arc::new(Mutex::new(0));
    let first = ScrollCall {
        param: None,
        served: Arc::clone(&served),
    };
    let stream = items(
        scroll_pages(
            first,
            send,
            |p: &Page<String>| {
                if p.items.is_empty() {
                    None
                } else {
                    p.next.clone()
                }
            },
            |mut call: ScrollCall, param: String| {
                call.param = Some(param);
                call
            },
        ),
        |p: Page<String>| p.items,
    );
    let all: Vec<u32> = stream.try_collect().await.expect("items");
    assert_eq!(all, vec![1, 2, 3]);
    assert_eq!(served.lock().map(|s| *s).unwrap_or_default(), 4);
}

#[test]
fn streams_are_send_and_unpin() {
    fn check<T: Send + Unpin + FusedStream>(_: &T) {}
    let server = three_pages();
    check(&cursor_pages(&server));
    check(&cursor_items(&server));
    let items = cursor_items(&server).max_items(2);
    assert_eq!(items.size_hint(), (0, Some(2)));
    assert!(format!("{items:?}").starts_with("Items"));
    assert!(requests(&server).is_empty());
}

/// The page an undeclared-parameter list implies: a cursor first, then a
/// `next` URL's `starting_after` or `page`, then `page + 1` below the total.
#[test]
fn implied_page_order() {
    use intercom_api::__private::pagination::ImpliedPage::{self, Cursor, Number};
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        ImpliedPage::next(s("c1"), s("/x?page=9"), Some(1), Some(3)),
        Some(Cursor("c1".into()))
    );
    // An empty cursor is no cursor: the page numbers decide.
    assert_eq!(
        ImpliedPage::next(s(" "), None, Some(1), Some(3)),
        Some(Number(2))
    );
    assert_eq!(ImpliedPage::next(None, None, Some(3), Some(3)), None);
    assert_eq!(ImpliedPage::next(None, None, Some(1), None), None);
    assert_eq!(
        ImpliedPage::next(
            None,
            s("https://api.intercom.io/contacts?per_page=5&starting_after=WzE%3D&page=2"),
            None,
            None
        ),
        Some(Cursor("WzE=".into()))
    );
    assert_eq!(
        ImpliedPage::next(None, s("/companies?page=4"), Some(1), Some(2)),
        Some(Number(4))
    );
    // A URL without either parameter (or not a URL) falls back to the page numbers.
    assert_eq!(
        ImpliedPage::next(None, s("http://[bad"), Some(1), Some(2)),
        Some(Number(2))
    );
    assert_eq!(
        ImpliedPage::next(None, s("/companies?page=x"), None, None),
        None
    );
}
