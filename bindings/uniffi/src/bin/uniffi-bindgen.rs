//! `uniffi-bindgen`, built from the same UniFFI version as the library, so the generated
//! Kotlin and Swift always match the scaffolding compiled into `libpictify_keys_uniffi`.
//!
//! ```text
//! cargo run -p pictify-keys-uniffi --features bindgen --bin uniffi-bindgen -- \
//!     generate --library target/release/libpictify_keys_uniffi.so --language kotlin --out-dir OUT
//! ```

fn main() {
    uniffi::uniffi_bindgen_main();
}
