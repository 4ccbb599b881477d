#if !hasFeature(Embedded)
    import Crypto
#endif

// MARK: - SHA-256

extension Groth16 {
    /// SHA-256 (FIPS 180-4) of `bytes`: the proving key's trailing checksum and the constraint matrices' digest.
    ///
    /// Natively this is swift-crypto. Embedded Swift (the WebAssembly module, `scripts/build-wasm.sh`) cannot take
    /// swift-crypto, so there the build compiles `Sources/UR/SHA256.swift` into this module as well and this calls
    /// that (the inputs are public: a key file and the circuit's matrices).
    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        #if hasFeature(Embedded)
            SHA256.hash(bytes)
        #else
            Array(Crypto.SHA256.hash(data: bytes))
        #endif
    }
}
