//! The injected world: everything the core reads from outside itself (environment variables,
//! files, the clock, randomness) goes through a small trait or function here, so tests, wasm
//! and hosts hand in their own instead of the process's.

mod clock;
mod env;
mod fs;
mod random;

pub use clock::{unix_millis_now, Clock, ManualClock, SystemClock};
pub use env::{EnvLookup, EnvSnapshot, ProcessEnv};
pub use fs::{FileStamp, FileSystem, MemoryFs, StdFs};
pub use random::{random_u64, SplitMix};
