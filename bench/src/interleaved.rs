//! Interleaved measurement, for the target ratios.
//!
//! Criterion measures one case after another, minutes apart; on a shared machine the speed of the
//! whole machine drifts by 10-30 % over that time (the bare handler alone has measured 91 to 137 ns in
//! different runs), which moves a ratio of two cases as much as any real difference. Here every case
//! runs one batch per round, in an order that rotates each round, so all cases see the same machine;
//! each case's time is the median of its batches.

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::time::{Duration, Instant};

use lambda_http::{Request, Response};

use crate::block_on;

/// Calls per batch: enough that the first calls of a batch, which find the caches filled by the other
/// cases, weigh little (with 64 the interleaved times were 10-20 % above criterion's).
pub const BATCH: usize = 512;

/// Runs one timed batch; its responses are dropped after the clock stops.
type Batch<'a> = Box<dyn FnMut() -> Duration + 'a>;

/// One measured case: a name, and how to run one timed batch of it.
pub struct Case<'a> {
    name: String,
    batch: Batch<'a>,
}

impl<'a> Case<'a> {
    /// `handler` on fresh requests from `request`, built before the clock starts; the responses are
    /// dropped after it stops.
    pub fn new<F, Fut, B>(
        name: impl Into<String>,
        request: impl Fn() -> Request + 'a,
        handler: F,
    ) -> Case<'a>
    where
        F: Fn(Request) -> Fut + 'a,
        Fut: Future<Output = Result<Response<B>, Infallible>>,
        B: 'a,
    {
        let mut outputs = Vec::with_capacity(BATCH);
        Case {
            name: name.into(),
            batch: Box::new(move || {
                let requests: Vec<Request> = (0..BATCH).map(|_| request()).collect();
                let start = Instant::now();
                for request in requests {
                    outputs.push(black_box(block_on(handler(request))));
                }
                let elapsed = start.elapsed();
                outputs.clear();
                elapsed
            }),
        }
    }
}

/// Runs `rounds` rounds (after `rounds / 10` discarded ones, to warm caches and the allocator) and
/// returns each case's median time per call, in nanoseconds. The order of the cases is shuffled every
/// round, so no case always runs after the same one (whose leftovers in the caches it would inherit).
pub fn measure(cases: &mut [Case<'_>], rounds: usize) -> Vec<(String, f64)> {
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); cases.len()];
    let mut order: Vec<usize> = (0..cases.len()).collect();
    let mut shuffle = Shuffle(0x9e37_79b9_7f4a_7c15);
    let warmup = rounds / 10;
    for round in 0..warmup + rounds {
        shuffle.shuffle(&mut order);
        for &k in &order {
            let elapsed = (cases[k].batch)();
            if round >= warmup {
                times[k].push(elapsed);
            }
        }
    }
    cases
        .iter()
        .zip(times)
        .map(|(case, mut times)| {
            times.sort_unstable();
            let median = times.get(times.len() / 2).copied().unwrap_or_default();
            (case.name.clone(), median.as_nanos() as f64 / BATCH as f64)
        })
        .collect()
}

/// A fixed-seed xorshift generator: the same orders in every run, without a dependency for it.
struct Shuffle(u64);

impl Shuffle {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Fisher-Yates.
    fn shuffle(&mut self, items: &mut [usize]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// `results` as a JSON object of name to nanoseconds, for `scripts/bench-report`.
pub fn to_json(results: &[(String, f64)]) -> String {
    let fields: Vec<String> = results
        .iter()
        .map(|(name, ns)| format!("  {name:?}: {ns:.3}"))
        .collect();
    format!("{{\n{}\n}}\n", fields.join(",\n"))
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use lambda_http::Body;

    use super::*;

    #[test]
    fn every_case_runs_one_batch_per_round_in_shuffled_orders() {
        let log = RefCell::new(Vec::new());
        let case = |name: &'static str| {
            let log = &log;
            Case::new(
                name,
                || Request::new(Body::Empty),
                move |_request: Request| {
                    log.borrow_mut().push(name);
                    async { Ok(Response::new(Body::Empty)) }
                },
            )
        };
        let mut cases = [case("a"), case("b"), case("c")];
        let results = measure(&mut cases, 20);
        drop(cases);
        let names: Vec<&str> = results.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);

        let log = log.into_inner();
        // 2 warm-up rounds and 20 measured ones, 3 cases, one batch each.
        assert_eq!(log.len(), 22 * 3 * BATCH);
        assert!(
            log.chunks(BATCH)
                .all(|batch| batch.iter().all(|n| *n == batch[0]))
        );
        let batches: Vec<&str> = log.chunks(BATCH).map(|batch| batch[0]).collect();
        let rounds: Vec<&[&str]> = batches.chunks(3).collect();
        for round in &rounds {
            let mut sorted = round.to_vec();
            sorted.sort_unstable();
            assert_eq!(sorted, ["a", "b", "c"], "every case once per round");
        }
        // `a` is preceded by different cases in different rounds (or runs first).
        let before_a: std::collections::HashSet<Option<&str>> = rounds
            .iter()
            .map(|round| {
                let at = round.iter().position(|n| *n == "a").unwrap_or(0);
                at.checked_sub(1).map(|i| round[i])
            })
            .collect();
        assert!(before_a.len() >= 2, "{before_a:?}");
    }

    #[test]
    fn json_names_every_case() {
        let json = to_json(&[("bare".into(), 95.5), ("cors_env/allowed/1".into(), 230.25)]);
        assert_eq!(
            json,
            "{\n  \"bare\": 95.500,\n  \"cors_env/allowed/1\": 230.250\n}\n"
        );
    }
}
