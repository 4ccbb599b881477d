// MARK: - Constant-time comparison

/// Compares two byte sequences in time that depends only on their lengths, never on where they differ.
///
/// Used for OTP codes and MACs so that a timing side channel cannot reveal how many leading characters of a guess were
/// right (RFC 4226 §7.2 asks verifiers not to leak information through the comparison).
@inlinable
public func constantTimeCompare<L: Collection<UInt8>, R: Collection<UInt8>>(_ lhs: L, _ rhs: R) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (a, b) in zip(lhs, rhs) {
        difference |= a ^ b
    }
    return difference == 0
}

/// Compares two strings' UTF-8 bytes in constant time for a given length (see ``constantTimeCompare(_:_:)-(L,R)``).
@inlinable
public func constantTimeCompare(_ lhs: String, _ rhs: String) -> Bool {
    constantTimeCompare(lhs.utf8, rhs.utf8)
}
