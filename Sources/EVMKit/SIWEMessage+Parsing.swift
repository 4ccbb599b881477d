import SignInMessages

// MARK: - Parsing

extension SIWEMessage {
    /// Parses EIP-4361 text strictly: fields in ABNF order, each at most once, no unknown or blank lines, no `\r`, no
    /// trailing newline, required fields present, and only canonical spellings (see ``SIWEMessage``), so that
    /// `SIWEMessage(text: m.text) == m` for every message `m`, and `SIWEMessage(text: t).text == t` for every accepted
    /// `t`.
    ///
    /// - Throws: ``EVMError`` with a `siwe_…` code (or `siwe_invalid_address` for the address line), the failing line
    ///   (1-based) in its message and the byte offset of that line's start in ``EVMError/offset``.
    public init(text: String) throws(EVMError) {
        var cursor = SignInMessageLines(text)
        let lines = cursor.lines
        let offsets = cursor.offsets
        func error(_ code: EVMError.Code, line: Int, _ message: String) -> EVMError {
            EVMError(code, "line \(line + 1): " + message, offset: offsets[min(line, offsets.count - 1)])
        }

        guard let first = lines.first, first.hasSuffix(Self.headerSuffix) else {
            throw error(
                .siweInvalidHeaderLine, line: 0,
                "must be \"[scheme://]<domain> wants you to sign in with your Ethereum account:\"")
        }
        let origin = String(first.dropLast(Self.headerSuffix.count))
        var scheme: String?
        var domain = origin
        if let separator = origin.range(of: "://") {
            scheme = String(origin[..<separator.lowerBound])
            domain = String(origin[separator.upperBound...])
        }
        guard lines.count > 1 else {
            throw error(.siweMissingField, line: 0, "the message ends before the address line")
        }
        let address: EthereumAddress
        do {
            address = try EthereumAddress(lines[1])
        } catch {
            throw EVMError(
                .siweInvalidAddress, "line 2: must be an EIP-55 checksummed address: \(error.message)",
                offset: offsets[1])
        }
        guard address.checksummed == lines[1] else {
            throw EVMError(
                .siweInvalidAddress,
                "line 2: the address must be written in its EIP-55 checksummed form \(address.checksummed)",
                offset: offsets[1])
        }
        guard lines.count > 3, lines[2].isEmpty else {
            throw error(.siweUnexpectedLine, line: min(2, lines.count - 1), "a blank line must follow the address")
        }
        // `address LF LF [ statement LF ] LF "URI: "`: fields never contain blank lines, so a blank line 5 means line 4
        // is the statement; otherwise line 4 must be the second blank line.
        var statement: String?
        if lines.count > 4 && lines[4].isEmpty {
            statement = lines[3]
            cursor.index = 5
        } else {
            guard lines[3].isEmpty else {
                throw error(
                    .siweUnexpectedLine, line: 3,
                    "without a statement, two blank lines separate the address from \"URI: \" (a statement is followed by a blank line)"
                )
            }
            cursor.index = 4
        }

        func required(_ label: String) throws(EVMError) -> String {
            guard let value = cursor.field(label) else {
                let found = cursor.current.map { "\"\($0.prefix(60))\"" } ?? "the end of the message"
                throw error(
                    .siweMissingField, line: cursor.index,
                    "must be the \"\(label)\" field (fields come in a fixed order), but found \(found)")
            }
            return value
        }
        func timestamp(_ value: String, _ label: String) throws(EVMError) -> SIWETimestamp {
            do { return try SIWETimestamp(rfc3339: value) } catch {
                throw EVMError(
                    .siweInvalidTimestamp, "line \(cursor.index): \"\(label)\": \(error.message)",
                    offset: offsets[cursor.index - 1])
            }
        }

        let uri = try required("URI: ")
        let version = try required("Version: ")
        guard version == Self.supportedVersion else {
            throw error(
                .siweUnsupportedVersion, line: cursor.index - 1,
                "version \"\(version.prefix(20))\" is not supported; EIP-4361 defines only version 1")
        }
        let chainText = try required("Chain ID: ")
        guard let chainID = SIWEGrammar.chainID(chainText) else {
            throw error(
                .siweInvalidChainID, line: cursor.index - 1,
                "chain id \"\(chainText.prefix(40))\" is not a decimal EIP-155 chain id from 1 to 18446744073709551615 without leading zeros"
            )
        }
        let nonce = try required("Nonce: ")
        let issuedAt = try timestamp(try required("Issued At: "), "Issued At")
        var expirationTime: SIWETimestamp?
        if let value = cursor.field("Expiration Time: ") { expirationTime = try timestamp(value, "Expiration Time") }
        var notBefore: SIWETimestamp?
        if let value = cursor.field("Not Before: ") { notBefore = try timestamp(value, "Not Before") }
        let requestID = cursor.field("Request ID: ")
        let resources = cursor.resources()
        if let extra = cursor.current {
            throw error(
                .siweUnexpectedLine, line: cursor.index,
                "\"\(extra.prefix(60))\" is not expected here: unknown, repeated or out-of-order field, blank line, or trailing newline"
            )
        }
        do {
            try self.init(
                scheme: scheme, domain: domain, address: address, statement: statement, uri: uri, chainID: chainID,
                nonce: nonce, issuedAt: issuedAt, expirationTime: expirationTime, notBefore: notBefore,
                requestID: requestID, resources: resources)
        } catch {
            // Point at the line that holds the invalid value.
            let line: Int
            switch error.code {
            case .siweInvalidScheme, .siweInvalidDomain: line = 0
            case .siweInvalidStatement: line = 3
            case .siweInvalidURI: line = cursor.lineOf["URI: "] ?? 0
            case .siweInvalidNonce: line = cursor.lineOf["Nonce: "] ?? 0
            case .siweInvalidRequestID: line = cursor.lineOf["Request ID: "] ?? 0
            default: line = cursor.lineOf["Resources:"] ?? 0
            }
            throw EVMError(error.code, "line \(line + 1): " + error.message, offset: offsets[line])
        }
    }
}
