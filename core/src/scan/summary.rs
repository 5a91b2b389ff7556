//! Counts over a whole scan ([`Summary`]) and the exit status they give.

use super::{Class, Finding};

/// Counts over a whole scan, and the exit status they give.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Summary {
    /// Files read and scanned.
    pub files: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Files skipped because they look binary.
    pub skipped_binary: u64,
    /// Files skipped because they exceed the size limit.
    pub skipped_large: u64,
    /// Files that could not be read.
    pub errors: u64,
    /// Real keys that are not allowed: each fails the scan.
    pub real: u64,
    /// Real keys allowed inline or by the allow-list.
    pub allowed: u64,
    /// Placeholders.
    pub placeholders: u64,
    /// Fixtures.
    pub fixtures: u64,
}

impl Summary {
    /// Adds the findings of one file.
    pub fn count(&mut self, findings: &[Finding]) {
        for f in findings {
            match (f.class, f.allowed) {
                (Class::Real, None) => self.real += 1,
                (Class::Real, Some(_)) => self.allowed += 1,
                (Class::Placeholder, _) => self.placeholders += 1,
                (Class::Fixture, _) => self.fixtures += 1,
            }
        }
    }

    /// Adds another summary (from another thread).
    pub fn merge(&mut self, other: &Self) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.skipped_binary += other.skipped_binary;
        self.skipped_large += other.skipped_large;
        self.errors += other.errors;
        self.real += other.real;
        self.allowed += other.allowed;
        self.placeholders += other.placeholders;
        self.fixtures += other.fixtures;
    }

    /// 2 when a file could not be read (the scan is incomplete), else 1 when a real key is
    /// not allowed, else 0.
    pub fn exit_status(&self) -> u8 {
        if self.errors > 0 {
            2
        } else if self.real > 0 {
            1
        } else {
            0
        }
    }
}
