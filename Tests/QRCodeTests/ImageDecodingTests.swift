import Foundation
import TestSupport
import Testing

@testable import QRCode

// MARK: - Peer calls

/// The Python helpers `Resources/qr_image_peer.py` and `Resources/qr_vision_peer.py` (Pillow, NumPy, OpenCV, segno,
/// zxing-cpp): one process call per batch, `{"requests": […]}` in, `{"results": […]}` out.
enum ImagePeer {
    private struct Envelope<Request: Encodable>: Encodable { let requests: [Request] }
    private struct Results<Response: Decodable>: Decodable { let results: [Response] }

    static func call<Request: Encodable, Response: Decodable>(
        _ script: String, _ requests: [Request], as _: Response.Type = Response.self
    ) throws -> [Response] {
        let url = try TestResources.url(script)
        let body = try JSONEncoder().encode(Envelope(requests: requests))
        let output = try ExternalPeer.run("python3", [url.path], stdin: body)
        let results = try JSONDecoder().decode(Results<Response>.self, from: output).results
        guard results.count == requests.count else {
            throw PeerFailure(description: "\(script) answered \(results.count) of \(requests.count) requests")
        }
        return results
    }

    static func bytes(_ base64: String?) throws -> [UInt8] {
        guard let base64, let data = Data(base64Encoded: base64) else {
            throw PeerFailure(description: "the peer sent no or invalid base64")
        }
        return [UInt8](data)
    }
}

// MARK: - Image decoding

@Suite("Image decoding: inflate, PNG, PGM/PPM and pixel buffers against Pillow and zlib")
struct ImageDecodingTests {
    struct PNGRequest: Encodable {
        let op = "png"
        let seed: UInt64
        let colourType: Int
        let bitDepth: Int
        let interlace: Int
        let width: Int
        let height: Int
        let transparency: Bool
        let pillowWriter: Bool
    }

    struct PNMRequest: Encodable {
        let op = "pnm"
        let seed: UInt64
        let kind: String
        let width: Int
        let height: Int
        let maxval: Int
        let pillowWriter: Bool
    }

    struct ZlibRequest: Encodable {
        let op = "zlib"
        let seed: UInt64
        let length: Int
    }

    struct FileResponse: Decodable {
        let file: String?
        let luminance: String?
        let pillowL: String?
        let samples: String?
        let data: String?
        let zlib: String?
        let error: String?
    }

    /// Every colour type with every bit depth Table 11.1 allows.
    static let pngModes: [(colourType: Int, depths: [Int])] = [
        (0, [1, 2, 4, 8, 16]), (2, [8, 16]), (3, [1, 2, 4, 8]), (4, [8, 16]), (6, [8, 16]),
    ]

    static func pngRequests(rounds: Int, salt: UInt64) -> [PNGRequest] {
        var rng = SeededGenerator(salt: salt)
        var requests: [PNGRequest] = []
        for _ in 0..<rounds {
            for (colourType, depths) in pngModes {
                for depth in depths {
                    for interlace in 0...1 {
                        for transparency in [false, true] {
                            // Small odd sizes exercise partial bytes and empty Adam7 passes.
                            let width =
                                Bool.random(using: &rng)
                                ? Int.random(in: 1...9, using: &rng) : Int.random(in: 10...70, using: &rng)
                            let height = Int.random(in: 1...40, using: &rng)
                            requests.append(
                                PNGRequest(
                                    seed: rng.next() >> 11, colourType: colourType, bitDepth: depth,
                                    interlace: interlace, width: width, height: height, transparency: transparency,
                                    pillowWriter: Bool.random(using: &rng)))
                        }
                    }
                }
            }
        }
        return requests
    }

    static func expectClose(_ ours: [UInt8], _ theirs: [UInt8], _ context: String) {
        #expect(ours.count == theirs.count, "\(context): \(ours.count) pixels, expected \(theirs.count)")
        guard ours.count == theirs.count else { return }
        let worst = zip(ours, theirs).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 1, "\(context): luminance differs by up to \(worst)")
    }

    @Test("PNGs of every colour type, bit depth, interlace and filter decode to Pillow's luminance (±1)")
    func pngMatchesPillow() throws {
        let requests = Self.pngRequests(rounds: 5, salt: 0x504E_47)
        let responses = try ImagePeer.call("qr_image_peer.py", requests, as: FileResponse.self)
        var compared = 0
        for (request, response) in zip(requests, responses) {
            let context = "PNG \(request)"
            #expect(response.error == nil, "\(context): \(response.error ?? "")")
            guard response.error == nil else { continue }
            let file = try ImagePeer.bytes(response.file)
            #expect(QRImageFile.format(of: file) == .png)
            let image = try QRImageFile.decode(file)
            #expect(image.width == request.width && image.height == request.height, "\(context)")
            Self.expectClose(image.pixels, try ImagePeer.bytes(response.luminance), context)
            if let pillow = response.pillowL {
                Self.expectClose(image.pixels, try ImagePeer.bytes(pillow), context + " vs convert(\"L\")")
            }
            compared += 1
        }
        #expect(compared == requests.count)
        #expect(compared >= 300)
    }

    @Test("PGM and PPM files, plain and raw, any maxval, decode to Pillow's luminance (±1)")
    func pnmMatchesPillow() throws {
        var rng = SeededGenerator(salt: 0x504E_4D)
        var requests: [PNMRequest] = []
        for kind in ["P2", "P3", "P5", "P6"] {
            for maxval in [1, 7, 100, 255, 255, 256, 1000, 4095, 65535] {
                requests.append(
                    PNMRequest(
                        seed: rng.next() >> 11, kind: kind, width: Int.random(in: 1...40, using: &rng),
                        height: Int.random(in: 1...30, using: &rng), maxval: maxval,
                        pillowWriter: Bool.random(using: &rng)))
            }
        }
        let responses = try ImagePeer.call("qr_image_peer.py", requests, as: FileResponse.self)
        for (request, response) in zip(requests, responses) {
            let context = "PNM \(request)"
            #expect(response.error == nil, "\(context): \(response.error ?? "")")
            guard response.error == nil else { continue }
            let file = try ImagePeer.bytes(response.file)
            #expect(QRImageFile.format(of: file) == (["P2", "P5"].contains(request.kind) ? .pgm : .ppm))
            let image = try QRImageFile.decode(file)
            #expect(image.width == request.width && image.height == request.height, "\(context)")
            Self.expectClose(image.pixels, try ImagePeer.bytes(response.luminance), context)
        }
    }

    @Test("Inflate reproduces data zlib deflated with every level, strategy, window and flush")
    func inflateMatchesZlib() throws {
        var rng = SeededGenerator(salt: 0x5A_4C49)
        let requests = (0..<60).map { index in
            ZlibRequest(seed: rng.next() >> 11, length: index < 10 ? index : Int.random(in: 1...150_000, using: &rng))
        }
        let responses = try ImagePeer.call("qr_image_peer.py", requests, as: FileResponse.self)
        for (request, response) in zip(requests, responses) {
            #expect(response.error == nil, "\(request): \(response.error ?? "")")
            let data = try ImagePeer.bytes(response.data)
            let stream = try ImagePeer.bytes(response.zlib)
            #expect(try Inflate.zlibDecompress(stream, limit: data.count) == data, "\(request)")
            // One byte less room than needed must be refused, not truncated silently.
            if !data.isEmpty {
                #expect(throws: QRImageError.self) { try Inflate.zlibDecompress(stream, limit: data.count - 1) }
            }
        }
        // Our own compressor's output (stored and fixed-Huffman blocks) round-trips too.
        for length in [0, 1, 100, 70_000] {
            let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7 / 3) }
            #expect(try Inflate.zlibDecompress(Deflate.zlibCompress(data), limit: length) == data)
            #expect(try Inflate.zlibDecompress(Deflate.zlibCompress(data), limit: length) == data)
        }
    }

    @Test("Pixel buffers in every layout, with row padding, give the luminance Pillow computes")
    func pixelBuffers() throws {
        var rng = SeededGenerator(salt: 0x4255_4646)
        var requests: [PNGRequest] = []
        for colourType in [0, 2, 6] {
            for _ in 0..<6 {
                requests.append(
                    PNGRequest(
                        seed: rng.next() >> 11, colourType: colourType, bitDepth: 8, interlace: 0,
                        width: Int.random(in: 1...50, using: &rng), height: Int.random(in: 1...30, using: &rng),
                        transparency: false, pillowWriter: false))
            }
        }
        let responses = try ImagePeer.call("qr_image_peer.py", requests, as: FileResponse.self)
        for (request, response) in zip(requests, responses) {
            let samples = try ImagePeer.bytes(response.samples)
            let expected = try ImagePeer.bytes(response.luminance)
            let (w, h) = (request.width, request.height)
            let formats: [QRGrayImage.PixelFormat] =
                switch request.colourType {
                case 0: [.gray8]
                case 2: [.rgb8]
                default: [.rgba8, .bgra8, .argb8]
                }
            for format in formats {
                let bpp = format.bytesPerPixel
                let padding = Int.random(in: 0...13, using: &rng)
                let stride = w * bpp + padding
                var buffer = [UInt8](repeating: 0xA5, count: (h - 1) * stride + w * bpp)
                for y in 0..<h {
                    for x in 0..<w {
                        let source = (y * w + x) * bpp
                        let pixel = Array(samples[source..<source + bpp])
                        let ordered: [UInt8] =
                            switch format {
                            case .bgra8: [pixel[2], pixel[1], pixel[0], pixel[3]]
                            case .argb8: [pixel[3], pixel[0], pixel[1], pixel[2]]
                            default: pixel
                            }
                        for (i, byte) in ordered.enumerated() { buffer[y * stride + x * bpp + i] = byte }
                    }
                }
                let image = try QRGrayImage(width: w, height: h, bytesPerRow: stride, format: format, pixels: buffer)
                Self.expectClose(image.pixels, expected, "\(format) \(request)")
                #expect(throws: QRImageError.self) {
                    try QRGrayImage(width: w, height: h, bytesPerRow: stride, format: format, pixels: buffer.dropLast())
                }
                if bpp > 1 || w > 1 {
                    #expect(throws: QRImageError.self) {
                        try QRGrayImage(width: w, height: h, bytesPerRow: w * bpp - 1, format: format, pixels: buffer)
                    }
                }
            }
        }
    }

    @Test("The encoder's own PNGs decode back to its modules")
    func encoderPNGRoundTrip() throws {
        for (text, scale, quiet) in [("1", 1, 0), ("Chronoguard", 3, 4), (String(repeating: "x", count: 300), 2, 1)] {
            let matrix = try QRCode.encode(text)
            for depth in QRMatrix.PNGBitDepth.allCases {
                let image = try QRImageFile.decode(matrix.png(scale: scale, quietZone: quiet, bitDepth: depth))
                let side = (matrix.size + 2 * quiet) * scale
                #expect(image.width == side && image.height == side)
                var wrong = 0
                for y in 0..<side {
                    for x in 0..<side {
                        let (mx, my) = (x / scale - quiet, y / scale - quiet)
                        let dark = mx >= 0 && my >= 0 && mx < matrix.size && my < matrix.size && matrix[mx, my]
                        if (image[x, y] < 128) != dark { wrong += 1 }
                    }
                }
                #expect(wrong == 0)
            }
        }
    }

    // MARK: Hostile input

    /// A PNG datastream from chunks, with correct CRCs.
    static func png(_ chunks: [(String, [UInt8])]) -> [UInt8] {
        var out = PNGDecoder.signature
        for (type, data) in chunks {
            let typeBytes = Array(type.utf8)
            out += withUnsafeBytes(of: UInt32(data.count).bigEndian, Array.init)
            out += typeBytes + data
            out += withUnsafeBytes(of: CRC32.checksum(typeBytes + data).bigEndian, Array.init)
        }
        return out
    }

    static func ihdr(width: UInt32, height: UInt32, depth: UInt8 = 8, colour: UInt8 = 0, interlace: UInt8 = 0)
        -> [UInt8]
    {
        withUnsafeBytes(of: width.bigEndian, Array.init) + withUnsafeBytes(of: height.bigEndian, Array.init)
            + [depth, colour, 0, 0, interlace]
    }

    @Test("Oversized claims are refused before allocating; decompression bombs are cut off")
    func hostileSizes() throws {
        let idat = Deflate.zlibCompress([0, 0])
        let huge = Self.png([("IHDR", Self.ihdr(width: 100_000, height: 100_000)), ("IDAT", idat), ("IEND", [])])
        #expect(throws: QRImageError.self) { try QRImageFile.decode(huge) }
        do {
            _ = try QRImageFile.decode(huge)
        } catch {
            #expect(error.code == .tooLarge)
        }
        let wide = Self.png([("IHDR", Self.ihdr(width: 0x7FFF_FFFF, height: 1)), ("IDAT", idat), ("IEND", [])])
        #expect(throws: QRImageError.tooLarge(width: 0x7FFF_FFFF, height: 1)) { try QRImageFile.decode(wide) }
        // A 1×1 image whose IDAT inflates to 10 MB.
        let bomb = Self.png([
            ("IHDR", Self.ihdr(width: 1, height: 1)),
            ("IDAT", Deflate.zlibCompress([UInt8](repeating: 0, count: 10_000_000))),
            ("IEND", []),
        ])
        #expect(throws: QRImageError.tooMuchData(limit: 2)) { try QRImageFile.decode(bomb) }
        #expect(throws: QRImageError.tooLarge(width: 100_000, height: 100_000)) {
            try QRImageFile.decode(Array("P5 100000 100000 255 ".utf8))
        }
        #expect(throws: QRImageError.self) { try QRImageFile.decode(Array("P5 99999999999 1 255 ".utf8)) }
        #expect(throws: QRImageError.unknownFormat()) { try QRImageFile.decode(Array("GIF89a".utf8)) }
        #expect(throws: QRImageError.self) { try QRGrayImage(width: 1 << 14, height: 1 << 13, pixels: []) }
        #expect(throws: QRImageError.self) { try QRGrayImage(width: -1, height: 3, pixels: []) }
    }

    @Test("Thousands of corrupted files (bit flips, truncation, CRC-fixed IDAT damage) end in errors, never traps")
    func mutations() throws {
        var rng = SeededGenerator(salt: 0x4D55_54)
        let pngs = Self.pngRequests(rounds: 1, salt: 0x4D55_5401).filter { $0.width * $0.height < 900 }
        var pnmRequests: [PNMRequest] = []
        for kind in ["P2", "P3", "P5", "P6"] {
            for maxval in [255, 1000] {
                pnmRequests.append(
                    PNMRequest(
                        seed: rng.next() >> 11, kind: kind, width: 9, height: 7, maxval: maxval, pillowWriter: false))
            }
        }
        let files =
            try ImagePeer.call("qr_image_peer.py", pngs, as: FileResponse.self).map { try ImagePeer.bytes($0.file) }
            + ImagePeer.call("qr_image_peer.py", pnmRequests, as: FileResponse.self).map {
                try ImagePeer.bytes($0.file)
            }
        var (decoded, refused, truncationsAccepted) = (0, 0, 0)
        var codes: Set<QRImageError.Code> = []
        for round in 0..<3000 {
            guard var file = files.randomElement(using: &rng) else { break }
            let isPNG = QRImageFile.format(of: file) == .png
            var truncated = false
            switch round % 4 {
            case 0:  // flip 1–8 random bits
                for _ in 0..<Int.random(in: 1...8, using: &rng) {
                    file[Int.random(in: 0..<file.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                }
            case 1:  // truncate
                file.removeLast(Int.random(in: 1...file.count, using: &rng))
                truncated = true
            case 2:  // damage IDAT (or PNM raster) bytes and, for PNG, repair every chunk CRC
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    file[Int.random(in: min(40, file.count - 1)..<file.count, using: &rng)] = UInt8.random(
                        in: 0...255, using: &rng)
                }
                if isPNG { file = Self.repairCRCs(file) }
            default:  // overwrite a header byte, CRCs repaired
                file[Int.random(in: 8..<min(33, file.count), using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                if isPNG { file = Self.repairCRCs(file) }
            }
            do {
                let image = try QRImageFile.decode(file)
                #expect(image.pixels.count == image.width * image.height)
                decoded += 1
                if truncated && isPNG { truncationsAccepted += 1 }
            } catch {
                #expect(!error.message.isEmpty)
                codes.insert(error.code)
                refused += 1
            }
        }
        #expect(truncationsAccepted == 0, "a truncated PNG must never decode")
        #expect(refused > 1500, "only \(refused) of 3000 mutations were refused")
        #expect(decoded > 0, "no mutation survived: the CRC repair or the raster damage does not work")
        #expect(codes.isSuperset(of: [.truncated, .checksumMismatch, .invalidCompressedData]), "\(codes)")
        // Raw DEFLATE mutations straight into Inflate.
        for _ in 0..<2000 {
            var stream = Deflate.zlibCompress((0..<Int.random(in: 0...3000, using: &rng)).map { UInt8($0 % 7) })
            stream[Int.random(in: 0..<stream.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            _ = try? Inflate.zlibDecompress(stream, limit: 4000)
        }
    }

    /// Recomputes every chunk's CRC so that damage reaches the decoder behind the CRC check.
    static func repairCRCs(_ file: [UInt8]) -> [UInt8] {
        var out = file
        var position = 8
        while position + 12 <= out.count {
            let length =
                Int(out[position]) << 24 | Int(out[position + 1]) << 16 | Int(out[position + 2]) << 8
                | Int(out[position + 3])
            guard length <= out.count - position - 12 else { break }
            let crc = CRC32.checksum(out[position + 4..<position + 8 + length])
            for i in 0..<4 { out[position + 8 + length + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(i))) }
            position += 12 + length
        }
        return out
    }
}
