// MARK: - Errors

/// Why a UR, a Bytewords string, a fountain part or a CBOR item was refused: a stable ``code`` (snake_case raw values,
/// safe to match on and to log) and a ``message`` sentence that says what was wrong and what to do about it — the one
/// error shape of Chronoguard's libraries.
public struct URError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, machine-readable codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A text does not start with the `ur:` scheme (BCR-2020-005 §UR Encoding).
        case invalidScheme = "invalid_scheme"
        /// A UR type holds a character other than a lowercase letter, a digit or a hyphen, or is empty
        /// (BCR-2020-005 §Types).
        case invalidType = "invalid_type"
        /// A UR has the wrong number of path components (BCR-2020-005 §UR Encoding: `type/message` or
        /// `type/seq/fragment`).
        case invalidPath = "invalid_path"
        /// The `seqNum-seqLen` component of a multi-part UR is malformed or out of range (BCR-2020-005 §UR Encoding).
        case invalidSequence = "invalid_sequence"
        /// A Bytewords string holds an unknown word, a stray character, or is too short to hold its checksum
        /// (BCR-2020-012).
        case invalidBytewords = "invalid_bytewords"
        /// The CRC-32 at the end of a Bytewords string does not match its body (BCR-2020-012 §Checksum).
        case bytewordsChecksumMismatch = "bytewords_checksum_mismatch"
        /// A multi-part UR's fragment is not a well-formed, self-consistent fountain part (BCR-2020-005: the
        /// `[seqNum, seqLen, messageLen, checksum, data]` array).
        case invalidPart = "invalid_part"
        /// A part belongs to another message than the parts already received: its type, sequence length, message
        /// length, checksum or fragment length differ.
        case partFromOtherMessage = "part_from_other_message"
        /// The reassembled message does not match the CRC-32 its parts carry (BCR-2020-005 §UR Encoding).
        case messageChecksumMismatch = "message_checksum_mismatch"
        /// A message or a part claims more bytes or fragments than the configured bound allows.
        case messageTooLong = "message_too_long"
        /// An encoder parameter is out of range (an empty message, a fragment length below 1).
        case invalidArgument = "invalid_argument"
        /// CBOR input ends inside an item (RFC 8949 §3).
        case cborTruncated = "cbor_truncated"
        /// Bytes follow the single top-level CBOR item (RFC 8949 §5.1: one data item).
        case cborTrailingBytes = "cbor_trailing_bytes"
        /// An indefinite-length item, forbidden in deterministic CBOR (RFC 8949 §4.2.1).
        case cborIndefiniteLength = "cbor_indefinite_length"
        /// An argument not in its shortest form (RFC 8949 §4.2.1: preferred serialization of heads).
        case cborNonShortestHead = "cbor_non_shortest_head"
        /// Map keys out of bytewise lexicographic order of their encodings (RFC 8949 §4.2.1).
        case cborUnsortedMapKeys = "cbor_unsorted_map_keys"
        /// The same key twice in one map (RFC 8949 §5.6).
        case cborDuplicateMapKey = "cbor_duplicate_map_key"
        /// Arrays, maps and tags nested deeper than the decoder's bound.
        case cborTooDeep = "cbor_too_deep"
        /// A text string that is not valid UTF-8 (RFC 8949 §3.1, major type 3).
        case cborInvalidUTF8 = "cbor_invalid_utf8"
        /// A well-formed item this codec does not support: floating-point numbers, simple values other than
        /// false/true/null, or the reserved additional information 28–30 (RFC 8949 §3.3, §3).
        case cborUnsupported = "cbor_unsupported"
    }

    /// The stable failure code.
    public let code: Code
    /// A sentence saying what was wrong and what to do about it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message, e.g. `invalid_scheme: The text does not start with "ur:" …`.
    public var description: String { "\(code.rawValue): \(message)" }

    // MARK: UR strings

    /// The text does not start with `ur:`.
    public static func invalidScheme() -> URError {
        URError(.invalidScheme, "The text does not start with \"ur:\"; pass a Uniform Resource such as ur:bytes/….")
    }

    /// The type component is empty or has a character outside `a-z`, `0-9` and `-`.
    public static func invalidType(_ type: String) -> URError {
        URError(
            .invalidType,
            "The UR type \"\(type.prefix(40))\" is not made only of lowercase letters, digits and hyphens; "
                + "use a registered type such as bytes or crypto-psbt.")
    }

    /// The UR has the wrong number of path components.
    public static func invalidPath(components: Int) -> URError {
        URError(
            .invalidPath,
            "The UR has \(components) path components after the scheme; a single-part UR has two (type/message) and "
                + "a multi-part UR three (type/seqNum-seqLen/fragment).")
    }

    /// The sequence component is malformed.
    public static func invalidSequence(_ text: String) -> URError {
        URError(
            .invalidSequence,
            "The sequence component \"\(text.prefix(40))\" is not of the form seqNum-seqLen with two decimal numbers "
                + "from 1 to 4294967295; check that the part was copied whole.")
    }

    // MARK: Bytewords

    /// A Bytewords string is malformed.
    public static func invalidBytewords(_ reason: String) -> URError {
        URError(.invalidBytewords, "The Bytewords text is malformed: \(reason); check that it was copied whole.")
    }

    /// The Bytewords checksum does not match.
    public static func bytewordsChecksumMismatch() -> URError {
        URError(
            .bytewordsChecksumMismatch,
            "The Bytewords checksum does not match the data; the text was altered or mistyped — scan or copy it again.")
    }

    // MARK: Fountain parts

    /// The fountain part is malformed or inconsistent.
    public static func invalidPart(_ reason: String) -> URError {
        URError(.invalidPart, "The multi-part UR fragment is not a valid fountain part: \(reason).")
    }

    /// The part belongs to another message.
    public static func partFromOtherMessage(_ field: String, expected: String, found: String) -> URError {
        URError(
            .partFromOtherMessage,
            "The part belongs to another message: its \(field) is \(found) where the parts received so far have "
                + "\(expected); start a new decoder for the other message.")
    }

    /// The reassembled message fails its checksum.
    public static func messageChecksumMismatch(expected: UInt32, found: UInt32) -> URError {
        URError(
            .messageChecksumMismatch,
            "The reassembled message has CRC-32 \(hex32(found)) but its parts announce \(hex32(expected)); "
                + "a part was corrupted — scan the parts again with a new decoder.")
    }

    /// A claimed size exceeds the bound.
    public static func messageTooLong(_ what: String, claimed: Int, limit: Int) -> URError {
        URError(
            .messageTooLong,
            "The \(what) is \(claimed), more than the limit of \(limit); raise the decoder's limit if such "
                + "messages are expected, otherwise the part is hostile or corrupt.")
    }

    /// An encoder argument is out of range.
    public static func invalidArgument(_ reason: String) -> URError {
        URError(.invalidArgument, reason)
    }

    // MARK: CBOR

    /// The CBOR input ends early.
    static func cborTruncated(offset: Int) -> URError {
        URError(
            .cborTruncated, "The CBOR input ends inside an item at byte \(offset); check that it was copied whole.")
    }

    /// Bytes follow the top-level item.
    static func cborTrailingBytes(offset: Int, count: Int) -> URError {
        URError(
            .cborTrailingBytes,
            "\(count) bytes follow the CBOR item that ends at byte \(offset); pass exactly one encoded item.")
    }

    /// An indefinite length.
    static func cborIndefiniteLength(offset: Int) -> URError {
        URError(
            .cborIndefiniteLength,
            "The CBOR item at byte \(offset) has an indefinite length, which deterministic CBOR (RFC 8949 §4.2.1) "
                + "forbids; encode it with a definite length.")
    }

    /// A head not in shortest form.
    static func cborNonShortestHead(offset: Int) -> URError {
        URError(
            .cborNonShortestHead,
            "The CBOR head at byte \(offset) does not use the shortest form for its argument, which deterministic "
                + "CBOR (RFC 8949 §4.2.1) requires; re-encode it deterministically.")
    }

    /// Unsorted map keys.
    static func cborUnsortedMapKeys(offset: Int) -> URError {
        URError(
            .cborUnsortedMapKeys,
            "The CBOR map key at byte \(offset) sorts before the previous key; deterministic CBOR (RFC 8949 §4.2.1) "
                + "orders keys by their encoded bytes — re-encode it deterministically.")
    }

    /// A duplicate map key.
    static func cborDuplicateMapKey(offset: Int) -> URError {
        URError(
            .cborDuplicateMapKey,
            "The CBOR map key at byte \(offset) repeats the previous key; a map must not hold a key twice "
                + "(RFC 8949 §5.6).")
    }

    /// Nesting too deep.
    static func cborTooDeep(offset: Int, limit: Int) -> URError {
        URError(
            .cborTooDeep,
            "The CBOR item at byte \(offset) is nested more than \(limit) levels deep; flatten the structure or raise "
                + "the decoder's depth limit.")
    }

    /// Invalid UTF-8 text.
    static func cborInvalidUTF8(offset: Int) -> URError {
        URError(
            .cborInvalidUTF8,
            "The CBOR text string at byte \(offset) is not valid UTF-8; encode text as UTF-8 or use a byte string.")
    }

    /// An unsupported item.
    static func cborUnsupported(offset: Int, what: String) -> URError {
        URError(
            .cborUnsupported,
            "The CBOR item at byte \(offset) is \(what), which this codec does not support; use integers, strings, "
                + "arrays, maps, tags, false, true or null.")
    }

    /// Eight lowercase hex digits.
    static func hex32(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
