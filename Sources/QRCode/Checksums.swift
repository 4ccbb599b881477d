// MARK: - CRC-32 and Adler-32

/// CRC-32 as used by PNG chunks (ISO/IEC 15948:2004 §5.5, Annex D; also ISO 3309 / ITU-T V.42):
/// reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF. A namespace.
package enum CRC32 {
    /// Reflected form of x³² + x²⁶ + x²³ + x²² + x¹⁶ + x¹² + x¹¹ + x¹⁰ + x⁸ + x⁷ + x⁵ + x⁴ + x² + x + 1.
    static let polynomial: UInt32 = 0xEDB8_8320

    /// CRC of every byte value, one table step per byte.
    static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
        return crc
    }

    /// Folds `bytes` into a running CRC state; start from 0xFFFFFFFF and XOR the end with 0xFFFFFFFF.
    static func update(_ state: UInt32, with bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = state
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc
    }

    /// CRC-32 of `bytes`.
    package static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        update(0xFFFF_FFFF, with: bytes) ^ 0xFFFF_FFFF
    }
}

/// Adler-32, the zlib stream checksum (RFC 1950 §8.2). A namespace.
enum Adler32 {
    /// Largest prime below 2¹⁶ (RFC 1950 §8.2).
    static let modulus: UInt32 = 65521
    /// Most bytes that can be summed before `b` could overflow 32 bits: the largest n with
    /// 255 · n(n + 1)/2 + (n + 1)(modulus − 1) ≤ 2³² − 1 (the bound zlib uses).
    static let blockLength = 5552

    /// Adler-32 of `bytes`: s1 = 1 + Σ bytes, s2 = Σ s1 after each byte, both mod 65521; s2 · 2¹⁶ + s1.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let end = min(offset + blockLength, buffer.count)
                for index in offset..<end {
                    a &+= UInt32(buffer[index])
                    b &+= a
                }
                a %= modulus
                b %= modulus
                offset = end
            }
        }
        return b << 16 | a
    }
}
