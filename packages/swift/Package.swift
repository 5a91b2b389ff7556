// swift-tools-version:5.7
//
// PictifyKeys: the Swift package of pictify-keys (UniFFI binding of the Rust core).
//
// Targets:
//   PictifyKeys     the Swift API: Sources/PictifyKeys/Generated/PictifyKeys.swift and
//                   PictifyKeysCore.swift (the core's records and enums; both written by
//                   uniffi-bindgen, never edited by hand) plus a small idiomatic layer.
//   PictifyKeysFFI  the C interface of the native library (generated headers + module map).
//
// Where the native library comes from:
//   - In an iOS / macOS app: PictifyKeysFFI.xcframework next to this file (build it on a Mac
//     with `bash build-xcframework.sh`; `just package` ships the folder). When it exists, the
//     FFI target is that binary target and nothing else is needed.
//   - For `swift test` on a development machine (Linux or macOS): the library built by cargo
//     in ../../target/release (or $PICTIFY_KEYS_LIB_DIR), linked directly.
import Foundation
import PackageDescription

// The release this package belongs to (`just release VERSION` sets it; the release workflow
// names its XCFramework zip after it). SwiftPM itself takes the version from the git tag.
let pictifyKeysVersion = "0.1.0"

let packageDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let hasXCFramework = FileManager.default.fileExists(
    atPath: packageDir.appendingPathComponent("PictifyKeysFFI.xcframework").path)
let hostLibDir = ProcessInfo.processInfo.environment["PICTIFY_KEYS_LIB_DIR"]
    ?? packageDir.appendingPathComponent("../../target/release").standardized.path

let ffiTarget: Target = hasXCFramework
    ? .binaryTarget(name: "PictifyKeysFFI", path: "PictifyKeysFFI.xcframework")
    : .target(name: "PictifyKeysFFI", path: "Sources/PictifyKeysFFI")

let hostLinking: [LinkerSetting] = hasXCFramework
    ? []
    : [
        .linkedLibrary("pictify_keys_uniffi"),
        .unsafeFlags(["-L", hostLibDir, "-Xlinker", "-rpath", "-Xlinker", hostLibDir]),
    ]

let package = Package(
    name: "PictifyKeys",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "PictifyKeys", targets: ["PictifyKeys"]),
    ],
    targets: [
        ffiTarget,
        .target(
            name: "PictifyKeys",
            dependencies: ["PictifyKeysFFI"],
            path: "Sources/PictifyKeys",
            linkerSettings: hostLinking
        ),
        .testTarget(
            name: "PictifyKeysTests",
            dependencies: ["PictifyKeys"],
            path: "Tests/PictifyKeysTests"
        ),
    ]
)
