// MARK: - Parsing

extension SolanaMessage {
    /// Parses a serialised message (legacy or v0) that must span all of `wireBytes`.
    ///
    /// - Throws: ``SolanaWireError``: `truncated` and the `shortvec_*` codes for malformed
    ///   encodings, `unsupported_version`, `trailing_bytes`, or any rule of ``validate()``.
    public init<Bytes: Collection>(wireBytes: Bytes) throws(SolanaWireError) where Bytes.Element == UInt8 {
        var reader = WireReader(Array(wireBytes))
        let message = try Self.read(from: &reader)
        guard reader.remaining == 0 else {
            throw SolanaWireError(
                .trailingBytes, at: reader.offset,
                "\(reader.remaining) byte(s) follow the end of the message; a message must be exactly its serialised bytes."
            )
        }
        self = message
    }

    /// Reads one message from the reader's position and validates it.
    static func read(from reader: inout WireReader) throws(SolanaWireError) -> SolanaMessage {
        let start = reader.offset
        let first = try reader.readByte("the message header")
        let version: Version
        let required: UInt8
        if first & versionPrefix != 0 {
            let number = first & ~versionPrefix
            guard number == 0 else {
                let hint =
                    first == 0xFF
                    ? " (0xFF begins an off-chain message, \"\\xffsolana offchain\", which is never a transaction)" : ""
                throw SolanaWireError(
                    .unsupportedVersion, at: start,
                    "Message version \(number) is not supported\(hint); only legacy and v0 messages exist.")
            }
            version = .v0
            required = try reader.readByte("the header's num_required_signatures")
        } else {
            version = .legacy
            required = first
        }
        let readonlySigned = try reader.readByte("the header's num_readonly_signed_accounts")
        let readonlyUnsigned = try reader.readByte("the header's num_readonly_unsigned_accounts")
        let header = Header(
            numRequiredSignatures: required, numReadonlySignedAccounts: readonlySigned,
            numReadonlyUnsignedAccounts: readonlyUnsigned)

        let keyCount = try reader.readCount(elementSize: SolanaPublicKey.byteCount, "the account key list")
        var keys: [SolanaPublicKey] = []
        keys.reserveCapacity(keyCount)
        for index in 0..<keyCount {
            keys.append(
                SolanaPublicKey(uncheckedBytes: try reader.readBytes(SolanaPublicKey.byteCount, "account key \(index)"))
            )
        }
        let blockhash = SolanaBlockhash(
            uncheckedBytes: try reader.readBytes(SolanaBlockhash.byteCount, "the recent blockhash"))

        // Each instruction takes at least 3 bytes: program index and two empty-vector prefixes.
        let instructionCount = try reader.readCount(elementSize: 3, "the instruction list")
        var instructions: [CompiledInstruction] = []
        instructions.reserveCapacity(instructionCount)
        for index in 0..<instructionCount {
            let program = try reader.readByte("the program id index of instruction \(index)")
            let accountCount = try reader.readCount(elementSize: 1, "the account index list of instruction \(index)")
            let accounts = try reader.readBytes(accountCount, "the account indexes of instruction \(index)")
            let dataCount = try reader.readCount(elementSize: 1, "the data of instruction \(index)")
            let data = try reader.readBytes(dataCount, "the data of instruction \(index)")
            instructions.append(CompiledInstruction(programIDIndex: program, accountIndexes: accounts, data: data))
        }

        var lookups: [AddressTableLookup] = []
        if version == .v0 {
            // Each lookup takes at least 34 bytes: the table key and two empty-vector prefixes.
            let lookupCount = try reader.readCount(
                elementSize: SolanaPublicKey.byteCount + 2, "the address table lookup list")
            lookups.reserveCapacity(lookupCount)
            for index in 0..<lookupCount {
                let table = SolanaPublicKey(
                    uncheckedBytes: try reader.readBytes(
                        SolanaPublicKey.byteCount, "the table address of lookup \(index)"))
                let writableCount = try reader.readCount(elementSize: 1, "the writable indexes of lookup \(index)")
                let writable = try reader.readBytes(writableCount, "the writable indexes of lookup \(index)")
                let readonlyCount = try reader.readCount(elementSize: 1, "the read-only indexes of lookup \(index)")
                let readonly = try reader.readBytes(readonlyCount, "the read-only indexes of lookup \(index)")
                lookups.append(
                    AddressTableLookup(tableAddress: table, writableIndexes: writable, readonlyIndexes: readonly))
            }
        }

        do {
            return try SolanaMessage(
                version: version, header: header, staticAccountKeys: keys, recentBlockhash: blockhash,
                instructions: instructions, addressTableLookups: lookups)
        } catch {
            // Validation errors concern the message as a whole: report its start offset.
            throw SolanaWireError(error.code, at: start, error.message)
        }
    }

    // MARK: Serialisation

    /// Serialises the fields. Only called on validated messages, so every count fits a compact-u16.
    func serialize() -> [UInt8] {
        var out: [UInt8] = []
        if version == .v0 { out.append(Self.versionPrefix | 0) }
        out += [header.numRequiredSignatures, header.numReadonlySignedAccounts, header.numReadonlyUnsignedAccounts]
        out += ShortVec.encode(UInt16(staticAccountKeys.count))
        for key in staticAccountKeys { out += key.bytes }
        out += recentBlockhash.bytes
        out += ShortVec.encode(UInt16(instructions.count))
        for instruction in instructions {
            out.append(instruction.programIDIndex)
            out += ShortVec.encode(UInt16(instruction.accountIndexes.count))
            out += instruction.accountIndexes
            out += ShortVec.encode(UInt16(instruction.data.count))
            out += instruction.data
        }
        if version == .v0 {
            out += ShortVec.encode(UInt16(addressTableLookups.count))
            for lookup in addressTableLookups {
                out += lookup.tableAddress.bytes
                out += ShortVec.encode(UInt16(lookup.writableIndexes.count))
                out += lookup.writableIndexes
                out += ShortVec.encode(UInt16(lookup.readonlyIndexes.count))
                out += lookup.readonlyIndexes
            }
        }
        return out
    }
}
