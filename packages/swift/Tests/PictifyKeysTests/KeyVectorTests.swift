import XCTest
@testable import PictifyKeys

/// Every case of tests/vectors/keys.json.
final class KeyVectorTests: XCTestCase {
    func testKeysJson() throws {
        let cases = try Vectors.cases("keys.json")
        XCTAssertGreaterThanOrEqual(cases.count, 80)
        for c in cases {
            let name = c["name"] as! String
            let input = c["input"] as! String
            if c["valid"] as! Bool {
                let key = try ApiKey.parse(value: input)
                XCTAssertEqual(key.mode(), mode(c["mode"] as! String), name)
                XCTAssertEqual(key.fingerprint(), c["fingerprint"] as? String, name)
                XCTAssertEqual(key.description, c["fingerprint"] as? String, name)
                XCTAssertEqual(key.reveal(), input, name) // EXPOSE: checks reveal() round-trips.
                XCTAssertEqual(try ApiKey.parse(value: input), key, name)
            } else {
                XCTAssertThrowsError(try ApiKey.parse(value: input), name) { error in
                    guard case let .Format(code, details, detail) = error as? PictifyError else {
                        return XCTFail("\(name): not a Format error: \(error)")
                    }
                    XCTAssertEqual(code, c["code"] as? String, name)
                    XCTAssertEqual(details.position.map(Int.init), c["position"] as? Int, name)
                    XCTAssertEqual(details.vendor, c["vendor"] as? String, name)
                    XCTAssertNil(details.origin, name)
                    XCTAssertEqual((error as! PictifyError).code, code, name)
                    assertNoSecret(input, detail)
                    assertNoSecret(input, String(describing: error))
                }
                XCTAssertNil(ApiKey.parseOrNil(input), name)
            }
        }
    }
}
