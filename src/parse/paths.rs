//! Every path of a checked root, kept compact: one string holding them all and an end offset
//! per path, in walk order ([`walk_order`]: depth first, siblings by name), which is the order
//! the walk yields them in. A listing of a million files costs about 50 bytes per path instead
//! of a string allocation and a tree node each.

use rayon::slice::ParallelSliceMut;
use std::cmp::Ordering;
use std::path::Path;

/// The order of the walk: depth first, siblings by name (what comparing paths component by
/// component gives). Inputs keep this order whatever reads them, so that "first" means the same
/// in every mode.
///
/// Comparing component by component is comparing bytes with `/` below every other byte (a
/// path holds no NUL), which is what this does in one pass without splitting.
pub fn walk_order(a: &str, b: &str) -> Ordering {
    let key = |c: u8| if c == b'/' { 0 } else { c };
    let (a, b) = (a.as_bytes(), b.as_bytes());
    match first_difference(a, b) {
        Some(i) => key(a[i]).cmp(&key(b[i])),
        None => a.len().cmp(&b.len()),
    }
}

/// The first position where `a` and `b` differ, within the shorter one. Compares eight bytes
/// at a time: paths in one folder share long prefixes, and sorting and searching a listing
/// compares them over and over.
fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    let n = a.len().min(b.len());
    let (mut ca, mut cb) = (a[..n].chunks_exact(8), b[..n].chunks_exact(8));
    let mut at = 0;
    for (x, y) in (&mut ca).zip(&mut cb) {
        let x = u64::from_le_bytes(x.try_into().expect("8 bytes"));
        let y = u64::from_le_bytes(y.try_into().expect("8 bytes"));
        if x != y {
            // Little-endian: the lowest differing bit is in the first differing byte.
            return Some(at + ((x ^ y).trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    ca.remainder()
        .iter()
        .zip(cb.remainder())
        .position(|(x, y)| x != y)
        .map(|i| at + i)
}

/// True for the extensions portalint checks (what [`Path::extension`] gives: `.yaml` alone
/// is a name without one).
pub fn is_yaml(path: &Path) -> bool {
    // Without `Path::extension`'s component parsing when the name is plainly the last thing
    // in the path (no trailing `/` or `.`); the walk asks this of every file.
    #[cfg(unix)]
    {
        let bytes = path.as_os_str().as_encoded_bytes();
        if !matches!(bytes.last(), None | Some(b'/' | b'.')) {
            let name = bytes.rsplit(|&c| c == b'/').next().unwrap_or(bytes);
            return (name.len() > 5 && name.ends_with(b".yaml")) || (name.len() > 4 && name.ends_with(b".yml"));
        }
    }
    matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// True for a `.json` file (what [`Path::extension`] gives).
pub fn is_json(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("json"))
}

/// True for the files the walk reads as manifests: YAML ([`is_yaml`]) and JSON ([`is_json`];
/// a JSON file is checked when it holds a Kubernetes-style object, with `apiVersion` and
/// `kind`, as Kubernetes objects, Score specs and Backstage entities in JSON do).
pub fn is_manifest(path: &Path) -> bool {
    is_yaml(path) || is_json(path)
}

/// A sorted set of `/`-separated relative paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathSet {
    text: String,
    ends: Vec<u32>,
}

impl PathSet {
    /// The `i`-th path.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// Number of paths.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there is no path.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The paths in walk order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }

    /// The position of `path`, if present.
    pub fn index_of(&self, path: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match walk_order(self.get(mid), path) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// True when `path` is in the set.
    pub fn contains(&self, path: &str) -> bool {
        self.index_of(path).is_some()
    }

    /// The position of the first path not before `path` in walk order (`len()` when none).
    pub fn lower_bound(&self, path: &str) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if walk_order(self.get(mid), path) == Ordering::Less {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// True when `path` is in the set or is a folder of a path in it (`a/b` for `a/b/c.yaml`).
    ///
    /// In walk order a folder's paths follow the folder's own name at once: `/` sorts below
    /// every other byte, so `a/…` comes before `a-b`, `a.b` and `ab`. The first path not
    /// before `path` is then `path` itself, or a path below it when there is one.
    pub fn contains_or_below(&self, path: &str) -> bool {
        self.is_or_is_below(path, self.lower_bound(path))
    }

    /// [`Self::contains_or_below`] for a caller asking about paths in about walk order (the
    /// entries of a generated kustomization): where the previous path was found is in `hint`,
    /// and when `path` comes right after it two comparisons replace the search.
    pub fn contains_or_below_near(&self, path: &str, hint: &mut usize) -> bool {
        let h = *hint;
        let is_bound = h < self.len()
            && walk_order(self.get(h), path) != Ordering::Less
            && (h == 0 || walk_order(self.get(h - 1), path) == Ordering::Less);
        let at = if is_bound { h } else { self.lower_bound(path) };
        *hint = at + 1;
        self.is_or_is_below(path, at)
    }

    /// True when the path at `at`, the first not before `path`, or the one after it is `path`
    /// or below it (see [`Self::contains_or_below`]).
    fn is_or_is_below(&self, path: &str, at: usize) -> bool {
        let below = |p: &str| p.len() > path.len() && p.starts_with(path) && p.as_bytes()[path.len()] == b'/';
        (at..self.len().min(at + 2))
            .map(|i| self.get(i))
            .any(|p| p == path || below(p))
    }

    /// Appends `path` and returns its position; the caller keeps walk order (see [`Self::sorted`]).
    pub fn push(&mut self, path: &str) -> usize {
        self.text.push_str(path);
        self.ends
            .push(u32::try_from(self.text.len()).expect("paths total under 4 GiB"));
        self.ends.len() - 1
    }

    /// The set in walk order without duplicates, and, when pushes were out of order, where
    /// each old position went.
    pub fn sorted(self) -> (PathSet, Option<Vec<usize>>) {
        let in_order = (1..self.len()).all(|i| walk_order(self.get(i - 1), self.get(i)) == Ordering::Less);
        if in_order {
            return (self, None);
        }
        let mut order: Vec<usize> = (0..self.len()).collect();
        // Equal paths are equal strings: which comes first makes no difference.
        order.par_sort_unstable_by(|&a, &b| walk_order(self.get(a), self.get(b)));
        let mut out = PathSet::default();
        let mut moved = vec![0; self.len()];
        for i in order {
            let p = self.get(i);
            if out.is_empty() || out.get(out.len() - 1) != p {
                out.push(p);
            }
            moved[i] = out.len() - 1;
        }
        (out, Some(moved))
    }
}

impl<S: AsRef<str>> FromIterator<S> for PathSet {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut set = PathSet::default();
        for p in iter {
            set.push(p.as_ref());
        }
        set.sorted().0
    }
}

#[cfg(test)]
mod tests {
    use super::PathSet;

    #[test]
    fn walk_order_is_component_order() {
        let names = [
            "", "a", "a/b", "a-b", "a.b", "a/b/c", "a/-", "a/.", "ab", "a/b-c", "a/b/c-d", "b", "a!", "a/!",
        ];
        for x in names {
            for y in names {
                assert_eq!(
                    super::walk_order(x, y),
                    x.split('/').cmp(y.split('/')),
                    "{x:?} vs {y:?}"
                );
            }
        }
    }

    /// Long names too, so that the eight-bytes-at-a-time comparison meets a difference in
    /// every position of a word and in the tail.
    #[test]
    fn walk_order_is_component_order_for_long_paths() {
        let mut names = vec![String::new()];
        for stem in [
            "openportal/team-07/DNSRecord/rec-000123",
            "openportal/team-07/DNSRecord",
        ] {
            for cut in 0..stem.len() {
                for tail in ["", "/", "-", ".yaml", "/x", "!"] {
                    names.push(format!("{}{tail}", &stem[..cut]));
                }
            }
        }
        for x in &names {
            for y in &names {
                assert_eq!(
                    super::walk_order(x, y),
                    x.split('/').cmp(y.split('/')),
                    "{x:?} vs {y:?}"
                );
            }
        }
    }

    #[test]
    fn is_yaml_is_the_extension() {
        for p in [
            "a.yaml",
            "a.yml",
            "d/a.yaml",
            "d/.yaml",
            ".yaml",
            ".yml",
            "d/..yaml",
            "a.yaml/",
            "a.yaml/.",
            "d.yaml/a",
            "a.YAML",
            "a.json",
            "yaml",
            "d/a.b.yml",
            "a.yaml.bak",
            "",
            ".",
            "..",
            "d/..",
        ] {
            let path = std::path::Path::new(p);
            let want = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
            assert_eq!(super::is_yaml(path), want, "{p:?}");
        }
    }

    /// The binary search gives what scanning every path gives.
    #[test]
    fn contains_or_below_is_the_scan() {
        let set: PathSet = [
            "a",
            "a/b.yaml",
            "a-b/c.yaml",
            "a.b",
            "ab/x",
            "b/c/d.yaml",
            "b/c-d",
            "b/cd/e",
            "c.yaml",
            "d/e/f/g",
        ]
        .into_iter()
        .collect();
        let scan = |rel: &str| {
            set.contains(rel)
                || set
                    .iter()
                    .any(|p| p.starts_with(rel) && p[rel.len()..].starts_with('/'))
        };
        for rel in [
            "",
            "a",
            "a/",
            "a/b",
            "a/b.yaml",
            "a-b",
            "a.b",
            "ab",
            "b",
            "b/c",
            "b/c/",
            "b/cd",
            "b/c-d",
            "c",
            "c.yaml",
            "d",
            "d/e",
            "d/e/f",
            "d/e/f/g",
            "d/e/f/g/h",
            "e",
            "0",
            "~",
        ] {
            assert_eq!(set.contains_or_below(rel), scan(rel), "{rel:?}");
        }
        assert!(!PathSet::default().contains_or_below("a"));
        // With a hint kept between questions, in walk order, backwards and shuffled, from
        // every starting hint: the same answers.
        let mut rels: Vec<&str> = set
            .iter()
            .chain(["", "a/b", "b/c", "d/e/f", "0", "~", "ab", "b/c/"])
            .collect();
        for round in 0..3 {
            match round {
                0 => rels.sort_by(|a, b| super::walk_order(a, b)),
                1 => rels.reverse(),
                _ => rels.sort_by_key(|r| (r.len() * 7919) % 13),
            }
            for start in 0..=set.len() + 1 {
                let mut hint = start;
                for rel in &rels {
                    assert_eq!(
                        set.contains_or_below_near(rel, &mut hint),
                        scan(rel),
                        "{rel:?} near {start}"
                    );
                }
            }
        }
        let mut hint = 3;
        assert!(!PathSet::default().contains_or_below_near("a", &mut hint));
    }

    #[test]
    fn sorted_in_walk_order_and_searchable() {
        let set: PathSet = ["a/x.yaml", "a-b/y.yaml", "a/x.yaml", "README.md", "a/b/c.yaml"]
            .into_iter()
            .collect();
        // Walk order: `a/` before `a-b/`, a folder's files together.
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            ["README.md", "a/b/c.yaml", "a/x.yaml", "a-b/y.yaml"]
        );
        assert!(set.contains("a/x.yaml"));
        assert!(set.contains("a-b/y.yaml"));
        assert!(!set.contains("a"));
        assert!(!set.contains("a/x"));
        assert_eq!(set.index_of("a/x.yaml"), Some(2));
        assert!(PathSet::default().iter().next().is_none());
    }

    #[test]
    fn out_of_order_pushes_are_remapped() {
        let mut set = PathSet::default();
        for p in ["b.yaml", "a.yaml", "b.yaml"] {
            set.push(p);
        }
        let (set, moved) = set.sorted();
        assert_eq!(set.iter().collect::<Vec<_>>(), ["a.yaml", "b.yaml"]);
        assert_eq!(moved, Some(vec![1, 0, 1]));
    }
}
