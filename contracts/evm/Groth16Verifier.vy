# pragma version 0.4.3
"""
@title Groth16 verifier over BN254 for 4 public signals (verification key given at deployment)
@notice verifyProof is true exactly when
            e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) == 1,
            vk_x = IC0 + sum(pubSignals[i] * IC[i + 1])            (Groth 2016)
        computed with the EIP-196 precompiles ecAdd (0x06) and ecMul (0x07) and the EIP-197 pairing check
        (0x08). The key is a constructor argument kept in immutables, so one compiled artifact serves every key;
        `chronoguard zk vyper --keys DIR` prints a fixed-key variant (templates/Groth16VerifierFixedKey.vy.template).

        Encoding (the same as snarkjs' Solidity verifier and `chronoguard zk solidity --calldata`):
        a G1 point is [x, y]; a G2 point is EIP-197 order, imaginary part first: [[x.c1, x.c0], [y.c1, y.c0]].
        Note that snarkjs' JSON files (proof.json pi_b, verification_key.json vk_*_2) list c0 first: swap them.

        verifyProof NEVER reverts on bad input; it returns False for
          - a public signal >= r (not a canonical scalar field element),
          - a proof coordinate >= p,
          - a point the precompiles refuse (A or C off the curve, B off the twist or outside G2),
          - a proof that fails the pairing equation.
        Callers (TOTPWallet) turn False into their own named error, InvalidProof().
        The point at infinity is (0, 0) (EIP-196/197), as for every precompile-based verifier.
"""

# BN254 scalar field modulus r: public signals must be below it.
SCALAR_FIELD: constant(uint256) = 21888242871839275222246405745257275088548364400416034343698204186575808495617
# BN254 base field modulus p: proof and key coordinates must be below it.
BASE_FIELD: constant(uint256) = 21888242871839275222246405745257275088696311157297823662689037894645226208583

EC_ADD: constant(address) = 0x0000000000000000000000000000000000000006
EC_MUL: constant(address) = 0x0000000000000000000000000000000000000007
EC_PAIRING: constant(address) = 0x0000000000000000000000000000000000000008
# Gas given to each precompile call: the EIP-1108 (Istanbul) prices. A failing precompile call consumes all the
# gas it is given, so each call is capped at its price instead of forwarding 63/64 of what is left. A chain that
# priced them higher would make verifyProof return False (fail closed), never accept.
EC_ADD_GAS: constant(uint256) = 150
EC_MUL_GAS: constant(uint256) = 6000
EC_PAIRING_GAS: constant(uint256) = 181000  # 45000 + 34000 per pair, 4 pairs

# Verification key (public getters, so a deployer can check which key a verifier holds).
ALPHA: public(immutable(uint256[2]))
BETA: public(immutable(uint256[2][2]))
GAMMA: public(immutable(uint256[2][2]))
DELTA: public(immutable(uint256[2][2]))
IC: public(immutable(uint256[2][5]))


@deploy
def __init__(alpha: uint256[2], beta: uint256[2][2], gamma: uint256[2][2], delta: uint256[2][2], ic: uint256[2][5]):
    """
    @param alpha vk_alpha_1 [x, y]
    @param beta vk_beta_2 [[x.c1, x.c0], [y.c1, y.c0]] (EIP-197 order)
    @param gamma vk_gamma_2, same order
    @param delta vk_delta_2, same order
    @param ic IC[0..4] (snarkjs "IC"), each [x, y]
    @dev Reverts (empty revert data) unless every point is on its curve and B-type points are in G2: a key the
         precompiles refuse would make every proof fail, better to learn it at deployment.
    """
    assert self._g1_ok(alpha), "alpha"
    for i: uint256 in range(5):
        assert self._g1_ok(ic[i]), "IC"
    assert self._g2_ok(beta), "beta"
    assert self._g2_ok(gamma), "gamma"
    assert self._g2_ok(delta), "delta"
    ALPHA = alpha
    BETA = beta
    GAMMA = gamma
    DELTA = delta
    IC = ic


@internal
@view
def _g1_ok(pt: uint256[2]) -> bool:
    # ecAdd(pt, infinity) fails exactly when pt is not a point of G1 (or has a coordinate >= p).
    ok: bool = False
    out: Bytes[64] = b""
    ok, out = raw_call(EC_ADD, abi_encode(pt[0], pt[1], empty(uint256), empty(uint256)), max_outsize=64, gas=EC_ADD_GAS, is_static_call=True, revert_on_failure=False)
    return ok and len(out) == 64


@internal
@view
def _g2_ok(pt: uint256[2][2]) -> bool:
    # A one-pair pairing check of (infinity, pt) fails exactly when pt is not a point of G2.
    ok: bool = False
    out: Bytes[32] = b""
    ok, out = raw_call(EC_PAIRING, abi_encode(empty(uint256), empty(uint256), pt[0][0], pt[0][1], pt[1][0], pt[1][1]), max_outsize=32, gas=45000 + 34000, is_static_call=True, revert_on_failure=False)
    return ok and len(out) == 32


@external
@view
def verifyProof(pA: uint256[2], pB: uint256[2][2], pC: uint256[2], pubSignals: uint256[4]) -> bool:
    """
    @notice True when (pA, pB, pC) is a valid Groth16 proof for pubSignals under this key; False otherwise.
    @dev Never reverts on bad input (see the contract notice).
    """
    if pA[0] >= BASE_FIELD or pA[1] >= BASE_FIELD or pC[0] >= BASE_FIELD or pC[1] >= BASE_FIELD:
        return False
    if pB[0][0] >= BASE_FIELD or pB[0][1] >= BASE_FIELD or pB[1][0] >= BASE_FIELD or pB[1][1] >= BASE_FIELD:
        return False
    for s: uint256 in pubSignals:
        if s >= SCALAR_FIELD:
            return False

    # vk_x = IC0 + sum(pubSignals[i] * IC[i + 1])
    x: uint256 = IC[0][0]
    y: uint256 = IC[0][1]
    ok: bool = False
    out: Bytes[64] = b""
    for i: uint256 in range(4):
        ok, out = raw_call(EC_MUL, abi_encode(IC[i + 1][0], IC[i + 1][1], pubSignals[i]), max_outsize=64, gas=EC_MUL_GAS, is_static_call=True, revert_on_failure=False)
        if not ok or len(out) != 64:
            return False
        ok, out = raw_call(EC_ADD, abi_encode(x, y, extract32(out, 0, output_type=uint256), extract32(out, 32, output_type=uint256)), max_outsize=64, gas=EC_ADD_GAS, is_static_call=True, revert_on_failure=False)
        if not ok or len(out) != 64:
            return False
        x = extract32(out, 0, output_type=uint256)
        y = extract32(out, 32, output_type=uint256)

    # Pairing input (-A, B), (alpha, beta), (vk_x, gamma), (C, delta): 4 x 192 bytes.
    pairing_input: Bytes[768] = abi_encode(
        pA[0], (BASE_FIELD - pA[1]) % BASE_FIELD, pB[0][0], pB[0][1], pB[1][0], pB[1][1],
        ALPHA[0], ALPHA[1], BETA[0][0], BETA[0][1], BETA[1][0], BETA[1][1],
        x, y, GAMMA[0][0], GAMMA[0][1], GAMMA[1][0], GAMMA[1][1],
        pC[0], pC[1], DELTA[0][0], DELTA[0][1], DELTA[1][0], DELTA[1][1],
    )
    result: Bytes[32] = b""
    ok, result = raw_call(EC_PAIRING, pairing_input, max_outsize=32, gas=EC_PAIRING_GAS, is_static_call=True, revert_on_failure=False)
    return ok and len(result) == 32 and extract32(result, 0, output_type=uint256) == 1
