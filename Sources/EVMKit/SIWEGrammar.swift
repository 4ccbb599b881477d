import SignInMessages

// MARK: - Grammar

/// The EIP-4361 production that Sign In With Solana does not share (the shared RFC 3986 character classes are
/// `SignInGrammar`, in the `SignInMessages` target).
enum SIWEGrammar {
    /// `chain-id = 1*DIGIT`, canonical: no leading zero, 1 … 2⁶⁴ − 1 (EIP-155 chain ids are positive).
    static func chainID(_ text: String) -> UInt64? {
        guard let first = text.utf8.first, first != UInt8(ascii: "0"), text.utf8.allSatisfy(SignInGrammar.isDigit)
        else {
            return nil
        }
        return UInt64(text)
    }
}
