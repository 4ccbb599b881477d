import ArgumentParser
import ChronoVaultEVM
import Foundation
import QRCode
import UR

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Frames between the two devices

/// Showing a UR as QR frames (terminal, animated terminal, PNG files) and reading frames back (images or part text):
/// the only channel between device A and device B (docs/two-device.md).
enum TwoDeviceFrames {
    /// The options every command that shows frames takes.
    struct DisplayOptions: ParsableArguments {
        @Option(name: .long, help: "Write the frames as PNG files frame-000.png, frame-001.png, … into this directory.")
        var pngDir: String?
        @Flag(name: .long, help: "Cycle the frames in the terminal, redrawn in place, until Ctrl-C.")
        var animate = false
        @Option(name: .long, help: "Most CBOR bytes per QR frame (smaller frames scan more easily).")
        var maxFragmentLength: Int = 100
        @Option(name: .long, help: "Frames per second of --animate.") var fps: Double = 4
        @Option(name: .long, help: .hidden) var animationFrames: Int?

        func validate() throws {
            guard (10...1000).contains(maxFragmentLength) else {
                throw ValidationError("--max-fragment-length must be between 10 and 1000 bytes.")
            }
            guard fps >= 0.5, fps <= 30 else { throw ValidationError("--fps must be between 0.5 and 30.") }
            guard pngDir == nil || !animate else { throw ValidationError("pass --png-dir or --animate, not both.") }
        }
    }

    /// The frame texts for a UR in upper case (QR alphanumeric mode, BCR-2020-005 §"Multi-part URs" note on QR):
    /// `sequences` times the sequence length — the first sequence in order, then fountain parts, so that frames may be
    /// missed (3 for PNG files: one dropped frame and one unreadable photograph still leave enough).
    static func parts(of ur: UR, maxFragmentLength: Int, sequences: Int = 3) throws -> [String] {
        var encoder = try UREncoder(ur, maxFragmentLength: maxFragmentLength)
        if encoder.isSinglePart { return [ur.string.uppercased()] }
        return (0..<(encoder.sequenceLength * sequences)).map { _ in encoder.nextPart().uppercased() }
    }

    /// The QR code of one frame (level L: the fountain code already tolerates lost frames; bigger modules scan
    /// better).
    static func matrix(_ part: String) throws -> QRMatrix { try QRCode.encode(part, ecLevel: .low) }

    /// Shows `ur` as the options ask: PNG files, an endless animation, or (neither) each frame drawn once.
    static func show(_ ur: UR, options: DisplayOptions, label: String) throws {
        if let directory = options.pngDir {
            let parts = try parts(of: ur, maxFragmentLength: options.maxFragmentLength)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (index, part) in parts.enumerated() {
                let path = URL(fileURLWithPath: directory).appendingPathComponent(
                    String(format: "frame-%03d.png", index)
                ).path
                guard FileManager.default.createFile(atPath: path, contents: Data(try matrix(part).png(scale: 6)))
                else {
                    throw CLIFailure("cannot write \(path); check the directory's permissions")
                }
            }
            FileHandle.standardError.write(Data("\(label): \(parts.count) frames in \(directory)\n".utf8))
            return
        }
        if options.animate {
            try animate(ur, options: options, label: label)
            return
        }
        let shown = try parts(of: ur, maxFragmentLength: options.maxFragmentLength, sequences: 1)
        for (index, part) in shown.enumerated() {
            print("\(label) — frame \(index + 1) of \(shown.count)")
            print(try matrix(part).terminalString())
        }
    }

    /// Cycles fountain parts at a steady rate, redrawn in place; Ctrl-C restores the cursor.
    static func animate(_ ur: UR, options: DisplayOptions, label: String) throws {
        var encoder = try UREncoder(ur, maxFragmentLength: options.maxFragmentLength)
        signal(SIGINT) { _ in
            let restore = "\u{1B}[?25h\n"
            _ = restore.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
            _exit(130)
        }
        print("\u{1B}[?25l\u{1B}[2J", terminator: "")
        defer { print("\u{1B}[?25h") }
        var shown = 0
        let interval = UInt32(1_000_000 / options.fps)
        while options.animationFrames.map({ shown < $0 }) ?? true {
            let part = encoder.nextPart().uppercased()
            let frame = try matrix(part).terminalString()
            let caption =
                encoder.isSinglePart ? label : "\(label) — part \(shown % encoder.sequenceLength + 1) (any order)"
            print("\u{1B}[H\(caption)\u{1B}[K\n\(frame)\u{1B}[J", terminator: "")
            fflush(nil)
            shown += 1
            usleep(interval)
        }
    }

    // MARK: Reading

    /// The texts of every QR symbol in the images, in file order.
    /// - Throws: a failure with exit status 2 for a file that cannot be read or is not an image.
    static func scan(_ paths: [String]) throws -> [String] {
        try paths.flatMap { try QRDecodeCommand.symbols(inImageAt: $0).compactMap(\.text) }
    }

    /// Reassembles one UR of `type` from frames, ignoring frames of other messages.
    static func collect(_ frames: [String], type: String) throws -> UR {
        var sorter = URFrameSorter(type: type)
        var ignored = 0
        for frame in frames {
            if let ur = sorter.receive(frame) { return ur }
            if sorter.lastFrameIgnored { ignored += 1 }
        }
        throw CLIFailure(
            "the frames do not complete a \(type) (\(Int(sorter.bestFraction * 100)) % received, \(ignored) frames "
                + "ignored); scan more frames", status: 1)
    }
}
