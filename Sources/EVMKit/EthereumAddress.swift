// MARK: - EthereumAddress

/// A 20-byte Ethereum account address: the last 20 bytes of the Keccak-256 of an uncompressed public key's 64-byte
/// `x ‖ y` (Yellow Paper, Appendix F, eq. 284), or of a contract's creation data.
///
/// Text is EIP-55 mixed-case checksummed (`0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed`). Parsing accepts all-lowercase
/// and all-uppercase hex (no checksum to check) and refuses mixed case whose checksum is wrong, since that is a typo.
public struct EthereumAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 20 bytes.
    public let bytes: [UInt8]

    /// Wraps exactly 20 bytes.
    public init(bytes: [UInt8]) throws(EVMError) {
        guard bytes.count == 20 else {
            throw EVMError(.invalidAddress, "an address is 20 bytes; got \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// The zero address `0x000…0`.
    public static let zero = try! EthereumAddress(bytes: [UInt8](repeating: 0, count: 20))

    /// Parses `0x` + 40 hex digits; mixed case must carry a valid EIP-55 checksum.
    public init(_ text: String) throws(EVMError) {
        guard text.utf8.count == 42, text.hasPrefix("0x"), let bytes = Hex.decode(text) else {
            throw EVMError(
                .invalidAddress, "an address is 0x followed by 40 hex digits; got \(text.utf8.count) characters")
        }
        let digits = text.utf8.dropFirst(2)
        let hasLower = digits.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f") }
        let hasUpper = digits.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }
        self.bytes = bytes
        if hasLower && hasUpper && checksummed != text {
            throw EVMError(
                .invalidChecksum,
                "the address's mixed-case EIP-55 checksum is wrong (a typo?); expected \(checksummed)")
        }
    }

    /// The address of the account that an uncompressed public key `x ‖ y` (64 bytes) controls.
    public init(publicKey64 bytes: [UInt8]) throws(EVMError) {
        guard bytes.count == 64 else {
            throw EVMError(.invalidPublicKey, "an uncompressed public key is 64 bytes (x ‖ y); got \(bytes.count)")
        }
        self.bytes = Array(Keccak256.hash(bytes)[12...])
    }

    /// EIP-55 text: hex digit `i` is uppercase when nibble `i` of `keccak256(lowercase hex)` is ≥ 8.
    public var checksummed: String {
        let lower = Array(Hex.encode(bytes, prefix: false).utf8)
        let hash = Keccak256.hash(lower)
        var out: [UInt8] = [UInt8(ascii: "0"), UInt8(ascii: "x")]
        for (i, character) in lower.enumerated() {
            let nibble = (i % 2 == 0) ? hash[i / 2] >> 4 : hash[i / 2] & 0x0F
            out.append(character >= UInt8(ascii: "a") && nibble >= 8 ? character - 32 : character)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The checksummed text.
    public var description: String { checksummed }

    public static func < (a: EthereumAddress, b: EthereumAddress) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
