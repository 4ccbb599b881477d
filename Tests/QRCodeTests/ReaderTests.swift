import Foundation
import TestSupport
import Testing

@testable import QRCode

// MARK: - Reading whole images

@Suite("Reader: images to payloads, against zxing-cpp and zbarimg")
struct ReaderTests {
    /// One image of `scripts/qr-corpus.py`'s manifest.
    struct CorpusEntry: Decodable {
        struct Peer: Decodable {
            let ok: Bool
        }

        let file: String
        let `class`: String
        let encoder: String
        let size: Int
        let payloadHex: String
        let zxing: Peer
        let zbar: Peer
    }

    struct Manifest: Decodable {
        let seed: Int
        let classes: [String]
        let images: [CorpusEntry]
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The repository's `scripts/` folder, found from this file's path.
    static var scriptsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts")
    }

    @Test(
        "On a corpus of three encoders' symbols under ten distortion classes, QRReader reads at least as many as zxing-cpp and zbarimg per class, and never a wrong payload"
    )
    func corpusComparison() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qr-corpus-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = Self.scriptsDirectory.appendingPathComponent("qr-corpus.py")
        try ExternalPeer.run(
            "python3", [script.path, "--out", directory.path, "--per-class", "30", "--seed", "20261205"])
        let manifest = try JSONDecoder().decode(
            Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
        #expect(manifest.images.count == 30 * manifest.classes.count)
        var table: [String] = ["class          ours  zxing-cpp  zbarimg  (of n)"]
        for name in manifest.classes {
            let entries = manifest.images.filter { $0.class == name }
            var ours = 0
            var wrong: [String] = []
            var duplicates = 0
            for entry in entries {
                let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(entry.file)))
                let symbols = QRReader.read(try QRImageFile.decode(bytes))
                let payloads = symbols.map { Self.hex($0.bytes) }
                if payloads.contains(entry.payloadHex) { ours += 1 }
                wrong += payloads.filter { $0 != entry.payloadHex }.map { "\(entry.file): read \($0)" }
                if symbols.count > 1 { duplicates += 1 }
            }
            let zxing = entries.filter(\.zxing.ok).count
            let zbar = entries.filter(\.zbar.ok).count
            table.append(
                name.padding(toLength: 14, withPad: " ", startingAt: 0)
                    + " \(ours)".padding(toLength: 6, withPad: " ", startingAt: 0)
                    + " \(zxing)".padding(toLength: 11, withPad: " ", startingAt: 0) + " \(zbar)"
                    + "       \(entries.count)")
            #expect(ours >= zxing, "\(name): QRReader read \(ours), zxing-cpp \(zxing) of \(entries.count)")
            #expect(ours >= zbar, "\(name): QRReader read \(ours), zbarimg \(zbar) of \(entries.count)")
            #expect(wrong.isEmpty, "\(name): wrong payloads \(wrong)")
            #expect(duplicates == 0, "\(name): \(duplicates) images gave the same symbol twice")
        }
        print("qr corpus (seed \(manifest.seed)):\n" + table.joined(separator: "\n"))
    }

    @Test("The encoder's PNGs read back at every version and level")
    func encoderRoundTrip() throws {
        var rng = SeededGenerator(salt: 0x5245_4144)
        let levels: [QRErrorCorrection] = [.low, .medium, .quartile, .high]
        var versions = Array(1...12) + [15, 20, 25, 30, 35, 40]
        versions.shuffle(using: &rng)
        for (index, version) in versions.enumerated() {
            let level = levels[index % 4]
            let capacity = max(1, QRSpec.dataBits(version: version, level: level) / 8 - 3)
            let text = SymbolSource.payload(
                length: Int.random(in: max(1, capacity * 3 / 4)...capacity, using: &rng), using: &rng)
            let matrix = try QRCode.encode(text, ecLevel: level, versions: version...40)
            let scale = version > 20 ? 2 : Int.random(in: 2...4, using: &rng)
            let image = try QRImageFile.decode(matrix.png(scale: scale, quietZone: Int.random(in: 1...4, using: &rng)))
            let symbols = QRReader.read(image)
            #expect(symbols.map(\.bytes) == [Array(text.utf8)], "version \(matrix.version) level \(level.letter)")
        }
    }

    @Test("Several symbols in one image are all read, each once")
    func severalSymbols() throws {
        var rng = SeededGenerator(salt: 0x5345_5645)
        var requests: [VisionPeer.SceneRequest] = []
        var payloads: [[String]] = []
        for _ in 0..<6 {
            let count = Int.random(in: 2...4, using: &rng)
            var grids: [QRModuleGrid] = []
            var texts: [String] = []
            for _ in 0..<count {
                let text = SymbolSource.payload(length: Int.random(in: 5...60, using: &rng), using: &rng)
                texts.append(text)
                grids.append(QRModuleGrid(try QRCode.encode(text)))
            }
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 3...4, using: &rng))
            d.randomRotation = true
            requests.append(
                VisionPeer.SceneRequest(
                    seed: rng.next() >> 11, distortion: d,
                    symbols: grids.map { VisionPeer.Symbol(modules: VisionPeer.modulesString($0), size: $0.size) }))
            payloads.append(texts)
        }
        for (texts, scene) in zip(payloads, try VisionPeer.scenes(requests)) {
            let read = QRReader.read(scene.image).compactMap(\.text)
            #expect(read.sorted() == texts.sorted())
        }
    }

    @Test("Images without a symbol read as nothing, never a trap")
    func nothing() throws {
        var rng = SeededGenerator(salt: 0x4E4F_5448)
        for _ in 0..<10 {
            let (width, height) = (Int.random(in: 1...150, using: &rng), Int.random(in: 1...150, using: &rng))
            let image = try QRGrayImage(
                width: width, height: height,
                pixels: (0..<width * height).map { _ in UInt8.random(in: 0...255, using: &rng) })
            #expect(QRReader.read(image).isEmpty)
        }
    }
}
