use std::time::Instant;

use super::*;

fn op(client: usize, call: Call, outcome: Outcome, (invoked, returned): (u64, u64)) -> Operation {
    Operation {
        client,
        key: "k".to_owned(),
        call,
        outcome,
        invoked_ns: invoked,
        returned_ns: returned,
    }
}

fn create(client: usize, value: u64, outcome: Outcome, at: (u64, u64)) -> Operation {
    op(client, Call::Create { value }, outcome, at)
}

fn update(
    client: usize,
    value: u64,
    expected_rv: Rv,
    outcome: Outcome,
    at: (u64, u64),
) -> Operation {
    op(client, Call::Update { value, expected_rv }, outcome, at)
}

fn get(client: usize, outcome: Outcome, at: (u64, u64)) -> Operation {
    op(client, Call::Get, outcome, at)
}

fn ok(rv: Rv) -> Outcome {
    Outcome::Ok { rv }
}

fn found(value: u64, rv: Rv) -> Outcome {
    Outcome::Found { value, rv }
}

use Outcome::{AlreadyExists, Conflict, NotFound, Unknown};

#[test]
fn linearizable_histories_pass() {
    let cases: Vec<(&str, Vec<Operation>)> = vec![
        ("empty", vec![]),
        (
            "sequential create, update, get",
            vec![
                get(0, NotFound, (0, 1)),
                update(0, 9, 1, NotFound, (2, 3)),
                create(0, 1, ok(3), (4, 5)),
                update(0, 2, 3, ok(7), (6, 7)),
                update(0, 3, 3, Conflict, (8, 9)),
                get(0, found(2, 7), (10, 11)),
            ],
        ),
        (
            // The get began first and ended last but must go after the create: only the
            // order create, get works, the reverse of the call order.
            "concurrent create and get: the get goes second",
            vec![get(1, found(1, 1), (0, 10)), create(0, 1, ok(1), (2, 5))],
        ),
        (
            // Two creates overlap: the one that returned AlreadyExists was called first.
            "concurrent creates: the later call wins",
            vec![
                create(0, 1, AlreadyExists, (0, 10)),
                create(1, 2, ok(4), (1, 5)),
                get(2, found(2, 4), (11, 12)),
            ],
        ),
        (
            // Reads overlapping an update see either side of it, in either order of calls.
            "reads around an overlapping update",
            vec![
                create(0, 1, ok(1), (0, 1)),
                update(0, 2, 1, ok(2), (10, 20)),
                get(1, found(2, 2), (11, 13)),
                get(2, found(1, 1), (12, 19)),
                get(3, found(2, 2), (14, 15)),
            ],
        ),
        (
            // Two updates with the same expected rv overlap: one wins, the other conflicts,
            // whichever was called first.
            "one of two racing updates wins",
            vec![
                create(0, 1, ok(1), (0, 1)),
                update(1, 2, 1, Conflict, (10, 20)),
                update(2, 3, 1, ok(5), (11, 19)),
                get(0, found(3, 5), (21, 22)),
            ],
        ),
        (
            "an unknown create that took effect: a later get pins its rv",
            vec![
                create(0, 1, Unknown, (0, 5)),
                get(1, found(1, 4), (10, 11)),
                update(1, 2, 4, ok(6), (12, 13)),
            ],
        ),
        (
            "an unknown create that did not take effect",
            vec![
                create(0, 1, Unknown, (0, 5)),
                get(1, NotFound, (10, 11)),
                create(1, 2, ok(3), (12, 13)),
                get(1, found(2, 3), (14, 15)),
            ],
        ),
        (
            // Its return is +∞: it may take effect long after the client gave up.
            "an unknown update that took effect late",
            vec![
                create(0, 1, ok(1), (0, 1)),
                update(0, 2, 1, Unknown, (2, 3)),
                get(1, found(1, 1), (10, 11)),
                get(1, found(2, 8), (20, 21)),
            ],
        ),
        (
            "an update guarded by an rv learned from an unknown write",
            vec![
                create(0, 1, ok(1), (0, 1)),
                update(0, 2, 1, Unknown, (2, 3)),
                update(1, 3, 5, ok(6), (10, 11)),
                get(1, found(3, 6), (20, 21)),
            ],
        ),
        (
            "an unknown get constrains nothing",
            vec![create(0, 1, ok(1), (0, 1)), get(1, Unknown, (2, 3))],
        ),
    ];
    for (i, (name, history)) in cases.iter().enumerate() {
        println!("#{i}: {name}");
        let verdict = check(history);
        assert!(verdict.is_linearizable(), "#{i}: {name}: {verdict}");
    }
}

#[test]
fn violations_are_detected_and_explained() {
    let cases: Vec<(&str, Vec<Operation>)> = vec![
        (
            "a stale read after an acknowledged update",
            vec![
                create(0, 1, ok(1), (0, 1)),
                update(0, 2, 1, ok(2), (2, 3)),
                get(1, found(1, 1), (4, 5)),
            ],
        ),
        (
            "two successful updates with the same expected rv",
            vec![
                create(0, 1, ok(1), (0, 1)),
                update(1, 2, 1, ok(2), (10, 20)),
                update(2, 3, 1, ok(3), (11, 19)),
            ],
        ),
        (
            "a lost acknowledged create",
            vec![create(0, 1, ok(1), (0, 1)), get(1, NotFound, (2, 3))],
        ),
        (
            "a lost acknowledged update: a later update succeeds on the old rv",
            vec![
                create(0, 1, ok(1), (0, 1)),
                update(0, 2, 1, ok(2), (2, 3)),
                update(1, 3, 1, ok(4), (4, 5)),
            ],
        ),
        (
            "two successful creates",
            vec![create(0, 1, ok(1), (0, 10)), create(1, 2, ok(2), (5, 15))],
        ),
        (
            "the rv goes backwards on an update",
            vec![create(0, 1, ok(5), (0, 1)), update(0, 2, 5, ok(3), (2, 3))],
        ),
        (
            "a get returns a value with another rv than its write's",
            vec![create(0, 1, ok(5), (0, 1)), get(1, found(1, 6), (2, 3))],
        ),
        (
            "an unknown write read back with an rv older than the one it replaced",
            vec![
                create(0, 1, ok(5), (0, 1)),
                update(0, 2, 5, Unknown, (2, 3)),
                get(1, found(2, 4), (4, 5)),
            ],
        ),
        (
            "a read of a value never written",
            vec![
                create(0, 1, ok(1), (0, 1)),
                update(0, 2, 1, Unknown, (2, 3)),
                get(1, found(3, 2), (4, 5)),
            ],
        ),
        (
            "a read goes back to the old value after seeing the new one",
            vec![
                create(0, 1, ok(1), (0, 1)),
                update(0, 2, 1, ok(2), (2, 30)),
                get(1, found(2, 2), (3, 4)),
                get(2, found(1, 1), (5, 6)),
            ],
        ),
        (
            "a conflict on the current rv",
            vec![
                create(0, 1, ok(1), (0, 1)),
                update(0, 2, 1, Conflict, (2, 3)),
            ],
        ),
    ];
    for (i, (name, history)) in cases.iter().enumerate() {
        println!("#{i}: {name}");
        let verdict = check(history);
        println!("{verdict}");
        // A write at a smaller rv may break the revision order across keys too.
        let violation = verdict
            .violations
            .iter()
            .find(|v| v.key.is_some())
            .unwrap_or_else(|| panic!("#{i}: {name}: {verdict}"));
        assert_eq!(violation.key.as_deref(), Some("k"), "#{i}: {name}");
        assert!(violation.explanation.contains("key \"k\""), "#{i}: {name}");
        assert!(!violation.operations.is_empty(), "#{i}: {name}");
    }
}

#[test]
fn the_explanation_names_the_stale_read_and_the_state_it_missed() {
    let history = vec![
        create(0, 1, ok(1), (0, 1)),
        update(0, 2, 1, ok(2), (2, 3)),
        get(7, found(1, 1), (4, 5)),
    ];
    let verdict = check(&history);
    let text = verdict.violations[0].explanation.clone();
    println!("{text}");
    assert!(text.contains("has 2 of them"), "{text}");
    assert!(text.contains("leaving the object 2 at rv 2"), "{text}");
    assert!(
        text.contains("client 7 \"k\": get → found 1 at rv 1"),
        "{text}"
    );
}

#[test]
fn the_revision_order_across_keys_is_checked() {
    let on = |key: &str, op: Operation| Operation {
        key: key.to_owned(),
        ..op
    };
    let backwards = vec![
        on("a", create(0, 1, ok(10), (0, 1))),
        on("b", create(1, 2, ok(4), (2, 3))),
    ];
    let same_rv = vec![
        on("a", create(0, 1, ok(4), (0, 10))),
        on("b", create(1, 2, ok(4), (5, 15))),
    ];
    let concurrent = vec![
        on("a", create(0, 1, ok(10), (0, 10))),
        on("b", create(1, 2, ok(4), (5, 15))),
        on("c", create(2, 3, ok(11), (16, 17))),
    ];
    for (i, (name, history, linearizable)) in [
        ("a later write at a smaller rv", backwards, false),
        ("two writes at one rv", same_rv, false),
        ("overlapping writes in either rv order", concurrent, true),
    ]
    .into_iter()
    .enumerate()
    {
        println!("#{i}: {name}");
        let verdict = check(&history);
        println!("{verdict}");
        assert_eq!(verdict.is_linearizable(), linearizable, "#{i}: {name}");
        assert!(verdict.violations.iter().all(|v| v.key.is_none()));
    }
}

/// A linearizable history by construction: every op takes effect at a random instant inside
/// its interval, applied to a model in that order; one in twenty outcomes is then hidden as
/// unknown (with or without its effect).
fn generated(seed: u64, clients: usize, keys: usize, ops: usize) -> Vec<Operation> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut timed = Vec::with_capacity(ops);
    for client in 0..clients {
        let mut t = 0;
        for _ in 0..ops / clients {
            let invoked = t + rng.u64(0..1_000);
            let effect = invoked + rng.u64(1..5_000);
            let returned = effect + rng.u64(1..5_000);
            timed.push((effect, client, invoked, returned));
            t = returned;
        }
    }
    timed.sort_unstable();
    let mut objects: BTreeMap<String, (u64, Rv)> = BTreeMap::new();
    let mut revision = 0;
    let mut history = Vec::with_capacity(ops);
    for (value, (_, client, invoked, returned)) in (1..).zip(timed) {
        let key = format!("k{}", rng.usize(0..keys));
        let current = objects.get(&key).copied();
        let (call, outcome) = match rng.u32(0..10) {
            0..2 => (
                Call::Create { value },
                match current {
                    Some(_) => AlreadyExists,
                    None => {
                        revision += 1;
                        objects.insert(key.clone(), (value, revision));
                        ok(revision)
                    }
                },
            ),
            2..6 => {
                let expected_rv = match current {
                    Some((_, rv)) if rng.u32(0..4) > 0 => rv,
                    Some((_, rv)) => rv - 1,
                    None => rng.i64(1..100),
                };
                let outcome = match current {
                    None => NotFound,
                    Some((_, rv)) if rv != expected_rv => Conflict,
                    Some(_) => {
                        revision += 1;
                        objects.insert(key.clone(), (value, revision));
                        ok(revision)
                    }
                };
                (Call::Update { value, expected_rv }, outcome)
            }
            _ => (
                Call::Get,
                current.map_or(NotFound, |(value, rv)| found(value, rv)),
            ),
        };
        let outcome = if rng.u32(0..20) == 0 {
            Unknown
        } else {
            outcome
        };
        history.push(Operation {
            client,
            key,
            call,
            outcome,
            invoked_ns: invoked,
            returned_ns: returned,
        });
    }
    history
}

#[test]
fn five_thousand_operations_check_well_under_a_second() {
    let mut history = generated(5, 8, 20, 5_000);
    let started = Instant::now();
    let verdict = check(&history);
    let took = started.elapsed();
    println!("{verdict} in {took:?}");
    assert!(verdict.is_linearizable(), "{verdict}");
    assert_eq!((verdict.operations, verdict.keys), (5_000, 20));
    assert!(took.as_millis() < 1_000, "took {took:?}");

    // One read made stale: a get that follows an acknowledged update of its key now returns
    // the object that update replaced.
    let written: BTreeMap<Rv, u64> = history
        .iter()
        .filter_map(|w| match (w.call, w.outcome) {
            (Call::Create { value } | Call::Update { value, .. }, Outcome::Ok { rv }) => {
                Some((rv, value))
            }
            _ => None,
        })
        .collect();
    let (i, stale) = (0..history.len())
        .rev()
        .find_map(|i| {
            let read = &history[i];
            let Outcome::Found { rv, .. } = read.outcome else {
                return None;
            };
            history[..i].iter().find_map(|w| match (w.call, w.outcome) {
                (Call::Update { expected_rv, .. }, Outcome::Ok { rv: wrote })
                    if w.key == read.key && wrote == rv && w.returned_ns < read.invoked_ns =>
                {
                    Some((i, found(*written.get(&expected_rv)?, expected_rv)))
                }
                _ => None,
            })
        })
        .expect("a read after an acknowledged update");
    history[i].outcome = stale;
    let verdict = check(&history);
    println!("{verdict}");
    assert_eq!(verdict.violations.len(), 1, "{verdict}");
    assert_eq!(verdict.violations[0].key.as_ref(), Some(&history[i].key));
}
