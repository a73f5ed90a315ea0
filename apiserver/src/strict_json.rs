//! JSON parsed into a `Value` exactly as `serde_json::from_slice` parses it, noting every key
//! repeated within one object: serde_json keeps the last value silently, kube-apiserver's
//! strict decoding (`sigs.k8s.io/json`) reports `duplicate field "<path>"`.

use std::fmt::{self, Write as _};

use kubemem_openapi::Duplicate;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Value};

/// The value of `bytes` and the repeated keys, in document order.
pub fn parse(bytes: &[u8]) -> serde_json::Result<(Value, Vec<Duplicate>)> {
    let mut state = State::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Seed(&mut state).deserialize(&mut de)?;
    de.end()?;
    Ok((value, state.duplicates))
}

#[derive(Default)]
struct State {
    /// The path of the value being parsed, as findings write paths.
    path: String,
    duplicates: Vec<Duplicate>,
}

struct Seed<'a>(&'a mut State);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let len = self.0.path.len();
            // Writing to a String cannot fail.
            let _ = write!(self.0.path, "[{}]", items.len());
            let item = seq.next_element_seed(Seed(self.0));
            self.0.path.truncate(len);
            match item? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let len = self.0.path.len();
            let position = map.len();
            // One lookup per key: a repeated key keeps its place and takes the last value.
            let entry = map.entry(key);
            if let Entry::Occupied(repeated) = &entry {
                // Noted when the key is read, before its value, as Go's decoder does.
                self.0.duplicates.push(Duplicate {
                    parent: self.0.path.clone(),
                    position,
                    key: repeated.key().clone(),
                });
            }
            if len > 0 {
                self.0.path.push('.');
            }
            self.0.path.push_str(entry.key());
            let value = access.next_value_seed(Seed(self.0));
            self.0.path.truncate(len);
            let value = value?;
            match entry {
                Entry::Occupied(mut repeated) => {
                    repeated.insert(value);
                }
                Entry::Vacant(new) => {
                    new.insert(value);
                }
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_as_serde_json_does() {
        for text in [
            r#"{"a":1,"b":[1,-2,3.5,"x",null,true,{"c":{}}],"d":18446744073709551615}"#,
            r#"[]"#,
            r#""s""#,
            "  {\"k\" : \"\\u003c\"}  ",
        ] {
            let (value, duplicates) = parse(text.as_bytes()).unwrap();
            assert_eq!(
                value,
                serde_json::from_str::<Value>(text).unwrap(),
                "{text}"
            );
            assert!(duplicates.is_empty());
        }
    }

    #[test]
    fn errors_are_serde_json_errors() {
        for text in ["{", "{\"a\":1} x", "[1,]", ""] {
            assert_eq!(
                parse(text.as_bytes()).unwrap_err().to_string(),
                serde_json::from_str::<Value>(text).unwrap_err().to_string(),
                "{text}"
            );
        }
    }

    #[test]
    fn repeats_are_noted_where_they_stand_and_the_last_value_wins() {
        let text =
            r#"{"spec":{"a":1,"b":2,"a":3,"list":[{"x":1,"x":2}]},"spec":{"z":{"y":0,"y":1}}}"#;
        let (value, duplicates) = parse(text.as_bytes()).unwrap();
        assert_eq!(value, serde_json::json!({"spec": {"z": {"y": 1}}}));
        assert_eq!(
            duplicates,
            [
                Duplicate {
                    parent: "spec".into(),
                    position: 2,
                    key: "a".into()
                },
                Duplicate {
                    parent: "spec.list[0]".into(),
                    position: 1,
                    key: "x".into()
                },
                Duplicate {
                    parent: String::new(),
                    position: 1,
                    key: "spec".into()
                },
                Duplicate {
                    parent: "spec.z".into(),
                    position: 1,
                    key: "y".into()
                },
            ]
        );
    }
}
