//! Verdicts looked up by the text they are on. A large site asks for thousands (each rule's
//! expression, labels and annotations), and texts of one site share long beginnings
//! (`{{ $labels.instance }} of ...`, `sum by (job) (rate(`): an ordered map compared those
//! beginnings a dozen times a lookup, which was a twentieth of checking a large site. Hashing
//! reads each text once.

#![allow(
    clippy::disallowed_types,
    reason = "hash maps here are only looked up, never iterated: nothing of their order reaches any output"
)]

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Text → verdict. Only lookups: it gives no way to iterate, so its order cannot reach an output.
#[derive(Debug)]
pub(crate) struct VerdictMap<V>(HashMap<String, V, BuildHasherDefault<TextHasher>>);

impl<V> Default for VerdictMap<V> {
    fn default() -> Self {
        Self(HashMap::default())
    }
}

impl<V> VerdictMap<V> {
    pub(crate) fn get(&self, text: &str) -> Option<&V> {
        self.0.get(text)
    }

    #[cfg(test)]
    pub(crate) fn contains_key(&self, text: &str) -> bool {
        self.0.contains_key(text)
    }
}

impl<V> Extend<(String, V)> for VerdictMap<V> {
    fn extend<I: IntoIterator<Item = (String, V)>>(&mut self, verdicts: I) {
        self.0.extend(verdicts);
    }
}

impl<V> FromIterator<(String, V)> for VerdictMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(verdicts: I) -> Self {
        Self(verdicts.into_iter().collect())
    }
}

/// A fast hash of texts, eight bytes a step. Not resistant to chosen collisions, which needs a
/// secret seed: the texts are the user's own site and rule files.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct TextHasher(u64);

impl TextHasher {
    fn add(&mut self, word: u64) {
        const MULTIPLIER: u64 = 0xf135_7aea_2e62_a9c5;
        self.0 = (self.0 ^ word).wrapping_mul(MULTIPLIER);
    }
}

impl Hasher for TextHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut buffer = [0_u8; 8];
            buffer.copy_from_slice(word);
            self.add(u64::from_le_bytes(buffer));
        }
        let rest = words.remainder();
        let mut buffer = [0_u8; 8];
        buffer[..rest.len()].copy_from_slice(rest);
        // The length keeps `ab` and `ab\0` apart.
        self.add(u64::from_le_bytes(buffer) ^ ((rest.len() as u64) << 59));
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        // The multiplication leaves the low bits, which pick the bucket, the weakest.
        self.0.rotate_left(26)
    }
}

/// Each text of `texts` once, in the order they first appear.
pub(crate) fn distinct<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::with_hasher(BuildHasherDefault::<TextHasher>::default());
    texts.into_iter().filter(|text| seen.insert(*text)).collect()
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher as _;

    use super::*;

    #[test]
    fn texts_that_differ_hash_apart() {
        let build = BuildHasherDefault::<TextHasher>::default();
        let texts = [
            "",
            "a",
            "ab",
            "ab\0",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "{{ $labels.instance }} of a",
            "{{ $labels.instance }} of b",
        ];
        let hashes: std::collections::BTreeSet<u64> = texts.iter().map(|t| build.hash_one(t)).collect();
        assert_eq!(hashes.len(), texts.len());
        let map: VerdictMap<usize> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| ((*text).to_owned(), i))
            .collect();
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(map.get(text), Some(&i));
        }
        // Buckets spread: 10,000 similar texts fill most of the low 14 bits.
        let buckets: std::collections::BTreeSet<u64> = (0..10_000)
            .map(|i| build.hash_one(format!("sum by (job) (rate(metric_{i}_total[5m]))")) & 0x3fff)
            .collect();
        assert!(buckets.len() > 7_000, "{} buckets", buckets.len());
    }
}
