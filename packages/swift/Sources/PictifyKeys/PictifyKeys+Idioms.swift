// Swift conveniences over the generated bindings (Generated/PictifyKeys.swift). No rule lives
// here: every value comes from the Rust core unchanged.

import Foundation

extension PictifyError {
    /// The stable error code (`whitespace`, `live_key_in_development`, `no_key`, …), whatever
    /// the family.
    public var code: String {
        switch self {
        case let .Format(code, _, _, _, _): return code
        case let .Policy(code, _, _, _, _): return code
        case let .Source(code, _, _): return code
        case let .Http(code, _, _): return code
        case let .InvalidInput(code, _): return code
        }
    }

    /// The human-readable message of the core (never contains a secret).
    public var detail: String {
        switch self {
        case let .Format(_, _, _, _, detail): return detail
        case let .Policy(_, _, _, _, detail): return detail
        case let .Source(_, _, detail): return detail
        case let .Http(_, _, detail): return detail
        case let .InvalidInput(_, detail): return detail
        }
    }
}

extension ApiKey {
    /// Parses `value` as a Pictify key, or returns nil when it is not one.
    public static func parseOrNil(_ value: String) -> ApiKey? {
        try? ApiKey.parse(value: value)
    }
}

/// Detects the deployment environment from this process's environment variables.
public func detectProcessEnvironment() -> Detection {
    detectEnvironment(variables: ProcessInfo.processInfo.environment)
}

/// Checks the key variables of a `.env` file's text; `label` names the file in each `source`.
public func checkEnvFile(text: String, label: String, policy: Policy? = nil) throws -> CheckReport {
    checkKeys(variables: try parseDotenv(text: text), sourcePrefix: "env-file:\(label)", environment: nil, policy: policy)
}
