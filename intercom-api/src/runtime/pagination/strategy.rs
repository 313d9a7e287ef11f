//! Pagination strategies: how the next page is selected and when a listing ends. Each strategy
//! owns its advance rule and end rules; the generated code only reads a page's cursor fields
//! into the strategy's [`Position`](PageStrategy::Position) and sets its
//! [`Key`](PageStrategy::Key) on the next request.
//!
//! Rules shared by every strategy live in the stream driver (`streams.rs`): a key already
//! followed ends the listing (unless the strategy allows repeats: a scroll), and a page whose item
//! ids repeat the previous page's ends it with [`Error::Pagination`].

use std::hash::Hash;

use crate::runtime::error::{Error, PaginationError};
use crate::runtime::request::RequestParts;

/// The key that selects the next page: a cursor (`String`), a page number (`i64`) or an
/// [`ImpliedPage`]. A key can say that it marks the end of the listing.
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
            /// A page number never ends the listing by itself; the strategy returns no key after
            /// the last page.
            fn is_end(&self) -> bool {
                false
            }
        }
    )*};
}

page_number_key!(i32, i64, u32, u64);

/// How a paginated operation advances from one page to the next.
#[doc(hidden)]
pub trait PageStrategy: Default + Send + 'static {
    /// What the strategy reads from a page (its cursor fields), filled by the generated code.
    type Position;
    /// What selects the next page, set on the request by the generated code.
    type Key: PageKey + 'static;
    /// `false` when the server may legitimately send the same key again (a scroll).
    const REPEATED_KEY_ENDS: bool = true;

    /// The key of the page after the one at `position`; `None` when it was the last page. An
    /// error ends the listing without yielding the page (the server does not advance).
    fn advance(&mut self, position: Self::Position) -> Result<Option<Self::Key>, Error>;

    /// The error a failed page request ends the listing with.
    fn failed(error: Error) -> Error {
        error
    }
}

/// The next page of a cursor, unless the cursor is missing or empty.
fn cursor(next: Option<String>) -> Option<String> {
    next.filter(|c| !c.is_end())
}

/// A cursor sent as the `starting_after` query parameter, read from the page
/// (`pages.next.starting_after`).
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Cursor;

impl PageStrategy for Cursor {
    /// The page's next cursor.
    type Position = Option<String>;
    type Key = String;

    fn advance(&mut self, next: Option<String>) -> Result<Option<String>, Error> {
        Ok(cursor(next))
    }
}

/// A search: the cursor goes into the request body's `pagination.starting_after` (the generated
/// `seek` puts it there); reading the next cursor and the end rules are [`Cursor`]'s.
#[doc(hidden)]
pub type SearchCursor = Cursor;

/// A scroll (`GET /companies/scroll`): the `scroll_param` may stay the same on every page, and a
/// page without items is the end. Intercom keeps the position on its side, so a failed page ends
/// the listing with [`Error::Pagination`] (going on or retrying could skip a page).
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Scroll;

/// What a scroll reads from a page.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct ScrollPosition {
    /// The page has at least one item.
    pub has_items: bool,
    /// Its `scroll_param`.
    pub param: Option<String>,
}

impl PageStrategy for Scroll {
    type Position = ScrollPosition;
    type Key = String;
    const REPEATED_KEY_ENDS: bool = false;

    fn advance(&mut self, position: ScrollPosition) -> Result<Option<String>, Error> {
        Ok(cursor(position.param.filter(|_| position.has_items)))
    }

    fn failed(error: Error) -> Error {
        PaginationError::with_source(
            "a scroll page failed after the server may have advanced the scroll; the scroll \
             must restart from the beginning (a retry could skip a page)",
            error,
        )
        .into()
    }
}

/// The previous page number, to end a listing whose page number does not advance.
#[derive(Debug, Default)]
struct Advancing {
    previous: Option<i64>,
}

impl Advancing {
    /// Fails when `current` is not above the previous page's number: the server echoes a page
    /// number instead of advancing, and would otherwise be asked for pages forever.
    fn check(&mut self, current: Option<i64>) -> Result<(), Error> {
        let Some(current) = current else {
            return Ok(());
        };
        if let Some(before) = self.previous.filter(|before| current <= *before) {
            return Err(PaginationError::new(format!(
                "the page number does not advance (page {current} after page {before})"
            ))
            .into());
        }
        self.previous = Some(current);
        Ok(())
    }
}

/// Page numbers: `page + 1` while `page` is below `total_pages`; a page without items is the last.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct PageNumber {
    advancing: Advancing,
}

/// What a page-number listing reads from a page.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct NumberPosition {
    /// The page has no items.
    pub empty: bool,
    /// Its page number.
    pub page: Option<i64>,
    /// The number of pages.
    pub total: Option<i64>,
}

impl PageStrategy for PageNumber {
    type Position = NumberPosition;
    type Key = i64;

    fn advance(&mut self, position: NumberPosition) -> Result<Option<i64>, Error> {
        self.advancing.check(position.page)?;
        if position.empty {
            return Ok(None);
        }
        Ok(next_number(position.page, position.total))
    }
}

/// `page + 1` while `page` is below `total`.
fn next_number(page: Option<i64>, total: Option<i64>) -> Option<i64> {
    let (page, total) = (page?, total?);
    (page < total).then_some(page + 1)
}

/// A `next` URL (`pages.next`): its `starting_after`, else its `page`, sent as query parameters.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct NextUrl;

impl PageStrategy for NextUrl {
    /// The page's next URL.
    type Position = Option<String>;
    type Key = ImpliedPage;

    fn advance(&mut self, next_url: Option<String>) -> Result<Option<ImpliedPage>, Error> {
        Ok(next_url.as_deref().and_then(ImpliedPage::from_url))
    }
}

/// The page an operation without a declared paging parameter implies (most 2.10 lists), sent as
/// a query parameter the spec does not declare: a cursor, else a next URL, else the page number
/// ([`ImpliedPage::next`]). Followed by page number, the number must go up; a page without items
/// ends a listing followed by number.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Implied {
    advancing: Advancing,
}

/// What an implied listing reads from a page (the fields its response has, else `None`).
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct ImpliedPosition {
    /// `pages.next.starting_after`.
    pub cursor: Option<String>,
    /// `pages.next` as a URL.
    pub next_url: Option<String>,
    /// `pages.page`.
    pub page: Option<i64>,
    /// `pages.total_pages`.
    pub total: Option<i64>,
    /// The page has no items.
    pub empty: bool,
}

impl PageStrategy for Implied {
    type Position = ImpliedPosition;
    type Key = ImpliedPage;

    fn advance(&mut self, position: ImpliedPosition) -> Result<Option<ImpliedPage>, Error> {
        let followed =
            position.cursor.as_ref().is_some_and(|c| !c.is_empty()) || position.next_url.is_some();
        if !followed {
            self.advancing.check(position.page)?;
        }
        let empty = position.empty;
        Ok(ImpliedPage::next(
            position.cursor,
            position.next_url,
            position.page,
            position.total,
        )
        .filter(|key| matches!(key, ImpliedPage::Cursor(_)) || !empty))
    }
}

/// The next page of an operation that declares no paging parameter (most 2.10 lists), as its
/// response implies it; the generated builder sends it as a query parameter the spec does not
/// declare.
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
    /// The page after the one just received, from its `pages` member, in this order: a
    /// non-empty `next.starting_after` cursor; a `next` URL's `starting_after`, else its `page`
    /// (only those are taken from it: the call's own parameters are resent unchanged); `page + 1`
    /// while `page` is below `total_pages`. `None` (the last page) when none applies.
    pub fn next(
        cursor: Option<String>,
        next_url: Option<String>,
        page: Option<i64>,
        total_pages: Option<i64>,
    ) -> Option<Self> {
        if let Some(cursor) = self::cursor(cursor) {
            return Some(ImpliedPage::Cursor(cursor));
        }
        if let Some(next) = next_url.as_deref().and_then(Self::from_url) {
            return Some(next);
        }
        next_number(page, total_pages).map(ImpliedPage::Number)
    }

    /// `starting_after`, else `page`, from the query of `url` (absolute, or relative to the API).
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

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    fn is_pagination(result: Result<impl std::fmt::Debug, Error>, what: &str) {
        match result {
            Err(Error::Pagination(e)) => assert!(e.to_string().contains(what), "{e}"),
            other => panic!("expected a pagination error, got {other:?}"),
        }
    }

    #[test]
    fn cursor_follows_and_ends_on_missing_or_empty() {
        let mut c = Cursor;
        assert_eq!(c.advance(s("abc")).ok(), Some(s("abc")));
        assert_eq!(c.advance(None).ok(), Some(None));
        assert_eq!(c.advance(s("")).ok(), Some(None));
        assert_eq!(c.advance(s("  ")).ok(), Some(None));
        const { assert!(Cursor::REPEATED_KEY_ENDS) };
    }

    #[test]
    fn search_cursor_follows_and_ends_on_missing_or_empty() {
        let mut c = SearchCursor::default();
        assert_eq!(c.advance(s("WzE=")).ok(), Some(s("WzE=")));
        assert_eq!(c.advance(s("")).ok(), Some(None));
        assert_eq!(c.advance(None).ok(), Some(None));
        const { assert!(SearchCursor::REPEATED_KEY_ENDS) };
    }

    #[test]
    fn scroll_repeats_its_param_and_ends_on_an_empty_page() {
        let mut c = Scroll;
        let at = |has_items, param: Option<String>| ScrollPosition { has_items, param };
        assert_eq!(c.advance(at(true, s("p"))).ok(), Some(s("p")));
        assert_eq!(c.advance(at(true, s("p"))).ok(), Some(s("p")));
        assert_eq!(c.advance(at(false, s("p"))).ok(), Some(None));
        assert_eq!(c.advance(at(true, s(""))).ok(), Some(None));
        const { assert!(!Scroll::REPEATED_KEY_ENDS) };
        let failed = Scroll::failed(PaginationError::new("boom").into());
        assert!(failed.to_string().contains("must restart"), "{failed}");
    }

    #[test]
    fn page_number_stops_at_total_and_on_an_empty_page() {
        let at = |empty, page, total| NumberPosition { empty, page, total };
        let mut p = PageNumber::default();
        assert_eq!(p.advance(at(false, Some(1), Some(3))).ok(), Some(Some(2)));
        assert_eq!(p.advance(at(false, Some(2), Some(3))).ok(), Some(Some(3)));
        assert_eq!(p.advance(at(false, Some(3), Some(3))).ok(), Some(None));
        let mut p = PageNumber::default();
        assert_eq!(p.advance(at(true, Some(1), Some(3))).ok(), Some(None));
        let mut p = PageNumber::default();
        assert_eq!(p.advance(at(false, Some(1), None)).ok(), Some(None));
    }

    #[test]
    fn page_number_that_does_not_advance_fails() {
        let at = |page| NumberPosition {
            empty: false,
            page: Some(page),
            total: Some(9),
        };
        let mut p = PageNumber::default();
        assert!(p.advance(at(1)).is_ok());
        is_pagination(p.advance(at(1)), "page 1 after page 1");
    }

    #[test]
    fn next_url_takes_starting_after_else_page() {
        let mut n = NextUrl;
        assert_eq!(
            n.advance(s("/contacts?starting_after=a&page=2")).ok(),
            Some(Some(ImpliedPage::Cursor("a".into())))
        );
        assert_eq!(
            n.advance(s("https://api.intercom.io/companies?page=4"))
                .ok(),
            Some(Some(ImpliedPage::Number(4)))
        );
        assert_eq!(n.advance(s("/companies?per_page=4")).ok(), Some(None));
        assert_eq!(n.advance(None).ok(), Some(None));
    }

    #[test]
    fn implied_prefers_the_cursor_and_checks_numbers_only_when_followed_by_number() {
        let mut i = Implied::default();
        let by_cursor = || ImpliedPosition {
            cursor: s("c"),
            page: Some(1),
            total: Some(3),
            empty: true,
            ..Default::default()
        };
        // A cursor is followed even from an empty page, and the page number is not checked.
        assert_eq!(
            i.advance(by_cursor()).ok(),
            Some(Some(ImpliedPage::Cursor("c".into())))
        );
        assert!(i.advance(by_cursor()).is_ok());
        let by_number = |page, empty| ImpliedPosition {
            page: Some(page),
            total: Some(3),
            empty,
            ..Default::default()
        };
        let mut i = Implied::default();
        assert_eq!(
            i.advance(by_number(1, false)).ok(),
            Some(Some(ImpliedPage::Number(2)))
        );
        is_pagination(i.advance(by_number(1, false)), "does not advance");
        let mut i = Implied::default();
        assert_eq!(i.advance(by_number(1, true)).ok(), Some(None));
    }
}
