//! Randomness for the random provider: the operating system's cryptographic generator by
//! default, or a deterministic generator derived from a user-supplied `seed`.

use crate::common::hex;
use sha2::{Digest, Sha256};

/// Fills a buffer of `n` bytes from the operating system's cryptographic generator.
pub(crate) fn random_bytes(n: usize) -> Result<Vec<u8>, String> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf)
        .map_err(|e| format!("reading random bytes from the operating system failed: {e}"))?;
    Ok(buf)
}

/// A UUID-formatted string of 16 random bytes, formatted like hashicorp/go-uuid (which sets no
/// version bits): what `terraform_data` uses as IDs (`random_uuid` formats the operating
/// system's bytes the same way). The bytes come from the thread's generator (ChaCha, seeded
/// and reseeded from the operating system): an ID needs to be unique, not secret, and a
/// system call each was 9% of a million-resource apply's kernel time.
pub(crate) fn go_uuid() -> String {
    format_uuid(&rand::random::<[u8; 16]>())
}

/// Formats 16 bytes as `8-4-4-4-12` lower-case hex groups.
pub(crate) fn format_uuid(b: &[u8]) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        hex(&b[0..4]),
        hex(&b[4..6]),
        hex(&b[6..8]),
        hex(&b[8..10]),
        hex(&b[10..16])
    )
}

/// A source of random numbers: cryptographic, or seeded and reproducible.
pub(crate) enum Rng {
    /// The operating system's generator; remembers the first failure.
    Crypto(Option<String>),
    /// A deterministic generator seeded from a string.
    Seeded(fastrand::Rng),
}

impl Rng {
    /// A cryptographic generator when `seed` is empty or absent, a seeded one otherwise.
    pub(crate) fn new(seed: Option<&str>) -> Rng {
        match seed.filter(|s| !s.is_empty()) {
            None => Rng::Crypto(None),
            Some(s) => {
                let d = Sha256::digest(s.as_bytes());
                let mut b = [0u8; 8];
                b.copy_from_slice(&d[..8]);
                Rng::Seeded(fastrand::Rng::with_seed(u64::from_le_bytes(b)))
            }
        }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        match self {
            Rng::Seeded(r) => r.u64(..),
            Rng::Crypto(failed) => match getrandom::u64() {
                Ok(x) => x,
                Err(e) => {
                    failed.get_or_insert_with(|| {
                        format!("reading random bytes from the operating system failed: {e}")
                    });
                    0
                }
            },
        }
    }

    /// A uniformly distributed number in `0..n` (`n` > 0), without modulo bias.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX - n + 1) % n;
        loop {
            let x = self.next_u64();
            if x <= zone {
                return x % n;
            }
        }
    }

    /// A random permutation of `0..n` (Fisher–Yates).
    pub(crate) fn perm(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.below(i as u64 + 1) as usize;
            p.swap(i, j);
        }
        p
    }

    /// Reports a failure of the operating system's generator, if any happened.
    pub(crate) fn finish(self) -> Result<(), String> {
        match self {
            Rng::Crypto(Some(e)) => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = Rng::new(None);
        let mut seen = [false; 7];
        for _ in 0..500 {
            let x = r.below(7) as usize;
            seen[x] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(r.below(1), 0);
        assert!(r.finish().is_ok());
    }

    #[test]
    fn seeded_is_reproducible() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(Some("x"));
                move |_| r.below(1000)
            })
            .collect();
        let mut r = Rng::new(Some("x"));
        let b: Vec<u64> = (0..5).map(|_| r.below(1000)).collect();
        assert_eq!(a, b);
        assert_eq!(Rng::new(Some("x")).perm(10), Rng::new(Some("x")).perm(10));
    }

    #[test]
    fn perm_is_a_permutation() {
        let mut p = Rng::new(None).perm(20);
        p.sort_unstable();
        assert_eq!(p, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn uuid_format() {
        let u = go_uuid();
        assert_ne!(u, go_uuid());
        assert_eq!(u.len(), 36);
        let groups: Vec<usize> = u.split('-').map(str::len).collect();
        assert_eq!(groups, vec![8, 4, 4, 4, 12]);
        assert!(u
            .chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
