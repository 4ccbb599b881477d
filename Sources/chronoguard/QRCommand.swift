import ArgumentParser
import Foundation
import QRCode

// MARK: - chronoguard qr

struct QRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "QR codes (ISO/IEC 18004): encode text (the default subcommand) or decode images.",
        subcommands: [QREncodeCommand.self, QRDecodeCommand.self],
        defaultSubcommand: QREncodeCommand.self
    )
}

struct QRDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Print the payload of every QR code in the images, one symbol per line.",
        discussion: """
            Reads PNG (any colour type and depth, interlaced or not), PGM and PPM. Text without an ECI designator is \
            UTF-8 when valid, otherwise ISO-8859-1; Kanji mode is Shift_JIS; an ECI designator is honoured (a \
            character set not supported is printed as raw bytes). Only payloads that passed Reed–Solomon error \
            correction are printed. Exit status: 0 when every file held a symbol, 1 when some file held none, 2 for a \
            file that cannot be read or is not an image.
            """)

    @Argument(help: "Image files.") var files: [String]
    @Flag(help: "Also print, on stderr, each symbol's version, level, mask and corrected codewords.")
    var verbose = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Pass at least one image file.") }
    }

    func run() throws {
        try reportingFailures {
            var missing: [String] = []
            for path in files {
                let symbols = try Self.symbols(inImageAt: path)
                if symbols.isEmpty { missing.append(path) }
                for symbol in symbols {
                    var line = symbol.text.map { Data($0.utf8) } ?? Data(symbol.bytes)
                    line.append(0x0A)
                    FileHandle.standardOutput.write(line)
                    if verbose {
                        FileHandle.standardError.write(
                            Data(
                                ("\(path): version \(symbol.version), level \(symbol.ecLevel.letter), mask "
                                    + "\(symbol.mask.rawValue), \(symbol.correctedCodewords) codewords corrected"
                                    + (symbol.mirrored ? ", mirrored" : "") + "\n").utf8))
                    }
                }
            }
            guard missing.isEmpty else {
                throw CLIFailure(
                    "no QR code found in \(missing.joined(separator: ", ")); try a sharper, larger or less skewed image",
                    status: 1)
            }
        }
    }
}

extension QRDecodeCommand {
    /// Every QR symbol in the image file at `path` (PNG, PGM, PPM).
    /// - Throws: a failure with exit status 2 for a file that cannot be read or is not an image.
    static func symbols(inImageAt path: String) throws -> [QRDecodedSymbol] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure("cannot read \(path); check the path and its permissions", status: 2)
        }
        let image: QRGrayImage
        do {
            image = try QRImageFile.decode([UInt8](data))
        } catch {
            throw CLIFailure("\(path) is not a readable image: \(error.message)", status: 2)
        }
        return QRReader.read(image)
    }
}

struct QREncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode text as a QR code: terminal, PNG or SVG.",
        discussion:
            "Without --png or --svg the code is drawn in the terminal with Unicode half blocks, dark on light, ready for a phone camera."
    )

    @Argument(help: "The text to encode (UTF-8).")
    var text: String

    @Option(help: "Write a PNG image to this file.")
    var png: String?

    @Option(help: "Write an SVG image to this file.")
    var svg: String?

    @Option(
        help: ArgumentHelp(
            "Error-correction level: L (7 %), M (15 %), Q (25 %) or H (30 %); default M.", valueName: "L|M|Q|H"))
    var ec: QRErrorCorrection?

    @Option(help: "Pixels per module in the PNG.")
    var scale: Int = 8

    @Flag(help: "Swap dark and light in the terminal rendering (for terminals that draw light text on dark).")
    var invert = false

    func validate() throws {
        guard (1...64).contains(scale) else {
            throw ValidationError("--scale must be between 1 and 64 pixels per module.")
        }
    }

    func run() throws {
        try reportingFailures {
            let output = try QROutput(text: text, ecLevel: ec ?? .medium, scale: scale)
            if let png { try output.writePNG(to: png) }
            if let svg { try output.writeSVG(to: svg) }
            if png == nil, svg == nil { print(output.terminalText(invert: invert)) }
        }
    }
}

extension QRErrorCorrection: ExpressibleByArgument {
    public init?(argument: String) {
        guard let level = Self.allCases.first(where: { String($0.letter) == argument.uppercased() }) else { return nil }
        self = level
    }
    public static var allValueStrings: [String] { allCases.map { String($0.letter) } }
    public var defaultValueDescription: String { String(letter) }
    public static var allValueDescriptions: [String: String] {
        ["L": "recovers ~7 % of codewords", "M": "~15 %", "Q": "~25 %", "H": "~30 %"]
    }
}

// MARK: - Rendering to files and the terminal

/// A QR code for the CLI: encodes once, renders to each requested output, reports file errors as sentences.
struct QROutput {
    let matrix: QRMatrix
    let scale: Int

    init(text: String, ecLevel: QRErrorCorrection, scale: Int = 8) throws {
        do {
            matrix = try QRCode.encode(text, ecLevel: ecLevel)
        } catch {
            throw CLIFailure("The text cannot be encoded as a QR code: \(error.message)")
        }
        self.scale = scale
    }

    var terminalText: String { terminalText(invert: false) }

    func terminalText(invert: Bool) -> String {
        var text = matrix.terminalString(invert: invert)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    func writePNG(to path: String) throws {
        try write(Data(matrix.png(scale: scale)), to: path, kind: "PNG")
    }

    func writeSVG(to path: String) throws {
        try write(Data(matrix.svg().utf8), to: path, kind: "SVG")
    }

    private func write(_ data: Data, to path: String, kind: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIFailure(
                "Could not write the \(kind) file '\(path)': check that the folder exists and is writable.")
        }
    }
}
