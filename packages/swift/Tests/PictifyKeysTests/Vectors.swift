import Foundation
import XCTest

/// The shared vectors in tests/vectors, found relative to this file (the package lives in
/// packages/swift of the pictify-keys repository), or under $PICTIFY_REPO_ROOT (for the copy
/// of the package that `just package` puts in dist/swift/PictifyKeys).
enum Vectors {
    static let repoRoot = ProcessInfo.processInfo.environment["PICTIFY_REPO_ROOT"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // PictifyKeysTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // swift
        .deletingLastPathComponent()  // packages
        .deletingLastPathComponent()

    static func load(_ name: String) throws -> [String: Any] {
        let url = repoRoot.appendingPathComponent("tests/vectors/\(name)")
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NSError(domain: "Vectors", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(name) is not a JSON object"])
        }
        return object
    }

    static func cases(_ name: String, field: String = "cases") throws -> [[String: Any]] {
        guard let cases = try load(name)[field] as? [[String: Any]] else {
            throw NSError(domain: "Vectors", code: 2, userInfo: [NSLocalizedDescriptionKey: "\(name) has no \(field)"])
        }
        return cases
    }
}

func mode(_ name: String) -> Mode {
    name == "live" ? .live : .test
}

/// No 5-character run of the input from the FAKE marker on may appear in `text`.
func assertNoSecret(_ input: String, _ text: String, file: StaticString = #filePath, line: UInt = #line) {
    guard let start = input.range(of: "FAKE") else { return }
    let secret = Array(input[start.lowerBound...])
    guard secret.count >= 5 else { return }
    for i in 0...(secret.count - 5) {
        let run = String(secret[i..<(i + 5)])
        XCTAssertFalse(text.contains(run), "output leaks part of the secret: \(text)", file: file, line: line)
    }
}
