//! No input makes an engine panic: generated documents and patches full of directives, odd
//! types and nulls (a deterministic generator, so failures reproduce).

use serde_json::{Map, Value, json};

use super::{Described, MERGE_ITEM_TYPES};
use crate::patch::{FieldValidation, NoMeta, json_patch, merge_patch, strategic_merge};

/// A small linear congruential generator.
struct Gen(u64);

impl Gen {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        usize::try_from(self.0 >> 33).unwrap_or(0) % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len())]
    }

    fn value(&mut self, depth: usize) -> Value {
        const KEYS: &[&str] = &[
            "name",
            "value",
            "mergingList",
            "mergingIntList",
            "nonMergingList",
            "simpleMap",
            "retainKeysMap",
            "retainKeysMergingList",
            "replacingItem",
            "mergeItemPtr",
            "$patch",
            "$retainKeys",
            "$setElementOrder/mergingList",
            "$setElementOrder/mergingIntList",
            "$deleteFromPrimitiveList/mergingIntList",
            "$setElementOrderX/a",
            "unknown",
        ];
        const STRINGS: &[&str] = &["a", "b", "delete", "replace", "merge", "name", "value", "x"];
        match (self.next(if depth == 0 { 5 } else { 8 }), depth) {
            (0, _) => Value::Null,
            (1, _) => json!(self.next(4)),
            (2, _) => json!(self.pick(STRINGS)),
            (3, _) => json!(self.next(2) == 0),
            (4, _) => json!(1.5),
            (5 | 6, d) => {
                let mut m = Map::new();
                for _ in 0..self.next(4) {
                    let key = self.pick(KEYS).to_owned();
                    m.insert(key, self.value(d - 1));
                }
                Value::Object(m)
            }
            (_, d) => Value::Array((0..self.next(4)).map(|_| self.value(d - 1)).collect()),
        }
    }

    fn pointer(&mut self) -> String {
        const TOKENS: &[&str] = &["name", "mergingList", "0", "-1", "-", "01", "x", "~1", ""];
        (0..self.next(4))
            .map(|_| format!("/{}", self.pick(TOKENS)))
            .collect()
    }

    fn json_patch(&mut self) -> String {
        const OPS: &[&str] = &["add", "remove", "replace", "move", "copy", "test", "bogus"];
        let ops: Vec<Value> = (0..self.next(4))
            .map(|_| {
                let mut op =
                    json!({ "op": self.pick(OPS), "path": self.pointer(), "from": self.pointer() });
                if self.next(3) > 0 {
                    op["value"] = self.value(2);
                }
                op
            })
            .collect();
        Value::Array(ops).to_string()
    }
}

#[test]
fn engines_never_panic() {
    let types = super::json(MERGE_ITEM_TYPES);
    let meta = Described::new(&types, "MergeItem");
    // `SEED=<n> cargo test engines` explores another stream.
    let mut g = Gen(std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7));
    let mut outcomes = [0usize; 2];
    for _ in 0..3000 {
        let doc = match g.value(4) {
            v @ Value::Object(_) => v,
            other => json!({ "mergingList": other }),
        };
        let patch = g.value(4);
        for result in [
            strategic_merge(&doc, &patch, &meta).map(drop),
            strategic_merge(&doc, &patch, &NoMeta).map(drop),
            merge_patch(&doc, &patch, FieldValidation::Ignore).map(drop),
            json_patch(&doc, &g.json_patch(), FieldValidation::Warn).map(drop),
        ] {
            outcomes[usize::from(result.is_err())] += 1;
        }
    }
    println!(
        "#0: 12000 generated patches: {} applied, {} refused",
        outcomes[0], outcomes[1]
    );
    assert!(
        outcomes[0] > 1000 && outcomes[1] > 1000,
        "the generator should exercise both paths"
    );
}
