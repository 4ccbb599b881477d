import Foundation

@testable import QRCode

// MARK: - Writing arbitrary bit streams into symbols

/// Builds a symbol's data bit stream segment by segment — including the modes and headers the encoder does not
/// write (Kanji, ECI, structured append, FNC1) and deliberately broken streams — and remembers the segments a decoder
/// must return. Numeric, alphanumeric and byte data are encoded by the project's encoder (`QRSegment`); Kanji by
/// the §7.4.6 formula written out here.
struct StreamBuilder {
    let version: Int
    private(set) var bits = BitBuffer()
    private(set) var expected: [QRDecodedSegment] = []
    private var eci: Int?

    init(version: Int) { self.version = version }

    var versionClass: Int { QRSpec.versionClass(of: version) }

    mutating func append(_ value: UInt32, bitCount: Int) { bits.append(value, bitCount: bitCount) }

    mutating func numeric(_ digits: [UInt8]) {
        let segment = try! QRSegment.numeric(String(decoding: digits, as: UTF8.self))
        write(segment, mode: .numeric, bytes: digits)
    }

    mutating func alphanumeric(_ characters: [UInt8]) {
        let segment = try! QRSegment.alphanumeric(String(decoding: characters, as: UTF8.self))
        write(segment, mode: .alphanumeric, bytes: characters)
    }

    mutating func byte(_ bytes: [UInt8]) {
        write(QRSegment.bytes(bytes), mode: .byte, bytes: bytes)
    }

    private mutating func write(_ segment: QRSegment, mode: QRDecodedSegment.Mode, bytes: [UInt8]) {
        bits.append(segment.mode.indicator, bitCount: 4)
        bits.append(UInt32(segment.characterCount), bitCount: segment.mode.characterCountBits(version: version))
        bits.append(contentsOf: segment.data)
        expected.append(
            QRDecodedSegment(
                mode: mode, characterCount: segment.characterCount, bytes: bytes, eci: eci,
                text: QRCharsets.text(of: bytes, mode: mode, eci: eci)))
    }

    /// Shift_JIS double-byte codes in 0x8140–0x9FFC or 0xE040–0xEBBF, 13 bits each (§7.4.6).
    mutating func kanji(_ codes: [UInt16]) {
        bits.append(0b1000, bitCount: 4)
        bits.append(UInt32(codes.count), bitCount: [8, 10, 12][versionClass])
        var bytes: [UInt8] = []
        for code in codes {
            let offset = Int(code) - (code <= 0x9FFC ? 0x8140 : 0xC140)
            bits.append(UInt32((offset >> 8) * 0xC0 + (offset & 0xFF)), bitCount: 13)
            bytes += [UInt8(code >> 8), UInt8(code & 0xFF)]
        }
        expected.append(
            QRDecodedSegment(
                mode: .kanji, characterCount: codes.count, bytes: bytes, eci: eci,
                text: QRCharsets.text(of: bytes, mode: .kanji, eci: eci)))
    }

    /// An ECI header with the shortest designator (§7.4.2.2).
    mutating func eci(_ value: Int) {
        bits.append(0b0111, bitCount: 4)
        switch value {
        case 0..<128: bits.append(UInt32(value), bitCount: 8)
        case 128..<16384: bits.append(0b10 << 14 | UInt32(value), bitCount: 16)
        default: bits.append(0b110 << 21 | UInt32(value), bitCount: 24)
        }
        eci = value
    }

    mutating func structuredAppend(index: Int, total: Int, parity: UInt8) {
        bits.append(0b0011, bitCount: 4)
        bits.append(UInt32(index), bitCount: 4)
        bits.append(UInt32(total - 1), bitCount: 4)
        bits.append(UInt32(parity), bitCount: 8)
    }

    /// Bits a segment of `count` characters of `mode` needs here.
    func cost(_ mode: QRDecodedSegment.Mode, count: Int) -> Int {
        switch mode {
        case .numeric: 4 + [10, 12, 14][versionClass] + count / 3 * 10 + [0, 4, 7][count % 3]
        case .alphanumeric: 4 + [9, 11, 13][versionClass] + count / 2 * 11 + count % 2 * 6
        case .byte: 4 + [8, 16, 16][versionClass] + count * 8
        case .kanji: 4 + [8, 10, 12][versionClass] + count * 13
        }
    }

    /// The data codewords: terminator, zero bits to a codeword boundary and alternating pad codewords (§7.4.9,
    /// §7.4.10); `nil` when the stream does not fit.
    func dataCodewords(level: QRErrorCorrection) -> [UInt8]? {
        let capacity = QRSpec.dataBits(version: version, level: level)
        guard bits.count <= capacity else { return nil }
        var padded = bits
        padded.append(0, bitCount: min(4, capacity - padded.count))
        padded.append(0, bitCount: (8 - padded.count % 8) % 8)
        var pad: UInt32 = 0xEC
        while padded.count < capacity {
            padded.append(pad, bitCount: 8)
            pad ^= 0xEC ^ 0x11
        }
        return padded.bytes
    }

    /// The symbol, through the project's encoder (Reed–Solomon, interleaving, placement, masking).
    func symbol(level: QRErrorCorrection, mask: QRMask?) -> QRMatrix? {
        dataCodewords(level: level).map {
            QRCode.build(dataCodewords: $0, version: version, ecLevel: level, mask: mask)
        }
    }
}

// MARK: - Random content

enum RandomContent {
    static let alphanumericSet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    /// Shift_JIS codes that JIS X 0208 defines (from Python's codec, via the generated table).
    static let kanjiCodes: [UInt16] = {
        var codes: [UInt16] = []
        for lead in Array(0x81...0x9F) + Array(0xE0...0xEB) {
            for trail in 0x40...0xFC where trail != 0x7F {
                let code = UInt16(lead << 8 | trail)
                if code <= 0x9FFC || (0xE040...0xEBBF).contains(code),
                    QRCharsets.shiftJISDoubleByte(lead: lead, trail: trail) != nil
                {
                    codes.append(code)
                }
            }
        }
        return codes
    }()

    /// A random mix of numeric, alphanumeric, byte (UTF-8 or arbitrary) and Kanji segments, with an occasional ECI
    /// header, filling up to `fill` of the capacity of `version` at `level`.
    static func stream(
        version: Int, level: QRErrorCorrection, fill: Double, using random: inout SeededGenerator
    ) -> StreamBuilder {
        var builder = StreamBuilder(version: version)
        // At least one character of every mode fits (26 bits), even in a version-1 H symbol (72 data bits).
        let budget = max(26, Int(Double(QRSpec.dataBits(version: version, level: level)) * fill))
        while true {
            if Int.random(in: 0..<8, using: &random) == 0, builder.bits.count + 12 + 40 < budget {
                builder.eci([3, 26, 4, 20, 22, 899, 12345, 170].randomElement(using: &random)!)
            }
            let mode = QRDecodedSegment.Mode.allCases.randomElement(using: &random)!
            let room = budget - builder.bits.count
            var maxCount = 0
            while builder.cost(mode, count: maxCount + 1) <= room, maxCount < 200 { maxCount += 1 }
            if maxCount == 0 { break }
            let count = Int.random(in: 1...maxCount, using: &random)
            switch mode {
            case .numeric:
                builder.numeric((0..<count).map { _ in UInt8.random(in: 0x30...0x39, using: &random) })
            case .alphanumeric:
                builder.alphanumeric((0..<count).map { _ in alphanumericSet.randomElement(using: &random)! })
            case .byte:
                builder.byte((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) })
            case .kanji:
                builder.kanji((0..<count).map { _ in kanjiCodes.randomElement(using: &random)! })
            }
            if Int.random(in: 0..<4, using: &random) == 0 { break }
        }
        return builder
    }
}

extension QRModuleGrid {
    /// The grid of an encoded symbol with the modules at `flips` inverted.
    init(_ matrix: QRMatrix, flipping flips: some Sequence<Int>) {
        var modules = matrix.modules
        for index in flips { modules[index] ^= 1 }
        self.init(size: matrix.size, modules: modules)!
    }
}

/// Table 9's error-correction capacity r of each (c, k, r) entry: (c − k) / 2, less the misdecode-protection
/// codewords p of footnote b (p = 3 for 1-L, 2 for 1-M and 2-L, 1 for 1-Q, 1-H and 3-L).
func tableNineCapacity(version: Int, level: QRErrorCorrection) -> Int {
    let entry = CapacityTable.entries.first { $0.version == version && $0.ecLevel == level }!
    let block = entry.blocks[0]
    let ec = block.totalCodewords - block.dataCodewords
    let protection: [String: Int] = ["1L": 3, "1M": 2, "1Q": 1, "1H": 1, "2L": 2, "3L": 1]
    return (ec - protection["\(version)\(level.letter)", default: 0]) / 2
}

// MARK: - The decoder tests' Python peer

/// `Resources/qr_decode_peer.py`: segno, python-qrcode, libqrencode's `qrencode`, reedsolo and Python's codecs.
/// One process call handles a whole batch; absent fields are left out of the JSON.
enum DecodePeer {
    struct Request: Encodable {
        var op: String
        var text: String?
        var hex: String?
        var level: String?
        var version: Int?
        var mode: String?
        var mask: Int?
        var encoding: String?
        var eci: Bool?
        var count: Int?
        var flag: String?
        var nsym: Int?
        var codec: String?
        var parts: [Part]?

        struct Part: Encodable {
            let hex: String
            let mode: String
        }

        init(op: String) { self.op = op }
    }

    struct Matrix: Decodable {
        let size: Int
        let modules: String

        var grid: QRModuleGrid? {
            QRModuleGrid(size: size, modules: modules.utf8.map { $0 == UInt8(ascii: "1") ? 1 : 0 })
        }
    }

    struct Response: Decodable {
        var size: Int?
        var modules: String?
        var version: Int?
        var mask: Int?
        var symbols: [Matrix]?
        var codeword: String?
        var corrected: Int?
        var error: String?
        var text: String?
        var hex: String?

        var grid: QRModuleGrid? {
            guard let size, let modules else { return nil }
            return Matrix(size: size, modules: modules).grid
        }
    }

    private struct Envelope: Encodable { let requests: [Request] }
    private struct Results: Decodable { let results: [Response] }

    static func call(_ requests: [Request]) throws -> [Response] {
        let script = try TestResources.url("qr_decode_peer.py")
        let output = try ExternalTool.run(
            ["python3", script.path], input: JSONEncoder().encode(Envelope(requests: requests)))
        guard output.status == 0 else {
            throw PeerFailure(
                description: "qr_decode_peer.py exited with status \(output.status): \(output.stderr.suffix(2000))"
                    + (output.status == 3 || output.status == ExternalTool.commandNotFound
                        ? " — run scripts/install-test-deps.sh" : ""))
        }
        let results = try JSONDecoder().decode(Results.self, from: output.stdout).results
        guard results.count == requests.count else {
            throw PeerFailure(description: "qr_decode_peer.py answered \(results.count) of \(requests.count) requests")
        }
        return results
    }
}

/// The error `body` throws, or `nil` when it returns.
func decodeError(_ body: () throws(QRDecodeError) -> Void) -> QRDecodeError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}
