//! `Deserialize` of the generated unions, written once here instead of serde's untagged derive
//! (which buffers every value and then tries the variants in turn).
//!
//! - [`UnionDecode`]: untagged unions whose variants are told apart by their JSON kind alone (at
//!   most one string, one number, one boolean, one array, one object variant, and `null`), such as
//!   `TicketCustomAttributesValue` (string | number | boolean | array | file | null). One
//!   `deserialize_any` visitor dispatches on what the input is. Leniency is that of the derive: in a
//!   response union (one with an `Other(Value)` variant) a value no variant takes, or an array or
//!   object its variant rejects, becomes `Other`, so decoding never fails on it; a request union
//!   reports it as an error.
//! - [`TaggedDecode`]: unions told apart by the string value of one member (`type`,
//!   `message_type`). When that member comes first, the rest of the object is decoded straight into
//!   the variant; otherwise the object is buffered as a `Value`.

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, MapAccess, SeqAccess, Unexpected};
use serde_json::Value;

use super::drift::{self, Kind};
use super::lenient::Lenient;
use super::structs::{Key, StructDecode, apply, read_members};

/// A generated union decoded by the JSON kind of its input. Each hook returns the variant for a
/// value of its kind; the defaults mean "no variant of this kind".
pub trait UnionDecode: Sized {
    /// What the union accepts, for the "invalid type" error message.
    const EXPECTING: &'static str;

    /// The variant for a string.
    fn string(value: &str) -> Option<Self> {
        let _ = value;
        None
    }

    /// The variant for a negative integer.
    fn int(value: i64) -> Option<Self> {
        let _ = value;
        None
    }

    /// The variant for a non-negative integer.
    fn uint(value: u64) -> Option<Self> {
        let _ = value;
        None
    }

    /// The variant for a number with a fraction or exponent.
    fn float(value: f64) -> Option<Self> {
        let _ = value;
        None
    }

    /// The variant for a boolean.
    fn boolean(value: bool) -> Option<Self> {
        let _ = value;
        None
    }

    /// The variant for `null`.
    fn null() -> Option<Self> {
        None
    }

    /// The variant for an array (by default none: kept in [`other`](Self::other) if the union has
    /// it).
    fn array<'de, A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        let value = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        other_or::<Self>(value)
            .ok_or_else(|| de::Error::invalid_type(Unexpected::Seq, &Expecting::<Self>::new()))
    }

    /// The variant for an object (by default none: kept in [`other`](Self::other) if the union
    /// has it).
    fn object<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        let value = Value::deserialize(MapAccessDeserializer::new(map))?;
        other_or::<Self>(value)
            .ok_or_else(|| de::Error::invalid_type(Unexpected::Map, &Expecting::<Self>::new()))
    }

    /// The catch-all variant of a response union (`Other(Value)`); `None` for request unions.
    fn other(value: Value) -> Option<Self> {
        let _ = value;
        None
    }
}

/// A value no variant takes: `Other` of a response union, with a drift record; `None` for a
/// request union (the caller reports the error).
fn other_or<T: UnionDecode>(value: Value) -> Option<T> {
    let kind = Kind::of(&value);
    let other = T::other(value)?;
    let name = std::any::type_name::<T>();
    drift::record(name, None, name, kind);
    Some(other)
}

/// `Deserialize::deserialize` of a [`UnionDecode`] type.
pub fn decode_union<'de, T: UnionDecode, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_any(Expecting::<T>::new())
}

/// An array variant, streamed: `T` decodes the elements directly.
pub fn seq<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(seq: A) -> Result<T, A::Error> {
    T::deserialize(SeqAccessDeserializer::new(seq))
}

/// An object variant, streamed: `T` decodes the members directly.
pub fn map<'de, T: Deserialize<'de>, A: MapAccess<'de>>(map: A) -> Result<T, A::Error> {
    T::deserialize(MapAccessDeserializer::new(map))
}

/// An array variant of a response union, streamed drift-tolerantly: if the variant cannot take
/// the array (an item of the wrong kind), the array is kept in `other`, with a drift record.
pub fn seq_or_other<'de, T, U, A>(
    seq: A,
    variant: fn(T) -> U,
    other: fn(Value) -> U,
) -> Result<U, A::Error>
where
    T: Lenient,
    A: SeqAccess<'de>,
{
    T::decode_lenient(SeqAccessDeserializer::new(seq)).map(|fit| or_other(fit, variant, other))
}

/// An object variant of a response union, streamed drift-tolerantly (see [`seq_or_other`]).
pub fn map_or_other<'de, T, U, A>(
    map: A,
    variant: fn(T) -> U,
    other: fn(Value) -> U,
) -> Result<U, A::Error>
where
    T: Lenient,
    A: MapAccess<'de>,
{
    T::decode_lenient(MapAccessDeserializer::new(map)).map(|fit| or_other(fit, variant, other))
}

fn or_other<T, U>(fit: Result<T, Value>, variant: fn(T) -> U, other: fn(Value) -> U) -> U {
    match fit {
        Ok(decoded) => variant(decoded),
        Err(raw) => {
            let name = std::any::type_name::<U>();
            drift::record(name, None, std::any::type_name::<T>(), Kind::of(&raw));
            other(raw)
        }
    }
}

/// The visitor of [`decode_union`] (and its "expected ..." text).
struct Expecting<T>(std::marker::PhantomData<T>);

impl<T> Expecting<T> {
    fn new() -> Self {
        Self(std::marker::PhantomData)
    }
}

impl<T: UnionDecode> Expecting<T> {
    fn scalar<E: de::Error>(
        &self,
        found: Option<T>,
        value: Value,
        unexpected: Unexpected<'_>,
    ) -> Result<T, E> {
        found
            .or_else(|| other_or::<T>(value))
            .ok_or_else(|| E::invalid_type(unexpected, self))
    }
}

impl<'de, T: UnionDecode> de::Visitor<'de> for Expecting<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        match T::string(v) {
            Some(found) => Ok(found),
            None => self.scalar(None, Value::String(v.to_owned()), Unexpected::Str(v)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.scalar(T::int(v), v.into(), Unexpected::Signed(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.scalar(T::uint(v), v.into(), Unexpected::Unsigned(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        self.scalar(T::float(v), v.into(), Unexpected::Float(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        self.scalar(T::boolean(v), v.into(), Unexpected::Bool(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        self.scalar(T::null(), Value::Null, Unexpected::Unit)
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::array(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::object(map)
    }
}

/// A generated tagged union: the variant is chosen by the string value of member [`TAG`](Self::TAG).
///
/// When the tag is the object's first member (as Intercom writes it) and every variant is a
/// struct, the rest of the object is decoded straight into the variant ([`variant`](Self::variant)).
/// Otherwise the object is buffered as a `Value` and dispatched from there
/// ([`buffered`](Self::buffered)), which also handles unknown tags.
pub trait TaggedDecode: Sized {
    /// The member whose value names the variant.
    const TAG: &'static str;

    /// Decodes the rest of the object as the variant for `tag` (its tag member already read);
    /// `None` when `tag` names no variant, or the variants cannot be streamed.
    fn variant<'de, A: MapAccess<'de>>(tag: &str, map: &mut A) -> Option<Result<Self, A::Error>> {
        let _ = (tag, map);
        None
    }

    /// Dispatches a buffered value on its tag.
    fn buffered<E: de::Error>(value: Value) -> Result<Self, E>;
}

/// `Deserialize::deserialize` of a [`TaggedDecode`] type.
pub fn decode_tagged<'de, T: TaggedDecode, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_any(TaggedVisitor(std::marker::PhantomData))
}

/// Decodes the rest of an object as struct `V`, after its tag member `tag_key: tag` was read.
pub fn rest<'de, V: StructDecode, A: MapAccess<'de>>(
    tag_key: &'static str,
    tag: &str,
    map: &mut A,
) -> Result<V, A::Error> {
    let mut slots = V::Slots::default();
    let mut tag_member = TagMember {
        value: tag,
        error: std::marker::PhantomData::<A::Error>,
    };
    let key = Key::Borrowed(tag_key);
    let mark = drift::mark();
    let outcome = V::member(&mut slots, &key, &mut tag_member)?;
    apply::<V>(&mut slots, key, outcome, mark);
    read_members(slots, map)
}

/// The tag member, already read, handed to the variant as a one-member map: its value decodes as
/// a string, an `Option` of one, or a string enum.
struct TagMember<'a, E> {
    value: &'a str,
    error: std::marker::PhantomData<E>,
}

impl<'de, E: de::Error> MapAccess<'de> for TagMember<'_, E> {
    type Error = E;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, _: K) -> Result<Option<K::Value>, E> {
        Ok(None)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, E> {
        seed.deserialize(TagValue {
            value: self.value,
            error: self.error,
        })
    }
}

/// The deserializer of the tag's value (a string; `Some` of it where an `Option` is asked for).
struct TagValue<'a, E> {
    value: &'a str,
    error: std::marker::PhantomData<E>,
}

impl<'de, E: de::Error> serde::Deserializer<'de> for TagValue<'_, E> {
    type Error = E;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_str(self.value)
    }

    fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct TaggedVisitor<T>(std::marker::PhantomData<T>);

/// A value that is not an object: a response union keeps it as `Unknown` (a drift, recorded); a
/// request union rejects it.
fn not_object<T: TaggedDecode, E: de::Error>(value: Value) -> Result<T, E> {
    let kind = Kind::of(&value);
    let decoded = T::buffered(value)?;
    let name = std::any::type_name::<T>();
    drift::record(name, None, name, kind);
    Ok(decoded)
}

impl<'de, T: TaggedDecode> de::Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an object with a string member {:?}", T::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut members = serde_json::Map::new();
        if let Some(first) = map.next_key::<Key<'de>>()? {
            let value: Value = map.next_value()?;
            if first.as_str() == T::TAG
                && let Value::String(tag) = &value
                && let Some(decoded) = T::variant(tag, &mut map)
            {
                return decoded;
            }
            members.insert(first.into_owned(), value);
        }
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            members.insert(key, value);
        }
        T::buffered(Value::Object(members))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        not_object(Value::String(v.to_owned()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        not_object(v.into())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        not_object(v.into())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        not_object(v.into())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        not_object(v.into())
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        not_object(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        not_object(Value::deserialize(SeqAccessDeserializer::new(seq))?)
    }
}
