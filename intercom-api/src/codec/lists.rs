//! Lists that arrive in the other list shape: a bare JSON array where a list object is declared,
//! and an object wrapping one array where an array is declared. Both are decoded, with a
//! [`drift`](super::drift) record that says what happened ([`Action`]); nothing is dropped.
//!
//! Which struct is a list object is decided by the generator from the spec's shapes (one array
//! member beside constants and counts; `StructDecode::LIST_MEMBER`), and which operations return
//! an array body ([`ArrayBody`], through the runtime's `decode_json_array`). The mechanism is here.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::SeqAccessDeserializer;
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::drift::{self, Action, Kind};
use super::lenient::{Fit, forward_non_strings_to_raw, forward_scalars_to_raw, raw_map};
use super::structs::{Key, Outcome, StructDecode};

/// A bare array where the list object `T` is declared: decoded as `T`'s one array member
/// `member`, with an [`Action::DecodedAsMember`] record (before the records made inside the
/// array, whose paths start with `member`). When the array does not fit that member (an item of
/// the wrong kind), nothing is decoded: the array comes back raw (`Err`) and its records are
/// dropped, for the caller to treat the value as drift (or as the wrong kind, at the root).
pub(super) fn read_list<'de, T: StructDecode, A: SeqAccess<'de>>(
    member: &'static str,
    seq: A,
) -> Result<Fit<T>, A::Error> {
    let mut slots = T::Slots::default();
    let mark = drift::mark();
    let mut one = OneMember(Some(seq));
    match T::member(&mut slots, &Key::Borrowed(member), &mut one)? {
        Outcome::Drift(raw, _) => {
            drift::truncate(mark);
            return Ok(Err(raw));
        }
        Outcome::Fit | Outcome::Kept => {}
    }
    if drift::mark() > mark {
        drift::prefix_key(mark, member);
    }
    let value = T::finish(slots)?;
    drift::record_list(T::NAME, Kind::Array, Action::DecodedAsMember(member), mark);
    Ok(Ok(value))
}

/// A map with one member whose value is a sequence, for [`StructDecode::member`].
struct OneMember<A>(Option<A>);

impl<'de, A: SeqAccess<'de>> MapAccess<'de> for OneMember<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        _seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.0.take() {
            Some(seq) => seed.deserialize(SeqAccessDeserializer::new(seq)),
            None => Err(de::Error::custom("the list's array was already read")),
        }
    }
}

/// The body of an operation that returns an array: a JSON array, or an object with exactly one
/// member holding an array (`{"type": "list", "data": [..]}`), whose array is decoded with an
/// [`Action::Unwrapped`] record keeping the object's other members. Anything else (an object
/// with no array member or several, a scalar) is the wrong kind, an error.
///
/// The items decode with their own `Deserialize`, as a `Vec<T>` does; drift records inside
/// item `i` get the path prefix `[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrayBody<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ArrayBody<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ArrayBodyVisitor(PhantomData))
    }
}

struct ArrayBodyVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ArrayBodyVisitor<T> {
    type Value = ArrayBody<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array (or an object with exactly one array member)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        items(seq).map(ArrayBody)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mark = drift::mark();
        let mut found: Option<(String, Vec<T>)> = None;
        let mut rest = Map::new();
        let mut more_arrays = false;
        while let Some(key) = map.next_key::<String>()? {
            if found.is_none() {
                match map.next_value_seed(ItemsOrRaw::<T>(PhantomData))? {
                    Ok(items) => found = Some((key, items)),
                    Err(raw) => {
                        rest.insert(key, raw);
                    }
                }
            } else {
                let raw: Value = map.next_value()?;
                more_arrays |= raw.is_array();
                rest.insert(key, raw);
            }
        }
        match found {
            Some((member, items)) if !more_arrays => {
                drift::record_list(
                    std::any::type_name::<Vec<T>>(),
                    Kind::Object,
                    Action::Unwrapped { member, rest },
                    mark,
                );
                Ok(ArrayBody(items))
            }
            _ => {
                drift::truncate(mark);
                Err(de::Error::invalid_type(de::Unexpected::Map, &self))
            }
        }
    }
}

/// The items of an array, each prefixing `[i]` to the drift records made inside it.
fn items<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<T>, A::Error> {
    let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
    loop {
        let mark = drift::mark();
        let Some(item) = seq.next_element::<T>()? else {
            return Ok(items);
        };
        if drift::mark() > mark {
            drift::prefix_index(mark, items.len());
        }
        items.push(item);
    }
}

/// A member of the wrapping object: the items when it holds an array, else the raw value.
struct ItemsOrRaw<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for ItemsOrRaw<T> {
    type Value = Fit<Vec<T>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ItemsOrRaw<T> {
    type Value = Fit<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        items(seq).map(Ok)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        raw_map(map).map(Err)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    forward_scalars_to_raw!();
}
