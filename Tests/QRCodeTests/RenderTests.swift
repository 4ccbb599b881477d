import Foundation
import Testing

@testable import QRCode

@Suite("Renderers: PNG, zlib, SVG and terminal text")
struct RenderTests {
    // MARK: Peer messages

    struct BlobRequest: Encodable {
        let op: String
        let base64: String
    }

    struct PNGResponse: Decodable {
        let width: Int?
        let height: Int?
        let bitDepth: Int?
        let chunks: [String]?
        let pixels: String?
        let error: String?
    }

    struct InflateResponse: Decodable {
        let base64: String?
        let error: String?
    }

    struct ChecksumResponse: Decodable {
        let crc32: UInt32
        let adler32: UInt32
    }

    struct SVGRequest: Encodable {
        let op = "svg"
        let text: String
    }

    struct SVGResponse: Decodable {
        let viewBox: [Int]?
        let shapeRendering: String?
        let pathCount: Int?
        let pathFill: String?
        let rectFills: [String?]?
        let pixels: String?
        let error: String?
    }

    /// The padded module grid as '1' (dark) / '0' (light) pixels, each module `scale` pixels square.
    static func expectedPixels(_ matrix: QRMatrix, quietZone: Int, scale: Int) -> String {
        let side = (matrix.size + 2 * quietZone) * scale
        var text = ""
        text.reserveCapacity(side * side)
        for py in 0..<side {
            for px in 0..<side {
                let x = px / scale - quietZone
                let y = py / scale - quietZone
                let dark = x >= 0 && x < matrix.size && y >= 0 && y < matrix.size && matrix[x, y]
                text.append(dark ? "1" : "0")
            }
        }
        return text
    }

    static func sampleMatrices() throws -> [QRMatrix] {
        [
            try QRCode.encode("1"), try QRCode.encode("Chronoguard renderer test", ecLevel: .high),
            try QRCode.encode(String(repeating: "render ", count: 30), ecLevel: .low),
        ]
    }

    // MARK: PNG

    @Test("PNGs parse with the standard library and carry exactly the module pixels")
    func pngPixels() throws {
        var cases: [(QRMatrix, Int, Int, QRMatrix.PNGBitDepth)] = []
        for matrix in try Self.sampleMatrices() {
            for (scale, quietZone) in [(1, 0), (1, 4), (2, 1), (3, 4), (5, 2)] {
                for depth in QRMatrix.PNGBitDepth.allCases { cases.append((matrix, scale, quietZone, depth)) }
            }
        }
        let requests = cases.map { matrix, scale, quietZone, depth in
            BlobRequest(
                op: "png",
                base64: Data(matrix.png(scale: scale, quietZone: quietZone, bitDepth: depth)).base64EncodedString())
        }
        let responses = try PythonPeer.call(requests, as: PNGResponse.self)
        for ((matrix, scale, quietZone, depth), response) in zip(cases, responses) {
            let label = "v\(matrix.version) scale \(scale) quiet \(quietZone) depth \(depth.rawValue)"
            #expect(response.error == nil, "\(label): \(response.error ?? "")")
            let side = (matrix.size + 2 * quietZone) * scale
            #expect(response.width == side && response.height == side, "\(label)")
            #expect(response.bitDepth == depth.rawValue, "\(label)")
            #expect(response.chunks == ["IHDR", "IDAT", "IEND"], "\(label)")
            let expected = Self.expectedPixels(matrix, quietZone: quietZone, scale: scale)
            #expect(response.pixels.map { ModuleDifference($0, expected, width: side).isEmpty } == true, "\(label)")
        }
    }

    // MARK: zlib

    /// Inputs that exercise stored blocks, long runs, far matches and the 65535-byte block limit.
    static func deflateInputs() -> [(String, [UInt8])] {
        var random = SeededGenerator(salt: 9)
        var inputs: [(String, [UInt8])] = [
            ("empty", []), ("one byte", [0x42]), ("zeros", [UInt8](repeating: 0, count: 100_000)),
        ]
        inputs.append(("random 70000", (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &random) }))
        inputs.append(("random 131070", (0..<131_070).map { _ in UInt8.random(in: 0...255, using: &random) }))
        inputs.append(("small alphabet", (0..<50_000).map { _ in UInt8.random(in: 0...3, using: &random) }))
        let block = (0..<32_768).map { _ in UInt8.random(in: 0...255, using: &random) }
        inputs.append(("period 32768", block + block + block.prefix(5000)))
        let far = (0..<40_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        inputs.append(("period 40000, beyond the window", far + far))
        let text = Array("otpauth://totp/Chronoguard:alice?secret=JBSWY3DPEHPK3PXP&issuer=Chronoguard\n".utf8)
        inputs.append(("repeated text", (0..<300).flatMap { _ in text }))
        for length in [1, 2, 3, 4, 257, 258, 259, 1000] {
            inputs.append(("run of \(length)", [7] + [UInt8](repeating: 9, count: length) + [7]))
        }
        for index in 0..<20 {
            let length = Int.random(in: 0...5000, using: &random)
            let alphabet = UInt8.random(in: 1...255, using: &random)
            inputs.append(
                ("random text \(index)", (0..<length).map { _ in UInt8.random(in: 0...alphabet, using: &random) }))
        }
        return inputs
    }

    @Test("zlib streams inflate with Python's zlib to the original bytes, in every block type")
    func zlibRoundTrip() throws {
        var streams: [(String, [UInt8], [UInt8])] = []
        for (name, input) in Self.deflateInputs() {
            let adler = Adler32.checksum(input)
            let trailer = [
                UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF),
            ]
            streams.append((name + ", chosen", input, Deflate.zlibCompress(input)))
            streams.append((name + ", stored", input, [0x78, 0x01] + Deflate.storedBlocks(input) + trailer))
            streams.append(
                (name + ", fixed Huffman", input, [0x78, 0x01] + Deflate.fixedHuffmanBlock(input) + trailer))
        }
        let requests = streams.map { BlobRequest(op: "inflate", base64: Data($0.2).base64EncodedString()) }
        let responses = try PythonPeer.call(requests, as: InflateResponse.self)
        for ((name, input, stream), response) in zip(streams, responses) {
            #expect(response.error == nil, "\(name): \(response.error ?? "")")
            #expect(response.base64.flatMap { Data(base64Encoded: $0) }.map(Array.init) == input, "\(name)")
            // Whichever block type is chosen, the stream is never larger than stored blocks plus framing.
            if name.hasSuffix("chosen") {
                #expect(stream.count <= input.count + 5 * (input.count / 65535 + 1) + 6, "\(name)")
            }
        }
        let zeros = Deflate.zlibCompress([UInt8](repeating: 0, count: 100_000))
        #expect(zeros.count < 1000, "100 000 zero bytes compress to \(zeros.count) bytes")
    }

    @Test("CRC-32 and Adler-32 equal Python's zlib.crc32 and zlib.adler32")
    func checksums() throws {
        let inputs = Self.deflateInputs().map(\.1)
        let requests = inputs.map { BlobRequest(op: "checksums", base64: Data($0).base64EncodedString()) }
        let responses = try PythonPeer.call(requests, as: ChecksumResponse.self)
        for (input, response) in zip(inputs, responses) {
            #expect(CRC32.checksum(input) == response.crc32, "CRC-32 of \(input.count) bytes")
            #expect(Adler32.checksum(input) == response.adler32, "Adler-32 of \(input.count) bytes")
        }
        // The check value of CRC-32/ISO-HDLC: the CRC of the ASCII digits "123456789".
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    // MARK: SVG

    @Test("SVG is well-formed XML with one crisp-edged path covering exactly the dark modules")
    func svgGeometry() throws {
        var cases: [(QRMatrix, Int, String, String?)] = []
        for matrix in try Self.sampleMatrices() {
            cases.append((matrix, 4, "#000000", "#ffffff"))
            cases.append((matrix, 0, "rgb(10, 20, 30)", nil))
            cases.append((matrix, 2, "url(\"#a&b\")", "<light>"))
        }
        let requests = cases.map { matrix, quietZone, dark, light in
            SVGRequest(text: matrix.svg(quietZone: quietZone, darkColor: dark, lightColor: light))
        }
        let responses = try PythonPeer.call(requests, as: SVGResponse.self)
        for ((matrix, quietZone, dark, light), response) in zip(cases, responses) {
            let side = matrix.size + 2 * quietZone
            let label = "v\(matrix.version) quiet \(quietZone)"
            #expect(response.error == nil, "\(label): \(response.error ?? "")")
            #expect(response.viewBox == [0, 0, side, side], "\(label)")
            #expect(response.shapeRendering == "crispEdges", "\(label)")
            #expect(response.pathCount == 1, "\(label)")
            #expect(response.pathFill == dark, "\(label): colours survive XML escaping")
            #expect(response.rectFills == (light.map { [$0] } ?? []), "\(label)")
            let expected = Self.expectedPixels(matrix, quietZone: quietZone, scale: 1)
            #expect(response.pixels.map { ModuleDifference($0, expected, width: side).isEmpty } == true, "\(label)")
        }
    }

    // MARK: Terminal

    @Test("terminal text uses only half blocks and maps back to the padded module grid", arguments: [false, true])
    func terminalText(invert: Bool) throws {
        for matrix in try Self.sampleMatrices() {
            for quietZone in [0, 1, 2, 4] {
                let text = matrix.terminalString(quietZone: quietZone, invert: invert)
                let side = matrix.size + 2 * quietZone
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.count == (side + 1) / 2)
                // Decode: each glyph gives an upper and a lower module, inked or not.
                var decoded = ""
                var rows: [[Bool]] = []
                for line in lines {
                    let glyphs = Array(line.unicodeScalars)
                    #expect(glyphs.count == side)
                    var upper: [Bool] = []
                    var lower: [Bool] = []
                    for glyph in glyphs {
                        switch glyph {
                        case "\u{2588}":
                            upper.append(true)
                            lower.append(true)
                        case "\u{2580}":
                            upper.append(true)
                            lower.append(false)
                        case "\u{2584}":
                            upper.append(false)
                            lower.append(true)
                        case " ":
                            upper.append(false)
                            lower.append(false)
                        default: Issue.record("unexpected glyph U+\(String(glyph.value, radix: 16))")
                        }
                    }
                    rows.append(upper)
                    rows.append(lower)
                }
                // An odd height leaves a half row below the symbol, which must stay blank.
                if side % 2 == 1 { #expect(rows.removeLast().allSatisfy { !$0 }) }
                for row in rows {
                    // Ink marks light modules by default and dark ones when inverted.
                    decoded += row.map { $0 == invert ? "1" : "0" }.joined()
                }
                let expected = Self.expectedPixels(matrix, quietZone: quietZone, scale: 1)
                #expect(
                    ModuleDifference(decoded, expected, width: side).isEmpty,
                    "v\(matrix.version) quiet \(quietZone) invert \(invert)")
            }
        }
    }
}
