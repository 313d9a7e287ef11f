//! Drift: response members whose JSON value does not fit the type the spec declares.
//!
//! Intercom's API and its OpenAPI descriptions disagree on kinds (an object where a string is
//! declared, an id declared `integer` arriving as a string, ...). A response type never fails to
//! decode because of one member: the member's field is left `None`, the raw value is kept in the
//! enclosing struct's `additional_properties` under the member's name (so re-encoding reproduces
//! the input), and a [`Drift`] record names where it happened.
//!
//! Records are collected per decode: the client does it for every response
//! ([`Response::drift`](crate::Response::drift)), and [`collect`] does it for bodies decoded by
//! hand (webhooks, stored payloads). Each record is also logged as a `tracing` warning, naming
//! the Rust type and the field path but never the value (responses hold customer data).
//!
//! The path of a record is built while the decoder unwinds: the member that drifted records
//! itself, and every enclosing struct member, array item and map entry prefixes its own segment.

use std::cell::{Cell, RefCell};
use std::fmt;

/// One member whose JSON value did not fit its declared type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Drift {
    path: String,
    type_name: &'static str,
    expected: String,
    found: Kind,
}

impl Drift {
    /// Where the member is, from the root of the decoded value: `data[3].ticket_state`
    /// (`.` for the root itself).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The Rust type that holds the member (the struct with the field, or the union that
    /// matched no variant), without its module path: `Ticket`.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The Rust type the member was declared with, without module paths:
    /// `TicketTicketState`, `i64`, `Vec<Tag>`.
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// The JSON kind that arrived instead.
    pub fn found(&self) -> Kind {
        self.found
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (in {}): expected {}, found {}",
            self.path, self.type_name, self.expected, self.found
        )
    }
}

/// The kind of a JSON value (what a drift record says arrived; never the value itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Kind {
    /// The kind of `value`.
    pub fn of(value: &serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Kind::Null,
            serde_json::Value::Bool(_) => Kind::Boolean,
            serde_json::Value::Number(_) => Kind::Number,
            serde_json::Value::String(_) => Kind::String,
            serde_json::Value::Array(_) => Kind::Array,
            serde_json::Value::Object(_) => Kind::Object,
        }
    }

    /// `"a string"`, `"an object"`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Boolean => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Decodes with `decode` and returns what it produced together with the drift records made
/// meanwhile on this thread, each also logged as a `tracing` warning.
///
/// ```
/// # #[cfg(feature = "v2_11")] {
/// use intercom_api::drift;
///
/// let (tag, report) = drift::collect(|| {
///     serde_json::from_str::<intercom_api::v2_11::models::Tag>(r#"{"id": "1", "applied_at": "soon"}"#)
/// });
/// let tag = tag.unwrap();
/// assert_eq!(tag.applied_at, None);
/// assert_eq!(tag.additional_properties["applied_at"], "soon");
/// assert_eq!(report[0].path(), "applied_at");
/// # }
/// ```
///
/// Calls may nest: an inner `collect` takes only what was recorded inside it.
pub fn collect<R>(decode: impl FnOnce() -> R) -> (R, Vec<Drift>) {
    let outer = ACTIVE.with(|a| a.replace(true));
    let outer_records = RECORDS.with(|r| std::mem::take(&mut *r.borrow_mut()));
    let outer_count = COUNT.with(|c| c.replace(0));
    // Restores the outer state even if `decode` panics.
    struct Restore {
        outer: bool,
        records: Option<Vec<Record>>,
        count: usize,
    }
    impl Drop for Restore {
        fn drop(&mut self) {
            ACTIVE.with(|a| a.set(self.outer));
            let records = self.records.take().unwrap_or_default();
            RECORDS.with(|r| *r.borrow_mut() = records);
            COUNT.with(|c| c.set(self.count));
        }
    }
    let restore = Restore {
        outer,
        records: Some(outer_records),
        count: outer_count,
    };
    let result = decode();
    let records = RECORDS.with(|r| std::mem::take(&mut *r.borrow_mut()));
    drop(restore);
    let drifts: Vec<Drift> = records.into_iter().map(Record::finish).collect();
    for d in &drifts {
        tracing::warn!(
            target: "intercom_api::drift",
            path = %d.path,
            type_name = d.type_name,
            expected = %d.expected,
            found = d.found.as_str(),
            "response member does not fit its declared type; kept raw",
        );
    }
    (result, drifts)
}

/// A record being built: its path segments, innermost first.
struct Record {
    rev_path: Vec<Segment>,
    type_name: &'static str,
    expected: String,
    found: Kind,
}

enum Segment {
    Key(String),
    Index(usize),
}

impl Record {
    fn finish(self) -> Drift {
        let mut path = String::new();
        for segment in self.rev_path.iter().rev() {
            match segment {
                Segment::Key(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                Segment::Index(i) => {
                    path.push('[');
                    path.push_str(&i.to_string());
                    path.push(']');
                }
            }
        }
        if path.is_empty() {
            path.push('.');
        }
        Drift {
            path,
            type_name: self.type_name,
            expected: self.expected,
            found: self.found,
        }
    }
}

thread_local! {
    /// Inside [`collect`] on this thread.
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    /// `RECORDS.len()`, readable without borrowing the `RefCell` (checked once per member).
    static COUNT: Cell<usize> = const { Cell::new(0) };
    static RECORDS: RefCell<Vec<Record>> = const { RefCell::new(Vec::new()) };
}

/// The number of records so far; a container compares it before and after decoding a child to
/// know whether to prefix its segment.
#[inline]
pub(crate) fn mark() -> usize {
    COUNT.with(Cell::get)
}

/// Records a drift: the member `key` (`None` for a value without a member name, such as a
/// union that matched no variant) of type `type_name`, declared as `expected`, received `found`.
/// Outside [`collect`] the record is logged at once with the path it has, and not kept.
pub(crate) fn record(
    type_name: &'static str,
    key: Option<&str>,
    expected: &'static str,
    found: Kind,
) {
    let type_name = type_name.rsplit("::").next().unwrap_or(type_name);
    let expected = short_name(expected);
    if !ACTIVE.with(Cell::get) {
        tracing::warn!(
            target: "intercom_api::drift",
            path = key.unwrap_or("."),
            type_name,
            expected = %expected,
            found = found.as_str(),
            "response member does not fit its declared type; kept raw",
        );
        return;
    }
    let record = Record {
        rev_path: key
            .map(|k| Segment::Key(k.to_owned()))
            .into_iter()
            .collect(),
        type_name,
        expected,
        found,
    };
    RECORDS.with(|r| r.borrow_mut().push(record));
    COUNT.with(|c| c.set(c.get() + 1));
}

/// Prefixes member `key` to the paths of the records made since `mark`.
#[cold]
pub(crate) fn prefix_key(mark: usize, key: &str) {
    prefix(mark, || Segment::Key(key.to_owned()));
}

/// Prefixes item `index` to the paths of the records made since `mark`.
#[cold]
pub(crate) fn prefix_index(mark: usize, index: usize) {
    prefix(mark, || Segment::Index(index));
}

fn prefix(mark: usize, segment: impl Fn() -> Segment) {
    RECORDS.with(|r| {
        for record in r.borrow_mut().iter_mut().skip(mark) {
            record.rev_path.push(segment());
        }
    });
}

/// Forgets the records made since `mark` (their container drifted as a whole and is recorded
/// instead, or the attempt that made them was abandoned).
pub(crate) fn truncate(mark: usize) {
    if mark < COUNT.with(Cell::get) {
        RECORDS.with(|r| r.borrow_mut().truncate(mark));
        COUNT.with(|c| c.set(mark));
    }
}

/// `std::any::type_name` without module paths: `alloc::vec::Vec<intercom_api::v2_11::models::Tag>`
/// -> `Vec<Tag>`. Computed per record (rare), never per member.
fn short_name(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(word.rsplit("::").next().unwrap_or(word));
        word.clear();
    };
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}
