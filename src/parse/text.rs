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

/// `s` as a CommonMark inline code span, for a message that quotes text from the checked files
/// (a key, a value, a path): the fence is one backtick longer than the longest backtick run in
/// `s`, and a space pads it when `s` starts or ends with a backtick, or starts and ends with a
/// space (CommonMark strips one space on each side then). So `` a`b `` quotes as
/// ``` ``a`b`` ``` and the quote cannot end early: in a Markdown report the quoted part stays
/// one code span, whatever `s` holds. An empty `s` is ` `` `.
pub fn code<T: std::fmt::Display + ?Sized>(s: &T) -> String {
    let s = s.to_string();
    let (mut longest, mut run) = (0usize, 0usize);
    for b in s.bytes() {
        run = if b == b'`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if s.is_empty() {
        return "``".to_string();
    }
    let fence = "`".repeat(longest + 1);
    let spaced = s.starts_with(' ') && s.ends_with(' ') && s.bytes().any(|b| b != b' ');
    let pad = if s.starts_with('`') || s.ends_with('`') || spaced {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Lists names as `` `a`, `b` and `c` ``, at most `max` of them.
pub fn list(names: &[&str], max: usize) -> String {
    let mut shown: Vec<String> = names.iter().take(max).map(|n| code(&n)).collect();
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

/// How many names a "known …" list shows at most ([`nearest`]).
pub const NEAREST: usize = 5;

/// Lists the `max` candidates nearest to `word` (by edit distance, ties in the given order) as
/// [`list`] does, then "and N more": a help that names what is known stays short however many
/// there are, and shows first what the word was most likely meant to be.
pub fn nearest(word: &str, candidates: &[&str], max: usize) -> String {
    let word = word.to_lowercase();
    let mut ranked: Vec<(usize, usize, &str)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (distance(&word, &c.to_lowercase()), i, *c))
        .collect();
    ranked.sort_unstable();
    let names: Vec<&str> = ranked.iter().map(|(_, _, c)| *c).collect();
    // "and 1 more" says less than the one name it stands for.
    let max = if names.len() == max + 1 { names.len() } else { max };
    list(&names, max)
}

#[cfg(test)]
mod tests {
    #[test]
    fn nearest_shows_the_closest_first_and_counts_the_rest() {
        let known = [
            "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
        ];
        assert_eq!(
            super::nearest("thet", &known, 5),
            "`theta`, `beta`, `zeta`, `eta`, `delta` and 5 more"
        );
        assert_eq!(super::nearest("x", &["a", "b"], 5), "`a` and `b`");
        assert_eq!(super::nearest("a", &["a", "b", "c"], 2), "`a`, `b` and `c`");
        assert_eq!(super::nearest("x", &[], 5), "");
    }

    #[test]
    fn code_spans_hold_any_text() {
        use super::code;
        assert_eq!(code("a.yaml"), "`a.yaml`");
        assert_eq!(code("x` @team `y"), "``x` @team `y``");
        assert_eq!(code("`a``"), "``` `a`` ```");
        assert_eq!(code(" a "), "`  a  `");
        assert_eq!(code("  "), "`  `");
        assert_eq!(code(""), "``");
        assert_eq!(code(&3), "`3`");
    }

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
