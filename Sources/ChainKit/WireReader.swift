// MARK: - Reader

/// A bounds-checked cursor over wire bytes. Every read checks the remaining length first, so no
/// input can make the parser read out of bounds or allocate more than the input's size.
struct WireReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func readByte(_ field: @autoclosure () -> String) throws(SolanaWireError) -> UInt8 {
        guard offset < bytes.count else {
            throw SolanaWireError(
                .truncated, at: offset,
                "The input ends before \(field()) (1 byte needed); the transaction is truncated.")
        }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readBytes(_ count: Int, _ field: @autoclosure () -> String) throws(SolanaWireError) -> [UInt8] {
        guard count <= remaining else {
            throw SolanaWireError(
                .truncated, at: offset,
                "The input ends \(count - remaining) byte(s) short of \(field()) (\(count) bytes needed, \(remaining) left); the transaction is truncated."
            )
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func readShortVecLength(_ field: @autoclosure () -> String) throws(SolanaWireError) -> Int {
        do {
            let (value, length) = try ShortVec.decode(bytes[offset...])
            offset += length
            return Int(value)
        } catch {
            let at = offset + error.byteIndex
            let name = field()
            switch error.code {
            case .truncated:
                throw SolanaWireError(
                    .truncated, at: at,
                    "The input ends inside the compact-u16 length of \(name); the transaction is truncated.")
            case .nonCanonical:
                throw SolanaWireError(.shortVecNonCanonical, at: at, "The length of \(name): \(error.message)")
            case .tooLong:
                throw SolanaWireError(.shortVecTooLong, at: at, "The length of \(name): \(error.message)")
            case .overflow:
                throw SolanaWireError(.shortVecOverflow, at: at, "The length of \(name): \(error.message)")
            }
        }
    }

    /// Reads a compact-u16 count of fixed-size elements, refusing counts the input cannot hold
    /// before anything is allocated.
    mutating func readCount(elementSize: Int, _ field: @autoclosure () -> String) throws(SolanaWireError) -> Int {
        let name = field()
        let count = try readShortVecLength(name)
        guard count * elementSize <= remaining else {
            throw SolanaWireError(
                .truncated, at: offset,
                "\(name.prefix(1).uppercased() + name.dropFirst()) declares \(count) element(s) of \(elementSize) byte(s) but only \(remaining) byte(s) remain; the transaction is truncated."
            )
        }
        return count
    }
}
