// MARK: - Instruction decoding errors

/// Instruction data that the program it addresses would reject: too short for its layout, too few accounts, or a
/// field that does not decode. Only instructions ChainKit knows (``SolanaInstruction``) are checked; the data of
/// other programs is opaque.
public struct SolanaInstructionError: ChainKitError {
    /// Stable, machine-readable failure codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The instruction data ends before a field of the instruction's layout.
        case dataTruncated = "instruction_data_truncated"
        /// The instruction passes fewer accounts than the instruction requires.
        case missingAccounts = "instruction_missing_accounts"
        /// A string field (a seed) is not UTF-8, which the program's decoder (serde `String`) refuses.
        case invalidString = "instruction_invalid_string"
        /// Bytes follow an instruction whose program decodes the whole input (Borsh `try_from_slice`).
        case trailingData = "instruction_trailing_data"
    }

    /// The stable failure code.
    public let code: Code
    /// The position of the instruction in its message.
    public let instructionIndex: Int
    /// The program the instruction addresses.
    public let programID: SolanaPublicKey
    /// Byte offset in the instruction's data, when a field was being read.
    public let offset: Int?
    /// A sentence saying what was wrong and what to do.
    public let reason: String

    init(_ code: Code, instruction: Int, program: SolanaPublicKey, at offset: Int? = nil, _ reason: String) {
        self.code = code
        self.instructionIndex = instruction
        self.programID = program
        self.offset = offset
        self.reason = reason
    }
}
