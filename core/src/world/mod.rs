//! The injected world: everything the core reads from outside itself (environment variables,
//! files, the clock) goes through a small trait here, so tests, wasm and hosts hand in their
//! own instead of the process's.

mod clock;
mod env;
mod fs;

pub use clock::{Clock, ManualClock, SystemClock};
pub use env::{EnvLookup, ProcessEnv};
pub use fs::{FileStamp, FileSystem, MemoryFs, StdFs};
