import Foundation
import Testing

@testable import QRCode

/// The real-decoder check: ZBar's `zbarimg` (Debian package zbar-tools) must read every PNG we
/// write back to the exact payload. ZBar is an independent decoder with its own sampling, format
/// and version decoding and Reed–Solomon correction, so this exercises the whole chain.
@Suite("Decoding by ZBar")
struct ZBarDecodeTests {
    struct Sample {
        let name: String
        let payload: [UInt8]
        let matrix: QRMatrix
    }

    static let installHint = "run scripts/install-test-deps.sh (apt-get install -y zbar-tools)"

    /// Writes the samples as PNGs, decodes them all with one `zbarimg` call and checks each payload.
    ///
    /// `--raw` prints each symbol's data unconverted, one line per file in argument order (payloads
    /// hold no newlines). `-Sbinary` is not used: it drops those line breaks, and the payloads are
    /// printable ASCII or UTF-8, which ZBar passes through unchanged.
    static func decodeAll(_ samples: [Sample], scale: (QRMatrix) -> Int) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("qrcode-zbar-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (index, sample) in samples.enumerated() {
            let url = directory.appendingPathComponent(String(format: "%03d.png", index))
            let depth: QRMatrix.PNGBitDepth = index % 2 == 0 ? .one : .eight
            try Data(sample.matrix.png(scale: scale(sample.matrix), quietZone: 4, bitDepth: depth)).write(to: url)
            paths.append(url.path)
        }
        let output = try runZBar(paths)
        var lines = output.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        if lines.last == [] { lines.removeLast() }
        if lines.count == samples.count {
            for (sample, line) in zip(samples, lines) where line != sample.payload {
                Issue.record("\(sample.name) (\(sample.matrix)): zbarimg read \(Self.preview(line))")
            }
            return
        }
        // Some file gave no (or extra) output, so lines no longer align: decode one by one to name it.
        Issue.record("zbarimg returned \(lines.count) results for \(samples.count) images")
        for (sample, path) in zip(samples, paths) {
            var single = try runZBar([path])
            if single.last == UInt8(ascii: "\n") { single.removeLast() }
            if single != sample.payload {
                Issue.record("\(sample.name) (\(sample.matrix)): zbarimg read \(Self.preview(single))")
            }
        }
    }

    /// The start of a decoded payload, for failure messages.
    static func preview(_ bytes: [UInt8]) -> String {
        bytes.isEmpty
            ? "nothing"
            : "\"\(String(decoding: bytes.prefix(60), as: UTF8.self))\(bytes.count > 60 ? "…" : "")\" (\(bytes.count) bytes)"
    }

    static func runZBar(_ paths: [String]) throws -> [UInt8] {
        // Only the QR code reader: ZBar's linear-barcode readers occasionally report an empty
        // CODE-128 symbol inside a dense QR code's module pattern.
        let output = try ExternalTool.run(
            ["zbarimg", "--raw", "-q", "--nodbus", "-Sdisable", "-Sqrcode.enable"] + paths)
        switch output.status {
        case 0, 4: return Array(output.stdout)  // 4: no symbol found in some image (checked by the caller)
        case ExternalTool.commandNotFound:
            throw PeerFailure(description: "zbarimg was not found on PATH; \(installHint).")
        default:
            throw PeerFailure(description: "zbarimg exited with status \(output.status): \(output.stderr)")
        }
    }

    @Test("random single-mode payloads decode exactly across versions 1–40 and all four levels")
    func singleModeRoundTrip() throws {
        var random = SeededGenerator(salt: 5)
        var samples: [Sample] = []
        for mode in PayloadMode.allCases {
            // Every version once per mode at a random level, plus versions 1, 7 and 40 at every level.
            var plan = (1...40).map { ($0, QRErrorCorrection.allCases.randomElement(using: &random)!) }
            for level in QRErrorCorrection.allCases { plan += [(1, level), (7, level), (40, level)] }
            for (version, level) in plan {
                let payload = CapacityTable.payload(version: version, level: level, mode: mode, using: &random)
                // A fixed random mask keeps debug runtime low; automatic masks are checked in the other tests.
                let mask = QRMask.allCases.randomElement(using: &random)!
                let matrix = try QRCode.encode(segments: [mode.segment(payload)], ecLevel: level, mask: mask)
                #expect(matrix.version == version, "\(mode) \(level): Table 7 says version \(version)")
                samples.append(Sample(name: "\(mode) \(level) v\(version) \(mask)", payload: payload, matrix: matrix))
            }
        }
        try Self.decodeAll(samples) { $0.version <= 10 ? 3 : 2 }
    }

    @Test("automatically segmented text, UTF-8 and otpauth URIs decode exactly")
    func automaticRoundTrip() throws {
        var random = SeededGenerator(salt: 6)
        var samples: [Sample] = []
        // Mixed content that makes the optimal segmentation switch modes: digit runs, upper-case
        // runs and lower-case text.
        let pieces: [[UInt8]] = [
            Array("0123456789".utf8), Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8),
            Array("abcdefghijklmnopqrstuvwxyz-_=&?:/.".utf8),
        ]
        for index in 0..<24 {
            var payload: [UInt8] = []
            let target = [10, 60, 200, 700, 1500][index % 5]
            while payload.count < target {
                let piece = pieces.randomElement(using: &random)!
                payload += (0..<Int.random(in: 1...30, using: &random)).map { _ in piece.randomElement(using: &random)!
                }
            }
            let level = QRErrorCorrection.allCases[index % 4]
            let matrix = try QRCode.encode(bytes: payload, ecLevel: level)
            samples.append(Sample(name: "mixed \(index)", payload: payload, matrix: matrix))
        }
        let texts = [
            "otpauth://totp/Chronoguard:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Chronoguard&algorithm=SHA1&digits=6&period=30",
            "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA256&digits=8",
            "Grüße aus Zürich — 東京 🔐 0x71C7656EC7ab88b098defB751B7401B5f6d8976F",
        ]
        for (index, text) in texts.enumerated() {
            for level in QRErrorCorrection.allCases {
                let matrix = try QRCode.encode(text, ecLevel: level)
                samples.append(Sample(name: "text \(index) \(level)", payload: Array(text.utf8), matrix: matrix))
            }
        }
        try Self.decodeAll(samples) { $0.version <= 10 ? 3 : 2 }
    }
}
