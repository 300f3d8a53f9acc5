//! Times `portalint::git::changed_lines` (the line diff behind `check --only-changed-lines`)
//! on large inputs, with std's `Instant` only.
//!
//! `cargo bench --bench line_diff` prints, per case, the median (and min / max) of N runs
//! and the peak RSS (VmHWM of /proc/self/status). Each case runs in a fresh child process
//! (this executable again, with `LINE_DIFF_CASE` set) so that the peak RSS is that case's
//! own; the RSS before the first diff (the generated inputs) is printed next to it.
//! `LINE_DIFF_RUNS` sets N (default 21); `LINE_DIFF_CASE=<name>` runs one case in-process.

use std::process::Command;
use std::time::Instant;

const CASES: [&str; 4] = [
    "rewrite-8000",
    "scattered-1pct-8000",
    "100-edits-100000",
    "repetitive-8000",
];

/// A small xorshift generator: the same inputs on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A ConfigMap of `n` lines, `n - 5` of them data keys.
fn config_map(n: usize) -> Vec<String> {
    let mut lines: Vec<String> = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: big", "data:"]
        .map(String::from)
        .to_vec();
    lines.extend((0..n - 5).map(|i| format!("  key-{i:06}: \"value {i}\"")));
    lines
}

fn text(lines: &[String]) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// The `(old, new)` texts of a case.
fn inputs(case: &str) -> (String, String) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    match case {
        // Every line changed.
        "rewrite-8000" => {
            let old = config_map(8000);
            let new: Vec<String> = old.iter().map(|l| format!("{l} # rewritten")).collect();
            (text(&old), text(&new))
        }
        // 80 lines edited at scattered places.
        "scattered-1pct-8000" => {
            let old = config_map(8000);
            let mut new = old.clone();
            for _ in 0..80 {
                let at = rng.below(new.len());
                new[at] = format!("{} # edited", new[at]);
            }
            (text(&old), text(&new))
        }
        // 100 edits (a third each: line edited, line inserted, line deleted).
        "100-edits-100000" => {
            let old = config_map(100_000);
            let mut new = old.clone();
            for j in 0..100 {
                let at = rng.below(new.len());
                match j % 3 {
                    0 => new[at] = format!("{} # edited", new[at]),
                    1 => new.insert(at, format!("  added-{j}: x")),
                    _ => {
                        new.remove(at);
                    }
                }
            }
            (text(&old), text(&new))
        }
        // Not one of the targets: a worst case for a diff, two unrelated 8 000-line lists
        // drawn from 4 distinct lines (long runs of equal lines, many equally short scripts).
        "repetitive-8000" => {
            let mut list = || -> Vec<String> { (0..8000).map(|_| format!("  - item{}", rng.below(4))).collect() };
            let (old, new) = (list(), list());
            (text(&old), text(&new))
        }
        _ => panic!("unknown case `{case}`; cases: {CASES:?}"),
    }
}

/// A field of /proc/self/status in KiB (0 where there is none).
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn run(case: &str, runs: usize) {
    let (old, new) = inputs(case);
    let lines = new.lines().count();
    let before = status_kib("VmHWM");
    let mut times = Vec::with_capacity(runs);
    let mut changed = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let out = portalint::git::changed_lines(std::hint::black_box(&old), std::hint::black_box(&new));
        times.push(start.elapsed().as_secs_f64() * 1e3);
        changed = std::hint::black_box(out).len();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{case:<20} {lines:>7} lines {changed:>6} changed  median {:>9.3} ms (min {:.3}, max {:.3}, {runs} runs)  peak RSS {:.1} MiB (inputs {:.1} MiB)",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        status_kib("VmHWM") as f64 / 1024.0,
        before as f64 / 1024.0,
    );
}

fn main() {
    let runs = std::env::var("LINE_DIFF_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(21);
    if let Ok(case) = std::env::var("LINE_DIFF_CASE") {
        return run(&case, runs);
    }
    let exe = std::env::current_exe().expect("the bench's own path");
    for case in CASES {
        let status = Command::new(&exe)
            .env("LINE_DIFF_CASE", case)
            .env("LINE_DIFF_RUNS", runs.to_string())
            .status()
            .expect("running a case");
        assert!(status.success(), "case {case} failed");
    }
}
