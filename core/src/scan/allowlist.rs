//! Allow-lists: the `.pictify-keys-ignore` file ([`Allowlist`]) that marks reviewed keys as
//! allowed by their hash or fingerprint.

use std::collections::HashSet;

use super::{scan_bytes, Allowed, Class, Finding, HASH_HEX};

pub use crate::error::AllowlistError;

/// The entries of a `.pictify-keys-ignore` file.
///
/// One entry a line, `#` starts a comment:
///
/// - a hash as [`Finding::hash`] prints it (16 hex digits, or the full 64 of SHA-256 of the
///   key), optionally written `sha256:…`: allows exactly that key;
/// - a fingerprint `pk_live_****a1b2`: allows every key of that mode ending in those four
///   characters (coarser; meant for shared test keys).
///
/// A line holding a key itself is refused ([`AllowlistError::ContainsSecret`]).
///
/// ```
/// use pictify_keys::scan::{scan_bytes, Allowlist};
///
/// let mut found = scan_bytes(b"KEY=pk_live_FAKE3Wwd25rq4f5zra1b2\n");
/// let list = Allowlist::parse(&format!("# reviewed\nsha256:{}\n", found[0].hash))?;
/// list.apply(&mut found);
/// assert!(found[0].allowed.is_some());
/// assert!(Allowlist::parse("pk_live_FAKE3Wwd25rq4f5zra1b2").is_err());
/// # Ok::<(), pictify_keys::scan::AllowlistError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowlist {
    hashes: HashSet<String>,
    fingerprints: HashSet<String>,
}

impl Allowlist {
    /// Parses the text of an allow-list file.
    pub fn parse(text: &str) -> Result<Self, AllowlistError> {
        let mut list = Self::default();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let entry = raw.split('#').next().unwrap_or("").trim();
            if entry.is_empty() {
                continue;
            }
            let lower = entry.to_ascii_lowercase();
            let hex = lower.strip_prefix("sha256:").unwrap_or(&lower);
            if (hex.len() == HASH_HEX || hex.len() == 64)
                && hex.bytes().all(|c| c.is_ascii_hexdigit())
            {
                list.hashes.insert(hex[..HASH_HEX].to_owned());
                continue;
            }
            if !scan_bytes(entry.as_bytes())
                .iter()
                .all(|f| f.class == Class::Placeholder)
            {
                return Err(AllowlistError::ContainsSecret { line });
            }
            let b = entry.as_bytes();
            let is_fingerprint = b.len() == 16
                && (lower.starts_with("pk_live_****") || lower.starts_with("pk_test_****"))
                && b[12..].iter().all(u8::is_ascii_alphanumeric);
            if !is_fingerprint {
                return Err(AllowlistError::InvalidEntry { line });
            }
            list.fingerprints
                .insert(format!("{}{}", &lower[..12], &entry[12..]));
        }
        Ok(list)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.hashes.len() + self.fingerprints.len()
    }

    /// Whether the list has no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the list allows `finding`.
    pub fn allows(&self, finding: &Finding) -> bool {
        self.hashes.contains(&finding.hash) || self.fingerprints.contains(&finding.fingerprint)
    }

    /// Marks the findings this list allows (inline allows stay as they are).
    pub fn apply(&self, findings: &mut [Finding]) {
        for f in findings.iter_mut().filter(|f| f.allowed.is_none()) {
            if self.allows(f) {
                f.allowed = Some(Allowed::Allowlist);
            }
        }
    }
}
