// Intentionally empty. SwiftPM needs a source file in a C target; the symbols declared in
// include/PictifyKeysFFI.h and include/PictifyKeysCoreFFI.h come from the native library
// (libpictify_keys_uniffi or the PictifyKeysFFI.xcframework).
