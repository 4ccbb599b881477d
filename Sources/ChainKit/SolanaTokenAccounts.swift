// MARK: - SPL Token account layouts

/// A mint (`spl_token::state::Mint`, 82 bytes; Token-2022 may append extensions):
///
/// | offset | field            | type                                  |
/// |--------|------------------|---------------------------------------|
/// | 0      | mint_authority   | `COption<Pubkey>` (u32 tag 0/1 + key)  |
/// | 36     | supply           | u64                                   |
/// | 44     | decimals         | u8                                    |
/// | 45     | is_initialized   | bool                                  |
/// | 46     | freeze_authority | `COption<Pubkey>`                     |
public struct SolanaTokenMint: Hashable, Sendable {
    /// The size of the base layout: 82 bytes (`Mint::LEN`).
    public static let byteCount = 82

    /// Who may mint; `nil` once the supply is fixed.
    public let mintAuthority: SolanaPublicKey?
    /// Base units in circulation.
    public let supply: UInt64
    /// Decimal places of the base unit.
    public let decimals: UInt8
    /// Who may freeze accounts; `nil` for none.
    public let freezeAuthority: SolanaPublicKey?
    /// Token-2022 extensions, undecoded (empty for SPL Token).
    public let extensions: [SolanaTokenExtension]

    /// Decodes the data of a mint account owned by `program` (``SolanaProgram/splToken`` or
    /// ``SolanaProgram/token2022``), as the program's `unpack` would.
    ///
    /// - Throws: ``SolanaAccountLayoutError`` — `account_wrong_owner`, `account_wrong_size`,
    ///   `account_uninitialized`, `account_invalid_field`, `account_invalid_extensions`.
    public init(data: [UInt8], program: SolanaPublicKey) throws(SolanaAccountLayoutError) {
        let extensions = try TokenLayout.checkedExtensions(
            data, program: program, baseSize: Self.byteCount, accountType: 1, kind: "mint")
        var reader = TokenLayout.Reader(data: data, kind: "mint")
        mintAuthority = try reader.optionalKey("mint_authority")
        supply = reader.u64()
        decimals = reader.u8()
        guard try reader.bool("is_initialized") else {
            throw SolanaAccountLayoutError(
                .uninitialized, at: 45, "The mint is not initialized (is_initialized is 0); initialize it first.")
        }
        freezeAuthority = try reader.optionalKey("freeze_authority")
        self.extensions = extensions
    }
}

/// A token account (`spl_token::state::Account`, 165 bytes; Token-2022 may append extensions):
///
/// | offset | field            | type                                  |
/// |--------|------------------|---------------------------------------|
/// | 0      | mint             | Pubkey                                |
/// | 32     | owner            | Pubkey                                |
/// | 64     | amount           | u64                                   |
/// | 72     | delegate         | `COption<Pubkey>`                     |
/// | 108    | state            | u8: 0 uninitialized, 1 initialized, 2 frozen |
/// | 109    | is_native        | `COption<u64>`: the rent-exempt reserve of a wrapped-SOL account |
/// | 121    | delegated_amount | u64                                   |
/// | 129    | close_authority  | `COption<Pubkey>`                     |
public struct SolanaTokenAccount: Hashable, Sendable {
    /// The size of the base layout: 165 bytes (`Account::LEN`).
    public static let byteCount = 165

    /// The account state (`AccountState`).
    public enum State: UInt8, Hashable, Sendable {
        /// Initialised and usable.
        case initialized = 1
        /// Frozen by the mint's freeze authority.
        case frozen = 2
    }

    /// The mint whose tokens the account holds.
    public let mint: SolanaPublicKey
    /// The owner: a key, or a multisig account.
    public let owner: SolanaPublicKey
    /// Balance in base units.
    public let amount: UInt64
    /// The delegate, if any.
    public let delegate: SolanaPublicKey?
    /// Initialised or frozen.
    public let state: State
    /// For wrapped SOL: the lamports kept back as the rent-exempt reserve; `nil` for other tokens.
    public let nativeRentExemptReserve: UInt64?
    /// Base units the delegate may move.
    public let delegatedAmount: UInt64
    /// Who may close the account besides the owner, if anyone.
    public let closeAuthority: SolanaPublicKey?
    /// Token-2022 extensions, undecoded (empty for SPL Token).
    public let extensions: [SolanaTokenExtension]

    /// Whether the account holds wrapped SOL.
    public var isNative: Bool { nativeRentExemptReserve != nil }

    /// Decodes the data of a token account owned by `program` (``SolanaProgram/splToken`` or
    /// ``SolanaProgram/token2022``), as the program's `unpack` would.
    ///
    /// - Throws: ``SolanaAccountLayoutError`` — `account_wrong_owner`, `account_wrong_size`,
    ///   `account_uninitialized`, `account_invalid_field`, `account_invalid_extensions`.
    public init(data: [UInt8], program: SolanaPublicKey) throws(SolanaAccountLayoutError) {
        let extensions = try TokenLayout.checkedExtensions(
            data, program: program, baseSize: Self.byteCount, accountType: 2, kind: "token account")
        var reader = TokenLayout.Reader(data: data, kind: "token account")
        mint = reader.key()
        owner = reader.key()
        amount = reader.u64()
        delegate = try reader.optionalKey("delegate")
        let stateByte = reader.u8()
        switch stateByte {
        case 0:
            throw SolanaAccountLayoutError(
                .uninitialized, at: 108, "The token account is not initialized (state 0); initialize it first.")
        case 1: state = .initialized
        case 2: state = .frozen
        default:
            throw SolanaAccountLayoutError(
                .invalidField, at: 108,
                "The token account's state byte is \(stateByte), not 0, 1 or 2; this is not a token account.")
        }
        nativeRentExemptReserve = try reader.optionalU64("is_native")
        delegatedAmount = reader.u64()
        closeAuthority = try reader.optionalKey("close_authority")
        self.extensions = extensions
    }
}

/// An SPL multisig account (`spl_token::state::Multisig`, 355 bytes in both programs): `m` (u8), `n` (u8),
/// `is_initialized` (bool), then 11 signer keys of which the first `n` are the members.
public struct SolanaTokenMultisig: Hashable, Sendable {
    /// The size: 355 bytes (`Multisig::LEN`).
    public static let byteCount = 355
    /// Most members a multisig has: 11 (`MAX_SIGNERS`).
    public static let maxSigners = 11

    /// Signatures required (m).
    public let threshold: UInt8
    /// The n member keys.
    public let signers: [SolanaPublicKey]

    /// Decodes the data of a multisig account owned by `program` (``SolanaProgram/splToken`` or
    /// ``SolanaProgram/token2022``).
    ///
    /// - Throws: ``SolanaAccountLayoutError`` — `account_wrong_owner`, `account_wrong_size`,
    ///   `account_uninitialized`, `account_invalid_field` (n above 11, or m not in 1…n).
    public init(data: [UInt8], program: SolanaPublicKey) throws(SolanaAccountLayoutError) {
        try TokenLayout.checkOwner(program, kind: "multisig")
        guard data.count == Self.byteCount else {
            throw SolanaAccountLayoutError(
                .wrongSize,
                "A multisig account is exactly \(Self.byteCount) bytes but this one is \(data.count); it is not a multisig account."
            )
        }
        var reader = TokenLayout.Reader(data: data, kind: "multisig")
        let m = reader.u8()
        let n = reader.u8()
        guard try reader.bool("is_initialized") else {
            throw SolanaAccountLayoutError(
                .uninitialized, at: 2, "The multisig is not initialized (is_initialized is 0); initialize it first.")
        }
        guard n >= 1, Int(n) <= Self.maxSigners, m >= 1, m <= n else {
            throw SolanaAccountLayoutError(
                .invalidField, at: 0,
                "The multisig says \(m) of \(n) signers; a multisig has 1 to \(Self.maxSigners) members and a threshold from 1 to that number."
            )
        }
        threshold = m
        signers = (0..<Int(n)).map { _ in reader.key() }
    }
}

/// A Token-2022 extension entry, kept undecoded: its type (`ExtensionType`, u16) and value bytes.
public struct SolanaTokenExtension: Hashable, Sendable {
    /// The extension type number (`spl_token_2022::extension::ExtensionType`, e.g. 7 `ImmutableOwner`).
    public let type: UInt16
    /// The value bytes.
    public let value: [UInt8]
}

// MARK: - Shared decoding

enum TokenLayout {
    /// Offset of the account-type byte in an extended account: right after the 165-byte base of a token account
    /// (`BASE_ACCOUNT_LENGTH`); a mint's base is padded with zeros up to it.
    static let accountTypeOffset = SolanaTokenAccount.byteCount

    static func checkOwner(_ program: SolanaPublicKey, kind: String) throws(SolanaAccountLayoutError) {
        guard program == SolanaProgram.splToken || program == SolanaProgram.token2022 else {
            throw SolanaAccountLayoutError(
                .wrongOwner,
                "The account is owned by \(SolanaProgram.describe(program)), not by SPL Token or Token-2022, so it is not a \(kind)."
            )
        }
    }

    /// Checks the size against the program's rules and returns the Token-2022 extensions
    /// (`StateWithExtensions::unpack`: `check_min_len_and_not_multisig`, `type_and_tlv_indices`,
    /// `get_extension_types`). SPL Token accepts exactly `baseSize` bytes.
    static func checkedExtensions(
        _ data: [UInt8], program: SolanaPublicKey, baseSize: Int, accountType: UInt8, kind: String
    ) throws(SolanaAccountLayoutError) -> [SolanaTokenExtension] {
        try checkOwner(program, kind: kind)
        if data.count == baseSize { return [] }
        guard program == SolanaProgram.token2022, data.count > accountTypeOffset,
            data.count != SolanaTokenMultisig.byteCount
        else {
            throw SolanaAccountLayoutError(
                .wrongSize,
                "A \(kind) is \(baseSize) bytes\(program == SolanaProgram.token2022 ? ", or more than \(accountTypeOffset + 1) with Token-2022 extensions (never \(SolanaTokenMultisig.byteCount))" : "") but this one is \(data.count); it is not a \(kind)."
            )
        }
        guard data[baseSize..<accountTypeOffset].allSatisfy({ $0 == 0 }) else {
            throw SolanaAccountLayoutError(
                .invalidExtensions, at: baseSize,
                "The padding between the \(kind)'s base layout and its account type is not zero; the data is not a Token-2022 \(kind)."
            )
        }
        guard data[accountTypeOffset] == accountType else {
            throw SolanaAccountLayoutError(
                .invalidExtensions, at: accountTypeOffset,
                "The Token-2022 account type byte is \(data[accountTypeOffset]), not \(accountType) (\(kind)); the account holds something else."
            )
        }
        var extensions: [SolanaTokenExtension] = []
        var offset = accountTypeOffset + 1
        // Entries are type (u16) ‖ length (u16) ‖ value; fewer than 2 bytes left, or type 0, end the list.
        while data.count - offset >= 2 {
            let type = UInt16(data[offset]) | UInt16(data[offset + 1]) << 8
            if type == 0 { break }
            guard data.count - offset >= 4 else {
                throw SolanaAccountLayoutError(
                    .invalidExtensions, at: offset, "Extension type \(type) has no length field; the data is truncated."
                )
            }
            let length = Int(UInt16(data[offset + 2]) | UInt16(data[offset + 3]) << 8)
            guard length <= data.count - offset - 4 else {
                throw SolanaAccountLayoutError(
                    .invalidExtensions, at: offset,
                    "Extension type \(type) declares \(length) bytes but only \(data.count - offset - 4) remain; the data is truncated."
                )
            }
            extensions.append(SolanaTokenExtension(type: type, value: Array(data[offset + 4..<offset + 4 + length])))
            offset += 4 + length
        }
        return extensions
    }

    /// Reads the fixed base layout; callers checked that `data` holds at least the base size.
    struct Reader {
        let data: [UInt8]
        let kind: String
        var offset = 0

        mutating func u8() -> UInt8 {
            defer { offset += 1 }
            return data[offset]
        }

        mutating func u32() -> UInt32 {
            defer { offset += 4 }
            return data[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func u64() -> UInt64 {
            defer { offset += 8 }
            return data[offset..<offset + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }

        mutating func key() -> SolanaPublicKey {
            defer { offset += SolanaPublicKey.byteCount }
            return SolanaPublicKey(uncheckedBytes: Array(data[offset..<offset + SolanaPublicKey.byteCount]))
        }

        mutating func bool(_ field: String) throws(SolanaAccountLayoutError) -> Bool {
            let start = offset
            let byte = u8()
            guard byte <= 1 else {
                throw SolanaAccountLayoutError(
                    .invalidField, at: start,
                    "The \(kind)'s \(field) byte is \(byte), not 0 or 1; this is not a \(kind).")
            }
            return byte == 1
        }

        /// A `COption` tag: u32 0 (none) or 1 (some); the value bytes follow either way.
        mutating func optionTag(_ field: String) throws(SolanaAccountLayoutError) -> Bool {
            let start = offset
            let tag = u32()
            guard tag <= 1 else {
                throw SolanaAccountLayoutError(
                    .invalidField, at: start,
                    "The \(kind)'s \(field) option tag is \(tag), not 0 or 1; this is not a \(kind).")
            }
            return tag == 1
        }

        mutating func optionalKey(_ field: String) throws(SolanaAccountLayoutError) -> SolanaPublicKey? {
            let present = try optionTag(field)
            let value = key()
            return present ? value : nil
        }

        mutating func optionalU64(_ field: String) throws(SolanaAccountLayoutError) -> UInt64? {
            let present = try optionTag(field)
            let value = u64()
            return present ? value : nil
        }
    }
}
