// MARK: - Off-chain message

/// A Solana off-chain message (header version 0): text that a wallet signs to prove control of
/// an address, built so that its bytes can never be mistaken for a transaction.
///
/// Layout (Solana "Off-chain message signing" proposal, `docs/src/proposals/off-chain-message-signing.md`,
/// "Message Preamble"), all integers little-endian:
///
/// | Field              | Offset          | Bytes          |
/// |--------------------|-----------------|----------------|
/// | Signing domain     | 0x00            | 16 (`"\xffsolana offchain"`) |
/// | Header version     | 0x10            | 1 (`0`)        |
/// | Application domain | 0x11            | 32             |
/// | Message format     | 0x31            | 1              |
/// | Signer count       | 0x32            | 1 (≥ 1)        |
/// | Signers            | 0x33            | 32 × count     |
/// | Message length     | 0x33 + 32·count | 2 (u16, ≥ 1)   |
/// | Message body       | 0x35 + 32·count | length         |
///
/// Format and length rules follow the Solana SDK crate `solana-offchain-message` (v3,
/// `serialization.rs`, `detect_format`), which backs `solana sign-offchain-message`: the format is
/// *determined by the content* — restricted ASCII (`0x20...0x7E`) if the whole message (preamble
/// and body) fits 1232 bytes, otherwise UTF-8 within 1232 bytes, otherwise extended UTF-8 within
/// 65535 bytes — and parsing rejects a declared format that differs from the determined one. As in
/// that crate, the all-zero key may not appear among several signers (it is the single-signer
/// placeholder).
public struct SolanaOffchainMessage: Hashable, Sendable {
    // MARK: Nested types

    /// The message format byte (proposal §"Message Format").
    public enum Format: UInt8, Hashable, Sendable, CaseIterable {
        /// Printable ASCII `0x20...0x7E` only, whole message ≤ 1232 bytes (clear-signable on Ledger).
        case restrictedASCII = 0
        /// Any UTF-8, whole message ≤ 1232 bytes.
        case limitedUTF8 = 1
        /// Any UTF-8, whole message ≤ 65535 bytes.
        case extendedUTF8 = 2
    }

    // MARK: Constants

    /// The signing domain specifier `b"\xffsolana offchain"`: `0xFF` is an invalid first byte for
    /// any transaction message (version 127), so no off-chain signature verifies as a transaction.
    public static let signingDomain: [UInt8] = [0xFF] + Array("solana offchain".utf8)

    /// The only header version this type implements.
    public static let headerVersion: UInt8 = 0

    /// Fixed preamble bytes: signing domain (16) + version (1) + application domain (32) +
    /// format (1) + signer count (1) + message length (2) = 53.
    public static let fixedPreambleByteCount = 16 + 1 + 32 + 1 + 1 + 2

    /// Largest whole message (preamble + body) for formats 0 and 1: `PACKET_DATA_SIZE` = 1232.
    public static let maxLedgerByteCount = SolanaMessage.packetDataSize

    /// Largest whole message for format 2: `u16::MAX` = 65535.
    public static let maxExtendedByteCount = Int(UInt16.max)

    /// Most signers: the count is one byte.
    public static let maxSigners = Int(UInt8.max)

    // MARK: Stored properties

    /// 32 bytes naming the application that requests the signature (e.g. a program address);
    /// shown to users as Base58.
    public let applicationDomain: SolanaPublicKey
    /// The message format, determined by the body.
    public let format: Format
    /// The keys expected to sign, in envelope order.
    public let signers: [SolanaPublicKey]
    /// The message body (valid UTF-8, never empty).
    public let body: [UInt8]
    /// The exact bytes each signer signs: preamble followed by the body.
    public let serializedBytes: [UInt8]

    // MARK: Initialisers

    /// Builds a message from text, choosing the format from its content and length.
    ///
    /// - Throws: ``SolanaOffchainMessageError`` (`no_signers`, `too_many_signers`, `zero_signer`,
    ///   `empty_message`, `message_too_long`).
    public init(applicationDomain: SolanaPublicKey, signers: [SolanaPublicKey], text: String)
        throws(SolanaOffchainMessageError)
    {
        try self.init(applicationDomain: applicationDomain, signers: signers, body: Array(text.utf8))
    }

    /// Builds a message from raw body bytes, which must be UTF-8.
    ///
    /// - Throws: as ``init(applicationDomain:signers:text:)``, plus `invalid_utf8`.
    public init(applicationDomain: SolanaPublicKey, signers: [SolanaPublicKey], body: [UInt8])
        throws(SolanaOffchainMessageError)
    {
        try Self.checkSigners(signers)
        let format = try Self.determineFormat(signerCount: signers.count, body: body)
        self.applicationDomain = applicationDomain
        self.format = format
        self.signers = signers
        self.body = body
        var out = Self.signingDomain
        out.reserveCapacity(Self.fixedPreambleByteCount + 32 * signers.count + body.count)
        out.append(Self.headerVersion)
        out += applicationDomain.bytes
        out.append(format.rawValue)
        out.append(UInt8(signers.count))
        for signer in signers { out += signer.bytes }
        out.append(UInt8(body.count & 0xFF))
        out.append(UInt8(body.count >> 8))
        out += body
        self.serializedBytes = out
    }

    /// Parses serialised off-chain message bytes (preamble and body, no signatures), strictly.
    ///
    /// - Throws: ``SolanaOffchainMessageError``: `truncated`, `invalid_signing_domain`,
    ///   `unsupported_version`, `invalid_format`, `no_signers`, `zero_signer`, `empty_message`,
    ///   `length_mismatch`, `invalid_utf8`, `format_mismatch`, `message_too_long`.
    public init<Bytes: Collection>(serialized bytes: Bytes) throws(SolanaOffchainMessageError)
    where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var offset = 0
        func take(_ count: Int, _ field: String) throws(SolanaOffchainMessageError) -> ArraySlice<UInt8> {
            guard input.count - offset >= count else {
                throw SolanaOffchainMessageError(
                    .truncated, at: offset,
                    "The input ends before \(field) (\(count) byte(s) needed, \(input.count - offset) left).")
            }
            defer { offset += count }
            return input[offset..<offset + count]
        }
        guard Array(try take(Self.signingDomain.count, "the signing domain")) == Self.signingDomain else {
            throw SolanaOffchainMessageError(
                .invalidSigningDomain, at: 0,
                "The input does not start with the signing domain \"\\xffsolana offchain\"; it is not a Solana off-chain message."
            )
        }
        let version = try take(1, "the header version").first!
        guard version == Self.headerVersion else {
            throw SolanaOffchainMessageError(
                .unsupportedVersion, at: offset - 1,
                "Header version \(version) is not supported; only version 0 is implemented.")
        }
        let domain = SolanaPublicKey(uncheckedBytes: Array(try take(32, "the application domain")))
        let formatByte = try take(1, "the message format").first!
        guard let declared = Format(rawValue: formatByte) else {
            throw SolanaOffchainMessageError(
                .invalidFormat, at: offset - 1,
                "Message format \(formatByte) is not defined; version 0 defines formats 0 (restricted ASCII), 1 (UTF-8) and 2 (extended UTF-8)."
            )
        }
        let signerCount = Int(try take(1, "the signer count").first!)
        var signers: [SolanaPublicKey] = []
        for index in 0..<signerCount {
            signers.append(SolanaPublicKey(uncheckedBytes: Array(try take(32, "signer \(index)"))))
        }
        try Self.checkSigners(signers)
        let lengthBytes = try take(2, "the message length")
        let length = Int(lengthBytes.first!) | Int(lengthBytes.last!) << 8
        guard length > 0 else {
            throw SolanaOffchainMessageError(
                .emptyMessage, at: offset - 2,
                "The message length is zero; an off-chain message must have a non-empty body.")
        }
        guard input.count - offset == length else {
            throw SolanaOffchainMessageError(
                .lengthMismatch, at: offset,
                "The preamble declares a \(length)-byte body but \(input.count - offset) byte(s) follow; the message is truncated or has trailing bytes."
            )
        }
        let body = Array(input[offset...])
        let expected = try Self.determineFormat(signerCount: signerCount, body: body)
        guard expected == declared else {
            throw SolanaOffchainMessageError(
                .formatMismatch, at: Self.signingDomain.count + 1 + 32,
                "The message declares format \(declared.rawValue) but its content and size call for format \(expected.rawValue); the format must be the one the content determines."
            )
        }
        try self.init(applicationDomain: domain, signers: signers, body: body)
    }

    // MARK: Accessors

    /// The body as text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    // MARK: Rules

    private static func checkSigners(_ signers: [SolanaPublicKey]) throws(SolanaOffchainMessageError) {
        guard !signers.isEmpty else {
            throw SolanaOffchainMessageError(.noSigners, "An off-chain message must name at least one signer.")
        }
        guard signers.count <= maxSigners else {
            throw SolanaOffchainMessageError(
                .tooManySigners,
                "An off-chain message can name at most 255 signers (the count is one byte), not \(signers.count).")
        }
        if signers.count > 1 && signers.contains(.zero) {
            throw SolanaOffchainMessageError(
                .zeroSigner,
                "The all-zero key is a single-signer placeholder and cannot appear among several signers; list the real signer keys."
            )
        }
    }

    /// The format the content requires (`detect_format` in `solana-offchain-message`).
    static func determineFormat(signerCount: Int, body: [UInt8]) throws(SolanaOffchainMessageError) -> Format {
        guard !body.isEmpty else {
            throw SolanaOffchainMessageError(.emptyMessage, "An off-chain message must have a non-empty body.")
        }
        let total = fixedPreambleByteCount + 32 * signerCount + body.count
        guard total <= maxExtendedByteCount else {
            throw SolanaOffchainMessageError(
                .messageTooLong,
                "The message would be \(total) bytes with its preamble, over the 65535-byte maximum; shorten the text.")
        }
        guard isValidUTF8(body) else {
            throw SolanaOffchainMessageError(
                .invalidUTF8, "The message body is not valid UTF-8; off-chain messages carry text only.")
        }
        if total > maxLedgerByteCount { return .extendedUTF8 }
        return body.allSatisfy { (0x20...0x7E).contains($0) } ? .restrictedASCII : .limitedUTF8
    }

    private static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
