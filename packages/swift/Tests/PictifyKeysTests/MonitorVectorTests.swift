import Foundation
import XCTest
@testable import PictifyKeys

/// Every case of tests/vectors/monitor.json through `Monitor.feedLine`: the alerts, the
/// issues by line number and the event count of the final report.
final class MonitorVectorTests: XCTestCase {
    /// The stream as lines: literal lines as they are, `repeat` blocks expanded.
    private func expand(_ stream: [Any]) throws -> [String] {
        let iso = ISO8601DateFormatter()
        var lines: [String] = []
        for item in stream {
            if let line = item as? String {
                lines.append(line)
                continue
            }
            let r = (item as! [String: Any])["repeat"] as! [String: Any]
            let start = iso.date(from: r["start"] as! String)!
            let every = (r["every_secs"] as! NSNumber).doubleValue
            for i in 0..<(r["count"] as! NSNumber).intValue {
                var event = r["event"] as! [String: Any]
                event["timestamp"] = iso.string(from: start.addingTimeInterval(Double(i) * every))
                let data = try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys])
                lines.append(String(decoding: data, as: UTF8.self))
            }
        }
        return lines
    }

    func testEveryCase() throws {
        let cases = try Vectors.cases("monitor.json")
        XCTAssertGreaterThanOrEqual(cases.count, 20)
        for c in cases {
            let name = c["name"] as! String
            let config = c["config"] as! String
            let monitor = try Monitor(configToml: config.isEmpty ? nil : config)
            for line in try expand(c["stream"] as! [Any]) { monitor.feedLine(line: line) }
            let report = monitor.finish()
            let expect = c["expect"] as! [String: Any]
            let expected = (expect["alerts"] as! [[String: Any]]).map {
                "\($0["kind"]!) \($0["keyId"]!) \($0["start"]!) \($0["severity"]!) \($0["open"] as! Bool) \($0["windows"]!)"
            }
            let actual = report.alerts.map {
                "\($0.kind.code()) \($0.keyId) \($0.start) \($0.severity) \($0.open) \($0.windows)"
            }
            XCTAssertEqual(actual, expected, name)
            let issues = (expect["issues"] as! [String: [Int]]).mapValues { $0.map(UInt64.init) }
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: report.issues.map { ($0.code, $0.lines.map { $0.line }) }), issues, name)
            if let events = expect["events"] as? Int { XCTAssertEqual(report.events, UInt64(events), name) }
        }
    }

    func testRefusedConfigurationIsAnInputError() {
        XCTAssertThrowsError(try Monitor(configToml: "[keys\n")) { error in
            XCTAssertEqual((error as? PictifyError)?.code, "config_invalid")
        }
    }
}
