import SignInMessages

// MARK: - Parsing

extension SIWSMessage {
    /// Parses canonical SIWS text strictly: fields in ABNF order, each at most once, no unknown
    /// or blank lines, no trailing newline, required fields present. `SIWSMessage(text: m.text) == m`
    /// for every message `m`, and `SIWSMessage(text: t).text == t` for every accepted `t`.
    ///
    /// - Throws: ``SIWSError`` with the failing line (1-based) in its reason.
    public init(text: String) throws(SIWSError) {
        var cursor = SignInMessageLines(text)
        let lines = cursor.lines

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
        cursor.index = 3
        var statement: String?
        if lines.count > 4 && lines[4].isEmpty {
            statement = lines[3]
            cursor.index = 5
        }

        func required(_ label: String) throws(SIWSError) -> String {
            guard let value = cursor.field(label) else {
                let found = cursor.current.map { "\"\($0.prefix(60))\"" } ?? "the end of the message"
                throw SIWSError(
                    .missingField,
                    "Line \(cursor.index + 1) must be the \"\(label)\" field (fields come in a fixed order), but found \(found)."
                )
            }
            return value
        }
        func timestamp(_ value: String, _ label: String) throws(SIWSError) -> SIWSTimestamp {
            do { return try SIWSTimestamp(rfc3339: value) } catch {
                throw SIWSError(.invalidTimestamp, "Field \"\(label)\" on line \(cursor.index): \(error.message)")
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
        if let value = cursor.field("Not Before: ") { notBefore = try timestamp(value, "Not Before") }
        let requestID = cursor.field("Request ID: ")
        let resources = cursor.resources()
        if let extra = cursor.current {
            throw SIWSError(
                .unexpectedLine,
                "Line \(cursor.index + 1) (\"\(extra.prefix(60))\") is not expected here: unknown, repeated or out-of-order field, blank line, or trailing newline."
            )
        }
        try self.init(
            domain: domain, address: address, statement: statement, uri: uri, chainID: chainID, nonce: nonce,
            issuedAt: issuedAt, expirationTime: expirationTime, notBefore: notBefore, requestID: requestID,
            resources: resources)
    }
}
