//! Repeated keys of a YAML body, found the way kube-apiserver's strict YAML decoding
//! (`yaml.v2`'s `UnmarshalStrict`) reports them: `line <n>: key "<k>" already set in map`, the
//! line of the repeat, in document order. Read off the YAML parser's events, which carry the
//! lines that a serde visitor never sees.

use granit_parser::{Event, Parser};

/// One open collection: a mapping with the keys seen so far and whether a key comes next, or a
/// sequence.
enum Frame {
    Mapping { keys: Vec<String>, key_next: bool },
    Sequence,
}

/// The repeated keys of `text`, as kube words them. Syntax errors are left to the decoder.
pub fn repeated_keys(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            break;
        };
        match event {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Mapping { keys, key_next }) = stack.last_mut() {
                    if *key_next {
                        if keys.iter().any(|k| *k == value) {
                            out.push(format!(
                                "line {}: key {} already set in map",
                                span.start.line(),
                                crate::error::go_quote(&value)
                            ));
                        } else {
                            keys.push(value.into_owned());
                        }
                    }
                    *key_next = !*key_next;
                }
            }
            Event::Alias(_) => node_done(&mut stack),
            Event::MappingStart(..) => stack.push(Frame::Mapping {
                keys: Vec::new(),
                key_next: true,
            }),
            Event::SequenceStart(..) => stack.push(Frame::Sequence),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                node_done(&mut stack);
            }
            _ => {}
        }
    }
    out
}

/// A node (not a scalar key) ended inside the top collection: in a mapping, the next node is
/// a key if this one was a value.
fn node_done(stack: &mut [Frame]) {
    if let Some(Frame::Mapping { key_next, .. }) = stack.last_mut() {
        *key_next = !*key_next;
    }
}

#[cfg(test)]
mod tests {
    use super::repeated_keys;

    /// kube's field-validation integration test body (`invalidBodyYAML`).
    #[test]
    fn the_lines_kube_reports() {
        let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  labels:\n    app: nginx\nspec:\n  unknown1: val1\n  unknownDupe: valDupe\n  unknownDupe: valDupe2\n  paused: true\n  paused: false\n  selector:\n    matchLabels:\n      app: nginx\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:latest\n        unknownNested: val1\n        imagePullPolicy: Always\n        imagePullPolicy: Never";
        assert_eq!(
            repeated_keys(yaml),
            [
                "line 10: key \"unknownDupe\" already set in map",
                "line 12: key \"paused\" already set in map",
                "line 26: key \"imagePullPolicy\" already set in map",
            ]
        );
    }

    #[test]
    fn nested_values_and_flow_mappings_do_not_confuse_keys() {
        let yaml = "a: {b: 1, b: 2}\nc:\n- d: 1\n  d: 2\n- d: 3\ne: [1, 2]\nf: x\na: 3\n";
        assert_eq!(
            repeated_keys(yaml),
            [
                "line 1: key \"b\" already set in map",
                "line 4: key \"d\" already set in map",
                "line 8: key \"a\" already set in map",
            ]
        );
        assert!(repeated_keys("a: 1\nb: {a: 1}\n").is_empty());
    }
}
