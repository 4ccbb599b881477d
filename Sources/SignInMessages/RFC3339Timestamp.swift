import Foundation

// MARK: - RFC3339Timestamp

/// An RFC 3339 `date-time`, as EIP-4361 (Sign-In with Ethereum) and Sign In With Solana use for `Issued At`,
/// `Expiration Time` and `Not Before`, keeping its exact text so messages round-trip byte for byte. EVMKit's
/// `SIWETimestamp` and ChainKit's `SIWSTimestamp` wrap it, each with its own error type.
///
/// Grammar (RFC 3339 §5.6): `YYYY-MM-DD "T" hh:mm:ss [ "." 1*DIGIT ] ( "Z" / ("+" / "-") hh:mm )`; `T` and `Z` may be
/// lower case (§5.6 note). Calendar ranges are checked (month 01–12, day within the month, leap years, hour 00–23,
/// minute and second 00–59, offset within ±23:59). Leap seconds (`:60`) are refused: `Date` cannot represent them.
package struct RFC3339Timestamp: Hashable, Sendable {
    /// Why a date or a text is not an RFC 3339 timestamp; each wrapper words it for its own error type.
    package enum Failure: Error, Sendable {
        /// The date falls in `year`, outside 0000–9999 (`nil`: too far from 1970 even to compute the year).
        case yearOutOfRange(Int64?)
        /// The text breaks the grammar; `reason` says which part is wrong, in lower case without a final period.
        case invalid(reason: String)
    }

    /// The exact text, as it appears in the message.
    package let text: String
    /// The instant the text denotes.
    package let date: Date

    /// Seconds per day: 24 × 60 × 60.
    private static let secondsPerDay: Int64 = 86_400

    /// Formats `date` in UTC with millisecond precision, like JavaScript's `Date.toISOString()`
    /// (`2024-05-01T12:34:56.789Z`). The instant is rounded to a millisecond by `rule` (an issuer stamping "now"
    /// rounds `.down`, so its own check a moment later never finds the message issued in the future), and ``date``
    /// holds the rounded instant.
    ///
    /// - Throws: ``Failure/yearOutOfRange(_:)`` for years outside 0000–9999.
    package init(_ date: Date, rounding rule: FloatingPointRoundingRule) throws(Failure) {
        let exactMilliseconds = (date.timeIntervalSince1970 * 1000).rounded(rule)
        // Int64 holds about ±292 million years of milliseconds; beyond that (or NaN) the year cannot be computed, and
        // converting would trap.
        guard exactMilliseconds.magnitude < 9e18 else { throw .yearOutOfRange(nil) }
        let milliseconds = Int64(exactMilliseconds)
        let millisPerDay = Self.secondsPerDay * 1000
        let days =
            milliseconds >= 0 ? milliseconds / millisPerDay : -((-milliseconds + millisPerDay - 1) / millisPerDay)
        let millisOfDay = milliseconds - days * millisPerDay
        let (year, month, day) = Self.civil(fromDays: days)
        guard (0...9999).contains(year) else { throw .yearOutOfRange(year) }
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let seconds = millisOfDay / 1000
        self.text =
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(millisOfDay % 1000, 3))Z"
        self.date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Parses RFC 3339 text strictly.
    ///
    /// - Throws: ``Failure/invalid(reason:)`` saying which part is wrong.
    package init(rfc3339 text: String) throws(Failure) {
        let b = Array(text.utf8)
        func fail(_ why: String) -> Failure { .invalid(reason: why) }
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= b.count else { return nil }
            var value: Int64 = 0
            for index in range {
                guard SignInGrammar.isDigit(b[index]) else { return nil }
                value = value * 10 + Int64(b[index] - 0x30)
            }
            return value
        }
        func byte(_ index: Int, _ allowed: Set<UInt8>) -> Bool { index < b.count && allowed.contains(b[index]) }

        guard let year = number(0..<4), byte(4, [0x2D]), let month = number(5..<7), byte(7, [0x2D]),
            let day = number(8..<10)
        else { throw fail("the date must be YYYY-MM-DD") }
        guard byte(10, [0x54, 0x74]) else { throw fail("a 'T' must separate date and time") }
        guard let hour = number(11..<13), byte(13, [0x3A]), let minute = number(14..<16), byte(16, [0x3A]),
            let second = number(17..<19)
        else { throw fail("the time must be hh:mm:ss") }
        guard (1...12).contains(month) else { throw fail("month \(month) is not 01–12") }
        guard (1...Self.daysIn(month: month, year: year)).contains(day) else {
            throw fail("day \(day) does not exist in month \(month) of \(year)")
        }
        guard hour <= 23, minute <= 59 else { throw fail("hour must be 00–23 and minute 00–59") }
        guard second <= 59 else { throw fail("second must be 00–59 (leap seconds are not supported)") }

        var index = 19
        var fraction = 0.0
        if byte(index, [0x2E]) {
            index += 1
            let start = index
            while index < b.count && SignInGrammar.isDigit(b[index]) { index += 1 }
            guard index > start else { throw fail("a '.' must be followed by digits") }
            fraction = Double("0." + String(decoding: b[start..<index], as: UTF8.self)) ?? 0
        }
        var offsetSeconds: Int64 = 0
        if byte(index, [0x5A, 0x7A]) {
            index += 1
        } else if byte(index, [0x2B, 0x2D]) {
            let sign: Int64 = b[index] == 0x2B ? 1 : -1
            guard let offsetHour = number(index + 1..<index + 3), byte(index + 3, [0x3A]),
                let offsetMinute = number(index + 4..<index + 6), offsetHour <= 23, offsetMinute <= 59
            else { throw fail("the offset must be Z or ±hh:mm within ±23:59") }
            offsetSeconds = sign * (offsetHour * 3600 + offsetMinute * 60)
            index += 6
        } else {
            throw fail("a time zone (Z or ±hh:mm) is required")
        }
        guard index == b.count else { throw fail("unexpected characters after the time zone") }

        let days = Self.days(fromCivilYear: year, month: month, day: day)
        let seconds = days * Self.secondsPerDay + hour * 3600 + minute * 60 + second - offsetSeconds
        self.text = text
        self.date = Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    // MARK: Proleptic Gregorian calendar arithmetic

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms",
    /// `days_from_civil`; 719468 = days from 0000-03-01 to 1970-01-01, 146097 = days per 400-year era).
    package static func days(fromCivilYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Civil date for days since 1970-01-01 (Hinnant's `civil_from_days`, the inverse of the above).
    package static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
