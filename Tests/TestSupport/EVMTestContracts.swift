// MARK: - Hand-assembled contracts for tests

/// Tiny EVM contracts written as bytecode (there is no Solidity compiler here; Vyper is for the real contracts), for
/// tests of the JSON-RPC client and the CLI on the test chain.
public enum EVMTestContracts {
    /// Init code: a 12-byte constructor (CODECOPY the runtime that follows it to memory, RETURN it) + `runtime`.
    public static func initCode(_ runtime: [UInt8]) -> [UInt8] {
        let length = UInt8(runtime.count)
        return [0x60, length, 0x60, 0x0C, 0x60, 0x00, 0x39, 0x60, length, 0x60, 0x00, 0xF3] + runtime
    }

    /// `Error("nope")`: the selector 0x08c379a0, then the ABI encoding of the string (offset 32, length 4, padded).
    public static let nopeRevertData: [UInt8] =
        [0x08, 0xC3, 0x79, 0xA0] + word(32) + word(4) + Array("nope".utf8) + [UInt8](repeating: 0, count: 28)

    /// Runtime code that always reverts with `Error("nope")`: CODECOPY the 100-byte revert data, then REVERT.
    public static let revertingRuntime: [UInt8] =
        [0x60, 0x64, 0x60, 0x0C, 0x60, 0x00, 0x39, 0x60, 0x64, 0x60, 0x00, 0xFD] + nopeRevertData

    /// Runtime code that returns the uint256 42 for any call: PUSH1 42, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN.
    public static let answerRuntime: [UInt8] = [0x60, 0x2A, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xF3]

    /// A 32-byte big-endian word holding a small value.
    static func word(_ value: UInt8) -> [UInt8] { [UInt8](repeating: 0, count: 31) + [value] }
}
