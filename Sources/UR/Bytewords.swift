import QRCode

// MARK: - Bytewords

/// Bytewords (BCR-2020-012): each byte as one of 256 four-letter English words, followed by the CRC-32 of the data
/// (ISO-HDLC, big-endian) as four more words (BCR-2020-012 §Checksum). A namespace.
///
/// Decoding ignores ASCII case, checks every letter of full words (not only the first and last), and refuses
/// anything that is not exactly `style`'s shape.
public enum Bytewords {
    /// How words are written (BCR-2020-012 §Example/Test Vector).
    public enum Style: String, Sendable, Hashable, CaseIterable {
        /// Full words separated by single spaces: `able acid also`.
        case standard
        /// Full words separated by single hyphens, safe in URIs: `able-acid-also`.
        case uri
        /// The first and last letter of each word, no separator: `aeadao` — the form URs use (BCR-2020-005).
        case minimal
    }

    /// The word list of BCR-2020-012 §Word List (revised October 4, 2020: alphabetical), 0x00 to 0xFF.
    static let words: [String] = [
        "able", "acid", "also", "apex", "aqua", "arch", "atom", "aunt", "away", "axis", "back", "bald", "barn", "belt",
        "beta", "bias", "blue", "body", "brag", "brew", "bulb", "buzz", "calm", "cash", "cats", "chef", "city", "claw",
        "code", "cola", "cook", "cost", "crux", "curl", "cusp", "cyan", "dark", "data", "days", "deli", "dice", "diet",
        "door", "down", "draw", "drop", "drum", "dull", "duty", "each", "easy", "echo", "edge", "epic", "even", "exam",
        "exit", "eyes", "fact", "fair", "fern", "figs", "film", "fish", "fizz", "flap", "flew", "flux", "foxy", "free",
        "frog", "fuel", "fund", "gala", "game", "gear", "gems", "gift", "girl", "glow", "good", "gray", "grim", "guru",
        "gush", "gyro", "half", "hang", "hard", "hawk", "heat", "help", "high", "hill", "holy", "hope", "horn", "huts",
        "iced", "idea", "idle", "inch", "inky", "into", "iris", "iron", "item", "jade", "jazz", "join", "jolt", "jowl",
        "judo", "jugs", "jump", "junk", "jury", "keep", "keno", "kept", "keys", "kick", "kiln", "king", "kite", "kiwi",
        "knob", "lamb", "lava", "lazy", "leaf", "legs", "liar", "limp", "lion", "list", "logo", "loud", "love", "luau",
        "luck", "lung", "main", "many", "math", "maze", "memo", "menu", "meow", "mild", "mint", "miss", "monk", "nail",
        "navy", "need", "news", "next", "noon", "note", "numb", "obey", "oboe", "omit", "onyx", "open", "oval", "owls",
        "paid", "part", "peck", "play", "plus", "poem", "pool", "pose", "puff", "puma", "purr", "quad", "quiz", "race",
        "ramp", "real", "redo", "rich", "road", "rock", "roof", "ruby", "ruin", "runs", "rust", "safe", "saga", "scar",
        "sets", "silk", "skew", "slot", "soap", "solo", "song", "stub", "surf", "swan", "taco", "task", "taxi", "tent",
        "tied", "time", "tiny", "toil", "tomb", "toys", "trip", "tuna", "twin", "ugly", "undo", "unit", "urge", "user",
        "vast", "very", "veto", "vial", "vibe", "view", "visa", "void", "vows", "wall", "wand", "warm", "wasp", "wave",
        "waxy", "webs", "what", "when", "whiz", "wolf", "work", "yank", "yawn", "yell", "yoga", "yurt", "zaps", "zero",
        "zest", "zinc", "zone", "zoom",
    ]

    /// The four letters of each word as ASCII bytes, 4 × 256.
    private static let letters: [UInt8] = words.flatMap { Array($0.utf8) }

    /// Byte value by (first letter, last letter), 26 × 26, or −1: the pair is unique per word (BCR-2020-012 §Word
    /// selection criteria).
    private static let byFirstAndLast: [Int16] = {
        var table = [Int16](repeating: -1, count: 26 * 26)
        for value in 0..<256 {
            let first = Int(letters[value * 4] - UInt8(ascii: "a"))
            let last = Int(letters[value * 4 + 3] - UInt8(ascii: "a"))
            table[first * 26 + last] = Int16(value)
        }
        return table
    }()

    /// `bytes` followed by their CRC-32, as words in `style`.
    public static func encode(_ bytes: [UInt8], style: Style) -> String {
        let checksum = CRC32.checksum(bytes)
        let all =
            bytes + [
                UInt8(truncatingIfNeeded: checksum >> 24), UInt8(truncatingIfNeeded: checksum >> 16),
                UInt8(truncatingIfNeeded: checksum >> 8), UInt8(truncatingIfNeeded: checksum),
            ]
        var output: [UInt8] = []
        output.reserveCapacity(all.count * (style == .minimal ? 2 : 5))
        for (index, byte) in all.enumerated() {
            let base = Int(byte) * 4
            switch style {
            case .minimal:
                output.append(letters[base])
                output.append(letters[base + 3])
            case .standard, .uri:
                if index > 0 { output.append(style == .standard ? UInt8(ascii: " ") : UInt8(ascii: "-")) }
                output.append(contentsOf: letters[base..<base + 4])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The data encoded in `text`, after checking its words and its CRC-32.
    ///
    /// - Throws: ``URError/Code/invalidBytewords`` for an unknown word, a stray or missing separator, an odd length
    ///   (minimal style) or fewer than five words (BCR-2020-012 needs four checksum words after at least one data
    ///   word); ``URError/Code/bytewordsChecksumMismatch`` when the checksum does not match.
    public static func decode(_ text: String, style: Style) throws(URError) -> [UInt8] {
        let input = Array(text.utf8)
        var decoded: [UInt8] = []
        switch style {
        case .minimal:
            guard input.count % 2 == 0 else {
                throw URError.invalidBytewords("a minimal Bytewords text has an even number of letters")
            }
            decoded.reserveCapacity(input.count / 2)
            var index = 0
            while index < input.count {
                decoded.append(try decodeWord(input[index..<index + 2], position: index / 2))
                index += 2
            }
        case .standard, .uri:
            let separator = style == .standard ? UInt8(ascii: " ") : UInt8(ascii: "-")
            // Words are exactly four letters with exactly one separator between them.
            guard (input.count + 1) % 5 == 0 else {
                throw URError.invalidBytewords(
                    "the words are not four letters each, separated by single \(style) separators")
            }
            decoded.reserveCapacity((input.count + 1) / 5)
            var index = 0
            while index < input.count {
                if index > 0 {
                    guard input[index - 1] == separator else {
                        throw URError.invalidBytewords("a separator other than the \(style) style's was found")
                    }
                }
                decoded.append(try decodeWord(input[index..<index + 4], position: index / 5))
                index += 5
            }
        }
        guard decoded.count >= 5 else {
            throw URError.invalidBytewords(
                "it holds \(decoded.count) bytes, fewer than one data byte and four checksum bytes")
        }
        let body = Array(decoded[..<(decoded.count - 4)])
        let checksum = decoded[(decoded.count - 4)...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard CRC32.checksum(body) == checksum else { throw URError.bytewordsChecksumMismatch() }
        return body
    }

    /// The byte of a two-letter (minimal) or four-letter word, any ASCII case.
    private static func decodeWord(_ word: ArraySlice<UInt8>, position: Int) throws(URError) -> UInt8 {
        let folded = word.map { $0 | 0x20 }  // ASCII letters to lower case; other bytes fail the range checks below.
        guard let first = folded.first, let last = folded.last,
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(last)
        else {
            throw URError.invalidBytewords("word \(position + 1) is not made of letters")
        }
        let value = byFirstAndLast[Int(first - UInt8(ascii: "a")) * 26 + Int(last - UInt8(ascii: "a"))]
        guard value >= 0 else { throw URError.invalidBytewords("word \(position + 1) is not a Byteword") }
        if folded.count == 4 {
            let base = Int(value) * 4
            guard folded[1] == letters[base + 1], folded[2] == letters[base + 2] else {
                throw URError.invalidBytewords("word \(position + 1) is not a Byteword")
            }
        }
        return UInt8(value)
    }
}
