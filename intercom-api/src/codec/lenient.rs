//! Drift-tolerant decoding of response values ([`Lenient`]): a value whose JSON kind does not fit
//! the declared type is handed back raw instead of failing the whole response.
//!
//! Everything here streams: each impl asks the deserializer for `deserialize_any` and looks at
//! what arrives. Only a value that does not fit is collected into a `serde_json::Value` (and, for
//! an array or map whose item drifted, the items already decoded are re-encoded next to it).
//!
//! Coercions (values that fit although their kind differs, because the meaning is unambiguous):
//! a number or boolean into a string (kept as its JSON text), a string holding a decimal integer
//! into an integer or number.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::drift;
use super::lists::read_list;
use super::structs::{StructDecode, read_members};

/// The drift case of a visitor for every non-string scalar kind: the value comes back raw.
macro_rules! forward_non_strings_to_raw {
    () => {
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Err(v.into()))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Err(v.into()))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Err(v.into()))
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Err(v.into()))
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Err(Value::Null))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Err(Value::Null))
        }
    };
}

/// The drift case of a visitor for every scalar kind, strings included.
macro_rules! forward_scalars_to_raw {
    () => {
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Err(Value::String(v.to_owned())))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Err(Value::String(v)))
        }

        forward_non_strings_to_raw!();
    };
}
pub(super) use {forward_non_strings_to_raw, forward_scalars_to_raw};

/// What a drift-tolerant decode produced: the value, or the raw JSON that did not fit.
pub type Fit<T> = Result<T, Value>;

/// A type that decodes drift-tolerantly: a value of the wrong JSON kind comes back as
/// `Ok(Err(raw))`, and the error case is left to syntax errors of the input.
///
/// Implemented by the generated response types (structs through [`StructDecode`], string enums
/// and unions by the generated code) and by the scalar, array, map and JSON types they use.
pub trait Lenient: Sized {
    /// Decodes a value, or hands it back raw when its kind does not fit.
    fn decode_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Fit<Self>, D::Error>;
}

/// The seed decoding a `T` drift-tolerantly (for `next_value_seed` / `next_element_seed`).
pub struct LenientSeed<T>(PhantomData<T>);

impl<T> LenientSeed<T> {
    /// The seed.
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> Default for LenientSeed<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for LenientSeed<T> {
    type Value = Fit<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fit<T>, D::Error> {
        T::decode_lenient(deserializer)
    }
}

/// Collects whatever arrives into a raw `Value` (the drift case of each visitor).
fn raw_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Value, A::Error> {
    Value::deserialize(SeqAccessDeserializer::new(seq))
}

pub(super) fn raw_map<'de, A: MapAccess<'de>>(map: A) -> Result<Value, A::Error> {
    Value::deserialize(MapAccessDeserializer::new(map))
}

/// A visitor for scalars: each `accept_*` hook returns the value for an input of its kind; an
/// input no hook takes comes back raw. `String`'s hooks are the one home of the number-to-string
/// coercion (also asked by [`super::string`]).
pub(super) trait Scalar: Sized {
    const EXPECTING: &'static str;
    fn accept_str(v: &str) -> Option<Self> {
        let _ = v;
        None
    }
    fn accept_string(v: String) -> Fit<Self> {
        Self::accept_str(&v).ok_or(Value::String(v))
    }
    fn accept_i64(v: i64) -> Option<Self> {
        let _ = v;
        None
    }
    fn accept_u64(v: u64) -> Option<Self> {
        let _ = v;
        None
    }
    fn accept_f64(v: f64) -> Option<Self> {
        let _ = v;
        None
    }
    fn accept_bool(v: bool) -> Option<Self> {
        let _ = v;
        None
    }
}

struct ScalarVisitor<T>(PhantomData<T>);

impl<'de, T: Scalar> Visitor<'de> for ScalarVisitor<T> {
    type Value = Fit<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Fit<T>, E> {
        Ok(T::accept_str(v).ok_or_else(|| Value::String(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Fit<T>, E> {
        Ok(T::accept_string(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Fit<T>, E> {
        Ok(T::accept_i64(v).ok_or_else(|| v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Fit<T>, E> {
        Ok(T::accept_u64(v).ok_or_else(|| v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Fit<T>, E> {
        Ok(T::accept_f64(v).ok_or_else(|| v.into()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Fit<T>, E> {
        Ok(T::accept_bool(v).ok_or(Value::Bool(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Fit<T>, E> {
        Ok(Err(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Fit<T>, E> {
        Ok(Err(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fit<T>, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Fit<T>, A::Error> {
        raw_seq(seq).map(Err)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Fit<T>, A::Error> {
        raw_map(map).map(Err)
    }
}

macro_rules! scalar_lenient {
    ($($ty:ty),*) => {$(
        impl Lenient for $ty {
            fn decode_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Fit<Self>, D::Error> {
                deserializer.deserialize_any(ScalarVisitor::<$ty>(PhantomData))
            }
        }
    )*};
}

scalar_lenient!(String, i64, f64, bool);

/// `-?[0-9]+`: the only text taken as an integer.
fn decimal_integer(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

impl Scalar for String {
    const EXPECTING: &'static str = "a string (or a number or boolean, kept as its text)";
    fn accept_str(v: &str) -> Option<Self> {
        Some(v.to_owned())
    }
    fn accept_string(v: String) -> Fit<Self> {
        Ok(v)
    }
    fn accept_i64(v: i64) -> Option<Self> {
        Some(v.to_string())
    }
    fn accept_u64(v: u64) -> Option<Self> {
        Some(v.to_string())
    }
    fn accept_f64(v: f64) -> Option<Self> {
        Some(v.to_string())
    }
    fn accept_bool(v: bool) -> Option<Self> {
        Some(v.to_string())
    }
}

impl Scalar for i64 {
    const EXPECTING: &'static str = "an integer";
    fn accept_str(v: &str) -> Option<Self> {
        decimal_integer(v).then(|| v.parse().ok()).flatten()
    }
    fn accept_i64(v: i64) -> Option<Self> {
        Some(v)
    }
    fn accept_u64(v: u64) -> Option<Self> {
        i64::try_from(v).ok()
    }
}

impl Scalar for f64 {
    const EXPECTING: &'static str = "a number";
    fn accept_str(v: &str) -> Option<Self> {
        // Integers only: their decimal text converts without ambiguity.
        decimal_integer(v).then(|| v.parse().ok()).flatten()
    }
    fn accept_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    fn accept_u64(v: u64) -> Option<Self> {
        Some(v as f64)
    }
    fn accept_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

impl Scalar for bool {
    const EXPECTING: &'static str = "a boolean";
    fn accept_bool(v: bool) -> Option<Self> {
        Some(v)
    }
}

impl Lenient for Value {
    fn decode_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Fit<Self>, D::Error> {
        Value::deserialize(deserializer).map(Ok)
    }
}

/// A free-form object (`custom_attributes`): any object fits, anything else is drift.
impl Lenient for Map<String, Value> {
    fn decode_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Fit<Self>, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Object(members) => Ok(Ok(members)),
            other => Ok(Err(other)),
        }
    }
}

/// `null` is `None`; anything else is decoded as `T`.
impl<T: Lenient> Lenient for Option<T> {
    fn decode_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Fit<Self>, D::Error> {
        deserializer.deserialize_option(OptionVisitor(PhantomData))
    }
}

struct OptionVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for OptionVisitor<T> {
    type Value = Fit<Option<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        T::decode_lenient(deserializer).map(|fit| fit.map(Some))
    }

    // Deserializers without a notion of `Option` hand over the value itself.
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.visit_some(de::value::StrDeserializer::<E>::new(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.visit_some(de::value::StringDeserializer::<E>::new(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.visit_some(de::value::I64Deserializer::<E>::new(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.visit_some(de::value::U64Deserializer::<E>::new(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.visit_some(de::value::F64Deserializer::<E>::new(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.visit_some(de::value::BoolDeserializer::<E>::new(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.visit_some(SeqAccessDeserializer::new(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.visit_some(MapAccessDeserializer::new(map))
    }
}

/// An array: the items are decoded one by one. If one does not fit, the whole array drifts (the
/// field holding it is the smallest enclosing member): the items decoded so far are re-encoded,
/// the rest is read raw, and the records of the items are replaced by the field's.
impl<T: Lenient + Serialize> Lenient for Vec<T> {
    fn decode_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Fit<Self>, D::Error> {
        deserializer.deserialize_any(SeqVisitor(PhantomData))
    }
}

struct SeqVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient + Serialize> Visitor<'de> for SeqVisitor<T> {
    type Value = Fit<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let start = drift::mark();
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            let mark = drift::mark();
            match seq.next_element_seed(LenientSeed::<T>::new())? {
                None => return Ok(Ok(items)),
                Some(Ok(item)) => {
                    if drift::mark() > mark {
                        drift::prefix_index(mark, items.len());
                    }
                    items.push(item);
                }
                Some(Err(raw)) => {
                    drift::truncate(start);
                    let mut all: Vec<Value> = items.iter().map(reencode).collect();
                    all.push(raw);
                    while let Some(rest) = seq.next_element::<Value>()? {
                        all.push(rest);
                    }
                    return Ok(Err(Value::Array(all)));
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        raw_map(map).map(Err)
    }

    forward_scalars_to_raw!();
}

/// A map with typed values (`additionalProperties: {type: string}` fields): as for arrays, a
/// value that does not fit makes the whole map drift.
impl<T: Lenient + Serialize> Lenient for BTreeMap<String, T> {
    fn decode_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Fit<Self>, D::Error> {
        deserializer.deserialize_any(MapVisitor(PhantomData))
    }
}

struct MapVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient + Serialize> Visitor<'de> for MapVisitor<T> {
    type Value = Fit<BTreeMap<String, T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let start = drift::mark();
        let mut members = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let mark = drift::mark();
            match map.next_value_seed(LenientSeed::<T>::new())? {
                Ok(value) => {
                    if drift::mark() > mark {
                        drift::prefix_key(mark, &key);
                    }
                    members.insert(key, value);
                }
                Err(raw) => {
                    drift::truncate(start);
                    let mut all: Map<String, Value> = members
                        .iter()
                        .map(|(k, v)| (k.clone(), reencode(v)))
                        .collect();
                    all.insert(key, raw);
                    while let Some((k, v)) = map.next_entry::<String, Value>()? {
                        all.insert(k, v);
                    }
                    return Ok(Err(Value::Object(all)));
                }
            }
        }
        Ok(Ok(members))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        raw_seq(seq).map(Err)
    }

    forward_scalars_to_raw!();
}

/// An item already decoded, back to JSON (to keep an array or map that drifted as a whole). The
/// generated types re-encode what they decoded, so this cannot fail; `null` if it ever did.
fn reencode<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A generated struct: an object is decoded member by member (each member drift-tolerant in turn);
/// a bare array into the one array member of a list object (`lists`); anything else drifts.
impl<T: StructDecode> Lenient for T {
    fn decode_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Fit<Self>, D::Error> {
        deserializer.deserialize_any(StructVisitor(PhantomData))
    }
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: StructDecode> Visitor<'de> for StructVisitor<T> {
    type Value = Fit<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        read_members(T::Slots::default(), &mut map).map(Ok)
    }

    /// A list object takes a bare array as its array member; any other struct drifts.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        match T::LIST_MEMBER {
            Some(member) => read_list(member, seq),
            None => raw_seq(seq).map(Err),
        }
    }

    forward_scalars_to_raw!();
}

/// A string enum: a string fits (unknown values included, as `Unknown`); anything else drifts, and
/// so does a string a closed (request-only) enum does not know.
pub fn lenient_enum<'de, T: std::str::FromStr, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Fit<T>, D::Error> {
    deserializer.deserialize_any(EnumVisitor(PhantomData))
}

struct EnumVisitor<T>(PhantomData<T>);

impl<'de, T: std::str::FromStr> Visitor<'de> for EnumVisitor<T> {
    type Value = Fit<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Fit<T>, E> {
        Ok(v.parse().map_err(|_| Value::String(v.to_owned())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        raw_seq(seq).map(Err)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        raw_map(map).map(Err)
    }

    forward_non_strings_to_raw!();
}

/// A generated union (every variant of a response union has a catch-all, so its own
/// `Deserialize` takes any value; the unions record their own drift).
pub fn via_deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Fit<T>, D::Error> {
    T::deserialize(deserializer).map(Ok)
}

/// [`via_deserialize`] for a union decoded by serde's untagged derive, whose catch-all `other`
/// returns the raw value it kept: that is recorded as drift.
pub fn via_deserialize_untagged<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
    other: fn(&T) -> Option<&Value>,
) -> Result<Fit<T>, D::Error> {
    let value = T::deserialize(deserializer)?;
    if let Some(raw) = other(&value) {
        let name = std::any::type_name::<T>();
        drift::record(name, None, name, drift::Kind::of(raw));
    }
    Ok(Ok(value))
}

/// A request (strict) union reached from a response type (an unused schema referencing it): its
/// `Deserialize` rejects what no variant takes, so the value is buffered and handed back raw
/// when it does not decode. Rare: the response unions stream (`via_deserialize`).
pub fn via_value<'de, T: serde::de::DeserializeOwned, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Fit<T>, D::Error> {
    let raw = Value::deserialize(deserializer)?;
    Ok(T::deserialize(&raw).map_err(|_| raw))
}
