import ArgumentParser
import Foundation
import UR

// MARK: - chronoguard ur

struct URCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ur",
        abstract: "Encode and decode Uniform Resources (BCR-2020-005): CBOR payloads as single- or multi-part QR text.",
        subcommands: [Encode.self, Decode.self]
    )
}

// MARK: - ur encode

extension URCommand {
    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "encode",
            abstract: "Print the parts of a UR, one per line, in lower case.",
            discussion: """
                The payload is one deterministically encoded CBOR item (RFC 8949 §4.2), given in hex. A payload that \
                fits in one fragment is printed as a single-part UR (ur:TYPE/…), repeated --count times. Otherwise \
                the parts are ur:TYPE/SEQ-LEN/…: the first LEN carry the fragments in order (enough for a lossless \
                receiver), the later ones are fountain parts mixing several fragments, so a receiver that misses \
                some parts still completes. Without --count the LEN pure parts are printed.
                """
        )

        @Option(help: "The UR type: lowercase letters, digits and hyphens (e.g. bytes, crypto-psbt).")
        var type: String

        @Option(help: "The CBOR payload in hex (an optional 0x prefix is ignored).")
        var hex: String

        @Option(help: "The longest fragment of payload per part, in bytes (10 or more).")
        var maxFragmentLength: Int = UREncoder.defaultMaxFragmentLength

        @Option(help: "How many parts to print (default: as many as there are fragments).")
        var count: Int?

        func validate() throws {
            guard maxFragmentLength >= FountainEncoder.defaultMinFragmentLength else {
                throw ValidationError(
                    "--max-fragment-length must be at least \(FountainEncoder.defaultMinFragmentLength) bytes.")
            }
            if let count, !(1...URCLI.maxPartCount).contains(count) {
                throw ValidationError("--count must be between 1 and \(URCLI.maxPartCount).")
            }
        }

        func run() throws {
            try reportingFailures {
                for part in try URCLI.encode(type: type, hex: hex, maxFragmentLength: maxFragmentLength, count: count) {
                    print(part)
                }
            }
        }
    }
}

// MARK: - ur decode

extension URCommand {
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decode",
            abstract: "Rebuild a UR from its parts; print its type, then its CBOR payload in hex.",
            discussion: """
                Parts may come in any order and any case, repeated or not. Exit status 1 when the parts do not yet \
                complete the UR (the progress goes to stderr), 2 when a part is malformed or belongs to another \
                message.
                """
        )

        @Argument(help: "The parts (ur:TYPE/… or ur:TYPE/SEQ-LEN/…).")
        var parts: [String]

        func run() throws {
            try reportingFailures {
                let ur = try URCLI.decode(parts)
                print(ur.type)
                print(URCLI.hex(ur.cbor))
            }
        }
    }
}

// MARK: - The commands' logic

/// What `chronoguard ur` does, apart from argument parsing and printing.
enum URCLI {
    /// The most parts `ur encode --count` prints.
    static let maxPartCount = 1_000_000

    /// The first `count` parts (default: the sequence length) of a UR of `type` carrying the CBOR in `hex`.
    /// - Throws: `CLIFailure` (exit 2) for hex that is not hex, a type or a payload the UR rules refuse.
    static func encode(type: String, hex: String, maxFragmentLength: Int, count: Int?) throws -> [String] {
        guard let payload = bytes(hex) else {
            throw CLIFailure("--hex is not an even number of hexadecimal digits; pass the CBOR payload as hex.")
        }
        do {
            var encoder = try UREncoder(UR(type: type, cbor: payload), maxFragmentLength: maxFragmentLength)
            return (0..<(count ?? encoder.sequenceLength)).map { _ in encoder.nextPart() }
        } catch {
            throw CLIFailure("The UR cannot be encoded: \(error.message)")
        }
    }

    /// The UR the parts complete.
    /// - Throws: `CLIFailure` with status 2 for a malformed part or a part of another message (naming it by its
    ///   position), status 1 when the parts do not complete the UR (with the progress).
    static func decode(_ parts: [String]) throws -> UR {
        var decoder = URDecoder()
        for (index, part) in parts.enumerated() {
            do {
                try decoder.receive(part.trimmingCharacters(in: .whitespacesAndNewlines))
            } catch {
                throw CLIFailure("Part \(index + 1) cannot be used: \(error.message)")
            }
        }
        switch decoder.progress {
        case .complete(let ur):
            return ur
        case .inProgress(let fraction, let received, let expected):
            throw CLIFailure(
                "The \(parts.count) parts do not complete the UR yet: \(received) of \(expected) fragments known, "
                    + "about \(Int(fraction * 100)) % done; pass more parts.",
                status: 1)
        }
    }

    /// Lowercase hex.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }

    /// The bytes of a hex string (either case, optional 0x prefix), or nil.
    static func bytes(_ text: String) -> [UInt8]? {
        let digits = Array((text.hasPrefix("0x") || text.hasPrefix("0X") ? text.dropFirst(2) : Substring(text)).utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
