//! Every path of a checked root, kept compact: one string holding them all and an end offset
//! per path, in walk order ([`walk_order`]: depth first, siblings by name), which is the order
//! the walk yields them in. A listing of a million files costs about 50 bytes per path instead
//! of a string allocation and a tree node each.

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
    let common = a.iter().zip(b).position(|(x, y)| x != y);
    match common {
        Some(i) => key(a[i]).cmp(&key(b[i])),
        None => a.len().cmp(&b.len()),
    }
}

/// True for the extensions portalint checks.
pub fn is_yaml(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
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
        order.sort_by(|&a, &b| walk_order(self.get(a), self.get(b)));
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
