import Foundation

// MARK: - otpauth:// Key URI

/// An `otpauth://` Key URI, the provisioning format authenticator apps scan from a QR code
/// (Google Authenticator "Key Uri Format"; parameters per RFC 4226 / RFC 6238).
///
/// `otpauth://TYPE/LABEL?secret=…&issuer=…&algorithm=…&digits=…&period=…|counter=…`, with LABEL = `Issuer:account`
/// percent-encoded (RFC 3986 §2.1). Generated URIs spell every parameter explicitly and parse unchanged in pyotp;
/// parsing accepts what pyotp and common apps produce (algorithm in any case, the issuer in the label, the parameter
/// or both when equal) and names the part that is wrong otherwise.
public struct OTPAuthURI: Sendable, Hashable {
    /// `totp` with its period, or `hotp` with its next counter.
    public enum Kind: Sendable, Hashable {
        case totp(period: Int)
        case hotp(counter: UInt64)
    }

    public var kind: Kind
    /// The account name shown in the app (e.g. an e-mail address or a wallet address).
    public var account: String
    /// The provider or service; appears both as the label prefix and as the `issuer` parameter.
    public var issuer: String?
    public var secret: OTPSecret
    public var algorithm: OTPAlgorithm
    public var digits: Int

    public init(
        kind: Kind = .totp(period: TOTP.defaultPeriod),
        account: String,
        issuer: String?,
        secret: OTPSecret,
        algorithm: OTPAlgorithm = .sha1,
        digits: Int = 6
    ) throws(OTPError) {
        guard (6...10).contains(digits) else { throw .invalidDigits(digits) }
        if case .totp(let period) = kind, period <= 0 { throw .invalidPeriod(period) }
        self.kind = kind
        self.account = account
        self.issuer = issuer
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
    }

    /// The TOTP generator this URI describes, or nil for an HOTP URI.
    public func totp() throws(OTPError) -> TOTP? {
        guard case .totp(let period) = kind else { return nil }
        return try TOTP(secret: secret, algorithm: algorithm, digits: digits, period: period)
    }

    /// The HOTP generator this URI describes (for a TOTP URI, the underlying HOTP).
    public func hotp() throws(OTPError) -> HOTP {
        try HOTP(secret: secret, algorithm: algorithm, digits: digits)
    }

    // MARK: Generation

    /// The URI text. Issuer and account are percent-encoded (a colon inside either becomes `%3A`, so the literal colon
    /// is always the separator), every parameter is explicit.
    public var uriString: String {
        var label = PercentEncoding.encode(account)
        if let issuer { label = PercentEncoding.encode(issuer) + ":" + label }
        var query = ["secret=" + secret.base32]
        if let issuer { query.append("issuer=" + PercentEncoding.encode(issuer)) }
        query.append("algorithm=" + algorithm.uriName)
        query.append("digits=\(digits)")
        switch kind {
        case .totp(let period):
            query.append("period=\(period)")
            return "otpauth://totp/\(label)?" + query.joined(separator: "&")
        case .hotp(let counter):
            query.append("counter=\(counter)")
            return "otpauth://hotp/\(label)?" + query.joined(separator: "&")
        }
    }
}

extension OTPAuthURI: CustomStringConvertible {
    /// Redacted: the URI itself carries the secret, so it is never the default description.
    public var description: String {
        "OTPAuthURI(\(issuer.map { $0 + ":" } ?? "")\(account), \(algorithm.uriName), \(digits) digits, secret redacted)"
    }
}

// MARK: - Parsing

extension OTPAuthURI {
    /// Parses a Key URI.
    /// - Throws: ``OTPError`` with a code starting `invalid_uri_` that names the part that is wrong.
    public init(parsing text: String) throws(OTPError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let schemeEnd = trimmed.range(of: "://") else {
            throw .uri(.invalidURIScheme, "The URI does not start with 'otpauth://'; paste the whole provisioning URI.")
        }
        guard trimmed[..<schemeEnd.lowerBound].lowercased() == "otpauth" else {
            throw .uri(
                .invalidURIScheme,
                "The URI scheme is '\(trimmed[..<schemeEnd.lowerBound])', not 'otpauth'; this is not an OTP provisioning URI."
            )
        }
        var rest = trimmed[schemeEnd.upperBound...]
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        guard let slash = rest.firstIndex(of: "/") else {
            throw .uri(.invalidURILabel, "The URI has no label; expected 'otpauth://totp/Issuer:account?secret=…'.")
        }
        let type = rest[..<slash].lowercased()
        let afterType = rest[rest.index(after: slash)...]
        let (rawLabel, rawQuery): (Substring, Substring) = {
            if let question = afterType.firstIndex(of: "?") {
                return (afterType[..<question], afterType[afterType.index(after: question)...])
            }
            return (afterType, "")
        }()

        // Query parameters: unknown ones (image, color, …) are ignored; security-relevant ones may appear once.
        var parameters: [String: String] = [:]
        for pair in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try PercentEncoding.decode(parts[0], plusAsSpace: true, part: "parameter name").lowercased()
            let value =
                parts.count > 1
                ? try PercentEncoding.decode(parts[1], plusAsSpace: true, part: "parameter '\(key)'") : ""
            guard Self.knownParameters.contains(key) else { continue }
            if parameters[key] != nil {
                throw .uri(
                    .invalidURIParameter, "The parameter '\(key)' appears more than once; a Key URI must give it once.")
            }
            parameters[key] = value
        }

        // Label: a literal ':' separates issuer and account; '%3A' is a colon inside a name (as pyotp reads it),
        // except that a label with no literal colon whose decoded prefix equals the issuer parameter is split there too.
        var labelIssuer: String? = nil
        var account: String
        if let colon = rawLabel.firstIndex(of: ":") {
            labelIssuer = try PercentEncoding.decode(rawLabel[..<colon], plusAsSpace: false, part: "label issuer")
            account = try PercentEncoding.decode(
                rawLabel[rawLabel.index(after: colon)...], plusAsSpace: false, part: "label account")
        } else {
            account = try PercentEncoding.decode(rawLabel, plusAsSpace: false, part: "label")
            if let issuer = parameters["issuer"], !issuer.isEmpty, account.hasPrefix(issuer + ":") {
                labelIssuer = issuer
                account = String(account.dropFirst(issuer.count + 1))
            }
        }
        account = String(account.drop(while: { $0 == " " }))  // "Issuer: account" is allowed by the format
        if let labelIssuer, let parameterIssuer = parameters["issuer"], labelIssuer != parameterIssuer {
            throw .uri(
                .invalidURIIssuer,
                "The issuer in the label ('\(labelIssuer)') differs from the issuer parameter ('\(parameterIssuer)'); they must be equal."
            )
        }
        let issuer = parameters["issuer"].flatMap { $0.isEmpty ? nil : $0 } ?? labelIssuer

        guard let secretText = parameters["secret"], !secretText.isEmpty else {
            throw .uri(.invalidURISecret, "The URI has no 'secret' parameter; a Key URI must carry the Base32 secret.")
        }
        let secret: OTPSecret
        do { secret = try OTPSecret(base32: secretText) } catch {
            throw .uri(.invalidURISecret, "The 'secret' parameter is not usable: \(error.message)")
        }

        var algorithm = OTPAlgorithm.sha1
        if let name = parameters["algorithm"] {
            guard let parsed = OTPAlgorithm(name: name) else {
                throw .uri(
                    .invalidURIAlgorithm, "The algorithm '\(name)' is not supported; use SHA1, SHA256 or SHA512.")
            }
            algorithm = parsed
        }
        var digits = 6
        if let text = parameters["digits"] {
            guard let value = Int(text), (6...10).contains(value) else {
                throw .uri(.invalidURIDigits, "The digits parameter '\(text)' is not a number from 6 to 10.")
            }
            digits = value
        }

        let kind: Kind
        switch type {
        case "totp":
            var period = TOTP.defaultPeriod
            if let text = parameters["period"] {
                guard let value = Int(text), value > 0 else {
                    throw .uri(.invalidURIPeriod, "The period parameter '\(text)' is not a positive number of seconds.")
                }
                period = value
            }
            kind = .totp(period: period)
        case "hotp":
            guard let text = parameters["counter"] else {
                throw .uri(.invalidURICounter, "An hotp URI needs a 'counter' parameter with the next counter value.")
            }
            guard let counter = UInt64(text) else {
                throw .uri(.invalidURICounter, "The counter parameter '\(text)' is not a number from 0 to 2^64−1.")
            }
            kind = .hotp(counter: counter)
        default:
            throw .uri(.invalidURIType, "The OTP type '\(type)' is not supported; use 'totp' or 'hotp'.")
        }
        try self.init(
            kind: kind, account: account, issuer: issuer, secret: secret, algorithm: algorithm, digits: digits)
    }

    static let knownParameters: Set<String> = ["secret", "issuer", "algorithm", "digits", "period", "counter"]
}

extension OTPError {
    static func uri(_ code: Code, _ message: String) -> OTPError { OTPError(code, message) }
}

// MARK: - Percent encoding (RFC 3986 §2.1)

enum PercentEncoding {
    /// Encodes everything but the RFC 3986 unreserved characters (ALPHA / DIGIT / "-" / "." / "_" / "~").
    static func encode(_ text: String) -> String {
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes `%XX` escapes (and `+` as a space in query components); the result must be valid UTF-8.
    static func decode(_ text: Substring, plusAsSpace: Bool, part: String) throws(OTPError) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard iterator.count >= 2,
                    let high = hexValue(iterator[iterator.startIndex]),
                    let low = hexValue(iterator[iterator.startIndex + 1])
                else {
                    throw .uri(
                        .invalidURIEncoding,
                        "The \(part) has a '%' not followed by two hex digits; percent-encode it as %25.")
                }
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else if byte == UInt8(ascii: "+"), plusAsSpace {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        // Validated by Foundation (the standard library's `String(validating:as:)` needs macOS 15 / iOS 18), decoded by
        // the standard library, which keeps a leading byte-order mark that Foundation's decoding would drop.
        guard String(bytes: bytes, encoding: .utf8) != nil else {
            throw .uri(.invalidURIEncoding, "The \(part) does not decode to valid UTF-8 text.")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
