// MARK: - Fields shared by EIP-4361 and SIWS messages

/// The part of a sign-in message that EIP-4361 and Sign In With Solana write alike: from `URI:` to the resources.
///
/// ```
/// URI: ${uri}
/// Version: ${version}
/// Chain ID: ${chainID}
/// Nonce: ${nonce}
/// Issued At: ${issuedAt}
/// Expiration Time: ${expirationTime}
/// Not Before: ${notBefore}
/// Request ID: ${requestID}
/// Resources:
/// - ${resources[0]}
/// ```
package enum SignInMessageFields {
    /// A field whose value breaks the shared grammar (see
    /// ``firstInvalid(domain:statement:uri:nonce:minimumNonceLength:requestID:resources:)``).
    package enum InvalidField: Equatable, Sendable {
        /// The domain is not an RFC 3986 authority.
        case domain
        /// The statement is not one non-empty line of `reserved` / `unreserved` characters and spaces.
        case statement
        /// The URI is not an RFC 3986 URI.
        case uri
        /// The nonce is shorter than the minimum or not all ASCII letters and digits.
        case nonce
        /// The request id is empty or not all `pchar`s.
        case requestID
        /// The resource at `index`, `value`, is not an RFC 3986 URI.
        case resource(index: Int, value: String)
    }

    /// The first field, in message order, whose value breaks the shared grammar; `nil` when all are valid.
    package static func firstInvalid(
        domain: String, statement: String?, uri: String, nonce: String, minimumNonceLength: Int, requestID: String?,
        resources: [String]?
    ) -> InvalidField? {
        guard SignInGrammar.isAuthority(domain) else { return .domain }
        if let statement, !SignInGrammar.isStatement(statement) { return .statement }
        guard SignInGrammar.isURI(uri) else { return .uri }
        guard SignInGrammar.isNonce(nonce, minimumLength: minimumNonceLength) else { return .nonce }
        if let requestID, !SignInGrammar.isRequestID(requestID) { return .requestID }
        for (index, resource) in (resources ?? []).enumerated() where !SignInGrammar.isURI(resource) {
            return .resource(index: index, value: resource)
        }
        return nil
    }

    /// The lines from `URI:` on, joined by `\n` (no leading or trailing newline); optional fields are omitted when
    /// `nil`, and `Resources:` with no items is kept apart from no `Resources:` line (`[]` versus `nil`).
    package static func render(
        uri: String, version: String, chainID: String, nonce: String, issuedAt: String, expirationTime: String?,
        notBefore: String?, requestID: String?, resources: [String]?
    ) -> String {
        var out = "URI: " + uri
        out += "\nVersion: " + version
        out += "\nChain ID: " + chainID
        out += "\nNonce: " + nonce
        out += "\nIssued At: " + issuedAt
        if let expirationTime { out += "\nExpiration Time: " + expirationTime }
        if let notBefore { out += "\nNot Before: " + notBefore }
        if let requestID { out += "\nRequest ID: " + requestID }
        if let resources {
            out += "\nResources:"
            for resource in resources { out += "\n- " + resource }
        }
        return out
    }
}

// MARK: - SignInMessageLines

/// A sign-in message's text split into lines, with a cursor for reading its labelled fields in order.
///
/// Lines are split on `\n` only (a `\r` stays in its line and fails the field it is in); empty lines are kept, so a
/// trailing newline shows as a last empty line.
package struct SignInMessageLines {
    /// The lines, without their `\n`.
    package let lines: [String]
    /// The UTF-8 offset of each line's start in the text.
    package let offsets: [Int]
    /// The line the next ``field(_:)`` reads (0-based).
    package var index: Int
    /// For each label read so far, the line it was first read from.
    package private(set) var lineOf: [String: Int] = [:]

    /// Splits `text` into lines; the cursor starts at line 0.
    package init(_ text: String) {
        lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map {
            String(String.UnicodeScalarView($0))
        }
        var offsets: [Int] = []
        var position = 0
        for line in lines {
            offsets.append(position)
            position += line.utf8.count + 1
        }
        self.offsets = offsets
        index = 0
    }

    /// The line at the cursor, or `nil` at the end.
    package var current: String? { index < lines.count ? lines[index] : nil }

    /// Reads the line at the cursor when it starts with `label` and returns the rest; `nil` (cursor unmoved)
    /// otherwise.
    package mutating func field(_ label: String) -> String? {
        guard index < lines.count, lines[index].hasPrefix(label) else { return nil }
        lineOf[label] = lineOf[label] ?? index
        defer { index += 1 }
        return String(lines[index].dropFirst(label.count))
    }

    /// Reads an optional `Resources:` line and the `- ` items after it; `nil` (cursor unmoved) when the line at the
    /// cursor is not `Resources:`.
    package mutating func resources() -> [String]? {
        guard index < lines.count && lines[index] == "Resources:" else { return nil }
        lineOf["Resources:"] = index
        index += 1
        var list: [String] = []
        while let resource = field("- ") { list.append(resource) }
        return list
    }
}
