import Crypto
import Curves
import Fields

// MARK: - Keys

/// A secp256k1 private key: a scalar d with 1 ≤ d < n (SEC 1 v2 §3.2.1).
///
/// Operations on it are constant time: the public key d·G and the nonce point k·G use
/// `Secp256k1.multiplyGenerator` (no branch, no secret-indexed memory access), the scalar arithmetic is the
/// branch-free Montgomery code of `Fields`, and the two inversions of secret-derived values (k and R's Z) are blinded
/// by a random factor before a variable-time inversion. See docs/evm.md, "Constant time". The key's `description` never prints it.
public struct Secp256k1PrivateKey: Sendable, CustomStringConvertible {
    @usableFromInline let scalar: Secp256k1.Fn

    /// Parses 32 big-endian bytes; refuses zero and values ≥ n.
    public init(bytes: [UInt8]) throws(EVMError) {
        guard bytes.count == 32, let scalar = Secp256k1.Fn(bigEndianBytes: bytes), !scalar.isZero else {
            throw EVMError(
                .invalidPrivateKey, "a secp256k1 private key is 32 bytes, not zero and below the group order n")
        }
        self.scalar = scalar
    }

    /// A fresh key from the system CSPRNG (`SystemRandomNumberGenerator`), uniform in [1, n).
    public static func generate() -> Secp256k1PrivateKey {
        var generator = SystemRandomNumberGenerator()
        while true {
            let candidate = Secp256k1.Fn.random(using: &generator)
            if !candidate.isZero { return Secp256k1PrivateKey(scalar: candidate) }
        }
    }

    init(scalar: Secp256k1.Fn) { self.scalar = scalar }

    /// The 32 big-endian bytes (for a keystore; handle with care).
    public var bytes: [UInt8] { scalar.bigEndianBytes }

    /// d·G.
    public var publicKey: Secp256k1PublicKey {
        let (x, y) = Secp256k1.multiplyGenerator(scalar).affine!  // d ≠ 0 mod n, so d·G is not the identity
        return Secp256k1PublicKey(x: x, y: y)
    }

    /// The Ethereum address of this key.
    public var address: EthereumAddress { publicKey.address }

    /// Redacted: a private key never appears in logs or errors.
    public var description: String { "Secp256k1PrivateKey(redacted)" }

    /// Signs a 32-byte digest: ECDSA (SEC 1 v2 §4.1.3) with the deterministic nonce of RFC 6979 §3.2 (HMAC-SHA256),
    /// s normalised to the lower half (EIP-2) and the recovery id of R's y-parity — the same signature libsecp256k1
    /// produces for the same key and digest.
    public func sign(digest: [UInt8]) throws(EVMError) -> ECDSASignature {
        guard digest.count == 32 else {
            throw EVMError(
                .invalidSignature, "ECDSA signs a 32-byte digest (a Keccak-256 hash); got \(digest.count) bytes")
        }
        let z = Secp256k1.Fn(reducingBigEndianBytes: digest)
        var nonces = RFC6979(key: scalar.bigEndianBytes, message: z.bigEndianBytes)
        // Blinding factors for the two inversions of secret-derived values (R's Z and k); they do not change the
        // (deterministic) signature.
        var random = SystemRandomNumberGenerator()
        while true {
            let k = nonces.next()
            let nonceProduct = Secp256k1.multiplyGenerator(k)
            guard let zInverse = nonceProduct.z.inverseBlinded(using: &random) else { continue }
            let (rx, ry) = (nonceProduct.x * zInverse, nonceProduct.y * zInverse)
            // r = x(R) mod n. x ≥ n (probability ~2⁻¹²⁸) would need a recovery id of 2 or 3, which Ethereum cannot
            // carry: take the next nonce instead, as RFC 6979 §3.2 step h.3 allows.
            guard let r = Secp256k1.Fn(canonical: rx.canonical), !r.isZero else { continue }
            guard let kInverse = k.inverseBlinded(using: &random) else { continue }  // k ≠ 0: RFC 6979 gives [1, n)
            var s = kInverse * (z + r * scalar)
            if s.isZero { continue }
            var parity: UInt8 = ry.isOdd ? 1 : 0
            // Low s (EIP-2): s and n − s both verify; (r, n − s) belongs to −R, whose y-parity is the other one.
            // s is part of the public signature, so this branch reveals nothing.
            let canonicalS = UInt256(limbs: s.canonical)
            if ECDSASignature.halfGroupOrder < canonicalS {
                s = -s
                parity ^= 1
            }
            return try ECDSASignature(r: UInt256(limbs: r.canonical), s: UInt256(limbs: s.canonical), yParity: parity)
        }
    }
}

/// A secp256k1 public key: an affine point other than the identity, checked to be on the curve (the group has
/// cofactor 1, so every such point is in it).
public struct Secp256k1PublicKey: Hashable, Sendable, CustomStringConvertible {
    let x: Secp256k1.Fp
    let y: Secp256k1.Fp

    init(x: Secp256k1.Fp, y: Secp256k1.Fp) {
        self.x = x
        self.y = y
    }

    /// Parses SEC 1 v2 §2.3.4 encodings: 65 bytes `04 ‖ x ‖ y`, 33 bytes `02|03 ‖ x` (compressed), or Ethereum's bare
    /// 64-byte `x ‖ y`. Refuses coordinates ≥ p and points off the curve.
    public init(bytes: [UInt8]) throws(EVMError) {
        func coordinate(_ slice: ArraySlice<UInt8>) throws(EVMError) -> Secp256k1.Fp {
            guard let value = Secp256k1.Fp(bigEndianBytes: Array(slice)) else {
                throw EVMError(.invalidPublicKey, "a public key coordinate is not below the field prime p")
            }
            return value
        }
        switch (bytes.count, bytes.first) {
        case (65, 0x04):
            x = try coordinate(bytes[1..<33])
            y = try coordinate(bytes[33..<65])
        case (64, _):
            x = try coordinate(bytes[0..<32])
            y = try coordinate(bytes[32..<64])
        case (33, 0x02), (33, 0x03):
            x = try coordinate(bytes[1..<33])
            guard let root = (x.squared() * x + Secp256k1.Fp(7)).squareRoot() else {
                throw EVMError(.invalidPublicKey, "no point on secp256k1 has this x-coordinate")
            }
            y = root.isOdd == (bytes[0] == 0x03) ? root : -root
        default:
            throw EVMError(
                .invalidPublicKey,
                "a public key is 65 bytes (04 ‖ x ‖ y), 33 bytes (02/03 ‖ x) or 64 bytes (x ‖ y); got \(bytes.count)")
        }
        guard Secp256k1.Point.isOnCurve(x: x, y: y) else {
            throw EVMError(.invalidPublicKey, "the point is not on secp256k1 (y² ≠ x³ + 7)")
        }
    }

    /// `04 ‖ x ‖ y` (65 bytes, SEC 1 uncompressed).
    public var uncompressed: [UInt8] { [0x04] + x.bigEndianBytes + y.bigEndianBytes }

    /// `02|03 ‖ x` (33 bytes, SEC 1 compressed).
    public var compressed: [UInt8] { [y.isOdd ? 0x03 : 0x02] + x.bigEndianBytes }

    /// The account address: the last 20 bytes of keccak256(x ‖ y).
    public var address: EthereumAddress { try! EthereumAddress(publicKey64: Array(uncompressed.dropFirst())) }

    public var description: String { Hex.encode(compressed) }

    var affine: Affine<Secp256k1.Curve> { Affine(uncheckedX: x, y: y) }

    /// Verifies an ECDSA signature over a 32-byte digest (SEC 1 v2 §4.1.4). Strict: s must be in the lower half
    /// (EIP-2), so a malleated (r, n − s) copy of a valid signature is refused. The recovery id is not used.
    public func isValidSignature(_ signature: ECDSASignature, digest: [UInt8]) -> Bool {
        guard digest.count == 32, signature.hasLowS,
            let r = Secp256k1.Fn(canonical: signature.r.limbs),
            let sInverse = Secp256k1.Fn(canonical: signature.s.limbs)?.inverseVariableTime()
        else { return false }
        let z = Secp256k1.Fn(reducingBigEndianBytes: digest)
        let point = Secp256k1.linearCombination(generatorScalar: z * sInverse, affine, r * sInverse)
        guard !point.isInfinity else { return false }
        // x(R) mod n == r without an inversion: x = X/Z² (Jacobian), and x mod n = r means x = r or x = r + n (when
        // r + n < p).
        let zz = point.z.squared()
        if let rp = Secp256k1.Fp(canonical: signature.r.limbs), point.x == rp * zz { return true }
        let (rPlusN, carry) = signature.r.limbs.addingReportingCarry(ECDSASignature.groupOrder.limbs)
        guard !carry, let wrapped = Secp256k1.Fp(canonical: rPlusN) else { return false }
        return point.x == wrapped * zz
    }

    /// Recovers the public key that made `signature` over `digest` (SEC 1 v2 §4.1.6; Ethereum's `ecrecover`): with
    /// R = (r, y of parity yParity), Q = r⁻¹·(s·R − z·G). Refuses high s (EIP-2), an r that is not the x of a
    /// curve point, and a result at infinity.
    public static func recover(digest: [UInt8], signature: ECDSASignature) throws(EVMError) -> Secp256k1PublicKey {
        guard digest.count == 32 else {
            throw EVMError(.invalidSignature, "recovery needs the 32-byte digest that was signed; got \(digest.count)")
        }
        guard signature.hasLowS else {
            throw EVMError(
                .invalidSignature, "s is in the upper half of the group order; Ethereum accepts only low s (EIP-2)")
        }
        guard let rx = Secp256k1.Fp(canonical: signature.r.limbs),
            let root = (rx.squared() * rx + Secp256k1.Fp(7)).squareRoot(),
            let r = Secp256k1.Fn(canonical: signature.r.limbs), let rInverse = r.inverseVariableTime(),
            let s = Secp256k1.Fn(canonical: signature.s.limbs)
        else {
            throw EVMError(
                .invalidSignature, "r is not the x-coordinate of a point on secp256k1; the signature is corrupt")
        }
        let ry = root.isOdd == (signature.yParity == 1) ? root : -root
        let z = Secp256k1.Fn(reducingBigEndianBytes: digest)
        let q = Secp256k1.linearCombination(
            generatorScalar: -(z * rInverse), Affine(uncheckedX: rx, y: ry), s * rInverse)
        guard let zInverse = q.z.inverseVariableTime() else {
            throw EVMError(
                .invalidSignature, "the signature recovers the point at infinity; it is not a valid signature")
        }
        let zInverse2 = zInverse.squared()
        return Secp256k1PublicKey(x: q.x * zInverse2, y: q.y * zInverse2 * zInverse)
    }
}

// MARK: - RFC 6979

/// Deterministic ECDSA nonces (RFC 6979 §3.2 with HMAC-SHA256, qlen = hlen = 256): the nonce is a function of the
/// private key and the message only, so a broken random number generator cannot leak the key.
struct RFC6979 {
    private var k: SymmetricKey
    private var v: [UInt8]
    private var first = true

    /// Steps b–g: `key` is int2octets(x), `message` is bits2octets(h₁) (the digest reduced mod n).
    init(key: [UInt8], message: [UInt8]) {
        v = [UInt8](repeating: 0x01, count: 32)
        k = SymmetricKey(data: [UInt8](repeating: 0x00, count: 32))
        k = SymmetricKey(data: Self.mac(k, v + [0x00] + key + message))
        v = Self.mac(k, v)
        k = SymmetricKey(data: Self.mac(k, v + [0x01] + key + message))
        v = Self.mac(k, v)
    }

    /// Step h: the next candidate k in [1, n) (values out of range are skipped, as §3.2 h.3 says).
    mutating func next() -> Secp256k1.Fn {
        while true {
            if !first {
                k = SymmetricKey(data: Self.mac(k, v + [0x00]))
                v = Self.mac(k, v)
            }
            first = false
            v = Self.mac(k, v)
            if let candidate = Secp256k1.Fn(bigEndianBytes: v), !candidate.isZero { return candidate }
        }
    }

    private static func mac(_ key: SymmetricKey, _ data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
    }
}
