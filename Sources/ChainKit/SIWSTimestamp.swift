import Foundation
import SignInMessages

// MARK: - Timestamp

/// An RFC 3339 `date-time` (the ISO 8601 profile SIWS and EIP-4361 use for `Issued At`,
/// `Expiration Time` and `Not Before`), keeping its exact text so messages round-trip byte for byte.
///
/// Grammar (RFC 3339 §5.6): `YYYY-MM-DD "T" hh:mm:ss [ "." 1*DIGIT ] ( "Z" / ("+" / "-") hh:mm )`;
/// `T` and `Z` may be lower case (§5.6 note). Calendar ranges are checked (month 01–12, day within
/// the month, leap years, hour 00–23, minute and second 00–59, offset within ±23:59). Leap seconds
/// (`:60`) are rejected: `Date` cannot represent them and no SIWS issuer needs them. The grammar and strictness are
/// those of EVMKit's `SIWETimestamp`: both wrap the `SignInMessages` target's parser.
public struct SIWSTimestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The exact text, as it appears in the message.
    public let text: String
    /// The instant the text denotes.
    public let date: Date

    /// Formats `date` in UTC with millisecond precision, like JavaScript's `Date.toISOString()`
    /// (`2024-05-01T12:34:56.789Z`), which is what SIWS issuers produce. The instant is rounded to
    /// a millisecond by `rule` — the nearest by default; an issuer stamping "now" rounds `.down`, so
    /// its own check a fraction of a millisecond later never finds the message issued in the future —
    /// and ``date`` holds the rounded instant.
    ///
    /// - Throws: ``SIWSError`` `invalid_timestamp` for years outside 0000–9999.
    public init(_ date: Date, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) throws(SIWSError) {
        do {
            self.init(try RFC3339Timestamp(date, rounding: rule))
        } catch {
            throw Self.error(error, date: date)
        }
    }

    /// Parses RFC 3339 text strictly.
    ///
    /// - Throws: ``SIWSError`` `invalid_timestamp` saying which part is wrong.
    public init(rfc3339 text: String) throws(SIWSError) {
        do {
            self.init(try RFC3339Timestamp(rfc3339: text))
        } catch {
            throw Self.error(error, text: text)
        }
    }

    private init(_ timestamp: RFC3339Timestamp) {
        text = timestamp.text
        date = timestamp.date
    }

    private static func error(_ failure: RFC3339Timestamp.Failure, date: Date) -> SIWSError {
        switch failure {
        case .yearOutOfRange(let year?):
            return SIWSError(
                .invalidTimestamp,
                "The date \(date) falls in year \(year), which RFC 3339 timestamps cannot express (0000–9999).")
        case .yearOutOfRange(nil), .invalid:
            return SIWSError(
                .invalidTimestamp,
                "The date \(date.timeIntervalSince1970) s from 1970 is outside the years RFC 3339 timestamps can express "
                    + "(0000–9999).")
        }
    }

    private static func error(_ failure: RFC3339Timestamp.Failure, text: String) -> SIWSError {
        let why: String
        switch failure {
        case .invalid(let reason): why = reason
        case .yearOutOfRange: why = "the year must be 0000–9999"  // not thrown by the parser: 4 digits
        }
        return SIWSError(
            .invalidTimestamp,
            "\"\(text.prefix(64))\" is not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)): \(why).")
    }

    public var description: String { text }

    /// Orders timestamps by instant.
    public static func < (lhs: SIWSTimestamp, rhs: SIWSTimestamp) -> Bool { lhs.date < rhs.date }
}
