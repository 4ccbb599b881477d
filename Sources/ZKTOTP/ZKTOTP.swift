import BN254
import Curves
import Fields
import Poseidon

// MARK: - ZKTOTP

/// The ChronoVault statement (seed documents 003/004, corrected per SEEDS-NOTES items 4–6): "I know the TOTP secret
/// whose Poseidon hash is `secretHash`, and the Poseidon-TOTP code of that secret for `timeCounter` is `totpCode`",
/// bound to one transaction by the public `txCommitment`, proven with ``Groth16``.
///
/// Public inputs, in this order (snarkjs `public.json`, the Solidity `uint[4]`):
/// 1. `totpCode` — Poseidon(secret, timeCounter) mod 10⁶, as an integer in [0, 10⁶);
/// 2. `timeCounter` — ⌊unix time / 30⌋;
/// 3. `secretHash` — Poseidon(secret), registered with the wallet;
/// 4. `txCommitment` — ``transactionCommitment(chainID:wallet:transactionHash:nonce:)``.
///
/// Private input: `secret`, a uniformly random field element from the CSPRNG (``newSecret()``), not the seed's 20
/// `Math.random` digits. The circuit is in ``Statement`` (`ZKTOTP.Statement`, named so it does not shadow the `Circuit` module); the exact reduction modulo 10⁶ in ``ExactModularReduction``;
/// the design argument in docs/zktotp.md.
public enum ZKTOTP {
    /// The time step in seconds (RFC 6238 §4.1 default X = 30, as seed 003's `timestamp / 30`).
    public static let period: UInt64 = 30
    /// The number of decimal digits of a code.
    public static let digits = 6
    /// 10⁶: codes are Poseidon(secret, timeCounter) reduced modulo this.
    public static let codeModulus: UInt64 = 1_000_000

    // MARK: - Secrets

    /// A new TOTP secret: a uniformly random element of 𝔽ᵣ from the system CSPRNG (≈ 253.6 bits of entropy).
    public static func newSecret() -> Fr { Fr.random() }

    /// Poseidon(secret) — the public `secretHash` the wallet stores (circomlib `Poseidon(1)`).
    public static func secretHash(_ secret: Fr) -> Fr { Poseidon.hash(secret) }

    // MARK: - Codes

    /// ⌊unixTime / 30⌋.
    public static func timeCounter(unixTime: UInt64) -> UInt64 { unixTime / period }

    /// The time counter for a signed Unix time.
    /// - Throws: ``ZKTOTPError/invalidTime(_:)`` for a time before 1970.
    public static func timeCounter(unixTime: Int64) throws(ZKTOTPError) -> UInt64 {
        guard unixTime >= 0 else { throw .invalidTime(unixTime) }
        return timeCounter(unixTime: UInt64(unixTime))
    }

    /// Poseidon(secret, timeCounter) — the value the code is the last six decimal digits of.
    public static func codeHash(secret: Fr, timeCounter: UInt64) -> Fr {
        Poseidon.hash(secret, Fr(timeCounter))
    }

    /// The Poseidon-TOTP code as an integer: the canonical integer of Poseidon(secret, timeCounter) modulo 10⁶.
    public static func codeValue(secret: Fr, timeCounter: UInt64) -> UInt32 {
        UInt32(ExactModularReduction.divide(codeHash(secret: secret, timeCounter: timeCounter).canonical).remainder)
    }

    /// The 6-digit, zero-padded Poseidon-TOTP code an authenticator device shows at `time` (Unix seconds).
    public static func code(secret: Fr, time: UInt64) -> String {
        format(code: codeValue(secret: secret, timeCounter: timeCounter(unixTime: time)))
    }

    /// `code` as six decimal digits with leading zeros.
    public static func format(code: UInt32) -> String {
        let digits = String(code)
        return String(repeating: "0", count: max(0, Self.digits - digits.count)) + digits
    }
}

// MARK: - Public inputs

extension ZKTOTP {
    /// The statement's public signals, in circuit order.
    public struct PublicInputs: Sendable, Hashable {
        /// The 6-digit code as a field element (an integer below 10⁶ for any provable statement).
        public let totpCode: Fr
        /// ⌊unix time / 30⌋ as a field element.
        public let timeCounter: Fr
        /// Poseidon(secret).
        public let secretHash: Fr
        /// The transaction commitment.
        public let txCommitment: Fr

        /// Creates the signals from field elements (e.g. a parsed public.json).
        public init(totpCode: Fr, timeCounter: Fr, secretHash: Fr, txCommitment: Fr) {
            self.totpCode = totpCode
            self.timeCounter = timeCounter
            self.secretHash = secretHash
            self.txCommitment = txCommitment
        }

        /// Creates the signals from a code and counter given as integers.
        public init(totpCode: UInt32, timeCounter: UInt64, secretHash: Fr, txCommitment: Fr) {
            self.init(
                totpCode: Fr(UInt64(totpCode)), timeCounter: Fr(timeCounter), secretHash: secretHash,
                txCommitment: txCommitment)
        }

        /// The honest statement for a secret at a time counter.
        public init(secret: Fr, timeCounter: UInt64, txCommitment: Fr) {
            self.init(
                totpCode: ZKTOTP.codeValue(secret: secret, timeCounter: timeCounter), timeCounter: timeCounter,
                secretHash: ZKTOTP.secretHash(secret), txCommitment: txCommitment)
        }

        /// Parses the four signals in circuit order.
        /// - Throws: ``ZKTOTPError/publicSignalCount(_:)`` unless there are exactly four.
        public init(_ signals: [Fr]) throws(ZKTOTPError) {
            guard signals.count == 4 else { throw .publicSignalCount(signals.count) }
            self.init(totpCode: signals[0], timeCounter: signals[1], secretHash: signals[2], txCommitment: signals[3])
        }

        /// [totpCode, timeCounter, secretHash, txCommitment].
        public var signals: [Fr] { [totpCode, timeCounter, secretHash, txCommitment] }
    }
}
