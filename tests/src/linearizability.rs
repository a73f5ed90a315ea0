//! A linearizability checker for histories of Kubernetes-style object operations: creates,
//! updates guarded by a resourceVersion, and gets, recorded by concurrent clients with their
//! call and return times.
//!
//! # Model
//!
//! Each key holds one object, a register of `Option<(value, resourceVersion)>`. The
//! resourceVersion of a write is the store's revision: revisions grow strictly across every
//! successful write of the cluster, so within one key each write's rv is greater than the
//! previous one's, a `Get` returns exactly the last written `(value, rv)`, and an `Update`
//! succeeds iff the current rv equals its `expected_rv`.
//!
//! An operation whose outcome is [`Outcome::Unknown`] (a timeout, a node going away) may or may
//! not have taken effect, at any point after its call: its return time is +∞, as porcupine
//! treats it. Linearizing it "without effect" changes nothing and is always possible at the very
//! end, so the search only ever linearizes it *with* effect and declares success once every
//! determinate operation is linearized. The rv such a write got is unknown; the model keeps a
//! lower bound (`rv > b`) until a later `Get` or a successful `Update` pins it down. An
//! unknown `Get` constrains nothing and is dropped.
//!
//! # Search
//!
//! Linearizability is P-compositional (Herlihy & Wing): a history is linearizable iff each
//! key's sub-history is, so every key is checked on its own. Per key this is the Wing–Gong
//! algorithm with Lowe's memoization, as in porcupine:
//!
//! ```text
//!  events, sorted by time (a call before a return at the same instant):
//!    call A · call B · ret A · call C · ret B · ret C
//!  walk the list from its head:
//!    a call whose op can take effect in the current state, reaching a (linearized set, state)
//!      pair not seen before  → linearize it: push (op, state) on the stack, take its call and
//!      return out of the list, start again from the head
//!    any other call          → try the next entry
//!    a return                → that op had to be linearized before it returned and none of
//!      the calls before it can go next: pop the last linearized op, put its events back and
//!      try the entry after its call
//!  success: every determinate op linearized; failure: a return with an empty stack
//! ```
//!
//! The cache of `(linearized bitset, state)` pairs makes the search visit each configuration
//! once. On failure, the deepest configuration reached explains the violation: the last ops of
//! the longest linearizable prefix, the object's state after them, and the ops that could have
//! gone next — none of which fits, although one of them had returned.
//!
//! Across keys, [`check`] also checks the revision order: no two successful writes share an
//! rv, and a write that returned before another was called has the smaller rv.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

#[cfg(test)]
mod tests;

/// A resourceVersion: the store revision of a write.
pub type Rv = i64;

/// What a client asked of one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    /// Creates the object if it does not exist.
    Create { value: u64 },
    /// Replaces the object if its rv is `expected_rv`.
    Update { value: u64, expected_rv: Rv },
    /// Reads the object.
    Get,
}

/// What the client was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// A write took effect at this rv.
    Ok { rv: Rv },
    /// A create found the object there.
    AlreadyExists,
    /// An update found the object at another rv.
    Conflict,
    /// An update or a get found no object.
    NotFound,
    /// A get found the object.
    Found { value: u64, rv: Rv },
    /// No answer (timed out, failed): the op may or may not have taken effect.
    Unknown,
}

/// One operation of a history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    pub client: usize,
    pub key: String,
    pub call: Call,
    pub outcome: Outcome,
    /// When it was called, in nanoseconds on a clock shared by all clients.
    pub invoked_ns: u64,
    /// When it returned, on the same clock; ignored (+∞) for an [`Outcome::Unknown`].
    pub returned_ns: u64,
}

impl Operation {
    /// The return time the checker uses: +∞ for an unknown outcome.
    fn returned(&self) -> u64 {
        match self.outcome {
            Outcome::Unknown => u64::MAX,
            _ => self.returned_ns,
        }
    }

    fn is_determinate(&self) -> bool {
        self.outcome != Outcome::Unknown
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let call = match self.call {
            Call::Create { value } => format!("create {value}"),
            Call::Update { value, expected_rv } => format!("update to {value} if rv {expected_rv}"),
            Call::Get => "get".to_owned(),
        };
        let outcome = match self.outcome {
            Outcome::Ok { rv } => format!("ok at rv {rv}"),
            Outcome::AlreadyExists => "already exists".to_owned(),
            Outcome::Conflict => "conflict".to_owned(),
            Outcome::NotFound => "not found".to_owned(),
            Outcome::Found { value, rv } => format!("found {value} at rv {rv}"),
            Outcome::Unknown => "unknown".to_owned(),
        };
        let ms = |ns: u64| ns as f64 / 1e6;
        let returned = match self.outcome {
            Outcome::Unknown => "∞".to_owned(),
            _ => format!("{:.3}", ms(self.returned_ns)),
        };
        write!(
            f,
            "client {} {:?}: {call} → {outcome}  [{:.3} ms, {returned} ms]",
            self.client,
            self.key,
            ms(self.invoked_ns)
        )
    }
}

/// The result of [`check`].
#[derive(Clone, Debug)]
pub struct Verdict {
    /// Keys checked.
    pub keys: usize,
    /// Operations checked (unknown gets, which constrain nothing, included).
    pub operations: usize,
    /// Empty iff the history is linearizable.
    pub violations: Vec<Violation>,
}

impl Verdict {
    pub fn is_linearizable(&self) -> bool {
        self.violations.is_empty()
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_linearizable() {
            return write!(
                f,
                "linearizable: {} operations on {} keys",
                self.operations, self.keys
            );
        }
        write!(
            f,
            "NOT linearizable: {} violation(s) in {} operations on {} keys",
            self.violations.len(),
            self.operations,
            self.keys
        )?;
        for violation in &self.violations {
            write!(f, "\n\n{violation}")?;
        }
        Ok(())
    }
}

/// Why a history is not linearizable.
#[derive(Clone, Debug)]
pub struct Violation {
    /// The key whose sub-history has no linearization; `None` for the revision order across
    /// keys.
    pub key: Option<String>,
    /// The operations involved (a few, not all of the key's).
    pub operations: Vec<Operation>,
    /// What goes wrong, readably.
    pub explanation: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explanation)
    }
}

/// Checks a history: each key's operations on their own, then the revision order across keys.
pub fn check(history: &[Operation]) -> Verdict {
    let mut by_key: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in history {
        by_key.entry(&op.key).or_default().push(op);
    }
    let mut violations: Vec<Violation> = by_key
        .iter()
        .filter_map(|(key, ops)| check_key(key, ops))
        .collect();
    violations.extend(check_revision_order(history));
    Verdict {
        keys: by_key.len(),
        operations: history.len(),
        violations,
    }
}

/// The rv of an object in the model: known, or only bounded below (after an unknown write).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Stamp {
    Known(Rv),
    /// Some rv greater than this one.
    After(Rv),
}

impl Stamp {
    fn may_be(self, rv: Rv) -> bool {
        match self {
            Stamp::Known(known) => known == rv,
            Stamp::After(bound) => rv > bound,
        }
    }

    fn may_differ(self, rv: Rv) -> bool {
        match self {
            Stamp::Known(known) => known != rv,
            Stamp::After(_) => true,
        }
    }
}

/// One key's object in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Object {
    Absent,
    Present { value: u64, stamp: Stamp },
}

impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Object::Absent => f.write_str("absent"),
            Object::Present {
                value,
                stamp: Stamp::Known(rv),
            } => write!(f, "{value} at rv {rv}"),
            Object::Present {
                value,
                stamp: Stamp::After(bound),
            } => write!(f, "{value} at an unknown rv > {bound}"),
        }
    }
}

/// The object after `op` takes effect on `object`, or `None` if its outcome is impossible there.
/// An unknown write is stepped only *with* effect (see the module doc).
fn step(object: Object, op: &Operation) -> Option<Object> {
    use Object::{Absent, Present};
    match (op.call, op.outcome, object) {
        (Call::Create { value }, Outcome::Ok { rv }, Absent) if rv > 0 => Some(Present {
            value,
            stamp: Stamp::Known(rv),
        }),
        (Call::Create { value }, Outcome::Unknown, Absent) => Some(Present {
            value,
            stamp: Stamp::After(0),
        }),
        (Call::Create { .. }, Outcome::AlreadyExists, Present { .. }) => Some(object),
        (Call::Update { value, expected_rv }, Outcome::Ok { rv }, Present { stamp, .. })
            if stamp.may_be(expected_rv) && rv > expected_rv =>
        {
            Some(Present {
                value,
                stamp: Stamp::Known(rv),
            })
        }
        (Call::Update { value, expected_rv }, Outcome::Unknown, Present { stamp, .. })
            if stamp.may_be(expected_rv) =>
        {
            Some(Present {
                value,
                stamp: Stamp::After(expected_rv),
            })
        }
        (Call::Update { expected_rv, .. }, Outcome::Conflict, Present { stamp, .. })
            if stamp.may_differ(expected_rv) =>
        {
            Some(object)
        }
        (Call::Update { .. } | Call::Get, Outcome::NotFound, Absent) => Some(Absent),
        (Call::Get, Outcome::Found { value, rv }, Present { value: had, stamp })
            if value == had && stamp.may_be(rv) =>
        {
            Some(Present {
                value,
                stamp: Stamp::Known(rv),
            })
        }
        _ => None,
    }
}

/// A set of operation indexes.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Bitset(Vec<u64>);

impl Bitset {
    fn new(len: usize) -> Bitset {
        Bitset(vec![0; len.div_ceil(64)])
    }

    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
}

/// The call and return events of one key's operations as a doubly linked list (index 0 is the
/// head), from which linearized operations are lifted out and put back on backtracking.
struct Events {
    /// The operation of each event.
    op: Vec<usize>,
    is_call: Vec<bool>,
    /// A call's return event.
    matching: Vec<usize>,
    prev: Vec<usize>,
    next: Vec<usize>,
}

const HEAD: usize = 0;
const NIL: usize = usize::MAX;

impl Events {
    fn new(ops: &[&Operation]) -> Events {
        // (time, return?, op): a call sorts before a return at the same instant, so the two
        // count as concurrent.
        let mut sorted: Vec<(u64, bool, usize)> = Vec::with_capacity(2 * ops.len());
        for (i, op) in ops.iter().enumerate() {
            sorted.push((op.invoked_ns, false, i));
            sorted.push((op.returned(), true, i));
        }
        sorted.sort_unstable();
        let len = sorted.len() + 1;
        let mut events = Events {
            op: vec![NIL; len],
            is_call: vec![false; len],
            matching: vec![NIL; len],
            prev: (0..len).map(|i| i.wrapping_sub(1)).collect(),
            next: (1..=len).map(|i| if i == len { NIL } else { i }).collect(),
        };
        let mut call_of = vec![NIL; ops.len()];
        for (slot, &(_, is_return, op)) in sorted.iter().enumerate() {
            let e = slot + 1;
            events.op[e] = op;
            events.is_call[e] = !is_return;
            if is_return {
                events.matching[call_of[op]] = e;
            } else {
                call_of[op] = e;
            }
        }
        events
    }

    /// Takes a call and its return out of the list.
    fn lift(&mut self, call: usize) {
        let ret = self.matching[call];
        // A call is always followed by at least its own return.
        self.prev[self.next[call]] = self.prev[call];
        self.next[self.prev[call]] = self.next[call];
        self.next[self.prev[ret]] = self.next[ret];
        if self.next[ret] != NIL {
            self.prev[self.next[ret]] = self.prev[ret];
        }
    }

    /// Puts back what [`Events::lift`] took out (in the reverse order).
    fn unlift(&mut self, call: usize) {
        let ret = self.matching[call];
        self.next[self.prev[ret]] = ret;
        if self.next[ret] != NIL {
            self.prev[self.next[ret]] = ret;
        }
        self.prev[self.next[call]] = call;
        self.next[self.prev[call]] = call;
    }
}

/// The deepest point the search reached, to explain a failure.
struct Deepest {
    /// The linearized operations, in order.
    prefix: Vec<usize>,
    object: Object,
    /// The operation whose return stopped the search there.
    blocking: usize,
    /// The operations that could have gone next (called before `blocking` returned).
    candidates: Vec<usize>,
}

/// Searches a linearization of one key's operations; `None` if there is one.
fn check_key(key: &str, all: &[&Operation]) -> Option<Violation> {
    let ops: Vec<&Operation> = all
        .iter()
        .copied()
        .filter(|op| !(op.call == Call::Get && op.outcome == Outcome::Unknown))
        .collect();
    let mut events = Events::new(&ops);
    let mut linearized = Bitset::new(ops.len());
    let mut seen: HashSet<(Bitset, Object)> = HashSet::new();
    let mut stack: Vec<(usize, Object)> = Vec::new();
    let mut object = Object::Absent;
    let mut remaining = ops.iter().filter(|op| op.is_determinate()).count();
    let mut deepest: Option<Deepest> = None;
    let mut entry = events.next[HEAD];
    while remaining > 0 {
        // Some determinate op is not linearized: its return is still in the list, ahead.
        debug_assert_ne!(entry, NIL);
        let op = events.op[entry];
        if events.is_call[entry] {
            if let Some(after) = step(object, ops[op]) {
                linearized.set(op);
                if seen.insert((linearized.clone(), after)) {
                    stack.push((entry, object));
                    object = after;
                    remaining -= usize::from(ops[op].is_determinate());
                    events.lift(entry);
                    entry = events.next[HEAD];
                    continue;
                }
                linearized.clear(op);
            }
            entry = events.next[entry];
        } else {
            if deepest
                .as_ref()
                .is_none_or(|d| stack.len() > d.prefix.len())
            {
                deepest = Some(Deepest {
                    prefix: stack.iter().map(|&(e, _)| events.op[e]).collect(),
                    object,
                    blocking: op,
                    candidates: candidates(&events, entry),
                });
            }
            let Some((call, before)) = stack.pop() else {
                let deepest = deepest.expect("recorded at this very return");
                return Some(explain(key, &ops, deepest));
            };
            let undone = events.op[call];
            object = before;
            linearized.clear(undone);
            remaining += usize::from(ops[undone].is_determinate());
            events.unlift(call);
            entry = events.next[call];
        }
    }
    None
}

/// The operations called before the return event `ret` and not linearized: those that could
/// go next.
fn candidates(events: &Events, ret: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut e = events.next[HEAD];
    while e != ret {
        if events.is_call[e] {
            out.push(events.op[e]);
        }
        e = events.next[e];
    }
    out
}

/// How many of the longest linearizable prefix's last ops an explanation shows.
const PREFIX_SHOWN: usize = 5;
/// How many candidates an explanation shows.
const CANDIDATES_SHOWN: usize = 10;

fn explain(key: &str, ops: &[&Operation], deepest: Deepest) -> Violation {
    let Deepest {
        prefix,
        object,
        blocking,
        candidates,
    } = deepest;
    let mut text = format!(
        "key {key:?}: no linearization of its {} operations.\n\
         The longest linearizable prefix has {} of them; its last ones:",
        ops.len(),
        prefix.len()
    );
    let shown = &prefix[prefix.len().saturating_sub(PREFIX_SHOWN)..];
    if shown.is_empty() {
        text.push_str("\n  (none)");
    }
    for &i in shown {
        text.push_str(&format!("\n  {}", ops[i]));
    }
    text.push_str(&format!(
        "\nleaving the object {object}. Then this op returned, so it must have taken effect:\n  {}\n\
         but it does not fit the object {object}, and neither does any other op that could go \
         next:",
        ops[blocking]
    ));
    let candidates: Vec<usize> = candidates.into_iter().filter(|&i| i != blocking).collect();
    if candidates.is_empty() {
        text.push_str("\n  (none)");
    }
    for &i in candidates.iter().take(CANDIDATES_SHOWN) {
        text.push_str(&format!("\n  {}", ops[i]));
    }
    if candidates.len() > CANDIDATES_SHOWN {
        text.push_str(&format!(
            "\n  … and {} more",
            candidates.len() - CANDIDATES_SHOWN
        ));
    }
    let mut involved: Vec<usize> = shown.to_vec();
    involved.push(blocking);
    involved.extend(candidates.iter().take(CANDIDATES_SHOWN));
    Violation {
        key: Some(key.to_owned()),
        operations: involved.into_iter().map(|i| ops[i].clone()).collect(),
        explanation: text,
    }
}

/// Across keys: successful writes have distinct rvs, and a write that returned before another
/// was called has the smaller rv (revisions are one counter, and a committed write is applied
/// before any later one). At most one violation of each kind is reported.
fn check_revision_order(history: &[Operation]) -> Vec<Violation> {
    let mut writes: Vec<(Rv, &Operation)> = history
        .iter()
        .filter_map(|op| match (op.call, op.outcome) {
            (Call::Create { .. } | Call::Update { .. }, Outcome::Ok { rv }) => Some((rv, op)),
            _ => None,
        })
        .collect();
    writes.sort_by_key(|&(rv, op)| (rv, op.invoked_ns));
    let mut violations = Vec::new();
    if let Some(pair) = writes.windows(2).find(|w| w[0].0 == w[1].0) {
        violations.push(Violation {
            key: None,
            operations: vec![pair[0].1.clone(), pair[1].1.clone()],
            explanation: format!(
                "two successful writes at the same rv {}:\n  {}\n  {}",
                pair[0].0, pair[0].1, pair[1].1
            ),
        });
    }
    // From the highest rv down, the write with a higher rv that returned first: if it
    // returned before a lower-rv write was called, the revision went backwards in real time.
    let mut earliest_higher: Option<&Operation> = None;
    let mut i = writes.len();
    while i > 0 {
        // Writes of one rv (already reported if several) are compared only with higher ones.
        let rv = writes[i - 1].0;
        let mut j = i;
        while j > 0 && writes[j - 1].0 == rv {
            j -= 1;
        }
        if let Some(&(_, lower)) = writes[j..i]
            .iter()
            .find(|(_, op)| earliest_higher.is_some_and(|h| h.returned_ns < op.invoked_ns))
        {
            let higher = earliest_higher.expect("checked by find");
            violations.push(Violation {
                key: None,
                operations: vec![higher.clone(), lower.clone()],
                explanation: format!(
                    "the revision went backwards: this write returned\n  {higher}\n\
                     before this one was called, yet got a smaller rv:\n  {lower}"
                ),
            });
            break;
        }
        for &(_, op) in &writes[j..i] {
            if earliest_higher.is_none_or(|h| op.returned_ns < h.returned_ns) {
                earliest_higher = Some(op);
            }
        }
        i = j;
    }
    violations
}
