import EVMKit

// MARK: - Compiled contracts

/// A compiled contract as the CLI deploys it: the init code the committed Vyper source compiles to
/// (`contracts/evm/build/<Name>.json`, embedded by `scripts/embed-contract-artifacts.py`), its ABI, and where it came
/// from. `scripts/check-generated.sh` recompiles the sources with the pinned compiler and diffs both.
public struct ContractArtifact: Sendable, Hashable {
    /// The contract's name (the source file's name).
    public let name: String
    /// The compiler that produced the code (`vyper 0.4.3`).
    public let compiler: String
    /// SHA-256 of the source the code was compiled from.
    public let sourceSHA256: String
    /// The ABI as JSON.
    public let abiJSON: String
    /// The init code (constructor + runtime), `0x` hex.
    public let initCodeHex: String

    /// The init code bytes.
    public var initCode: [UInt8] { Hex.decode(initCodeHex) ?? [] }

    /// The deployment data: init code followed by the ABI-encoded constructor arguments (Solidity ABI
    /// specification, "Contract creation"; Vyper uses the same layout).
    public func deploymentData(arguments: [ABIValue], types: [ABIType]) throws(EVMError) -> [UInt8] {
        initCode + (arguments.isEmpty ? [] : try ABI.encode(arguments, as: types))
    }
}
