import Foundation
import Guardian
import NIOCore
import PostgresNIO

// MARK: - Error mapping

/// Driver and server errors as the guardian's store errors (SQLSTATE classes from PostgreSQL's Appendix A).
///
/// | What happened | Thrown |
/// | --- | --- |
/// | 40001 serialization failure, 40P01 deadlock | ``RetryableFailure`` (retried; `.busy` once attempts run out) |
/// | 55P03 lock timeout, 57014 statement timeout | `.busy` |
/// | connection refused, lost or reset; 08xxx; 57P01–57P03 shutdown; 25006 read-only; 53300 too many connections; authentication (28xxx); unknown database (3D000); TLS | `.unavailable` (HTTP 503) |
/// | pool shut down | `.closed` |
/// | 23xxx constraint violated | `.conflict` |
/// | XX001, XX002 corrupted data or index; a column that does not decode | `.corrupt` |
/// | anything else (58xxx I/O, 53100 disk full, 42xxx …) | `.io` |
///
/// Errors that are not the database's (a refusal inside a transaction, a rewrap failure) pass through unchanged.
enum PostgresErrorMapping {
    /// `error` mapped; `host` names the server in the detail.
    static func map(_ error: any Error, host: PostgresConnectionConfiguration.Host) -> any Error {
        switch error {
        case is GuardianStoreError, is RetryableFailure, is CancellationError:
            return error
        case let error as ClosedBeforeUse:
            return GuardianStoreError(.unavailable, "\(host): \(error)")
        case let error as PSQLError:
            return map(error, host: host)
        case let error as PostgresDecodingError:
            return GuardianStoreError(
                .corrupt, "column \(error.columnName) does not decode as \(error.targetType): \(error.postgresType)")
        default:
            break
        }
        // Errors of the pool or the network below the driver (NIO's connect errors, TLS handshake failures, the
        // pool's circuit breaker): the server cannot be used right now.
        let name = String(reflecting: type(of: error))
        if name.contains("NIO") || name.contains("ConnectionPool") || error is ChannelError {
            return GuardianStoreError(.unavailable, "\(host): \(error)")
        }
        return error
    }

    private static func map(_ error: PSQLError, host: PostgresConnectionConfiguration.Host) -> any Error {
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? "?????"
            let message = error.serverInfo?[.message] ?? "no message"
            let detail = "\(host): SQLSTATE \(state): \(message)"
            return map(sqlState: state, detail: detail)
        case .poolClosed:
            return GuardianStoreError(.closed, "the store is closed")
        case .queryCancelled:
            return CancellationError()
        case .sslUnsupported:
            return GuardianStoreError(
                .unavailable, "\(host) does not accept TLS, and the connection string's sslmode requires it")
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown,
            .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            let underlying = error.underlying.map { ": \($0)" } ?? ""
            return GuardianStoreError(.unavailable, "\(host): \(error.code)\(underlying)")
        case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            return GuardianStoreError(
                .unavailable,
                "\(host): authentication failed (\(error.code)); check the user and password in the connection string")
        default:
            return GuardianStoreError(.io, "\(host): \(error.code)")
        }
    }

    /// The error for a server error with `sqlState`.
    static func map(sqlState state: String, detail: String) -> any Error {
        switch state {
        case "40001", "40P01":
            return RetryableFailure(detail: detail)
        case "55P03", "57014":
            return GuardianStoreError(.busy, detail)
        case "25006", "57P01", "57P02", "57P03", "53300", "53200", "25P03":
            return GuardianStoreError(.unavailable, detail)
        case "XX001", "XX002":
            return GuardianStoreError(.corrupt, detail)
        case "3D000":
            return GuardianStoreError(.unavailable, detail + " (create the database, or fix its name in the URL)")
        default:
            break
        }
        switch state.prefix(2) {
        case "08": return GuardianStoreError(.unavailable, detail)
        case "28": return GuardianStoreError(.unavailable, detail + " (check the user and password in the URL)")
        case "23": return GuardianStoreError(.conflict, detail)
        default: return GuardianStoreError(.io, detail)
        }
    }
}
