import ChronoVaultEVM
import EVMKit
import Foundation

// MARK: - The OTPRegistry contract

/// The calls, events, errors and the commitment of `contracts/evm/OTPRegistry.vy` (its header is the specification).
public enum RegistryContract {
    /// `keccak256("Chronoguard OTPRegistry v1")`, the contract's `DOMAIN()`.
    public static let domain = Keccak256.hash(Array("Chronoguard OTPRegistry v1".utf8))
    /// The contract's `MAX_TTL`: a request lives at most one hour.
    public static let maxTTL: UInt64 = 3600
    /// The contract's `MAX_ATTEMPTS`, which the service's salt endpoint mirrors.
    public static let maxAttempts = 3

    public static let setOtp = try! ABIFunction("setOtp(bytes32,address,bytes32,uint64)")
    public static let verify = try! ABIFunction("verify(bytes32,uint32,bytes32)(bool)")
    public static let isVerified = try! ABIFunction("isVerified(bytes32)(bool)")
    public static let getRequest = try! ABIFunction("getRequest(bytes32)(address,bytes32,uint64,bool,uint8)")
    public static let computeCommitment = try! ABIFunction(
        "computeCommitment(bytes32,address,bytes32,uint32)(bytes32)")
    public static let issuer = try! ABIFunction("issuer()(address)")

    public static let otpSet = try! ABIEvent("OtpSet(bytes32,address,uint64)", indexed: [true, true, false])
    public static let otpVerified = try! ABIEvent("OtpVerified(bytes32,address)", indexed: [true, true])
    public static let attemptFailed = try! ABIEvent(
        "AttemptFailed(bytes32,address,uint8)", indexed: [true, true, false])
    public static let otpBlocked = try! ABIEvent("OtpBlocked(bytes32,address)", indexed: [true, true])

    /// The contract's named errors (custom-error selectors without arguments).
    public static let errorNames = [
        "NotIssuer", "ZeroAddress", "RequestExists", "ExpiryInPast", "ExpiryTooFar", "UnknownRequest",
        "NotRequestUser", "AlreadyUsed", "Expired", "Blocked", "NotAdmin", "NotPendingAdmin",
    ]
    static let errorSelectors: [[UInt8]: String] = Dictionary(
        uniqueKeysWithValues: errorNames.map { (Array(Keccak256.hash(Array("\($0)()".utf8)).prefix(4)), $0) })

    /// The error name for revert data from the registry, or nil.
    public static func errorName(revertData: [UInt8]?) -> String? {
        guard let revertData, revertData.count >= 4 else { return nil }
        return errorSelectors[Array(revertData.prefix(4))]
    }

    /// `keccak256(abi.encode(DOMAIN, chainid, registry, requestId, user, salt, otp))` — (bytes32, uint256, address,
    /// bytes32, address, bytes32, uint32): every field static, so the encoding is seven 32-byte words.
    public static func commitment(
        chainID: UInt64, registry: EthereumAddress, requestID: [UInt8], user: EthereumAddress, salt: [UInt8],
        otp: UInt32
    ) -> [UInt8] {
        var words = domain
        words += UInt256(chainID).bigEndianBytes
        words += [UInt8](repeating: 0, count: 12) + registry.bytes
        words += requestID
        words += [UInt8](repeating: 0, count: 12) + user.bytes
        words += salt
        words += UInt256(UInt64(otp)).bigEndianBytes
        return Keccak256.hash(words)
    }

    /// `keccak256(user ‖ rand32)`: the request id of a fresh request (the address's 20 bytes, then 32 CSPRNG bytes).
    public static func requestID(user: EthereumAddress, random: [UInt8]) -> [UInt8] {
        Keccak256.hash(user.bytes + random)
    }

    /// A request as `getRequest` reports it.
    public struct Request: Sendable, Hashable {
        public let user: EthereumAddress
        public let commitment: [UInt8]
        public let expiry: UInt64
        public let used: Bool
        public let attempts: UInt8
    }

    /// Reads a request (all zero for an unknown id).
    public static func request(_ id: [UInt8], registry: EthereumAddress, client: EthereumRPCClient)
        async throws(EVMError) -> Request
    {
        let output = try await client.call(
            EthereumCall(to: registry, data: try getRequest.encodeCall([.fixedBytes(id)])))
        let values = try getRequest.decodeOutput(output)
        guard values.count == 5, case .address(let user) = values[0], case .fixedBytes(let commitment) = values[1],
            case .uint(let expiry) = values[2], case .bool(let used) = values[3], case .uint(let attempts) = values[4]
        else { throw EVMError(.invalidABIData, "getRequest returned an unexpected shape") }
        let expiryBytes = expiry.bigEndianBytes
        let expiry64 = expiryBytes.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Request(
            user: user, commitment: commitment, expiry: expiry64, used: used,
            attempts: attempts.bigEndianBytes.last ?? 0)
    }

    /// Deploys the registry with `admin` and `issuer`; returns its address and the receipt.
    public static func deploy(
        client: EthereumRPCClient, deployer: Secp256k1PrivateKey, admin: EthereumAddress, issuer: EthereumAddress
    ) async throws(EVMError) -> (address: EthereumAddress, receipt: EthereumReceipt) {
        let data = try ContractArtifact.otpRegistry.deploymentData(
            arguments: [.address(admin), .address(issuer)], types: [.address, .address])
        let result = try await client.send(to: nil, data: data, signedBy: deployer)
        guard result.receipt.status, let address = result.receipt.contractAddress else {
            throw EVMError(.reverted, "the OTPRegistry deployment reverted: \(result.revertReason ?? "no reason")")
        }
        return (address, result.receipt)
    }
}
