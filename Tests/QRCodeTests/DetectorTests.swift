import Foundation
import Testing

@testable import QRCode

// MARK: - Scenes rendered and distorted by OpenCV and Pillow

/// Requests and replies of `Resources/qr_vision_peer.py`.
enum VisionPeer {
    struct Distortion: Codable, Sendable {
        var modulePixels = 4.0
        var quietZone = 4
        var rotation: Double?
        var randomRotation: Bool?
        var perspective: Double?
        var blur: Double?
        var lighting: Double?
        var contrast: [Double]?
        var noise: Double?
        var invert: Bool?
        var mirror: Bool?
        var scale: Double?
        var jpeg: Int?
        var margin: Int?
    }

    struct Symbol: Encodable {
        let modules: String
        let size: Int
    }

    struct SceneRequest: Encodable {
        let op = "scene"
        let seed: UInt64
        let distortion: Distortion
        let symbols: [Symbol]
    }

    struct SceneResponse: Decodable {
        let png: String?
        let corners: [[[Double]]]?
        let error: String?
    }

    struct SegnoRequest: Encodable {
        let op = "segno"
        let payload: String
        let ecLevel: String
        let version: Int?
    }

    struct SegnoResponse: Decodable {
        let size: Int?
        let modules: String?
        let error: String?
    }

    static func modulesString(_ grid: QRModuleGrid) -> String {
        String(grid.modules.map { $0 == 0 ? "0" : "1" })
    }

    static func grid(_ text: String, size: Int) -> QRModuleGrid? {
        QRModuleGrid(size: size, modules: text.utf8.map { $0 == UInt8(ascii: "1") ? 1 : 0 })
    }

    /// Renders scenes and decodes the PNGs with our own (separately tested) PNG decoder.
    static func scenes(_ requests: [SceneRequest]) throws -> [(image: QRGrayImage, corners: [[[Double]]])] {
        let responses = try ImagePeer.call("qr_vision_peer.py", requests, as: SceneResponse.self)
        return try responses.map { response in
            if let error = response.error { throw PeerFailure(description: "qr_vision_peer.py: \(error)") }
            return (try QRImageFile.decode(ImagePeer.bytes(response.png)), response.corners ?? [])
        }
    }
}

/// Random symbols from the project's encoder and from segno, with their exact module grids.
enum SymbolSource {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 :/?=&.-")

    static func payload(length: Int, using rng: inout SeededGenerator) -> String {
        String((0..<length).map { _ in alphabet.randomElement(using: &rng) ?? "A" })
    }

    /// `count` symbols, alternately ours and segno's, of versions up to `maxVersion`.
    static func symbols(count: Int, maxVersion: Int, using rng: inout SeededGenerator) throws -> [QRModuleGrid] {
        var grids: [QRModuleGrid?] = []
        var segnoRequests: [(Int, VisionPeer.SegnoRequest)] = []
        let levels: [QRErrorCorrection] = [.low, .medium, .quartile, .high]
        for index in 0..<count {
            let version = Int.random(in: 1...maxVersion, using: &rng)
            let level = levels.randomElement(using: &rng) ?? .medium
            // A payload that fills a good part of the version at this level.
            let capacity = max(1, QRSpec.dataBits(version: version, level: level) / 8 - 3)
            let text = payload(length: Int.random(in: max(1, capacity / 2)...capacity, using: &rng), using: &rng)
            if index % 2 == 0 {
                grids.append(QRModuleGrid(try QRCode.encode(text, ecLevel: level, versions: version...40)))
            } else {
                grids.append(nil)
                segnoRequests.append(
                    (index, VisionPeer.SegnoRequest(payload: text, ecLevel: String(level.letter), version: nil)))
            }
        }
        let replies = try ImagePeer.call(
            "qr_vision_peer.py", segnoRequests.map(\.1), as: VisionPeer.SegnoResponse.self)
        for ((index, _), reply) in zip(segnoRequests, replies) {
            guard let size = reply.size, let modules = reply.modules,
                let grid = VisionPeer.grid(modules, size: size)
            else { throw PeerFailure(description: "segno failed: \(reply.error ?? "no modules")") }
            grids[index] = grid
        }
        return grids.compactMap { $0 }
    }
}

// MARK: - Detector tests

@Suite("Detector: finding and sampling symbols in images distorted by OpenCV and Pillow")
struct DetectorTests {
    /// A distortion class and how many random cases of it to render.
    struct DistortionClass: Sendable {
        let name: String
        let cases: Int
        let maxVersion: Int
        /// Fraction of cases whose best candidate must be within the error budget.
        let requiredRate: Double
        let make: @Sendable (inout SeededGenerator) -> VisionPeer.Distortion
    }

    static let classes: [DistortionClass] = [
        DistortionClass(name: "clean", cases: 16, maxVersion: 25, requiredRate: 1.0) { rng in
            VisionPeer.Distortion(modulePixels: Double(Int.random(in: 2...5, using: &rng)))
        },
        DistortionClass(name: "rotation", cases: 24, maxVersion: 15, requiredRate: 0.95) { rng in
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 3...5, using: &rng))
            d.rotation = Double.random(in: 0..<360, using: &rng)
            return d
        },
        DistortionClass(name: "perspective", cases: 24, maxVersion: 10, requiredRate: 0.9) { rng in
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 3...5, using: &rng))
            d.perspective = Double.random(in: 0.05...0.18, using: &rng)
            d.rotation = Double.random(in: -30...30, using: &rng)
            return d
        },
        DistortionClass(name: "blur", cases: 16, maxVersion: 10, requiredRate: 0.85) { rng in
            let px = Double.random(in: 3...6, using: &rng)
            var d = VisionPeer.Distortion(modulePixels: px)
            d.blur = px * Double.random(in: 0.15...0.45, using: &rng)
            return d
        },
        DistortionClass(name: "noise", cases: 16, maxVersion: 10, requiredRate: 0.9) { rng in
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 3...5, using: &rng))
            d.noise = Double.random(in: 10...55, using: &rng)
            return d
        },
        DistortionClass(name: "low contrast", cases: 16, maxVersion: 10, requiredRate: 0.95) { rng in
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 3...5, using: &rng))
            let low = Double.random(in: 60...150, using: &rng)
            d.contrast = [low, low + Double.random(in: 30...60, using: &rng)]
            d.noise = 3
            return d
        },
        DistortionClass(name: "scale", cases: 20, maxVersion: 10, requiredRate: 0.9) { rng in
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 1.6...12, using: &rng))
            d.rotation = Double.random(in: -5...5, using: &rng)
            return d
        },
        DistortionClass(name: "uneven light", cases: 16, maxVersion: 10, requiredRate: 0.95) { rng in
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 3...5, using: &rng))
            d.lighting = Double.random(in: 0.2...0.5, using: &rng)
            return d
        },
        DistortionClass(name: "inverted", cases: 12, maxVersion: 10, requiredRate: 1.0) { rng in
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 3...5, using: &rng))
            d.invert = true
            d.rotation = Double.random(in: 0..<360, using: &rng)
            return d
        },
        DistortionClass(name: "mirror", cases: 12, maxVersion: 10, requiredRate: 1.0) { rng in
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 3...5, using: &rng))
            d.mirror = true
            d.rotation = Double.random(in: 0..<360, using: &rng)
            return d
        },
        DistortionClass(name: "thin quiet zone", cases: 12, maxVersion: 10, requiredRate: 0.95) { rng in
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 3...5, using: &rng))
            d.quietZone = Int.random(in: 1...2, using: &rng)
            d.margin = 0
            return d
        },
        DistortionClass(name: "jpeg", cases: 12, maxVersion: 10, requiredRate: 0.95) { rng in
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 3...5, using: &rng))
            d.jpeg = Int.random(in: 15...40, using: &rng)
            d.rotation = Double.random(in: 0..<360, using: &rng)
            return d
        },
        DistortionClass(name: "combined", cases: 16, maxVersion: 8, requiredRate: 0.85) { rng in
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 3.5...6, using: &rng))
            d.rotation = Double.random(in: 0..<360, using: &rng)
            d.perspective = Double.random(in: 0...0.06, using: &rng)
            d.blur = d.modulePixels * 0.15
            d.noise = 8
            d.lighting = 0.6
            return d
        },
    ]

    /// Modules of the best candidate that differ from the symbol, or `nil` when nothing of the right size was found.
    static func mismatches(_ detections: [QRDetection], _ expected: QRModuleGrid) -> Int? {
        var best: Int?
        for detection in detections {
            guard let grid = detection.candidates.first, grid.size == expected.size else { continue }
            let wrong = zip(grid.modules, expected.modules).filter { $0 != $1 }.count
            best = min(best ?? wrong, wrong)
        }
        return best
    }

    /// The error budget: 5 % of the data modules (codewords and remainder bits) of the symbol's version.
    static func budget(_ size: Int) -> Int {
        QRSpec.rawDataModules(version: (size - 17) / 4) / 20
    }

    @Test("Distorted symbols sample to grids within the error budget", arguments: 0..<classes.count)
    func distortions(_ classIndex: Int) throws {
        let distortion = Self.classes[classIndex]
        var rng = SeededGenerator(salt: 0xDE7E_C700 &+ UInt64(classIndex))
        let symbols = try SymbolSource.symbols(
            count: distortion.cases, maxVersion: distortion.maxVersion, using: &rng)
        let requests = symbols.map { grid in
            VisionPeer.SceneRequest(
                seed: rng.next() >> 11, distortion: distortion.make(&rng),
                symbols: [VisionPeer.Symbol(modules: VisionPeer.modulesString(grid), size: grid.size)])
        }
        let scenes = try VisionPeer.scenes(requests)
        var good = 0
        var report: [String] = []
        for ((grid, request), scene) in zip(zip(symbols, requests), scenes) {
            let detections = QRDetector.detect(in: scene.image)
            let expected = request.distortion.mirror == true ? grid.transposed() : grid
            let wrong = Self.mismatches(detections, expected)
            if let wrong, wrong <= Self.budget(grid.size) {
                good += 1
            } else {
                report.append(
                    "size \(grid.size) \(request.distortion) seed \(request.seed): "
                        + (wrong.map { "\($0) wrong modules (budget \(Self.budget(grid.size)))" }
                            ?? "not found (\(detections.count) detections, sizes \(detections.map { $0.candidates.first?.size ?? 0 }))")
                )
            }
        }
        let rate = Double(good) / Double(symbols.count)
        print("detector class \(distortion.name): \(good)/\(symbols.count) within budget")
        let details = report.joined(separator: "\n")
        #expect(
            rate >= distortion.requiredRate, "\(distortion.name): \(good)/\(symbols.count) within budget\n\(details)")
    }

    @Test("Several symbols in one image are all found")
    func severalSymbols() throws {
        var rng = SeededGenerator(salt: 0x4D55_4C54)
        var requests: [VisionPeer.SceneRequest] = []
        var expected: [[QRModuleGrid]] = []
        for _ in 0..<8 {
            let count = Int.random(in: 2...4, using: &rng)
            let symbols = try SymbolSource.symbols(count: count, maxVersion: 6, using: &rng)
            var d = VisionPeer.Distortion(modulePixels: Double.random(in: 3...4, using: &rng))
            d.randomRotation = true
            requests.append(
                VisionPeer.SceneRequest(
                    seed: rng.next() >> 11, distortion: d,
                    symbols: symbols.map { VisionPeer.Symbol(modules: VisionPeer.modulesString($0), size: $0.size) }))
            expected.append(symbols)
        }
        let scenes = try VisionPeer.scenes(requests)
        var found = 0
        var total = 0
        for (symbols, scene) in zip(expected, scenes) {
            let detections = QRDetector.detect(in: scene.image)
            for symbol in symbols {
                total += 1
                if let wrong = Self.mismatches(detections, symbol), wrong <= Self.budget(symbol.size) { found += 1 }
            }
        }
        print("detector several symbols: \(found)/\(total)")
        #expect(found * 100 >= total * 95, "\(found) of \(total) symbols found")
    }

    @Test("Detection outlines match where the renderer put the symbol")
    func outlines() throws {
        var rng = SeededGenerator(salt: 0x4F55_544C)
        let symbols = try SymbolSource.symbols(count: 10, maxVersion: 8, using: &rng)
        let requests = symbols.map { grid in
            var d = VisionPeer.Distortion(modulePixels: 4)
            d.rotation = Double.random(in: 0..<360, using: &rng)
            d.perspective = 0.05
            return VisionPeer.SceneRequest(
                seed: rng.next() >> 11, distortion: d,
                symbols: [VisionPeer.Symbol(modules: VisionPeer.modulesString(grid), size: grid.size)])
        }
        for (grid, scene) in zip(symbols, try VisionPeer.scenes(requests)) {
            guard let detection = QRDetector.detect(in: scene.image).first, let truth = scene.corners.first else {
                Issue.record("no detection")
                continue
            }
            #expect(detection.candidates.first?.size == grid.size)
            // Corners in the same order (top-left, top-right, bottom-right, bottom-left of the symbol).
            for (ours, theirs) in zip(detection.corners, truth) {
                let distance = ours.distance(to: QRPoint(x: theirs[0], y: theirs[1]))
                #expect(distance < 2 * detection.moduleSize, "corner off by \(distance) px")
            }
        }
    }

    @Test("Images without a symbol yield no detection and never trap")
    func noSymbol() throws {
        var rng = SeededGenerator(salt: 0x4E4F_4E45)
        for _ in 0..<20 {
            let width = Int.random(in: 1...120, using: &rng)
            let height = Int.random(in: 1...120, using: &rng)
            let pixels = (0..<width * height).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let image = try QRGrayImage(width: width, height: height, pixels: pixels)
            #expect(QRDetector.detect(in: image).allSatisfy { $0.candidates.allSatisfy { $0.size >= 21 } })
        }
        let blank = try QRGrayImage(width: 50, height: 50, pixels: [UInt8](repeating: 255, count: 2500))
        #expect(QRDetector.detect(in: blank).isEmpty)
    }
}
