//! Small text helpers shared by rules and config: edit distance and "did you mean".

/// Levenshtein distance between two strings (by chars).
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate within a third of the word's length (at least 2 edits), if any,
/// and only one that keeps something of the word: fewer edits than the longer of the two has characters,
/// so `zz` suggests nothing for `A` (two edits rewrite all of it).
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    let limit = (len / 3).max(2);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= limit && *d < len.max(c.chars().count()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Lists names as `` `a`, `b` and `c` ``, at most `max` of them.
pub fn list(names: &[&str], max: usize) -> String {
    let mut shown: Vec<String> = names.iter().take(max).map(|n| format!("`{n}`")).collect();
    if names.len() > max {
        shown.push(format!("{} more", names.len() - max));
    }
    match shown.len() {
        0 => String::new(),
        1 => shown.remove(0),
        _ => {
            let last = shown.pop().unwrap_or_default();
            format!("{} and {last}", shown.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests() {
        assert_eq!(super::suggest("replica", ["replicas", "image"]), Some("replicas"));
        assert_eq!(super::suggest("zzz", ["replicas"]), None);
        // Nothing like it: every character rewritten.
        assert_eq!(super::suggest("zz", ["A"]), None);
        assert_eq!(super::suggest("ab", ["xy"]), None);
        assert_eq!(super::suggest("imgae", ["image"]), Some("image"));
        assert_eq!(super::suggest("Ab", ["A"]), Some("A"));
    }
}
