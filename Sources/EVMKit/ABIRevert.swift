// MARK: - Revert reasons

/// Why a call reverted, decoded from its return data (Contract ABI Specification, §"Errors"; Solidity documentation,
/// "Control Structures", §"Panic via assert and Error via require").
public enum RevertReason: Hashable, Sendable, CustomStringConvertible {
    /// No return data (`revert()`, `require(cond)` without a message, or running out of gas).
    case empty
    /// `Error(string)`: `require(cond, "message")` or `revert("message")`.
    case error(String)
    /// `Panic(uint256)`: a failed `assert`, arithmetic overflow, division by zero, and so on.
    case panic(code: UInt256, meaning: String)
    /// A custom error declared by the contract (`error InsufficientBalance(uint256 available, uint256 required)`).
    case custom(name: String, values: [ABIValue])
    /// Return data that matches none of the above.
    case unknown([UInt8])

    /// `Error(string)`'s selector, `0x08c379a0`.
    public static let errorSelector: [UInt8] = [0x08, 0xC3, 0x79, 0xA0]
    /// `Panic(uint256)`'s selector, `0x4e487b71`.
    public static let panicSelector: [UInt8] = [0x4E, 0x48, 0x7B, 0x71]

    /// What a panic code means (Solidity documentation, "Control Structures", §"Panic via assert and Error via
    /// require").
    public static func panicMeaning(_ code: UInt256) -> String {
        switch code.uint64 {
        case 0x00: return "generic compiler-inserted panic"
        case 0x01: return "assertion failed"
        case 0x11: return "arithmetic overflow or underflow"
        case 0x12: return "division or modulo by zero"
        case 0x21: return "conversion of an out-of-range value to an enum"
        case 0x22: return "access to an incorrectly encoded storage byte array"
        case 0x31: return "pop() on an empty array"
        case 0x32: return "array index out of bounds"
        case 0x41: return "too much memory allocated, or an array too large"
        case 0x51: return "call to a zero-initialized internal function variable"
        default: return "unknown panic code"
        }
    }

    /// A one-line explanation: `reverted: message`, `panic 0x11 (arithmetic overflow or underflow)`, and so on.
    public var description: String {
        switch self {
        case .empty: return "reverted without a reason"
        case .error(let message): return "reverted: \(message)"
        case .panic(let code, let meaning): return "panic \(code.quantity) (\(meaning))"
        case .custom(let name, let values): return "\(name)" + ABIValue.tuple(values).description
        case .unknown(let bytes): return "reverted with unrecognised data \(Hex.encode(bytes))"
        }
    }
}

extension ABI {
    /// Decodes revert data: `Error(string)`, `Panic(uint256)`, or one of `customErrors` (matched by selector and
    /// decoded strictly as its inputs). Never throws: data that matches nothing, or does not decode, is `.unknown`.
    public static func decodeRevert(_ data: [UInt8], customErrors: [ABIFunction] = []) -> RevertReason {
        guard !data.isEmpty else { return .empty }
        guard data.count >= 4 else { return .unknown(data) }
        let selector = Array(data.prefix(4))
        let body = Array(data.dropFirst(4))
        if selector == RevertReason.errorSelector {
            if case .string(let message)? = try? decode(body, as: [.string]).first { return .error(message) }
            return .unknown(data)
        }
        if selector == RevertReason.panicSelector {
            if case .uint(let code)? = try? decode(body, as: [.uint(256)]).first {
                return .panic(code: code, meaning: RevertReason.panicMeaning(code))
            }
            return .unknown(data)
        }
        for error in customErrors where error.selector == selector {
            if let values = try? decode(body, as: error.inputs) { return .custom(name: error.name, values: values) }
        }
        return .unknown(data)
    }
}
