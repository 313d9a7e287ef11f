//! `Serialize` and `Deserialize` of the generated structs, written once here instead of derived
//! for every type.
//!
//! The generator writes, per struct, one `match` on the member name ([`StructDecode::member`]) and
//! one chain of [`ObjectWriter`] calls; everything generic lives in this file. That is a fraction
//! of the code `#[derive(Serialize, Deserialize)]` with `#[serde(flatten)]` and per-field
//! `deserialize_with` expands to, so the crate compiles faster, and it decodes faster too.
//!
//! Two policies, chosen by the generator per type:
//! - **lenient** (response types): every field is an `Option`; `null` and a missing member are
//!   `None`; a member the spec does not declare is kept in the struct's undeclared-members map; a
//!   repeated member keeps its last value (as `serde_json::Value` does); a member whose value does
//!   not fit its field ([`Lenient`](super::Lenient)) leaves the field `None` and is kept raw in the
//!   undeclared-members map under its own name, with a [`drift`](super::drift) record.
//!   A list object (one array member beside constants and numbers, `StructDecode::LIST_MEMBER`)
//!   also takes a bare JSON array as that member (`super::lists`).
//! - **strict** (request types): required members must be present, a repeated member is an error,
//!   and an undeclared member is an error unless the spec declares `additionalProperties`.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, MapAccess, SeqAccess};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::drift::{self, Kind};
use super::lenient::{Lenient, LenientSeed};
use super::lists::read_list;

/// A generated struct that decodes from a JSON object member by member.
pub trait StructDecode: Sized {
    /// The type's name, for the "expected struct ..." error message.
    const NAME: &'static str;

    /// Where members are collected while the object is read: the struct itself for lenient types;
    /// for strict types, one `Option` per field (to tell a missing member from a present one).
    type Slots: Default;

    /// Decodes the value of member `key` from `map` into its slot.
    fn member<'de, A: MapAccess<'de>>(
        slots: &mut Self::Slots,
        key: &Key<'de>,
        map: &mut A,
    ) -> Result<Outcome, A::Error>;

    /// The one array member of a list object (a lenient struct whose other members are constants
    /// and counts, decided by the generator): a bare JSON array decodes as this member, with a
    /// drift record. `None` for every other struct.
    const LIST_MEMBER: Option<&'static str> = None;

    /// The undeclared-members map, where a member that drifted is kept (lenient types).
    fn extra(slots: &mut Self::Slots) -> Option<&mut BTreeMap<String, Value>> {
        let _ = slots;
        None
    }

    /// The value, once every member has been read (fails on a missing required member).
    fn finish<E: de::Error>(slots: Self::Slots) -> Result<Self, E>;
}

/// `Deserialize::deserialize` of a [`StructDecode`] type: a JSON object, member by member (or,
/// for a list object, a bare array as its [`LIST_MEMBER`](StructDecode::LIST_MEMBER)).
pub fn decode_struct<'de, T: StructDecode, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    if T::LIST_MEMBER.is_some() {
        deserializer.deserialize_any(StructVisitor(PhantomData))
    } else {
        deserializer.deserialize_map(StructVisitor(PhantomData))
    }
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: StructDecode> de::Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        read_members(T::Slots::default(), &mut map)
    }

    /// A list object: a bare array whose items fit its array member. Any other array is the
    /// wrong kind.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        let fit = match T::LIST_MEMBER {
            Some(member) => read_list(member, seq)?.ok(),
            None => None,
        };
        fit.ok_or_else(|| de::Error::invalid_type(de::Unexpected::Seq, &self))
    }
}

/// What became of one member ([`StructDecode::member`]).
#[derive(Debug)]
pub enum Outcome {
    /// Decoded into its field.
    Fit,
    /// Kept in the undeclared-members map.
    Kept,
    /// Its value did not fit the field (lenient types): the raw value, for the undeclared-members
    /// map, with the Rust type it was declared as.
    Drift(Value, &'static str),
}

/// Reads the remaining members of `map` into `slots`, then finishes the value.
pub(super) fn read_members<'de, T: StructDecode, A: MapAccess<'de>>(
    mut slots: T::Slots,
    map: &mut A,
) -> Result<T, A::Error> {
    while let Some(key) = map.next_key::<Key<'de>>()? {
        let mark = drift::mark();
        let outcome = T::member(&mut slots, &key, map)?;
        apply::<T>(&mut slots, key, outcome, mark);
    }
    T::finish(slots)
}

/// Settles one member's [`Outcome`]: a drifted value goes to the undeclared-members map (and is
/// recorded); a value that fits removes a raw one kept for an earlier repeat of the member; drift
/// records made inside the member get its name prefixed.
#[inline]
pub(super) fn apply<T: StructDecode>(
    slots: &mut T::Slots,
    key: Key<'_>,
    outcome: Outcome,
    mark: usize,
) {
    match outcome {
        Outcome::Kept => {}
        Outcome::Fit => {
            if drift::mark() > mark {
                drift::prefix_key(mark, key.as_str());
            }
            if let Some(extra) = T::extra(slots)
                && !extra.is_empty()
            {
                extra.remove(key.as_str());
            }
        }
        Outcome::Drift(raw, expected) => {
            drift::truncate(mark);
            drift::record(T::NAME, Some(key.as_str()), expected, Kind::of(&raw));
            if let Some(extra) = T::extra(slots) {
                extra.insert(key.into_owned(), raw);
            }
        }
    }
}

/// Lenient: decodes the member's value into an optional field (`null` is `None`; the last of
/// repeated members wins; a value that does not fit is [`Outcome::Drift`]).
pub fn set<'de, T: Lenient, A: MapAccess<'de>>(
    field: &mut Option<T>,
    map: &mut A,
) -> Result<Outcome, A::Error> {
    match map.next_value_seed(LenientSeed::<Option<T>>::new())? {
        Ok(value) => {
            *field = value;
            Ok(Outcome::Fit)
        }
        Err(raw) => {
            *field = None;
            Ok(Outcome::Drift(raw, std::any::type_name::<T>()))
        }
    }
}

/// Lenient: [`set`] for a boxed field (recursive types).
pub fn set_boxed<'de, T: Lenient, A: MapAccess<'de>>(
    field: &mut Option<Box<T>>,
    map: &mut A,
) -> Result<Outcome, A::Error> {
    let mut value = None;
    let outcome = set(&mut value, map)?;
    *field = value.map(Box::new);
    Ok(outcome)
}

/// Keeps an undeclared member in the struct's `additionalProperties` map.
pub fn set_extra<'de, V: Deserialize<'de>, A: MapAccess<'de>>(
    members: &mut BTreeMap<String, V>,
    key: &Key<'de>,
    map: &mut A,
) -> Result<Outcome, A::Error> {
    let value = map.next_value()?;
    members.insert(key.as_str().to_owned(), value);
    Ok(Outcome::Kept)
}

/// Strict: decodes the member's value into its slot; a repeated member is an error.
pub fn fill<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    key: &'static str,
    map: &mut A,
) -> Result<Outcome, A::Error> {
    fill_with(slot, key, map, PhantomData)
}

/// Strict: [`fill`] for a required `string` field (a number is kept as its text).
pub fn fill_string<'de, A: MapAccess<'de>>(
    slot: &mut Option<String>,
    key: &'static str,
    map: &mut A,
) -> Result<Outcome, A::Error> {
    fill_with(slot, key, map, StringSeed)
}

/// Strict: [`fill`] for an optional or nullable `string` field.
pub fn fill_opt_string<'de, A: MapAccess<'de>>(
    slot: &mut Option<Option<String>>,
    key: &'static str,
    map: &mut A,
) -> Result<Outcome, A::Error> {
    fill_with(slot, key, map, OptStringSeed)
}

fn fill_with<'de, S: DeserializeSeed<'de>, A: MapAccess<'de>>(
    slot: &mut Option<S::Value>,
    key: &'static str,
    map: &mut A,
    seed: S,
) -> Result<Outcome, A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value_seed(seed)?);
    Ok(Outcome::Fit)
}

/// Strict: a constant member (the one value the spec allows, which the struct does not store):
/// `null` or that value; any other value is an error, and so is a repeated member.
pub fn fill_constant<'de, A: MapAccess<'de>>(
    slot: &mut Option<()>,
    key: &'static str,
    value: &'static str,
    map: &mut A,
) -> Result<Outcome, A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key));
    }
    match map.next_value::<Option<std::borrow::Cow<'de, str>>>()? {
        Some(found) if found != value => {
            return Err(de::Error::custom(format_args!(
                "{key}: expected {value:?}, found {found:?}"
            )));
        }
        _ => {}
    }
    *slot = Some(());
    Ok(Outcome::Fit)
}

/// Strict: the value of a required member, or the "missing field" error.
pub fn missing<T, E: de::Error>(slot: Option<T>, key: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(key))
}

/// Strict: the error for a member the type does not declare.
pub fn unknown_member<E: de::Error>(key: &Key<'_>, expected: &'static [&'static str]) -> E {
    E::unknown_field(key.as_str(), expected)
}

/// The seed of a `string` field ([`super::string`]).
struct StringSeed;

impl<'de> DeserializeSeed<'de> for StringSeed {
    type Value = String;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        super::string(deserializer)
    }
}

/// The seed of an optional `string` field ([`super::opt_string`]).
struct OptStringSeed;

impl<'de> DeserializeSeed<'de> for OptStringSeed {
    type Value = Option<String>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        super::opt_string(deserializer)
    }
}

/// A member name: borrowed from the input where the format allows it (JSON without escapes),
/// owned otherwise.
#[derive(Debug)]
pub enum Key<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Copied (the name had escapes, or the input is not borrowed).
    Owned(String),
}

impl Key<'_> {
    /// The member name.
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    /// The member name as an owned `String` (for the undeclared-members map).
    pub fn into_owned(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> de::Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v))
    }
}

/// Writes a generated struct as a JSON object: `ObjectWriter::new(serializer).opt(..).req(..)
/// .extra(..).end()`. The first error is kept and returned by [`end`](Self::end).
pub struct ObjectWriter<M: SerializeMap> {
    state: Result<M, M::Error>,
}

impl<M: SerializeMap> ObjectWriter<M> {
    /// Starts the object.
    pub fn new<S: Serializer<SerializeMap = M, Error = M::Error>>(serializer: S) -> Self {
        Self {
            state: serializer.serialize_map(None),
        }
    }

    /// An optional member: written only when it is `Some`.
    pub fn opt<T: Serialize>(self, key: &str, value: &Option<T>) -> Self {
        match value {
            Some(value) => self.req(key, value),
            None => self,
        }
    }

    /// A member that is always written (`null` for a `None` of a required nullable field).
    pub fn req<T: Serialize + ?Sized>(mut self, key: &str, value: &T) -> Self {
        if let Ok(map) = &mut self.state
            && let Err(error) = map.serialize_entry(key, value)
        {
            self.state = Err(error);
        }
        self
    }

    /// The undeclared (`additionalProperties`) members.
    pub fn extra<V: Serialize>(self, members: &BTreeMap<String, V>) -> Self {
        members
            .iter()
            .fold(self, |writer, (key, value)| writer.req(key, value))
    }

    /// Ends the object.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.state?.end()
    }
}
