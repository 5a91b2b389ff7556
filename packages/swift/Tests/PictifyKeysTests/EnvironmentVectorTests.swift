import XCTest
@testable import PictifyKeys

/// Every case of tests/vectors/environments.json.
final class EnvironmentVectorTests: XCTestCase {
    private func verdict(_ check: () throws -> Allowed) -> String {
        do {
            return try check().warning?.code() ?? "allowed"
        } catch let error as PictifyError {
            return error.code
        } catch {
            return "unexpected: \(error)"
        }
    }

    private func keys() throws -> (live: ApiKey, test: ApiKey) {
        let valid = try Vectors.cases("keys.json").filter { $0["valid"] as! Bool }
        let live = valid.first { $0["mode"] as? String == "live" }!["input"] as! String
        let test = valid.first { $0["mode"] as? String == "test" }!["input"] as! String
        return (try ApiKey.parse(value: live), try ApiKey.parse(value: test))
    }

    func testDetectionAndStrictPolicy() throws {
        let (live, test) = try keys()
        for c in try Vectors.cases("environments.json") {
            let name = c["name"] as! String
            let detection = detectEnvironment(variables: c["env"] as! [String: String])
            XCTAssertEqual(detection.environment, environmentFromName(name: c["environment"] as! String), name)
            XCTAssertEqual(detection.variable, c["variable"] as? String, name)
            XCTAssertEqual(detection.value, c["value"] as? String, name)
            XCTAssertEqual(verdict { try checkEnvironment(key: live, detection: detection, policy: Policy()) }, c["live"] as? String, name)
            XCTAssertEqual(verdict { try checkEnvironment(key: test, detection: detection, policy: Policy()) }, c["test"] as? String, name)
            XCTAssertEqual(verdict { try checkMode(mode: .live, detection: detection, policy: Policy()) }, c["live"] as? String, name)
            XCTAssertEqual(verdict { try checkMode(mode: .test, detection: detection, policy: Policy()) }, c["test"] as? String, name)
        }
    }

    func testPolicyCases() throws {
        for c in try Vectors.cases("environments.json", field: "policy_cases") {
            let name = c["name"] as! String
            let relax = c["policy"] as! [String: Bool]
            let policy = Policy(
                allowLiveOutsideProduction: relax["allow_live_outside_production"] ?? false,
                allowTestInProduction: relax["allow_test_in_production"] ?? false)
            let detection = Detection(environment: environmentFromName(name: c["environment"] as! String)!)
            XCTAssertEqual(verdict { try checkMode(mode: mode(c["mode"] as! String), detection: detection, policy: policy) }, c["verdict"] as? String, name)
        }
    }
}
