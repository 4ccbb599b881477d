// MARK: - EthereumAddress in JSON

// Kept apart from EthereumAddress.swift so the WebAssembly build (Embedded Swift: no Codable) can leave it out
// (scripts/build-wasm.sh).
extension EthereumAddress: Codable {
    /// Decodes `0x` + 40 hex digits (mixed case must carry a valid EIP-55 checksum).
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    /// Encodes the EIP-55 checksummed text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(checksummed)
    }
}
