// MARK: - Message

/// A Solana transaction message: the bytes every signer signs.
///
/// Two wire formats exist (Solana SDK `solana-message`, `VersionedMessage`):
/// - **legacy**: `header ‖ account_keys ‖ recent_blockhash ‖ instructions`;
/// - **v0**: the prefix byte `0x80 | 0` (`MESSAGE_VERSION_PREFIX | 0`) followed by the legacy
///   fields and `address_table_lookups` (proposal "Versioned Transactions" and
///   "Address Lookup Tables", SIMD-less Solana docs).
///
/// Every vector is prefixed by a compact-u16 length (``ShortVec``). Values of this type are always
/// valid: the initialisers enforce the same rules as the SDK's `sanitize()` plus the runtime's
/// duplicate-account and packet-size checks (see ``validate()``), so a ``SolanaMessage`` always
/// serialises to bytes that parse back to an equal value.
public struct SolanaMessage: Hashable, Sendable {
    // MARK: Nested types

    /// The message format.
    public enum Version: Hashable, Sendable, CustomStringConvertible {
        /// The original format, with no version prefix and no address table lookups.
        case legacy
        /// Version 0: prefix byte `0x80`, adds address table lookups.
        case v0

        /// `legacy` or `v0`.
        public var description: String { self == .legacy ? "legacy" : "v0" }
    }

    /// The three-byte message header (`MessageHeader`).
    ///
    /// Account keys are ordered: writable signers, read-only signers, writable non-signers,
    /// read-only non-signers; the header gives the boundaries.
    public struct Header: Hashable, Sendable {
        /// Signatures the transaction needs; the first this-many account keys are the signers.
        public var numRequiredSignatures: UInt8
        /// How many of the signers (the last ones) are read-only.
        public var numReadonlySignedAccounts: UInt8
        /// How many of the non-signer static keys (the last ones) are read-only.
        public var numReadonlyUnsignedAccounts: UInt8

        /// Creates a header; ``SolanaMessage/validate()`` checks it against the account keys.
        public init(numRequiredSignatures: UInt8, numReadonlySignedAccounts: UInt8, numReadonlyUnsignedAccounts: UInt8)
        {
            self.numRequiredSignatures = numRequiredSignatures
            self.numReadonlySignedAccounts = numReadonlySignedAccounts
            self.numReadonlyUnsignedAccounts = numReadonlyUnsignedAccounts
        }
    }

    /// An instruction with its program and accounts given as indexes into the message's accounts
    /// (`CompiledInstruction`).
    public struct CompiledInstruction: Hashable, Sendable {
        /// Index of the program id; must be a static key other than the fee payer.
        public var programIDIndex: UInt8
        /// Indexes of the accounts passed to the program, in order.
        public var accountIndexes: [UInt8]
        /// The opaque instruction data.
        public var data: [UInt8]

        /// Creates a compiled instruction; indexes are checked when the message is built.
        public init(programIDIndex: UInt8, accountIndexes: [UInt8], data: [UInt8]) {
            self.programIDIndex = programIDIndex
            self.accountIndexes = accountIndexes
            self.data = data
        }
    }

    /// A v0 address table lookup (`MessageAddressTableLookup`): which entries of an on-chain
    /// address lookup table the message loads, writable ones and read-only ones.
    public struct AddressTableLookup: Hashable, Sendable {
        /// Address of the lookup table account.
        public var tableAddress: SolanaPublicKey
        /// Table entries loaded as writable accounts.
        public var writableIndexes: [UInt8]
        /// Table entries loaded as read-only accounts.
        public var readonlyIndexes: [UInt8]

        /// Creates a lookup; it must load at least one entry.
        public init(tableAddress: SolanaPublicKey, writableIndexes: [UInt8], readonlyIndexes: [UInt8]) {
            self.tableAddress = tableAddress
            self.writableIndexes = writableIndexes
            self.readonlyIndexes = readonlyIndexes
        }
    }

    // MARK: Constants

    /// Top bit of the first message byte marks a versioned message (`MESSAGE_VERSION_PREFIX`).
    static let versionPrefix: UInt8 = 0x80

    /// Largest serialised transaction the network accepts: the IPv6 minimum MTU (1280) minus the
    /// IPv6 header (40) and UDP header (8) = 1232 (`PACKET_DATA_SIZE`).
    public static let packetDataSize = 1280 - 40 - 8

    /// Most accounts a message can reference: indexes are `u8`, so 256.
    public static let maxAccounts = 256

    // MARK: Stored properties

    /// Legacy or v0.
    public let version: Version
    /// The message header.
    public let header: Header
    /// The account keys written in the message (signers first).
    public let staticAccountKeys: [SolanaPublicKey]
    /// The blockhash the transaction is valid against (or a durable nonce value).
    public let recentBlockhash: SolanaBlockhash
    /// The instructions, in execution order.
    public let instructions: [CompiledInstruction]
    /// The v0 address table lookups (always empty for legacy messages).
    public let addressTableLookups: [AddressTableLookup]
    /// The exact serialised message: the bytes each signer signs.
    public private(set) var serializedBytes: [UInt8]

    // MARK: Initialisers

    /// Builds and validates a message.
    ///
    /// - Throws: ``SolanaWireError`` when the message breaks any rule listed in ``validate()``, or
    ///   `lookups_in_legacy_message` when a legacy message is given lookups.
    public init(
        version: Version,
        header: Header,
        staticAccountKeys: [SolanaPublicKey],
        recentBlockhash: SolanaBlockhash,
        instructions: [CompiledInstruction],
        addressTableLookups: [AddressTableLookup] = []
    ) throws(SolanaWireError) {
        if version == .legacy && !addressTableLookups.isEmpty {
            throw SolanaWireError(
                .lookupsInLegacyMessage, "A legacy message cannot carry address table lookups; use version v0.")
        }
        self.version = version
        self.header = header
        self.staticAccountKeys = staticAccountKeys
        self.recentBlockhash = recentBlockhash
        self.instructions = instructions
        self.addressTableLookups = addressTableLookups
        // Validate before serialising so every count fits its compact-u16 prefix.
        self.serializedBytes = []
        try validate()
        self.serializedBytes = serialize()
    }

    // MARK: Derived values

    /// The number of accounts the message references: static keys plus every loaded lookup entry.
    public var accountCount: Int {
        staticAccountKeys.count
            + addressTableLookups.reduce(0) { $0 + $1.writableIndexes.count + $1.readonlyIndexes.count }
    }

    /// The size of the transaction that carries this message:
    /// `compact-u16(n) + 64·n + message`, with `n = num_required_signatures`.
    public var transactionByteCount: Int {
        ShortVec.encodedLength(of: UInt16(header.numRequiredSignatures))
            + Int(header.numRequiredSignatures) * SolanaSignature.byteCount
            + serializedBytes.count
    }

    /// The fee payer: the first static account key.
    public var feePayer: SolanaPublicKey { staticAccountKeys[0] }

    /// The keys that must sign: the first `num_required_signatures` static keys, in signature-slot
    /// order.
    public var requiredSigners: [SolanaPublicKey] {
        Array(staticAccountKeys.prefix(Int(header.numRequiredSignatures)))
    }

    /// The signature slot of `key`, or `nil` when `key` is not a required signer.
    public func signerIndex(of key: SolanaPublicKey) -> Int? {
        requiredSigners.firstIndex(of: key)
    }
}
