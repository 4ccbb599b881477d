// MARK: - Grammar (RFC 3986 character classes)

/// Character-level checks for the ABNF productions Sign-In with Ethereum (EIP-4361) and Sign In With Solana share
/// (RFC 3986 §2–§3).
package enum SignInGrammar {
    /// `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"` (RFC 3986 §2.3).
    package static func isUnreserved(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "~")
    }

    /// `sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="` (§2.2).
    package static let subDelims = Set("!$&'()*+,;=".utf8)
    /// `gen-delims = ":" / "/" / "?" / "#" / "[" / "]" / "@"` (§2.2).
    package static let genDelims = Set(":/?#[]@".utf8)

    /// `ALPHA`: an ASCII letter.
    package static func isAlpha(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// `DIGIT`: an ASCII digit.
    package static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    /// `ALPHA / DIGIT`.
    package static func isAlphanumeric(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) }

    /// `HEXDIG`, either case.
    package static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// Checks that every byte is allowed or starts a well-formed `pct-encoded` triplet (§2.1).
    package static func allows(_ text: String, allowPercent: Bool, _ allowed: (UInt8) -> Bool) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if allowPercent && bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else { return false }
                index += 3
            } else {
                guard allowed(bytes[index]) else { return false }
                index += 1
            }
        }
        return true
    }

    /// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (§3.1).
    package static func isScheme(_ text: String) -> Bool {
        guard let first = text.utf8.first, isAlpha(first) else { return false }
        return text.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }
    }

    /// `statement = 1*( reserved / unreserved / " " )`: not empty (an empty statement is written as none).
    package static func isStatement(_ text: String) -> Bool {
        !text.isEmpty
            && allows(text, allowPercent: false) {
                isUnreserved($0) || subDelims.contains($0) || genDelims.contains($0) || $0 == 0x20
            }
    }

    /// `authority = [ userinfo "@" ] host [ ":" port ]`, checked at the character level:
    /// unreserved, pct-encoded, sub-delims, ":", "@", and "[" "]" for IP literals.
    package static func isAuthority(_ text: String) -> Bool {
        !text.isEmpty
            && allows(text, allowPercent: true) {
                isUnreserved($0) || subDelims.contains($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "@")
                    || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]")
            }
    }

    /// `URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]`, the scheme checked by ``isScheme(_:)`` and the
    /// rest at the character level (reserved, unreserved, pct-encoded).
    package static func isURI(_ text: String) -> Bool {
        guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")),
            isScheme(String(decoding: text.utf8[..<colon], as: UTF8.self))
        else { return false }
        return allows(text, allowPercent: true) { isUnreserved($0) || subDelims.contains($0) || genDelims.contains($0) }
    }

    /// `request-id = *pchar`, `pchar = unreserved / pct-encoded / sub-delims / ":" / "@"` (§3.3); an empty id is
    /// refused (it would be written as none).
    package static func isRequestID(_ text: String) -> Bool {
        !text.isEmpty
            && allows(text, allowPercent: true) {
                isUnreserved($0) || subDelims.contains($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "@")
            }
    }

    /// `nonce = 8*( ALPHA / DIGIT )`.
    package static func isNonce(_ text: String, minimumLength: Int) -> Bool {
        text.utf8.count >= minimumLength && text.utf8.allSatisfy(isAlphanumeric)
    }
}
