// MARK: - Uniform Resources

/// A Uniform Resource (BCR-2020-005): a type and a deterministic CBOR message.
///
/// ``string`` is the single-part form `ur:<type>/<message as minimal Bytewords>`; ``UREncoder`` cuts a long message
/// into multi-part URs and ``URDecoder`` puts them back together.
public struct UR: Sendable, Hashable {
    /// The type: lowercase letters, digits and hyphens (BCR-2020-005 §Types), e.g. `bytes`, `crypto-psbt`.
    public let type: String
    /// The message: one deterministically encoded CBOR item (BCR-2020-005 §Canonical CBOR, RFC 8949 §4.2).
    public let cbor: [UInt8]

    /// A UR of `type` carrying `cbor`.
    ///
    /// - Throws: ``URError/Code/invalidType`` for a type with a character outside `a-z`, `0-9` and `-` (upper case
    ///   included: types are written in lower case), or a CBOR error code when `cbor` is not one deterministically
    ///   encoded item.
    public init(type: String, cbor: [UInt8]) throws(URError) {
        guard UR.isValidType(type) else { throw URError.invalidType(type) }
        _ = try CBOR(decoding: cbor)
        self.type = type
        self.cbor = cbor
    }

    /// A UR of `type` carrying `item`'s deterministic encoding.
    public init(type: String, item: CBOR) throws(URError) {
        guard UR.isValidType(type) else { throw URError.invalidType(type) }
        self.type = type
        self.cbor = item.encoded
    }

    /// Parses a single-part UR, ignoring ASCII case (BCR-2020-005: URs are case-agnostic, upper case in QR codes).
    ///
    /// - Throws: ``URError/Code/invalidScheme``, ``URError/Code/invalidType``, ``URError/Code/invalidPath`` (also for
    ///   a multi-part UR: use ``URDecoder``), the Bytewords codes, or a CBOR code for a message that is not
    ///   deterministic CBOR.
    public init(parsing text: String) throws(URError) {
        let parsed = try ParsedUR(text)
        guard case .single(let body) = parsed.body else { throw URError.invalidPath(components: 3) }
        try self.init(type: parsed.type, cbor: try Bytewords.decode(body, style: .minimal))
    }

    /// The single-part form, `ur:<type>/<minimal Bytewords of cbor>`, in lower case.
    public var string: String { "ur:" + type + "/" + Bytewords.encode(cbor, style: .minimal) }

    /// The decoded message.
    public var item: CBOR {
        // `cbor` was checked in `init`, so decoding cannot fail; `.null` only satisfies the compiler.
        (try? CBOR(decoding: cbor)) ?? .null
    }

    /// Whether `type` is a valid UR type: non-empty, only `a-z`, `0-9` and `-` (BCR-2020-005 §Types).
    public static func isValidType(_ type: String) -> Bool {
        !type.isEmpty
            && type.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
            }
    }
}

// MARK: - Parsing UR strings

/// A UR string split into its components, lower-cased (BCR-2020-005 §UR Encoding).
struct ParsedUR {
    enum Body {
        /// `ur:type/message`.
        case single(String)
        /// `ur:type/seqNum-seqLen/fragment`.
        case multi(sequenceNumber: UInt32, sequenceLength: Int, fragment: String)
    }

    let type: String
    let body: Body

    init(_ text: String) throws(URError) {
        // Fold ASCII upper case only; any other byte is refused below by the type or Bytewords checks.
        let lowered = String(decoding: text.utf8.map { (65...90).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        guard lowered.hasPrefix("ur:") else { throw URError.invalidScheme() }
        let components = lowered.dropFirst(3).split(separator: "/", omittingEmptySubsequences: false)
        guard components.count == 2 || components.count == 3 else {
            throw URError.invalidPath(components: components.count)
        }
        let type = String(components[0])
        guard UR.isValidType(type) else { throw URError.invalidType(type) }
        self.type = type
        if components.count == 2 {
            body = .single(String(components[1]))
            return
        }
        let sequence = components[1].split(separator: "-", omittingEmptySubsequences: false)
        guard sequence.count == 2, let number = ParsedUR.decimal(sequence[0]),
            let length = ParsedUR.decimal(sequence[1]),
            number >= 1, length >= 1
        else { throw URError.invalidSequence(String(components[1])) }
        body = .multi(sequenceNumber: number, sequenceLength: Int(length), fragment: String(components[2]))
    }

    /// A decimal number of at most ten ASCII digits that fits in 32 bits.
    private static func decimal(_ text: Substring) -> UInt32? {
        guard !text.isEmpty, text.utf8.count <= 10,
            text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return UInt32(text)
    }
}
