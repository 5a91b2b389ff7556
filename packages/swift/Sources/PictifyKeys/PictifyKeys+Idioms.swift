// Swift conveniences over the generated bindings (Generated/PictifyKeys.swift). No rule lives
// here: every value comes from the Rust core unchanged.

import Foundation

extension Warning {
    /// The stable code: `unknown_environment` or `relaxed_policy`.
    public func code() -> String { warningCode(warning: self) }

    /// A one-line explanation.
    public func message() -> String { warningMessage(warning: self) }
}

extension PictifyError {
    /// The stable error code (`whitespace`, `live_key_in_development`, `no_key`, …), whatever
    /// the family.
    public var code: String {
        switch self {
        case let .Format(code, _, _), let .Environment(code, _, _), let .Source(code, _, _),
             let .Http(code, _, _), let .Input(code, _, _):
            return code
        }
    }

    /// The family: `format`, `environment`, `source`, `http` or `input`.
    public var family: String {
        switch self {
        case .Format: return "format"
        case .Environment: return "environment"
        case .Source: return "source"
        case .Http: return "http"
        case .Input: return "input"
        }
    }

    /// What the error carries (position, origin, status, apiCode, requestId, …).
    public var details: ErrorDetails {
        switch self {
        case let .Format(_, details, _), let .Environment(_, details, _), let .Source(_, details, _),
             let .Http(_, details, _), let .Input(_, details, _):
            return details
        }
    }

    /// The human-readable message of the core (never contains a secret).
    public var detail: String {
        switch self {
        case let .Format(_, _, detail), let .Environment(_, _, detail), let .Source(_, _, detail),
             let .Http(_, _, detail), let .Input(_, _, detail):
            return detail
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

/// Checks the key variables of a `.env` file's text; `label` names the file in each `origin`.
public func checkEnvFile(text: String, label: String, policy: Policy? = nil) throws -> CheckReport {
    checkKeys(variables: try parseDotenv(text: text), sourcePrefix: "env-file:\(label)", environment: nil, policy: policy)
}

extension AlertKind {
    /// The stable code (`auth_failure_burst`, `request_spike`, …), as in the CLI's JSON.
    public func code() -> String { alertKindCode(kind: self) }
}
