// MARK: - UInt256 in JSON

// Kept apart from UInt256.swift so the WebAssembly build (Embedded Swift: no Codable) can leave it out
// (scripts/build-wasm.sh).
extension UInt256: Codable {
    /// Decodes from a decimal string (JSON numbers lose precision above 2⁵³, so quantities travel as text).
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = UInt256(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a uint256"))
        }
        self = value
    }

    /// Encodes as a decimal string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
