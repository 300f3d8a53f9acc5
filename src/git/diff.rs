//! Differences: between two listings (which paths changed, a three-way merge of listings)
//! and between two texts (which lines of the new one changed, with `similar`).

use super::{ChangeKind, Listing};

/// The tree a merge of `head` into `base` produces, when both changed from `ancestor`: `base`
/// with the changes of `head` applied. Also returns the paths both sides changed differently
/// (conflicts; `head`'s version is taken).
pub fn merged(ancestor: &Listing, base: &Listing, head: &Listing) -> (Listing, Vec<String>) {
    let ours: std::collections::HashMap<String, ChangeKind> = changes(ancestor, base).into_iter().collect();
    let mut out = base.clone();
    let mut conflicts = Vec::new();
    for (path, kind) in changes(ancestor, head) {
        if ours.contains_key(&path) && base.get(&path) != head.get(&path) {
            conflicts.push(path.clone());
        }
        match kind {
            ChangeKind::Deleted => {
                out.remove(&path);
            }
            _ => {
                if let Some(id) = head.get(&path) {
                    out.insert(path, *id);
                }
            }
        }
    }
    (out, conflicts)
}

/// The changes from `base` to `head` listings, in path order (one merge pass over the two
/// sorted listings).
pub fn changes(base: &Listing, head: &Listing) -> Vec<(String, ChangeKind)> {
    let mut out = Vec::new();
    let mut old = base.iter().peekable();
    for (p, id) in head {
        while let Some((gone, _)) = old.next_if(|(b, _)| *b < p) {
            out.push((gone.clone(), ChangeKind::Deleted));
        }
        match old.next_if(|(b, _)| *b == p) {
            Some((_, was)) if was != id => out.push((p.clone(), ChangeKind::Modified)),
            Some(_) => {}
            None => out.push((p.clone(), ChangeKind::Added)),
        }
    }
    out.extend(old.map(|(gone, _)| (gone.clone(), ChangeKind::Deleted)));
    out
}

/// 1-based line numbers of `new` that are added or changed relative to `old`: the lines a
/// line diff marks as inserted (a replaced line is inserted; a deletion marks nothing). Lines
/// are split as by [`str::lines`], so a `\r\n` ending equals a `\n` one and a missing final
/// newline changes nothing. The diff is `similar`'s Myers (linear space, with Git-style
/// bounded search on expensive inputs, so large rewrites stay fast), and not always minimal.
pub fn changed_lines(old: &str, new: &str) -> Vec<usize> {
    use similar::DiffOp;
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut changed = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b) {
        if let DiffOp::Insert { new_index, new_len, .. } | DiffOp::Replace { new_index, new_len, .. } = op {
            changed.extend(new_index + 1..=new_index + new_len);
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::ChangeKind::{Added, Deleted, Modified};

    #[test]
    fn changes_merge_two_listings() {
        let id = |n: u8| gix::ObjectId::from_bytes_or_panic(&[n; 20]);
        let listing =
            |items: &[(&str, u8)]| -> super::Listing { items.iter().map(|(p, n)| (p.to_string(), id(*n))).collect() };
        let base = listing(&[("a", 1), ("b", 2), ("d", 4), ("f", 6)]);
        let head = listing(&[("b", 2), ("c", 3), ("d", 5), ("g", 7)]);
        let got = super::changes(&base, &head);
        let want = [
            ("a", Deleted),
            ("c", Added),
            ("d", Modified),
            ("f", Deleted),
            ("g", Added),
        ];
        assert_eq!(got, want.map(|(p, k)| (p.to_string(), k)));
        assert!(super::changes(&head, &head).is_empty());
    }

    #[test]
    fn changed_lines_marks_insertions_and_edits() {
        let old = "a\nb\nc\nd\n";
        let new = "a\nB\nc\nx\nd\n";
        assert_eq!(super::changed_lines(old, new), [2, 4]);
        assert_eq!(super::changed_lines("", "a\nb\n"), [1, 2]);
        assert!(super::changed_lines("a\nb\n", "a\nb\n").is_empty());
        assert!(super::changed_lines("a\nb\nc\n", "a\nc\n").is_empty());
    }

    /// A small xorshift generator, so the generated cases are the same on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// The length of the longest common subsequence of two line lists (O(n·m) table).
    fn lcs_len(a: &[&str], b: &[&str]) -> usize {
        let mut row = vec![0usize; b.len() + 1];
        for x in a {
            let mut diag = 0;
            for (j, y) in b.iter().enumerate() {
                let up = row[j + 1];
                row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
                diag = up;
            }
        }
        row[b.len()]
    }

    /// A YAML-ish line; a small vocabulary so that lines repeat (the hard case for a diff).
    fn line(rng: &mut Rng) -> String {
        match rng.below(4) {
            0 => "---".to_string(),
            1 => format!("  - name: item{}", rng.below(8)),
            _ => format!("  key{}: value{}", rng.below(40), rng.below(3)),
        }
    }

    /// `lines` as a file: `\n` or `\r\n` endings, with or without a final newline.
    fn render(lines: &[String], crlf: bool, final_newline: bool) -> String {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = lines.join(eol);
        if final_newline && !lines.is_empty() {
            text.push_str(eol);
        }
        text
    }

    /// Deterministic pseudo-random edits of a base text: insertions, deletions, replacements
    /// and moved blocks, with empty files, missing final newlines and CRLF endings among them.
    fn generated_pairs() -> Vec<(String, String)> {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut pairs = vec![
            (String::new(), String::new()),
            (String::new(), "a\nb".to_string()),
            ("a\nb\n".to_string(), String::new()),
            ("a\nb\n".to_string(), "a\r\nb".to_string()),
        ];
        for case in 0..300 {
            let len = match case % 10 {
                0 => rng.below(3),
                _ => rng.below(200),
            };
            let old: Vec<String> = (0..len).map(|_| line(&mut rng)).collect();
            let mut new = old.clone();
            for _ in 0..rng.below(12) {
                let at = rng.below(new.len() + 1);
                match rng.below(4) {
                    0 => {
                        for _ in 0..1 + rng.below(5) {
                            new.insert(at, line(&mut rng));
                        }
                    }
                    1 => {
                        let end = (at + 1 + rng.below(5)).min(new.len());
                        new.drain(at.min(end)..end);
                    }
                    2 if at < new.len() => new[at] = format!("{} # changed", new[at]),
                    _ => {
                        // Move a block elsewhere.
                        let end = (at + 1 + rng.below(10)).min(new.len());
                        let block: Vec<String> = new.drain(at.min(end)..end).collect();
                        let to = rng.below(new.len() + 1);
                        new.splice(to..to, block);
                    }
                }
            }
            let crlf = rng.below(5) == 0;
            let old = render(&old, crlf && rng.below(2) == 0, rng.below(4) != 0);
            let new = render(&new, crlf, rng.below(4) != 0);
            pairs.push((old, new));
        }
        pairs
    }

    #[test]
    fn changed_lines_leaves_a_common_subsequence_and_is_minimal_on_small_inputs() {
        for (old, new) in generated_pairs() {
            let a: Vec<&str> = old.lines().collect();
            let b: Vec<&str> = new.lines().collect();
            let changed = super::changed_lines(&old, &new);
            assert!(
                changed.windows(2).all(|w| w[0] < w[1]),
                "not sorted and unique: {changed:?}"
            );
            assert!(
                changed.iter().all(|&l| (1..=b.len()).contains(&l)),
                "{changed:?} outside 1..={}",
                b.len()
            );
            // The lines left unchanged, in order, must appear in `old` in that order.
            let mut marked = changed.iter().peekable();
            let kept: Vec<&str> = (1..=b.len())
                .filter(|l| marked.next_if_eq(&l).is_none())
                .map(|l| b[l - 1])
                .collect();
            let mut rest = a.iter();
            assert!(
                kept.iter().all(|k| rest.any(|x| x == k)),
                "unchanged lines of new are not a subsequence of old\nold: {old:?}\nnew: {new:?}\nchanged: {changed:?}"
            );
            // No more than a minimal diff needs (and so exactly that many: fewer would contradict
            // the check above). The bounded search only gives up minimality on large inputs.
            let minimal = b.len() - lcs_len(&a, &b);
            assert!(
                changed.len() <= minimal,
                "{} changed lines where {minimal} suffice\nold: {old:?}\nnew: {new:?}",
                changed.len()
            );
        }
    }

    #[test]
    fn changed_lines_ignores_line_endings() {
        assert!(super::changed_lines("a\nb\n", "a\r\nb\r\n").is_empty());
        assert!(super::changed_lines("a\nb\n", "a\nb").is_empty());
        assert_eq!(super::changed_lines("a\nb", "a\nc\n"), [2]);
    }

    #[test]
    fn changed_lines_of_a_full_rewrite_are_every_line() {
        let old: String = (0..8000).map(|i| format!("  key{i}: value{i}\n")).collect();
        let new: String = (0..8000).map(|i| format!("  key{i}: changed{i}\n")).collect();
        assert_eq!(super::changed_lines(&old, &new), (1..=8000).collect::<Vec<_>>());
    }
}
