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
//!
//! Two shape swaps of a list are decoded instead of kept raw ([`Action`]): a bare JSON array where
//! a list object (`{"type": "list", "data": [..]}`) is declared becomes that object with the array
//! as its one array member, and a response body declared as an array that arrives as an object
//! with exactly one array member becomes that array, the object's other members kept in the record.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;

use serde_json::{Map, Value};

/// One member whose JSON value did not fit its declared type.
///
/// `Debug` and `Display` never show a value (only [`Action::Unwrapped`] holds any, and they print
/// its member names), except the `type` tag of an object of another kind
/// ([`Action::OtherKind`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Drift {
    path: String,
    type_name: Cow<'static, str>,
    expected: String,
    found: Kind,
    action: Action,
}

/// What the decoder made of a value that did not fit ([`Drift::action`]).
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// The field was left `None` and the value kept raw in the enclosing struct's
    /// `additional_properties` under the member's name (a union that matched no variant keeps
    /// it in its `Other`/`Unknown` variant).
    KeptRaw,
    /// A JSON array arrived where a list object was declared (a struct whose one array member
    /// holds the list, beside constants and counts: `{"type": "list", "data": [..]}`); the array
    /// was decoded as that member, named here, and the object's other fields are `None`. Records
    /// made inside the array have paths in the decoded value: `data[1].order` for `[1].order`.
    DecodedAsMember(&'static str),
    /// A JSON object arrived where the response body is declared as an array, with exactly one
    /// member holding an array (`{"type": "list", "data": [..]}`): that array was decoded.
    /// Records made inside it have paths in the decoded array: `[1].order` for `data[1].order`.
    Unwrapped {
        /// The name of the member whose array was decoded.
        member: String,
        /// The object's other members, as received: nothing is dropped. `Debug` and `Display`
        /// print their names only (responses hold customer data).
        rest: Map<String, Value>,
    },
    /// An object of another kind: its `type` member (the record's path) is this string, not the
    /// one the model's schema fixes ([`Drift::expected`]); the whole object was kept raw (a
    /// webhook item becomes the version's `Event::Unknown`). The tag is the sender's object
    /// type, not customer data; it is cut to 64 characters.
    OtherKind(String),
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::KeptRaw => f.write_str("KeptRaw"),
            Action::DecodedAsMember(member) => {
                f.debug_tuple("DecodedAsMember").field(member).finish()
            }
            Action::OtherKind(tag) => f.debug_tuple("OtherKind").field(tag).finish(),
            Action::Unwrapped { member, rest } => f
                .debug_struct("Unwrapped")
                .field("member", member)
                .field("rest", &sorted_keys(rest))
                .finish(),
        }
    }
}

/// The member names of `rest`, sorted (whatever order the map keeps).
fn sorted_keys(rest: &Map<String, Value>) -> Vec<&str> {
    let mut keys: Vec<&str> = rest.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

impl fmt::Display for Action {
    /// `kept raw`, `decoded as member data`,
    /// `unwrapped member data (other members, kept in the record: total_count, type)` (names
    /// sorted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::KeptRaw => f.write_str("kept raw"),
            Action::DecodedAsMember(member) => write!(f, "decoded as member {member}"),
            Action::OtherKind(tag) => write!(f, "an object of type `{tag}`, kept raw"),
            Action::Unwrapped { member, rest } if rest.is_empty() => {
                write!(f, "unwrapped member {member}")
            }
            Action::Unwrapped { member, rest } => {
                write!(
                    f,
                    "unwrapped member {member} (other members, kept in the record: "
                )?;
                for (i, key) in sorted_keys(rest).into_iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(key)?;
                }
                f.write_str(")")
            }
        }
    }
}

impl Drift {
    /// Where the member is, from the root of the decoded value: `data[3].ticket_state`
    /// (`.` for the root itself).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The Rust type that holds the member (the struct with the field, or the union that
    /// matched no variant, or the list that changed shape), without its module path: `Ticket`.
    pub fn type_name(&self) -> &str {
        &self.type_name
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

    /// What the decoder made of it: kept raw, or a list decoded across a shape swap.
    pub fn action(&self) -> &Action {
        &self.action
    }
}

impl fmt::Display for Drift {
    /// `data[3].ticket_state (in Ticket): expected TicketTicketState, found an object`, and for a
    /// list that changed shape what was decoded: `. (in TagList): expected TagList, found an
    /// array; decoded as member data`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (in {}): expected {}, found {}",
            self.path, self.type_name, self.expected, self.found
        )?;
        match self.action {
            Action::KeptRaw => Ok(()),
            _ => write!(f, "; {}", self.action),
        }
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
    let (result, drifts) = collect_unlogged(decode);
    log(&drifts);
    (result, drifts)
}

/// [`collect`] without the `tracing` warnings: the caller logs the records with [`log`] once it
/// keeps them (the client's decode drops those of a first attempt that failed).
pub(crate) fn collect_unlogged<R>(decode: impl FnOnce() -> R) -> (R, Vec<Drift>) {
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
    (result, drifts)
}

/// Logs each record as a `tracing` warning.
pub(crate) fn log(drifts: &[Drift]) {
    for d in drifts {
        warn(
            tracing::field::display(&d.path),
            &d.type_name,
            &d.expected,
            d.found,
            &d.action,
        );
    }
}

/// The `tracing` warning of a record: names, never values.
fn warn(path: impl tracing::Value, type_name: &str, expected: &str, found: Kind, action: &Action) {
    if let Action::KeptRaw = action {
        tracing::warn!(
            target: "intercom_api::drift",
            path,
            type_name,
            expected = %expected,
            found = found.as_str(),
            "response member does not fit its declared type; kept raw",
        );
    } else {
        tracing::warn!(
            target: "intercom_api::drift",
            path,
            type_name,
            expected = %expected,
            found = found.as_str(),
            action = %action,
            "response list arrived in the other list shape; decoded",
        );
    }
}

/// A record being built: its path segments, innermost first.
struct Record {
    rev_path: Vec<Segment>,
    type_name: Cow<'static, str>,
    expected: String,
    found: Kind,
    action: Action,
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
            action: self.action,
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
    record_action(
        Cow::Borrowed(type_name),
        key,
        expected,
        found,
        Action::KeptRaw,
        None,
    );
}

/// Records an object of another kind ([`Action::OtherKind`]): its `type` member is `found`, the
/// model `type_name` fixes it to `expected`.
pub(crate) fn record_other_kind(type_name: &'static str, expected: &'static str, found: &str) {
    let type_name = type_name.rsplit("::").next().unwrap_or(type_name);
    let tag: String = found.chars().take(64).collect();
    record_action(
        Cow::Borrowed(type_name),
        Some("type"),
        expected,
        Kind::String,
        Action::OtherKind(tag),
        None,
    );
}

/// Records a list decoded across a shape swap ([`Action::DecodedAsMember`],
/// [`Action::Unwrapped`]): the value itself (no member name), declared as `expected` (a
/// `std::any::type_name`, also the type name of the record), received `found`. The record goes
/// before those made since `mark` (the ones inside the list).
pub(crate) fn record_list(expected: &'static str, found: Kind, action: Action, mark: usize) {
    record_action(
        Cow::Owned(short_name(expected)),
        None,
        expected,
        found,
        action,
        Some(mark),
    );
}

/// Records one drift; at position `at` of the records (`None`: the end).
fn record_action(
    type_name: Cow<'static, str>,
    key: Option<&str>,
    expected: &'static str,
    found: Kind,
    action: Action,
    at: Option<usize>,
) {
    let expected = short_name(expected);
    if !ACTIVE.with(Cell::get) {
        warn(key.unwrap_or("."), &type_name, &expected, found, &action);
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
        action,
    };
    RECORDS.with(|r| {
        let mut records = r.borrow_mut();
        let at = at.unwrap_or(records.len()).min(records.len());
        records.insert(at, record);
    });
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
