import BN254
import Curves
import Fields

// MARK: - EVM proof bytes

extension Groth16.Proof {
    /// The 256-byte EVM encoding A.x ‖ A.y ‖ B.x.c1 ‖ B.x.c0 ‖ B.y.c1 ‖ B.y.c0 ‖ C.x ‖ C.y, each a 32-byte big-endian
    /// integer (EIP-196 for G1, EIP-197 for G2: imaginary part first) — the words of `verifyProof`'s pA, pB, pC.
    public var evmBytes: [UInt8] { a.eip196Bytes + b.eip197Bytes + c.eip196Bytes }

    /// Decodes ``evmBytes``, checking coordinates are below p, points are on their curves and B is in G2.
    /// - Throws: ``Groth16Error/invalidLength(_:expected:got:)`` or ``Groth16Error/invalidPoint(_:_:)``.
    public init(evmBytes bytes: [UInt8]) throws(Groth16Error) {
        guard bytes.count == 256 else { throw .invalidLength("an EVM Groth16 proof", expected: 256, got: bytes.count) }
        // Typed throws end to end (no dynamic cast, which Embedded Swift cannot do).
        let a: G1Affine
        let b: G2Affine
        let c: G1Affine
        do throws(CurvePointError) {
            a = try G1Affine(eip196Bytes: Array(bytes[0..<64]))
            b = try G2Affine(eip197Bytes: Array(bytes[64..<192]))
            c = try G1Affine(eip196Bytes: Array(bytes[192..<256]))
        } catch {
            throw .invalidPoint("the EVM proof", error.message)
        }
        try self.init(a: a, b: b, c: c)
    }
}

// MARK: - Solidity calldata

extension Groth16 {
    /// The arguments of `verifyProof(uint[2], uint[2][2], uint[2], uint[N])` as snarkjs `zkey export
    /// soliditycalldata` prints them: `["0x…", "0x…"],[["0x…", "0x…"],["0x…", "0x…"]],["0x…", "0x…"],["0x…",…]`,
    /// 32-byte hex words, G2 coordinates imaginary part (c1) first.
    public static func solidityCalldata(proof: Proof, publicInputs: [Fr]) -> String {
        func word<F: PrimeField>(_ x: F) -> String {
            "\"0x" + x.bigEndianBytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined() + "\""
        }
        let a = proof.a
        let b = proof.b
        let c = proof.c
        return "[\(word(a.x)), \(word(a.y))],"
            + "[[\(word(b.x.c1)), \(word(b.x.c0))],[\(word(b.y.c1)), \(word(b.y.c0))]],"
            + "[\(word(c.x)), \(word(c.y))],"
            + "[\(publicInputs.map(word).joined(separator: ","))]"
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

// MARK: - Solidity verifier

extension Groth16.VerifyingKey {
    /// A Solidity verifier contract for this key with snarkjs' interface,
    /// `verifyProof(uint256[2] pA, uint256[2][2] pB, uint256[2] pC, uint256[N] pubSignals) returns (bool)`
    /// (the shape of snarkjs' `verifier_groth16.sol.ejs`), built on the BN254 precompiles: ecAdd 0x06 and ecMul
    /// 0x07 (EIP-196) for vk_x = IC₀ + Σ pubSignals[i]·ICᵢ₊₁, and the pairing check 0x08 (EIP-197) for
    /// e(−A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1.
    ///
    /// It returns `false` (never reverts) for any coordinate ≥ p, any public signal ≥ r, a point the precompiles
    /// reject (off the curve, B outside G2), and a proof that fails the equation. The pB argument is in EIP-197
    /// order, `[[x.c1, x.c0], [y.c1, y.c0]]`, as ``Groth16/solidityCalldata(proof:publicInputs:)`` prints it.
    public func solidityVerifier(contractName: String = "Groth16Verifier") -> String {
        let n = publicInputCount
        func g2Constants(_ name: String, _ p: G2Affine) -> String {
            """
                uint256 internal constant \(name)_X1 = \(p.x.c1.decimalString);
                uint256 internal constant \(name)_X0 = \(p.x.c0.decimalString);
                uint256 internal constant \(name)_Y1 = \(p.y.c1.decimalString);
                uint256 internal constant \(name)_Y0 = \(p.y.c0.decimalString);

            """
        }
        var icConstants = ""
        for (i, point) in ic.enumerated() {
            // The point at infinity is (0, 0) on the EVM (EIP-196).
            icConstants +=
                "    uint256 internal constant IC\(i)_X = \(point.isInfinity ? "0" : point.x.decimalString);\n"
            icConstants +=
                "    uint256 internal constant IC\(i)_Y = \(point.isInfinity ? "0" : point.y.decimalString);\n"
        }
        var accumulate = ""
        for i in 0..<n {
            accumulate += "        (x, y, ok) = mulAdd(x, y, IC\(i + 1)_X, IC\(i + 1)_Y, pubSignals[\(i)]);\n"
            accumulate += "        if (!ok) return false;\n"
        }
        let signalsParameter = n > 0 ? ",\n        uint256[\(n)] calldata pubSignals" : ""
        let signalsCheck =
            n > 0
            ? """
                    for (uint256 i = 0; i < \(n); i++) {
                        if (pubSignals[i] >= SCALAR_FIELD) return false;
                    }

            """ : ""
        let alphaX = alpha1.isInfinity ? "0" : alpha1.x.decimalString
        let alphaY = alpha1.isInfinity ? "0" : alpha1.y.decimalString
        return """
            // SPDX-License-Identifier: MIT
            // Generated by `chronoguard zk solidity` from a Chronoguard Groth16 verification key; do not edit.
            pragma solidity >=0.8.4 <0.9.0;

            /// @title Groth16 verifier over BN254 (\(n) public signals)
            /// @notice verifyProof is true exactly when e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) == 1
            ///         with vk_x = IC0 + sum(pubSignals[i] * IC[i + 1]) (Groth 2016), computed with the EIP-196
            ///         precompiles ecAdd (0x06) and ecMul (0x07) and the EIP-197 pairing check (0x08).
            ///         pB is in EIP-197 order, imaginary part first: [[x.c1, x.c0], [y.c1, y.c0]].
            contract \(contractName) {
                /// BN254 scalar field modulus r: each public signal must be a canonical field element below it.
                uint256 internal constant SCALAR_FIELD =
                    21888242871839275222246405745257275088548364400416034343698204186575808495617;
                /// BN254 base field modulus p: each proof coordinate must be below it.
                uint256 internal constant BASE_FIELD =
                    21888242871839275222246405745257275088696311157297823662689037894645226208583;

                // Verification key (snarkjs verification_key.json), G2 coordinates imaginary part first.
                uint256 internal constant ALPHA_X = \(alphaX);
                uint256 internal constant ALPHA_Y = \(alphaY);
            \(g2Constants("BETA", beta2))\(g2Constants("GAMMA", gamma2))\(g2Constants("DELTA", delta2))\(icConstants)
                /// @return true when the proof is valid for the public signals, false otherwise (never reverts).
                function verifyProof(
                    uint256[2] calldata pA,
                    uint256[2][2] calldata pB,
                    uint256[2] calldata pC\(signalsParameter)
                ) external view returns (bool) {
                    if (pA[0] >= BASE_FIELD || pA[1] >= BASE_FIELD) return false;
                    if (pC[0] >= BASE_FIELD || pC[1] >= BASE_FIELD) return false;
                    if (pB[0][0] >= BASE_FIELD || pB[0][1] >= BASE_FIELD) return false;
                    if (pB[1][0] >= BASE_FIELD || pB[1][1] >= BASE_FIELD) return false;
            \(signalsCheck)
                    // vk_x = IC0 + sum(pubSignals[i] * IC[i + 1]).
                    uint256 x = IC0_X;
                    uint256 y = IC0_Y;
                    bool ok = true;
            \(accumulate)
                    // Pairing input: (-A, B), (alpha, beta), (vk_x, gamma), (C, delta); 4 x 192 bytes.
                    uint256[24] memory input;
                    input[0] = pA[0];
                    input[1] = (BASE_FIELD - pA[1]) % BASE_FIELD;
                    input[2] = pB[0][0];
                    input[3] = pB[0][1];
                    input[4] = pB[1][0];
                    input[5] = pB[1][1];
                    input[6] = ALPHA_X;
                    input[7] = ALPHA_Y;
                    input[8] = BETA_X1;
                    input[9] = BETA_X0;
                    input[10] = BETA_Y1;
                    input[11] = BETA_Y0;
                    input[12] = x;
                    input[13] = y;
                    input[14] = GAMMA_X1;
                    input[15] = GAMMA_X0;
                    input[16] = GAMMA_Y1;
                    input[17] = GAMMA_Y0;
                    input[18] = pC[0];
                    input[19] = pC[1];
                    input[20] = DELTA_X1;
                    input[21] = DELTA_X0;
                    input[22] = DELTA_Y1;
                    input[23] = DELTA_Y0;

                    (bool success, bytes memory result) = address(8).staticcall(abi.encodePacked(input));
                    return success && result.length == 32 && abi.decode(result, (uint256)) == 1;
                }

                /// (accX, accY) + s * (px, py) with the EIP-196 precompiles; ok is false if either call fails.
                function mulAdd(uint256 accX, uint256 accY, uint256 px, uint256 py, uint256 s)
                    internal
                    view
                    returns (uint256, uint256, bool)
                {
                    (bool ok, bytes memory product) = address(7).staticcall(abi.encode(px, py, s));
                    if (!ok || product.length != 64) return (0, 0, false);
                    (uint256 mx, uint256 my) = abi.decode(product, (uint256, uint256));
                    bytes memory sum;
                    (ok, sum) = address(6).staticcall(abi.encode(accX, accY, mx, my));
                    if (!ok || sum.length != 64) return (0, 0, false);
                    (uint256 rx, uint256 ry) = abi.decode(sum, (uint256, uint256));
                    return (rx, ry, true);
                }
            }

            """
    }
}
