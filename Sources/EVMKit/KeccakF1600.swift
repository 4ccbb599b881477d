// MARK: - Keccak-f[1600]

// Unrolled from FIPS 202 §3.2 by a one-off script; checked against pycryptodome by KeccakTests. The state is 25 named lanes so the permutation runs in registers, without array bounds checks.

/// The 5×5 state of 64-bit lanes; lane (x, y) is `l` + (x + 5y), little-endian bytes (FIPS 202 §3.1.2).
@usableFromInline
struct KeccakState: Sendable {
    @usableFromInline var l00: UInt64 = 0
    @usableFromInline var l01: UInt64 = 0
    @usableFromInline var l02: UInt64 = 0
    @usableFromInline var l03: UInt64 = 0
    @usableFromInline var l04: UInt64 = 0
    @usableFromInline var l05: UInt64 = 0
    @usableFromInline var l06: UInt64 = 0
    @usableFromInline var l07: UInt64 = 0
    @usableFromInline var l08: UInt64 = 0
    @usableFromInline var l09: UInt64 = 0
    @usableFromInline var l10: UInt64 = 0
    @usableFromInline var l11: UInt64 = 0
    @usableFromInline var l12: UInt64 = 0
    @usableFromInline var l13: UInt64 = 0
    @usableFromInline var l14: UInt64 = 0
    @usableFromInline var l15: UInt64 = 0
    @usableFromInline var l16: UInt64 = 0
    @usableFromInline var l17: UInt64 = 0
    @usableFromInline var l18: UInt64 = 0
    @usableFromInline var l19: UInt64 = 0
    @usableFromInline var l20: UInt64 = 0
    @usableFromInline var l21: UInt64 = 0
    @usableFromInline var l22: UInt64 = 0
    @usableFromInline var l23: UInt64 = 0
    @usableFromInline var l24: UInt64 = 0

    @usableFromInline
    init() {}
}

/// The 24 round constants RC[i] of ι (FIPS 202 §3.2.5, Algorithm 5).
@usableFromInline
let roundConstants: [UInt64] = [
    0x0000_0000_0000_0001,
    0x0000_0000_0000_8082,
    0x8000_0000_0000_808A,
    0x8000_0000_8000_8000,
    0x0000_0000_0000_808B,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8009,
    0x0000_0000_0000_008A,
    0x0000_0000_0000_0088,
    0x0000_0000_8000_8009,
    0x0000_0000_8000_000A,
    0x0000_0000_8000_808B,
    0x8000_0000_0000_008B,
    0x8000_0000_0000_8089,
    0x8000_0000_0000_8003,
    0x8000_0000_0000_8002,
    0x8000_0000_0000_0080,
    0x0000_0000_0000_800A,
    0x8000_0000_8000_000A,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8080,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8008,
]

extension KeccakState {
    /// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι (FIPS 202 §3.3 with nr = 24).
    @usableFromInline
    mutating func permute() {
        var a00 = self.l00
        var a01 = self.l01
        var a02 = self.l02
        var a03 = self.l03
        var a04 = self.l04
        var a05 = self.l05
        var a06 = self.l06
        var a07 = self.l07
        var a08 = self.l08
        var a09 = self.l09
        var a10 = self.l10
        var a11 = self.l11
        var a12 = self.l12
        var a13 = self.l13
        var a14 = self.l14
        var a15 = self.l15
        var a16 = self.l16
        var a17 = self.l17
        var a18 = self.l18
        var a19 = self.l19
        var a20 = self.l20
        var a21 = self.l21
        var a22 = self.l22
        var a23 = self.l23
        var a24 = self.l24
        for round in 0..<24 {
            // θ: column parities, then each lane ^= C[x−1] ^ rot(C[x+1], 1).
            let c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20
            let c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21
            let c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22
            let c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23
            let c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ c1.rotatedLeft(1)
            let d1 = c0 ^ c2.rotatedLeft(1)
            let d2 = c1 ^ c3.rotatedLeft(1)
            let d3 = c2 ^ c4.rotatedLeft(1)
            let d4 = c3 ^ c0.rotatedLeft(1)
            // ρ and π: B[y][2x+3y] = rot(A[x][y] ^ D[x], r[x][y]).
            let b00 = (a00 ^ d0)
            let b01 = (a06 ^ d1).rotatedLeft(44)
            let b02 = (a12 ^ d2).rotatedLeft(43)
            let b03 = (a18 ^ d3).rotatedLeft(21)
            let b04 = (a24 ^ d4).rotatedLeft(14)
            let b05 = (a03 ^ d3).rotatedLeft(28)
            let b06 = (a09 ^ d4).rotatedLeft(20)
            let b07 = (a10 ^ d0).rotatedLeft(3)
            let b08 = (a16 ^ d1).rotatedLeft(45)
            let b09 = (a22 ^ d2).rotatedLeft(61)
            let b10 = (a01 ^ d1).rotatedLeft(1)
            let b11 = (a07 ^ d2).rotatedLeft(6)
            let b12 = (a13 ^ d3).rotatedLeft(25)
            let b13 = (a19 ^ d4).rotatedLeft(8)
            let b14 = (a20 ^ d0).rotatedLeft(18)
            let b15 = (a04 ^ d4).rotatedLeft(27)
            let b16 = (a05 ^ d0).rotatedLeft(36)
            let b17 = (a11 ^ d1).rotatedLeft(10)
            let b18 = (a17 ^ d2).rotatedLeft(15)
            let b19 = (a23 ^ d3).rotatedLeft(56)
            let b20 = (a02 ^ d2).rotatedLeft(62)
            let b21 = (a08 ^ d3).rotatedLeft(55)
            let b22 = (a14 ^ d4).rotatedLeft(39)
            let b23 = (a15 ^ d0).rotatedLeft(41)
            let b24 = (a21 ^ d1).rotatedLeft(2)
            // χ: A[x][y] = B[x][y] ^ (¬B[x+1][y] & B[x+2][y]).
            a00 = b00 ^ (~b01 & b02)
            a01 = b01 ^ (~b02 & b03)
            a02 = b02 ^ (~b03 & b04)
            a03 = b03 ^ (~b04 & b00)
            a04 = b04 ^ (~b00 & b01)
            a05 = b05 ^ (~b06 & b07)
            a06 = b06 ^ (~b07 & b08)
            a07 = b07 ^ (~b08 & b09)
            a08 = b08 ^ (~b09 & b05)
            a09 = b09 ^ (~b05 & b06)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
            // ι: the round constant.
            a00 ^= roundConstants[round]
        }
        self.l00 = a00
        self.l01 = a01
        self.l02 = a02
        self.l03 = a03
        self.l04 = a04
        self.l05 = a05
        self.l06 = a06
        self.l07 = a07
        self.l08 = a08
        self.l09 = a09
        self.l10 = a10
        self.l11 = a11
        self.l12 = a12
        self.l13 = a13
        self.l14 = a14
        self.l15 = a15
        self.l16 = a16
        self.l17 = a17
        self.l18 = a18
        self.l19 = a19
        self.l20 = a20
        self.l21 = a21
        self.l22 = a22
        self.l23 = a23
        self.l24 = a24
    }
}

extension UInt64 {
    /// Rotation left by `count` bits (0 < count < 64): ρ's lane rotation.
    @inlinable @inline(__always)
    func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 &- count)) }
}
