//! A serde `Deserializer` over the spanned YAML tree, so typed config keeps positions: an
//! error carries the span of the node (or key) being read when it was raised.

use crate::parse::yaml::{Entry, Node, Value};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::fmt;

/// A deserialization error with the span it was raised at.
#[derive(Debug, Clone)]
pub struct Error {
    /// Message from serde or the target type.
    pub message: String,
    /// Byte span (set by [`from_node`]).
    pub span: (u32, u32),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for Error {}
impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error {
            message: msg.to_string(),
            span: (0, 0),
        }
    }
}

/// Deserializes a `T` from a node; the error span points where reading failed.
pub fn from_node<'a, T: de::Deserialize<'a>>(node: &'a Node) -> Result<T, Error> {
    let last = Cell::new((node.start, node.end));
    T::deserialize(De { node, last: &last }).map_err(|mut e| {
        e.span = last.get();
        e
    })
}

struct De<'a, 'c> {
    node: &'a Node,
    last: &'c Cell<(u32, u32)>,
}

impl<'de, 'c> de::Deserializer<'de> for De<'de, 'c> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.last.set((self.node.start, self.node.end));
        match &self.node.value {
            Value::Null => v.visit_unit(),
            Value::Bool(b) => v.visit_bool(*b),
            Value::Int(i) => v.visit_i64(*i),
            Value::Float(f) => v.visit_f64(*f),
            Value::Str(s) => v.visit_borrowed_str(s),
            Value::Seq(items) => v.visit_seq(Seq {
                items: items.iter(),
                last: self.last,
            }),
            Value::Map(entries) => v.visit_map(Map {
                entries: entries.iter(),
                value: None,
                last: self.last,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.last.set((self.node.start, self.node.end));
        if self.node.is_null() {
            v.visit_none()
        } else {
            v.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        self.last.set((self.node.start, self.node.end));
        match &self.node.value {
            Value::Str(s) => v.visit_enum(s.as_str().into_deserializer()),
            // `off`/`on` unquoted are YAML 1.1 booleans; in an enum position they mean the word.
            Value::Bool(b) => v.visit_enum((if *b { "on" } else { "off" }).into_deserializer()),
            other => Err(de::Error::custom(format!(
                "expected a string, found {}",
                type_name(other)
            ))),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

struct Seq<'a, 'c> {
    items: std::slice::Iter<'a, Node>,
    last: &'c Cell<(u32, u32)>,
}

impl<'de> SeqAccess<'de> for Seq<'de, '_> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        match self.items.next() {
            Some(node) => seed.deserialize(De { node, last: self.last }).map(Some),
            None => Ok(None),
        }
    }
}

struct Map<'a, 'c> {
    entries: std::slice::Iter<'a, Entry>,
    value: Option<&'a Node>,
    last: &'c Cell<(u32, u32)>,
}

impl<'de> MapAccess<'de> for Map<'de, '_> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            Some(e) => {
                self.last.set((e.key_start, e.key_end));
                self.value = Some(&e.value);
                seed.deserialize(e.key.as_str().into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let node = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("value without key"))?;
        seed.deserialize(De { node, last: self.last })
    }
}
