import XCTest
@testable import PictifyKeys

/// The demo scenario (examples/check/*.env) through parseDotenv + checkKeys.
final class CheckTests: XCTestCase {
    func testExampleEnvironments() throws {
        let expected: [String: (Int32, [String?])] = [
            "1-laptop-test-key.env": (0, [nil]),
            "2-laptop-live-key.env": (1, ["live_key_in_development"]),
            "3-production-test-key.env": (1, ["test_key_in_production"]),
            "4-vercel-preview-live-key.env": (1, ["live_key_in_development"]),
            "5-trailing-newline.env": (2, ["whitespace"]),
            "6-quoted-value.env": (2, ["quoted"]),
            "7-stripe-key.env": (2, ["foreign_key"]),
            "8-docs-placeholder.env": (2, ["placeholder"]),
            "9-rotation.env": (0, [nil, nil]),
        ]
        let dir = Vectors.repoRoot.appendingPathComponent("examples/check")
        for (file, (exit, codes)) in expected {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            let report = try checkEnvFile(text: text, label: file)
            XCTAssertEqual(report.exitStatus, UInt8(exit), file)
            XCTAssertEqual(report.keys.map { $0.code }, codes, file)
            XCTAssertEqual(report.error?.code, codes.compactMap { $0 }.first, file)
        }
    }

    func testNoKey() {
        let report = checkKeys(variables: ["NODE_ENV": "production"], sourcePrefix: "env", environment: nil, policy: nil)
        XCTAssertEqual(report.exitStatus, 2)
        XCTAssertEqual(report.error?.code, "no_key")
    }

    func testBrokenEnvFile() {
        XCTAssertThrowsError(try parseDotenv(text: "A=\"unterminated\n")) { error in
            XCTAssertEqual((error as? PictifyError)?.code, "env_file_syntax")
        }
    }
}
