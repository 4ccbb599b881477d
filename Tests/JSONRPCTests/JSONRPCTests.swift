import Foundation
import JSONRPC
import Testing

/// The shared JSON-RPC layer on its own; EVMKitTests and ChainKitTests drive it against real test chains.
@Suite("JSON-RPC: the JSON tree and the connection's checks")
struct JSONRPCTests {
    static func decode(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test("integers stay exact: u64 above 2⁵³ is unsigned, negatives signed, fractions double")
    func exactIntegers() throws {
        #expect(try Self.decode("18446744073709551615") == .unsigned(UInt64.max))
        #expect(try Self.decode("9007199254740993") == .unsigned(9_007_199_254_740_993))
        #expect(try Self.decode("-32002") == .signed(-32002))
        #expect(try Self.decode("0.5") == .double(0.5))
        #expect(try Self.decode("18446744073709551616") == .double(18_446_744_073_709_551_616))
        #expect(try Self.decode("true") == .bool(true))
        #expect(try Self.decode("null") == .null)
    }

    @Test("number reads every numeric case as a Double; other types are nil")
    func number() throws {
        #expect(JSONValue.unsigned(7).number == 7)
        #expect(JSONValue.signed(-3).number == -3)
        #expect(JSONValue.double(0.25).number == 0.25)
        #expect(JSONValue.string("1").number == nil)
        #expect(JSONValue.bool(true).number == nil)
    }

    @Test("kind names the type; compactText sorts keys")
    func text() throws {
        let value = try Self.decode(#"{"b": [1, -2, 0.5, "x/y", null], "a": {"InstructionError": [0, {"Custom": 4}]}}"#)
        #expect(value.kind == "an object")
        #expect(value.compactText == #"{"a":{"InstructionError":[0,{"Custom":4}]},"b":[1,-2,0.5,"x/y",null]}"#)
        #expect(JSONValue.signed(-1).kind == "a number" && JSONValue.array([]).kind == "an array")
    }

    @Test("the endpoint description drops path, query and credentials")
    func endpointDescription() throws {
        let url = try #require(URL(string: "https://user:secret@node.example.com:8545/v1/secret-api-key?token=t"))
        let connection = JSONRPCConnection(url: url, configuration: .ephemeral, maxResponseBytes: 1 << 20)
        #expect(connection.endpointDescription == "https://node.example.com:8545")
    }

    @Test("a URL that is not http(s) fails without a request")
    func unsupportedScheme() async throws {
        let url = try #require(URL(string: "ftp://127.0.0.1/rpc"))
        let connection = JSONRPCConnection(url: url, configuration: .ephemeral, maxResponseBytes: 1 << 20)
        let outcome = await connection.call("eth_chainId", params: [], timeout: .seconds(5))
        guard case .failure(.unsupportedScheme) = outcome else {
            Issue.record("expected unsupportedScheme, got \(outcome)")
            return
        }
    }

    @Test("a result value reports its path in the client's error type")
    func resultValuePaths() throws {
        enum Errors: JSONRPCErrorDomain {
            struct Malformed: Error { let text: String }
            static func malformed(method: String, path: String, problem: String) -> Malformed {
                Malformed(text: "\(method) \(path) \(problem)")
            }
        }
        let value = JSONRPCResultValue<Errors>(
            value: try Self.decode(#"{"logs": ["a", 2], "none": null}"#), method: "m", path: "result")
        #expect(try value.field("logs").array()[0].string() == "a")
        #expect(try value.optionalField("none") == nil)
        let wrongType = try #require(throws: Errors.Malformed.self) { try value.field("logs").array()[1].string() }
        #expect(wrongType.text == "m result.logs[1] is a number, not a string")
        let missing = try #require(throws: Errors.Malformed.self) { try value.field("slot") }
        #expect(missing.text == #"m result has no "slot""#)
    }
}
