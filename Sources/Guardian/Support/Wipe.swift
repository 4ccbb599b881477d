import Foundation

// MARK: - Wiping

/// Best-effort zeroisation of plaintext key material before its buffer is released. Swift may have made copies we
/// cannot reach (and swift-crypto's `SymmetricKey` wipes its own storage), so this narrows, not closes, the window.
@inline(never)
func wipe(_ bytes: inout [UInt8]) {
    for index in bytes.indices { bytes[index] = 0 }
    bytes.withUnsafeMutableBytes { raw in
        // A volatile-style read keeps the optimiser from treating the stores above as dead.
        if let base = raw.baseAddress { _ = base.load(as: UInt8.self) }
    }
}

@inline(never)
func wipe(_ data: inout Data) {
    data.resetBytes(in: 0..<data.count)
}
