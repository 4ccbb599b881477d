import BN254
import Curves
import Fields
import Poseidon
import TestSupport
import Testing

// MARK: - Random cross-checks against independent implementations

@Suite("Poseidon against Python peers")
struct PoseidonPeerTests {
    struct HashRequest: Encodable {
        let peer: String
        let cases: [[String]]
    }

    struct Reply: Decodable {
        let outputs: [[String]]
    }

    /// Random inputs for each listed input count.
    static func randomCases(inputCounts: ClosedRange<Int>, perCount: Int, using generator: inout SplitMix64) -> [[Fr]] {
        inputCounts.flatMap { count in
            (0..<perCount).map { _ in (0..<count).map { _ in Fr.testValue(using: &generator) } }
        }
    }

    func check(peer: String, inputCounts: ClosedRange<Int>, perCount: Int) throws {
        var (generator, seed) = SplitMix64.seeded()
        let cases = Self.randomCases(inputCounts: inputCounts, perCount: perCount, using: &generator)
        let request = HashRequest(peer: peer, cases: cases.map { $0.map(\.decimalString) })
        let reply = try PythonPeer.run("poseidon_peer.py", request, as: Reply.self)
        try #require(reply.outputs.count == cases.count, "peer answered \(reply.outputs.count) of \(cases.count)")
        var mismatches = 0
        for (inputs, output) in zip(cases, reply.outputs) {
            let ours = try Poseidon.hash(inputs)
            if [ours.decimalString] != output {
                mismatches += 1
                Issue.record("seed \(seed): Poseidon(\(inputs)) = \(ours), \(peer) says \(output)")
                if mismatches == 5 { return }
            }
        }
    }

    @Test("plain reference transcription, 16 random cases for every input count 1…16")
    func againstReference() throws {
        try check(peer: "reference", inputCounts: 1...16, perCount: 16)
    }

    @Test("light-poseidon (Rust), 24 random cases for every input count 1…12")
    func againstLightPoseidon() throws {
        try check(peer: "light-poseidon", inputCounts: 1...12, perCount: 24)
    }

    @Test("whole permutation output on arbitrary states, every width 2…17")
    func permutationAgainstReference() throws {
        var (generator, seed) = SplitMix64.seeded()
        let states = (2...17).flatMap { width in
            (0..<4).map { _ in (0..<width).map { _ in Fr.testValue(using: &generator) } }
        }
        let request = HashRequest(peer: "reference-permutation", cases: states.map { $0.map(\.decimalString) })
        let reply = try PythonPeer.run("poseidon_peer.py", request, as: Reply.self)
        try #require(reply.outputs.count == states.count)
        for (state, expected) in zip(states, reply.outputs) {
            var permuted = state
            try Poseidon.permute(&permuted)
            #expect(permuted.map(\.decimalString) == expected, "seed \(seed): width \(state.count), state \(state)")
        }
    }
}

// MARK: - Fixed-width fast paths

@Suite("Poseidon fixed-width overloads")
struct PoseidonFixedWidthTests {
    @Test("hash(a…) equals hash([a…]) on random inputs for 1…4 inputs")
    func overloadsMatchArrayForm() throws {
        var (generator, seed) = SplitMix64.seeded()
        for _ in 0..<25 {
            let v = (0..<4).map { _ in Fr.testValue(using: &generator) }
            #expect(Poseidon.hash(v[0]) == (try Poseidon.hash([v[0]])), "seed \(seed)")
            #expect(Poseidon.hash(v[0], v[1]) == (try Poseidon.hash([v[0], v[1]])), "seed \(seed)")
            #expect(Poseidon.hash(v[0], v[1], v[2]) == (try Poseidon.hash(Array(v[0..<3]))), "seed \(seed)")
            #expect(Poseidon.hash(v[0], v[1], v[2], v[3]) == (try Poseidon.hash(v)), "seed \(seed)")
            var state = [Fr.zero] + v
            try Poseidon.permute(&state)
            #expect(state[0] == (try Poseidon.hash(v)), "seed \(seed): hash is lane 0 of permute([0] + inputs)")
        }
    }
}
