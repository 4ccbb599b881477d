import BN254
import BigInt
import Circuit
import Curves
import Fields
import Testing
import ZKTOTP

// MARK: - The reduction modulo 10⁶ admits exactly one code (SEEDS-NOTES item 5)

@Suite struct ExactReductionTests {
    static let million = BigUInt(1_000_000)
    /// r − 1 = Q·10⁶ + C.
    static let (bigQ, bigC) = (scalarModulus - 1).quotientAndRemainder(dividingBy: million)

    /// Dividends that stress the reduction: the ends of [0, r), the region h < 10⁶ − 1 − C where h + r still fits
    /// a loose range check (the naive gadget's second code), the boundary quotient Q, crafted values ≥ 2²⁵³, and
    /// random field elements.
    static let dividends: [BigUInt] = {
        let r = scalarModulus
        var values: [BigUInt] = [
            0, 1, 999_999, 1_000_000, 504_382, 504_383, 123_456, r - 1, r - 2,
            bigQ * million, bigQ * million - 1, (bigQ - 1) * million + 999_999,
            BigUInt(1) << 253, (BigUInt(1) << 253) + 999_999, (BigUInt(1) << 253) - 1,
        ]
        for _ in 0..<6 { values.append((BigUInt(1) << 253) + BigUInt.randomInteger(lessThan: r - (BigUInt(1) << 253))) }
        for _ in 0..<6 { values.append(BigUInt.randomInteger(lessThan: 504_383)) }
        for _ in 0..<6 { values.append(BigUInt.randomInteger(lessThan: r)) }
        return values
    }()

    /// The gadget alone on an arbitrary field element h (a free witness), in proving mode.
    func gadget(_ h: BigUInt, claim: ExactModularReduction.Claim? = nil) throws
        -> (ConstraintSystem, ExactModularReduction.Output)
    {
        let cs = ConstraintSystem(mode: .proving)
        let variable = try cs.allocateWitness { Fr(h) }
        let output = try ExactModularReduction.synthesize(cs, dividing: LinearCombination(variable), claim: claim)
        return (cs, output)
    }

    @Test func theConstantsAreTheDivisionOfRMinusOne() {
        let (q, c) = ExactModularReduction.largest
        #expect(q == Self.bigQ.limbs)
        #expect(c == UInt64(Self.bigC))
        #expect(Self.bigQ < BigUInt(1) << 234 && Self.bigQ >= BigUInt(1) << 233, "Q has exactly 234 bits")
        #expect(Self.bigC == 495_616)
    }

    @Test func theHonestProverSucceedsForEveryDividend() throws {
        for h in Self.dividends {
            let (cs, output) = try gadget(h)
            #expect(try cs.isSatisfied(), "h = \(h)")
            #expect(cs.value(of: output.code) == Fr(h % Self.million), "h = \(h)")
        }
    }

    @Test func theWrapAroundCodeIsRejected() throws {
        // The seed's attack: present code′ = (h + r) mod 10⁶ with q′ = (h + r − code′)/10⁶, which satisfies
        // h = q′·10⁶ + code′ in 𝔽ᵣ. Exactness requires a failing constraint for every such claim.
        for h in Self.dividends {
            let shifted = h + scalarModulus
            let code = shifted % Self.million
            let quotient = shifted / Self.million
            if code == h % Self.million { continue }  // same code: not a second code
            let claim = ExactModularReduction.Claim(quotient: quotient.limbs, code: UInt64(code))
            let (cs, _) = try gadget(h, claim: claim)
            let failing = try cs.firstUnsatisfiedConstraint()
            #expect(failing != nil, "h = \(h): the wrap-around code \(code) must not satisfy the circuit")
            if quotient < BigUInt(1) << 234 {
                // Everything but the bound holds, so it is the bound (4) that rejects it.
                #expect(failing.flatMap { cs.label(ofConstraint: $0) } == "mod 1e6: (q‖code) ≤ (Q‖C)", "h = \(h)")
            }
        }
    }

    @Test func noOtherCodeHasASatisfyingWitness() throws {
        // For code′ ≠ h mod 10⁶ the field equation fixes q′ = (h − code′)/10⁶ in 𝔽ᵣ; the 234 quotient bits can only
        // hold its canonical integer, so this claim is the only candidate witness for code′.
        let inverse = BigUInt(1_000_000).inverse(scalarModulus)!
        for h in Self.dividends.prefix(16) {
            let honest = h % Self.million
            var candidates: [BigUInt] = [(honest + 1) % Self.million, (honest + Self.million - 1) % Self.million]
            for _ in 0..<4 { candidates.append(BigUInt.randomInteger(lessThan: Self.million)) }
            for code in candidates where code != honest {
                let quotient = ((h + scalarModulus - code) * inverse) % scalarModulus
                let claim = ExactModularReduction.Claim(quotient: quotient.limbs, code: UInt64(code))
                let (cs, _) = try gadget(h, claim: claim)
                #expect(try !cs.isSatisfied(), "h = \(h), code′ = \(code)")
            }
            // A remainder of 10⁶ or more (with the matching quotient) is rejected by code ≤ 999999.
            if h >= Self.million {
                let claim = ExactModularReduction.Claim(
                    quotient: (h / Self.million - 1).limbs,
                    code: UInt64(honest + Self.million))
                let (cs, _) = try gadget(h, claim: claim)
                #expect(try !cs.isSatisfied(), "h = \(h): a remainder ≥ 10⁶")
            }
        }
    }

    @Test func theNaiveReductionReallyAdmitsASecondCode() throws {
        // Control: without the bound (4) the seed's construction accepts the wrap-around code for small h, so the
        // rejection above is due to the bound, not to something incidental.
        let h = BigUInt.randomInteger(lessThan: 504_383)
        let shifted = h + scalarModulus
        let code = shifted % Self.million
        let quotient = shifted / Self.million
        #expect(code != h % Self.million)
        let cs = ConstraintSystem(mode: .proving)
        let hVariable = LinearCombination(try cs.allocateWitness { Fr(h) })
        let codeBits = try cs.decomposeIntoBits(LinearCombination(try cs.allocateWitness { Fr(code) }), bitCount: 20)
        try cs.enforceLessThanOrEqual(codeBits, constant: Fr(999_999))
        let q = LinearCombination(try cs.allocateWitness { Fr(quotient) })
        try cs.enforceFitsInBits(q, bitCount: 234)
        cs.enforce(q.scaled(by: Fr(1_000_000)) + cs.packBits(codeBits), .one, hVariable)
        #expect(try cs.isSatisfied(), "the naive gadget accepts code′ = (h + r) mod 10⁶ — the bug being fixed")
    }

    @Test func randomFullCircuitsAreExact() throws {
        // The full statement with random secrets: the honest witness satisfies it and the wrap-around or a
        // neighbouring code, with its only candidate quotient, does not.
        let inverse = BigUInt(1_000_000).inverse(scalarModulus)!
        for _ in 0..<4 {
            let secret = ZKTOTP.newSecret()
            let counter = UInt64.random(in: 0...100_000_000)
            let honest = ZKTOTP.PublicInputs(secret: secret, timeCounter: counter, txCommitment: .random())
            #expect(try ZKTOTP.Statement.build(.init(secret: secret, publicInputs: honest)).isSatisfied())

            let h = BigUInt(ZKTOTP.codeHash(secret: secret, timeCounter: counter))
            for code in [(h + scalarModulus) % Self.million, (h + 1) % Self.million] where code != h % Self.million {
                let quotient = ((h + scalarModulus - code) * inverse) % scalarModulus
                let lying = ZKTOTP.PublicInputs(
                    totpCode: UInt32(code), timeCounter: counter,
                    secretHash: honest.secretHash, txCommitment: honest.txCommitment)
                let witness = ZKTOTP.Statement.Witness(
                    secret: secret, publicInputs: lying,
                    reductionClaim: .init(quotient: quotient.limbs, code: UInt64(code)))
                #expect(try !ZKTOTP.Statement.build(witness).isSatisfied())
            }
        }
    }
}
