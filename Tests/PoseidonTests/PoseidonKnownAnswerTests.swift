import BN254
import Curves
import Fields
import Poseidon
import Testing

// MARK: - Known answers

@Suite("Poseidon known answers")
struct PoseidonKnownAnswerTests {
    @Test("circomlibjs, go-iden3-crypto and light-poseidon vectors", arguments: try Self.vectors())
    func knownAnswer(_ vector: PoseidonVectorFile.Vector) throws {
        let inputs = try vector.inputs.map(Fr.decimal)
        let expected = try Fr.decimal(vector.output)
        #expect(try Poseidon.hash(inputs) == expected, "\(vector.source): Poseidon(\(vector.inputs))")
    }

    @Test("the vector file covers widths 1…16 except 13 and 15 with independent answers")
    func coverage() throws {
        let counts = Set(try Self.vectors().map(\.inputs.count))
        #expect(counts == Set(1...16).subtracting([13, 15]))
    }

    @Test("fixed-width overloads give the vector answers")
    func fixedWidthKnownAnswers() throws {
        let one = Fr(1)
        let two = Fr(2)
        let three = Fr(3)
        let four = Fr(4)
        #expect(
            Poseidon.hash(one)
                == (try Fr.decimal(
                    "18586133768512220936620570745912940619677854269274689475585506675881198879027")))
        #expect(
            Poseidon.hash(.zero)
                == (try Fr.decimal(
                    "19014214495641488759237505126948346942972912379615652741039992445865937985820")))
        #expect(
            Poseidon.hash(one, two)
                == (try Fr.decimal(
                    "7853200120776062878684798364095072458815029376092732009249414926327459813530")))
        #expect(
            Poseidon.hash(three, four)
                == (try Fr.decimal(
                    "14763215145315200506921711489642608356394854266165572616578112107564877678998")))
        #expect(
            Poseidon.hash(one, two, three, four)
                == (try Fr.decimal(
                    "18821383157269793795438455681495246036402687001665670618754263018637548127333")))
        #expect(Poseidon.hash(one, two, three) == (try Poseidon.hash([one, two, three])))
    }

    static func vectors() throws -> [PoseidonVectorFile.Vector] {
        try TestResources.load("poseidon-vectors.json", as: PoseidonVectorFile.self).vectors
    }
}

// MARK: - Rejected inputs

@Suite("Poseidon input validation")
struct PoseidonValidationTests {
    @Test("0 and more than 16 inputs are rejected with invalid_input_count", arguments: [0, 17, 18, 40])
    func rejectsInputCount(_ count: Int) {
        #expect {
            _ = try Poseidon.hash([Fr](repeating: .one, count: count))
        } throws: { error in
            (error as? PoseidonError)?.code.rawValue == "invalid_input_count"
        }
    }

    @Test("permutation widths outside 2…17 are rejected with invalid_width", arguments: [0, 1, 18, 30])
    func rejectsWidth(_ width: Int) {
        var state = [Fr](repeating: .one, count: width)
        #expect {
            try Poseidon.permute(&state)
        } throws: { error in
            (error as? PoseidonError)?.code.rawValue == "invalid_width"
        }
        #expect(state == [Fr](repeating: .one, count: width), "a rejected state must be left untouched")
        #expect(throws: PoseidonError.self) { _ = try PoseidonParameters.forWidth(width) }
    }
}
