// MARK: - Parsing

extension SIWSMessage {
    /// Parses canonical SIWS text strictly: fields in ABNF order, each at most once, no unknown
    /// or blank lines, no trailing newline, required fields present. `SIWSMessage(text: m.text) == m`
    /// for every message `m`, and `SIWSMessage(text: t).text == t` for every accepted `t`.
    ///
    /// - Throws: ``SIWSError`` with the failing line (1-based) in its reason.
    public init(text: String) throws(SIWSError) {
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map {
            String(String.UnicodeScalarView($0))
        }

        guard let first = lines.first, first.hasSuffix(Self.headerSuffix) else {
            throw SIWSError(
                .invalidHeaderLine, "Line 1 must be \"<domain> wants you to sign in with your Solana account:\".")
        }
        let domain = String(first.dropLast(Self.headerSuffix.count))
        guard lines.count > 1 else {
            throw SIWSError(.missingField, "Line 2 must hold the Solana address, but the message ends after line 1.")
        }
        let address: SolanaPublicKey
        do {
            address = try SolanaPublicKey(base58: lines[1])
        } catch {
            throw SIWSError(.invalidAddress, "Line 2 must be a Base58 Solana address: \(error.message)")
        }
        guard lines.count > 2, lines[2].isEmpty else {
            throw SIWSError(
                .unexpectedLine, "Line 3 must be empty, separating the address from the statement or fields.")
        }
        // Fields never contain blank lines, so a blank line 5 means line 4 is the statement.
        var index = 3
        var statement: String?
        if lines.count > 4 && lines[4].isEmpty {
            statement = lines[3]
            index = 5
        }

        func field(_ label: String) -> String? {
            guard index < lines.count, lines[index].hasPrefix(label) else { return nil }
            defer { index += 1 }
            return String(lines[index].dropFirst(label.count))
        }
        func required(_ label: String) throws(SIWSError) -> String {
            guard let value = field(label) else {
                let found = index < lines.count ? "\"\(lines[index].prefix(60))\"" : "the end of the message"
                throw SIWSError(
                    .missingField,
                    "Line \(index + 1) must be the \"\(label)\" field (fields come in a fixed order), but found \(found)."
                )
            }
            return value
        }
        func timestamp(_ value: String, _ label: String) throws(SIWSError) -> SIWSTimestamp {
            do { return try SIWSTimestamp(rfc3339: value) } catch {
                throw SIWSError(.invalidTimestamp, "Field \"\(label)\" on line \(index): \(error.message)")
            }
        }

        let uri = try required("URI: ")
        let version = try required("Version: ")
        guard version == Self.supportedVersion else {
            throw SIWSError(
                .unsupportedVersion, "Version \"\(version.prefix(20))\" is not supported; SIWS defines only version 1.")
        }
        let chainText = try required("Chain ID: ")
        guard let chainID = ChainID(rawValue: chainText) else {
            throw SIWSError(
                .invalidChainID,
                "Chain ID \"\(chainText.prefix(40))\" is not one of mainnet, testnet, devnet, localnet, solana:mainnet, solana:testnet, solana:devnet."
            )
        }
        let nonce = try required("Nonce: ")
        let issuedAt = try timestamp(try required("Issued At: "), "Issued At")
        let expirationTime = try timestamp(try required("Expiration Time: "), "Expiration Time")
        var notBefore: SIWSTimestamp?
        if let value = field("Not Before: ") { notBefore = try timestamp(value, "Not Before") }
        let requestID = field("Request ID: ")
        var resources: [String]?
        if index < lines.count && lines[index] == "Resources:" {
            index += 1
            var list: [String] = []
            while let resource = field("- ") { list.append(resource) }
            resources = list
        }
        guard index == lines.count else {
            throw SIWSError(
                .unexpectedLine,
                "Line \(index + 1) (\"\(lines[index].prefix(60))\") is not expected here: unknown, repeated or out-of-order field, blank line, or trailing newline."
            )
        }
        try self.init(
            domain: domain, address: address, statement: statement, uri: uri, chainID: chainID, nonce: nonce,
            issuedAt: issuedAt, expirationTime: expirationTime, notBefore: notBefore, requestID: requestID,
            resources: resources)
    }
}
