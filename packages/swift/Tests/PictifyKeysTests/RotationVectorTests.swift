import Foundation
import XCTest
@testable import PictifyKeys

/// Every script of tests/vectors/rotation.json replayed through the sans-IO `KeyRing` on a
/// `ManualClock`: the key of each attempt, the exact decision (with its delay or error code) of
/// each outcome, and the usage counters per key at the end. The same replay as the Kotlin
/// RotationVectorsTest.
final class RotationVectorTests: XCTestCase {
    private static let stepFields: Set<String> = ["request", "advance_ms", "key", "outcome", "decision", "delay_ms", "code"]
    private static let configFields: Set<String> = ["max_retries", "cooldown_ms", "base_delay_ms", "max_delay_ms", "retry_after_cap_ms", "jitter"]

    func testVectorFile() throws {
        let doc = try Vectors.load("rotation.json")
        XCTAssertEqual(doc["version"] as? Int, 1)
        let cases = try Vectors.cases("rotation.json")
        XCTAssertEqual(cases.count, 27)
        let steps = cases.flatMap { $0["steps"] as! [[String: Any]] }
        XCTAssertEqual(Set(steps.compactMap { $0["decision"] as? String }), ["done", "try_next_key", "retry", "fail"])
        XCTAssertEqual(Set(steps.compactMap { ($0["outcome"] as? [String: Any])?["error"] as? String }), ["timeout", "connection"])
    }

    func testRotationJson() throws {
        let doc = try Vectors.load("rotation.json")
        for c in try Vectors.cases("rotation.json") {
            try replay(doc, c)
        }
    }

    /// The case's config: `default_config` with the case's overrides.
    private func config(_ doc: [String: Any], _ c: [String: Any], _ name: String) -> RingConfig {
        var merged = doc["default_config"] as! [String: Any]
        for (k, v) in (c["config"] as? [String: Any]) ?? [:] { merged[k] = v }
        XCTAssertEqual(Set(merged.keys), Self.configFields, "\(name): config fields")
        return RingConfig(
            maxRetries: UInt32(merged["max_retries"] as! Int),
            cooldownMs: UInt64(merged["cooldown_ms"] as! Int),
            baseDelayMs: UInt64(merged["base_delay_ms"] as! Int),
            maxDelayMs: UInt64(merged["max_delay_ms"] as! Int),
            retryAfterCapMs: UInt64(merged["retry_after_cap_ms"] as! Int),
            jitter: merged["jitter"] as! Bool)
    }

    private func outcome(_ json: [String: Any]) -> Outcome? {
        if let status = json["status"] as? Int {
            return .response(status: UInt16(status), retryAfter: json["retry_after"] as? String)
        }
        switch json["error"] as? String {
        case "timeout": return .timeout
        case "connection": return .connectionError
        default: return nil
        }
    }

    /// A decision as the vectors spell it (`retry` with its delay, `fail` with its code).
    private func describe(_ decision: Decision) -> String {
        switch decision {
        case .done: return "done"
        case .tryNextKey: return "try_next_key"
        case let .retry(delayMs): return "retry \(delayMs)"
        case let .fail(error): return "fail \(error.code)"
        }
    }

    private func expected(_ step: [String: Any]) -> String {
        switch step["decision"] as? String {
        case "retry": return "retry \(step["delay_ms"] as! Int)"
        case "fail": return "fail \(step["code"] as! String)"
        case let other?: return other
        case nil: return "(no decision)"
        }
    }

    private func replay(_ doc: [String: Any], _ c: [String: Any]) throws {
        let name = c["name"] as! String
        let keys = try (c["keys"] as! [String]).map { try ApiKey.parse(value: $0) }
        let origins = keys.indices.map { "vector:\($0)" }
        let clock = ManualClock(startMs: UInt64(doc["clock_start_ms"] as! Int))
        let ring = try KeyRing(
            keys: zip(keys, origins).map { SourcedKey(key: $0.0, origin: $0.1) },
            config: config(doc, c, name),
            clock: clock)
        XCTAssertEqual(ring.fingerprints(), keys.map { $0.fingerprint() }, name)

        var requests: [String: RequestState] = [:]
        var lastAttempt: [String: Attempt] = [:]
        var attemptCounts: [String: UInt32] = [:]
        for (i, step) in (c["steps"] as! [[String: Any]]).enumerated() {
            let at = "\(name), step \(i + 1)"
            XCTAssertTrue(Set(step.keys).isSubset(of: Self.stepFields), "\(at): unknown field in \(step.keys)")
            if let ms = step["advance_ms"] as? Int {
                clock.advanceMs(ms: UInt64(ms))
            }
            let requestName = step["request"] as! String
            let request = requests[requestName] ?? ring.beginRequest()
            requests[requestName] = request
            if let index = step["key"] as? Int {
                let attempt = try ring.attempt(request: request)
                XCTAssertEqual(attempt.key(), keys[index], "\(at): key")
                XCTAssertEqual(attempt.source(), origins[index], "\(at): source")
                let number = (attemptCounts[requestName] ?? 0) + 1
                attemptCounts[requestName] = number
                XCTAssertEqual(attempt.number(), number, "\(at): attempt number")
                XCTAssertEqual(request.attempts(), number, "\(at): attempts")
                lastAttempt[requestName] = attempt
            }
            guard let json = step["outcome"] as? [String: Any] else {
                XCTAssertNil(step["decision"], "\(at): a decision without an outcome")
                continue
            }
            guard let attempt = lastAttempt[requestName] else {
                XCTFail("\(at): an outcome before any attempt")
                continue
            }
            guard let reported = outcome(json) else {
                XCTFail("\(at): unknown outcome \(json)")
                continue
            }
            let decision = ring.onOutcome(request: request, attempt: attempt, outcome: reported)
            XCTAssertEqual(describe(decision), expected(step), at)
            if case let .fail(error) = decision {
                // The failure arrives as the typed HTTP error, with the status when there was one.
                guard case let .Http(code, status, _) = error else {
                    XCTFail("\(at): not an Http error: \(error)")
                    continue
                }
                XCTAssertEqual(status.map(Int.init), json["status"] as? Int, "\(at): status")
                if code == "unauthorized" {
                    // Every key was refused: no further attempt is possible for this request.
                    XCTAssertThrowsError(try ring.attempt(request: request), at) { thrown in
                        XCTAssertEqual((thrown as? PictifyError)?.code, "unauthorized", at)
                    }
                }
            }
        }

        let stats = ring.stats()
        XCTAssertEqual(stats.map { $0.fingerprint }, keys.map { $0.fingerprint() }, name)
        XCTAssertEqual(stats.map { $0.origin }, origins, name)
        for s in stats {
            XCTAssertEqual(s.requests, s.successes + s.unauthorized + s.errors, "\(name): requests = sum")
        }
        guard let want = c["stats"] as? [[String: Any]] else { return }
        XCTAssertEqual(want.count, stats.count, "\(name): stats per key")
        for (index, (w, got)) in zip(want, stats).enumerated() {
            XCTAssertEqual(
                ["requests", "successes", "unauthorized", "errors"].map { UInt64(w[$0] as! Int) },
                [got.requests, got.successes, got.unauthorized, got.errors],
                "\(name): stats of key \(index) (requests, successes, unauthorized, errors)")
        }
    }
}
