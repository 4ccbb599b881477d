import Foundation
import Testing

@testable import GuardianAPI

/// The one JSON decoding path of request bodies: grammar, duplicate names and depth in one linear pass, then the
/// strict decoder.
@Suite struct StrictJSONTests {
    @Test func theStructureCheckAcceptsWhatJSONAcceptsAndNothingElse() throws {
        let valid = [
            #"{}"#, #"{"a":[1,-2.5e+3,0,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"]}"#,
            " {\"a\" : {\"b\" : [ ] } } ", #"{"é":1,"é":2}"#,
        ]
        for text in valid.prefix(3) { #expect(throws: Never.self) { try JSONStructure.validate(Array(text.utf8)) } }
        // Precomposed and decomposed é are one name for Swift strings, as for the decoder: a duplicate.
        #expect(throws: StrictJSONError.self) { try JSONStructure.validate(Array(valid[3].utf8)) }
        let invalid = [
            #"{"#, #"{"a":}"#, #"{"a":01}"#, #"{"a":"\x"}"#, #"{"a":"\ud800"}"#, "{\"a\":\"\u{01}\"}", #"{"a":1,}"#,
            #"[1 2]"#, #"{"a":1}x"#, #"{"a":tru}"#, #"{"a":-}"#, #"{"a":1.}"#,
        ]
        for text in invalid {
            #expect(throws: StrictJSONError.self, "\(text)") { try JSONStructure.validate(Array(text.utf8)) }
        }
        // A raw byte-order mark right after an escape is part of the name (Foundation's decoder would drop it, making
        // two spellings of one name look different): `"a\n<BOM>b"` and `"a\n\uFEFFb"` are one name.
        let bom: [UInt8] = Array(#"{"a\n"#.utf8) + [0xEF, 0xBB, 0xBF] + Array(#"b":1,"a\n\uFEFFb":2}"#.utf8)
        #expect(throws: StrictJSONError.self) { try JSONStructure.validate(bom) }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: StrictJSONError.self) { try JSONStructure.validate(Array(deep.utf8)) }
    }

    @Test func worstCaseBodiesCostLinearTime() throws {
        /// The fastest of five runs of the decode a request goes through, for a body of `members` distinct keys.
        func cost(_ members: Int) -> Duration {
            let body = "{" + (0..<members).map { #""k\#($0)":0"# }.joined(separator: ",") + #","code":"1","code":"2"}"#
            let bytes = Data(body.utf8)
            return (0..<5).map { _ in
                let start = ContinuousClock.now
                _ = try? StrictJSON.decode(GuardianAPI.ConfirmRequest.self, from: bytes)
                return ContinuousClock.now - start
            }.min()!
        }
        // ~7,000 members fill the 64 KiB limit; a quadratic scan costs 16× the quarter-size body, a linear one 4×.
        let quarter = cost(1_750)
        let full = cost(7_000)
        #expect(full / quarter < 8, "7,000 members took \(full), 1,750 took \(quarter)")
    }
}
