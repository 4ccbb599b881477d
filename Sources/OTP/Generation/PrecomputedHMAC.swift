import Crypto

// MARK: - HMAC with a precomputed key schedule (RFC 2104 §2, FIPS 180-4)
//
// Why this exists: swift-crypto computes HMAC correctly, but each HMAC it finishes copies heap-allocated hash
// contexts several times. A TOTP check with a ±1 window computes three HMACs of one 8-byte counter under one key,
// and a verifier must do more than a million of those per second per core. Here the key is absorbed once (the
// ipad and opad blocks of RFC 2104 compressed into two chaining states), and each code costs exactly two compression
// calls on the stack with no allocation. The padding is fixed because the message is always the 8-byte counter
// (RFC 4226 §5.1). Tests check every algorithm against swift-crypto's HMAC on random keys and counters.

@usableFromInline
struct PrecomputedHMAC: Sendable {
    @usableFromInline enum States: Sendable {
        case sha1(inner: SHA1Words, outer: SHA1Words)
        case sha256(inner: SHA256Words, outer: SHA256Words)
        case sha512(inner: SHA512Words, outer: SHA512Words)
    }

    @usableFromInline let states: States

    init(algorithm: OTPAlgorithm, key: [UInt8]) {
        switch algorithm {
        case .sha1:
            let (ipad, opad) = Self.paddedKeys(key, blockSize: 64) { Array(Insecure.SHA1.hash(data: $0)) }
            states = .sha1(inner: SHA1Words.initial.absorbing(ipad), outer: SHA1Words.initial.absorbing(opad))
        case .sha256:
            let (ipad, opad) = Self.paddedKeys(key, blockSize: 64) { Array(SHA256.hash(data: $0)) }
            states = .sha256(inner: SHA256Words.initial.absorbing(ipad), outer: SHA256Words.initial.absorbing(opad))
        case .sha512:
            let (ipad, opad) = Self.paddedKeys(key, blockSize: 128) { Array(SHA512.hash(data: $0)) }
            states = .sha512(inner: SHA512Words.initial.absorbing(ipad), outer: SHA512Words.initial.absorbing(opad))
        }
    }

    /// RFC 2104 §2: a key longer than the block is hashed first, then zero-padded to the block and XORed with
    /// 0x36 (ipad) and 0x5C (opad).
    static func paddedKeys(_ key: [UInt8], blockSize: Int, hash: ([UInt8]) -> [UInt8]) -> ([UInt8], [UInt8]) {
        var block = key.count > blockSize ? hash(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        return (block.map { $0 ^ 0x36 }, block.map { $0 ^ 0x5C })
    }

    /// RFC 4226 §5.3 dynamic truncation of HMAC(K, counter) as a 31-bit value.
    @inlinable
    func truncatedValue(counter: UInt64) -> UInt32 {
        switch states {
        case .sha1(let inner, let outer): return outer.finishing(inner.finishing(counter: counter)).truncated()
        case .sha256(let inner, let outer): return outer.finishing(inner.finishing(counter: counter)).truncated()
        case .sha512(let inner, let outer): return outer.finishing(inner.finishing(counter: counter)).truncated()
        }
    }
}

// MARK: - Shared pieces

@inlinable @inline(__always)
func rotateLeft(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 &- n)) }

@inlinable @inline(__always)
func rotateRight(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 &- n)) }

@inlinable @inline(__always)
func rotateRight(_ x: UInt64, _ n: UInt64) -> UInt64 { (x >> n) | (x << (64 &- n)) }

/// RFC 4226 §5.3: the low nibble of the last digest byte picks 4 bytes; their top bit is cleared.
@inlinable @inline(__always)
func dynamicTruncation(lastByte: UInt8, byte: (Int) -> UInt8) -> UInt32 {
    let offset = Int(lastByte & 0x0F)
    return (UInt32(byte(offset) & 0x7F) << 24) | (UInt32(byte(offset + 1)) << 16)
        | (UInt32(byte(offset + 2)) << 8) | UInt32(byte(offset + 3))
}

/// Big-endian 32-bit words of a 64-byte block.
func bigEndianWords32(_ bytes: [UInt8]) -> [UInt32] {
    stride(from: 0, to: bytes.count, by: 4).map {
        UInt32(bytes[$0]) << 24 | UInt32(bytes[$0 + 1]) << 16 | UInt32(bytes[$0 + 2]) << 8 | UInt32(bytes[$0 + 3])
    }
}

/// Big-endian 64-bit words of a 128-byte block.
func bigEndianWords64(_ bytes: [UInt8]) -> [UInt64] {
    stride(from: 0, to: bytes.count, by: 8).map { i in (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[i + $1]) } }
}

// MARK: - SHA-1 (FIPS 180-4 §6.1)

@usableFromInline
struct SHA1Words: Sendable {
    @usableFromInline var h0, h1, h2, h3, h4: UInt32

    @usableFromInline init(_ h0: UInt32, _ h1: UInt32, _ h2: UInt32, _ h3: UInt32, _ h4: UInt32) {
        (self.h0, self.h1, self.h2, self.h3, self.h4) = (h0, h1, h2, h3, h4)
    }

    /// FIPS 180-4 §5.3.1 initial hash value H(0).
    static let initial = SHA1Words(0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0)

    func absorbing(_ block: [UInt8]) -> SHA1Words {
        var state = self
        let w = bigEndianWords32(block)
        state.compress(
            w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11], w[12], w[13], w[14], w[15])
        return state
    }

    /// Inner hash of the 8-byte counter: one block = counter ‖ 0x80 ‖ zeros ‖ bit length (64 + 8) · 8 = 576.
    @inlinable @inline(__always)
    func finishing(counter: UInt64) -> SHA1Words {
        var state = self
        state.compress(
            UInt32(truncatingIfNeeded: counter >> 32), UInt32(truncatingIfNeeded: counter), 0x8000_0000,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 576)
        return state
    }

    /// Outer hash of the 20-byte inner digest: digest ‖ 0x80 ‖ zeros ‖ bit length (64 + 20) · 8 = 672.
    @inlinable @inline(__always)
    func finishing(_ digest: SHA1Words) -> SHA1Words {
        var state = self
        state.compress(
            digest.h0, digest.h1, digest.h2, digest.h3, digest.h4, 0x8000_0000,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 672)
        return state
    }

    @inlinable @inline(__always)
    func truncated() -> UInt32 {
        let words = (h0, h1, h2, h3, h4)
        return withUnsafeBytes(of: words) { raw in
            let w = raw.bindMemory(to: UInt32.self)
            return dynamicTruncation(lastByte: UInt8(truncatingIfNeeded: h4)) {
                UInt8(truncatingIfNeeded: w[$0 >> 2] >> (24 - 8 * UInt32($0 & 3)))
            }
        }
    }
}

// MARK: - SHA-256 (FIPS 180-4 §6.2)

/// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
@usableFromInline let sha256K: [UInt32] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]

@usableFromInline
struct SHA256Words: Sendable {
    @usableFromInline var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// FIPS 180-4 §5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
    static let initial = SHA256Words(
        h: (
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
        ))

    @usableFromInline init(h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)) { self.h = h }

    func absorbing(_ block: [UInt8]) -> SHA256Words {
        var state = self
        let words = bigEndianWords32(block)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 { w[i] = words[i] }
            state.compress(w)
        }
        return state
    }

    /// Inner block: counter ‖ 0x80 ‖ zeros ‖ bit length (64 + 8) · 8 = 576.
    @inlinable @inline(__always)
    func finishing(counter: UInt64) -> SHA256Words {
        var state = self
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            w[0] = UInt32(truncatingIfNeeded: counter >> 32)
            w[1] = UInt32(truncatingIfNeeded: counter)
            w[2] = 0x8000_0000
            for i in 3..<15 { w[i] = 0 }
            w[15] = 576
            state.compress(w)
        }
        return state
    }

    /// Outer block: 32-byte digest ‖ 0x80 ‖ zeros ‖ bit length (64 + 32) · 8 = 768.
    @inlinable @inline(__always)
    func finishing(_ digest: SHA256Words) -> SHA256Words {
        var state = self
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            (w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]) = digest.h
            w[8] = 0x8000_0000
            for i in 9..<15 { w[i] = 0 }
            w[15] = 768
            state.compress(w)
        }
        return state
    }

    @inlinable @inline(__always)
    func truncated() -> UInt32 {
        withUnsafeBytes(of: h) { raw in
            let w = raw.bindMemory(to: UInt32.self)
            return dynamicTruncation(lastByte: UInt8(truncatingIfNeeded: h.7)) {
                UInt8(truncatingIfNeeded: w[$0 >> 2] >> (24 - 8 * UInt32($0 & 3)))
            }
        }
    }

    @inlinable @inline(__always)
    mutating func compress(_ w: UnsafeMutableBufferPointer<UInt32>) {
        for t in 16..<64 {
            let s0 = rotateRight(w[t - 15], 7) ^ rotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = rotateRight(w[t - 2], 17) ^ rotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = h
        sha256K.withUnsafeBufferPointer { k in
            for t in 0..<64 {
                let s1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
                let ch = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
                let s0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ maj
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
    }
}

// MARK: - SHA-512 (FIPS 180-4 §6.4)

/// FIPS 180-4 §4.2.3: the first 64 bits of the fractional parts of the cube roots of the first 80 primes.
@usableFromInline let sha512K: [UInt64] = [
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
    0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
    0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
    0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
    0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
    0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
    0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
    0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
    0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
    0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
    0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
]

@usableFromInline
struct SHA512Words: Sendable {
    @usableFromInline var h: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// FIPS 180-4 §5.3.5: the first 64 bits of the fractional parts of the square roots of the first 8 primes.
    static let initial = SHA512Words(
        h: (
            0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
            0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
        ))

    @usableFromInline init(h: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)) { self.h = h }

    func absorbing(_ block: [UInt8]) -> SHA512Words {
        var state = self
        let words = bigEndianWords64(block)
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 80) { w in
            for i in 0..<16 { w[i] = words[i] }
            state.compress(w)
        }
        return state
    }

    /// Inner block (128 bytes): counter ‖ 0x80 ‖ zeros ‖ 128-bit length (128 + 8) · 8 = 1088.
    @inlinable @inline(__always)
    func finishing(counter: UInt64) -> SHA512Words {
        var state = self
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 80) { w in
            w[0] = counter
            w[1] = 0x8000_0000_0000_0000
            for i in 2..<15 { w[i] = 0 }
            w[15] = 1088
            state.compress(w)
        }
        return state
    }

    /// Outer block: 64-byte digest ‖ 0x80 ‖ zeros ‖ 128-bit length (128 + 64) · 8 = 1536.
    @inlinable @inline(__always)
    func finishing(_ digest: SHA512Words) -> SHA512Words {
        var state = self
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 80) { w in
            (w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]) = digest.h
            w[8] = 0x8000_0000_0000_0000
            for i in 9..<15 { w[i] = 0 }
            w[15] = 1536
            state.compress(w)
        }
        return state
    }

    @inlinable @inline(__always)
    func truncated() -> UInt32 {
        withUnsafeBytes(of: h) { raw in
            let w = raw.bindMemory(to: UInt64.self)
            return dynamicTruncation(lastByte: UInt8(truncatingIfNeeded: h.7)) {
                UInt8(truncatingIfNeeded: w[$0 >> 3] >> (56 - 8 * UInt64($0 & 7)))
            }
        }
    }

    @inlinable @inline(__always)
    mutating func compress(_ w: UnsafeMutableBufferPointer<UInt64>) {
        for t in 16..<80 {
            let s0 = rotateRight(w[t - 15], 1) ^ rotateRight(w[t - 15], 8) ^ (w[t - 15] >> 7)
            let s1 = rotateRight(w[t - 2], 19) ^ rotateRight(w[t - 2], 61) ^ (w[t - 2] >> 6)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = h
        sha512K.withUnsafeBufferPointer { k in
            for t in 0..<80 {
                let s1 = rotateRight(e, 14) ^ rotateRight(e, 18) ^ rotateRight(e, 41)
                let ch = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
                let s0 = rotateRight(a, 28) ^ rotateRight(a, 34) ^ rotateRight(a, 39)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ maj
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
    }
}
