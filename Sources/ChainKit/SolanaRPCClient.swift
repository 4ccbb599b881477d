import Foundation
import JSONRPC

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// MARK: - SolanaRPCClient

/// A client for a Solana node's JSON-RPC 2.0 API over HTTP (Solana RPC HTTP methods, https://solana.com/docs/rpc/http):
/// the calls a wallet needs to read balances and accounts, price rent, simulate, send and confirm transactions.
///
/// Every answer is validated strictly: the `jsonrpc` version and `id` must match, integers must be exact JSON integers
/// in range (lamports, slots and rent epochs are u64: `rentEpoch` is 2⁶⁴ − 1 on real clusters), keys, blockhashes and
/// signatures valid Base58 of the right length, account data valid base64, and the response at most
/// ``maxResponseBytes`` (counted while it arrives). Nothing the node sends can trap.
///
/// Errors are always ``SolanaRPCError``; a refused preflight (`preflight_failed`) and a failed transaction
/// (`transaction_failed`) carry the transaction error and the program logs.
///
/// ```swift
/// let client = SolanaRPCClient(url: URL(string: "https://api.devnet.solana.com")!)
/// let latest = try await client.getLatestBlockhash()
/// let message = try SolanaMessage(feePayer: payer.publicKey, instructions: [...], recentBlockhash: latest.blockhash)
/// let signed = try SolanaTransaction(message: message).signing(with: payer)
/// let signature = try await client.sendTransaction(signed)
/// try await client.waitForConfirmation(signature, lastValidBlockHeight: latest.lastValidBlockHeight)
/// ```
public struct SolanaRPCClient: Sendable {
    /// The default bound on one response body: 16 MiB (a 10 MiB account is about 13.4 MiB as base64).
    public static let defaultMaxResponseBytes = 16 << 20

    /// Most signatures one `getSignatureStatuses` call takes: 256 (`MAX_GET_SIGNATURE_STATUSES_QUERY_ITEMS`).
    public static let maxSignatureStatuses = 256

    /// Commitment levels (`CommitmentLevel`): how settled the state a call reads (or waits for) must be.
    public enum Commitment: String, Sendable, Hashable, CaseIterable {
        /// The node's most recent block, which may still be skipped.
        case processed
        /// Voted on by a supermajority of the cluster.
        case confirmed
        /// Rooted: 31+ confirmed blocks on top.
        case finalized

        var rank: Int {
            switch self {
            case .processed: 0
            case .confirmed: 1
            case .finalized: 2
            }
        }
    }

    /// The node's JSON-RPC endpoint.
    public var url: URL { connection.url }
    /// How long one request may take, connecting included.
    public let timeout: Duration
    /// The largest response body accepted.
    public let maxResponseBytes: Int
    private let connection: JSONRPCConnection

    /// Creates a client for the node at `url` (http or https).
    ///
    /// - Parameters:
    ///   - session: its configuration (proxies, headers, protocol classes) is used for a session of the client's own,
    ///     which counts response bytes as they arrive.
    ///   - timeout: the limit for each request.
    ///   - maxResponseBytes: the largest response body accepted (``defaultMaxResponseBytes`` by default).
    public init(
        url: URL, session: URLSession = .shared, timeout: Duration = .seconds(30),
        maxResponseBytes: Int = SolanaRPCClient.defaultMaxResponseBytes
    ) {
        self.timeout = timeout
        self.maxResponseBytes = max(maxResponseBytes, 1024)
        connection = JSONRPCConnection(
            url: url, configuration: session.configuration, maxResponseBytes: max(maxResponseBytes, 1024))
    }

    // MARK: Cluster state

    /// `getLatestBlockhash`: the blockhash new transactions should use and the last block height at which it is
    /// still accepted.
    public func getLatestBlockhash(commitment: Commitment = .confirmed) async throws(SolanaRPCError)
        -> SolanaLatestBlockhash
    {
        let method = "getLatestBlockhash"
        let response = try await request(method, [config(commitment)])
        let value = try response.field("value")
        return SolanaLatestBlockhash(
            blockhash: try value.field("blockhash").blockhash(),
            lastValidBlockHeight: try value.field("lastValidBlockHeight").u64(),
            slot: try response.field("context").field("slot").u64())
    }

    /// `getBlockHeight`: the current block height (what ``SolanaLatestBlockhash/lastValidBlockHeight`` is compared to).
    public func getBlockHeight(commitment: Commitment = .confirmed) async throws(SolanaRPCError) -> UInt64 {
        try await request("getBlockHeight", [config(commitment)]).u64()
    }

    /// `getMinimumBalanceForRentExemption`: the lamports an account of `dataLength` bytes must hold to be rent exempt.
    public func getMinimumBalanceForRentExemption(dataLength: UInt64, commitment: Commitment = .confirmed)
        async throws(SolanaRPCError) -> UInt64
    {
        try await request("getMinimumBalanceForRentExemption", [.unsigned(dataLength), config(commitment)]).u64()
    }

    // MARK: Accounts

    /// `getBalance`: the account's lamports (0 for an account that does not exist).
    public func getBalance(_ account: SolanaPublicKey, commitment: Commitment = .confirmed) async throws(SolanaRPCError)
        -> UInt64
    {
        try await request("getBalance", [.string(account.base58), config(commitment)]).field("value").u64()
    }

    /// `getAccountInfo` with base64 encoding: the account, or `nil` when it does not exist.
    public func getAccountInfo(_ account: SolanaPublicKey, commitment: Commitment = .confirmed)
        async throws(SolanaRPCError) -> SolanaAccountInfo?
    {
        let params: [JSONValue] = [
            .string(account.base58), config(commitment, ["encoding": .string("base64")]),
        ]
        guard let value = try await request("getAccountInfo", params).optionalField("value") else { return nil }
        let encoded = try value.field("data").array()
        guard encoded.count == 2, try encoded[1].string() == "base64" else {
            throw value.malformed("has data that is not [text, \"base64\"]")
        }
        guard let data = Data(base64Encoded: try encoded[0].string()) else {
            throw value.malformed("has account data that is not base64")
        }
        let bytes = [UInt8](data)
        let space = try value.optionalField("space")?.u64() ?? UInt64(bytes.count)
        guard space == UInt64(bytes.count) else {
            throw value.malformed("says the account has \(space) bytes but carries \(bytes.count)")
        }
        return SolanaAccountInfo(
            lamports: try value.field("lamports").u64(), owner: try value.field("owner").publicKey(), data: bytes,
            executable: try value.field("executable").bool(), rentEpoch: try value.field("rentEpoch").u64())
    }

    /// `getTokenAccountBalance`: a token account's balance in base units, with the mint's decimals.
    public func getTokenAccountBalance(_ account: SolanaPublicKey, commitment: Commitment = .confirmed)
        async throws(SolanaRPCError) -> SolanaTokenAmount
    {
        let value = try await request("getTokenAccountBalance", [.string(account.base58), config(commitment)])
            .field("value")
        let amountText = try value.field("amount").string()
        guard let amount = UInt64(amountText), String(amount) == amountText else {
            throw value.malformed("has amount \"\(amountText.prefix(40))\", not a u64 in decimal")
        }
        let decimals = try value.field("decimals").u64()
        guard decimals <= UInt64(UInt8.max) else { throw value.malformed("has decimals \(decimals), above 255") }
        return SolanaTokenAmount(
            amount: amount, decimals: UInt8(decimals),
            uiAmountString: try value.optionalField("uiAmountString")?.string() ?? amountText)
    }

    // MARK: Transactions

    /// `simulateTransaction` (base64): runs the transaction against the node's current state without committing it.
    ///
    /// - Parameters:
    ///   - sigVerify: whether the node checks the signatures (off by default, as in the RPC).
    ///   - replaceRecentBlockhash: simulate with the node's latest blockhash instead of the transaction's (for an
    ///     unsigned or stale transaction; incompatible with `sigVerify`).
    /// - Returns: the outcome; a failing transaction is a result with ``SolanaSimulationResult/error``, not a throw.
    public func simulateTransaction(
        _ transaction: SolanaTransaction, sigVerify: Bool = false, replaceRecentBlockhash: Bool = false,
        commitment: Commitment = .confirmed
    ) async throws(SolanaRPCError) -> SolanaSimulationResult {
        guard !(sigVerify && replaceRecentBlockhash) else {
            throw SolanaRPCError(
                .invalidArgument, "simulateTransaction cannot verify signatures and replace the blockhash at once")
        }
        let params: [JSONValue] = [
            .string(Data(transaction.serialized()).base64EncodedString()),
            config(
                commitment,
                [
                    "encoding": .string("base64"), "sigVerify": .bool(sigVerify),
                    "replaceRecentBlockhash": .bool(replaceRecentBlockhash),
                ]),
        ]
        return try Self.simulation(try await request("simulateTransaction", params).field("value"))
    }

    /// `sendTransaction` (base64): submits a signed transaction and returns its signature (checked to be the
    /// transaction's first signature, which is its id).
    ///
    /// - Parameters:
    ///   - skipPreflight: skip the node's simulation; a failing transaction then lands, fails and pays its fee.
    ///   - maxRetries: how often the node re-broadcasts it (the node's default when `nil`).
    /// - Throws: `preflight_failed` with the transaction error and the program logs when the simulation fails
    ///   (-32002) or a signature does not verify (-32003); `rpc_error` for other refusals.
    public func sendTransaction(
        _ transaction: SolanaTransaction, skipPreflight: Bool = false, preflightCommitment: Commitment = .confirmed,
        maxRetries: UInt32? = nil
    ) async throws(SolanaRPCError) -> SolanaSignature {
        guard let expected = transaction.signatures.first, transaction.isFullySigned else {
            throw SolanaRPCError(
                .invalidArgument,
                "the transaction has empty signature slots; every required signer must sign before it is sent")
        }
        var options: [String: JSONValue] = [
            "encoding": .string("base64"), "skipPreflight": .bool(skipPreflight),
            "preflightCommitment": .string(preflightCommitment.rawValue),
        ]
        if let maxRetries { options["maxRetries"] = .unsigned(UInt64(maxRetries)) }
        let params: [JSONValue] = [.string(Data(transaction.serialized()).base64EncodedString()), .object(options)]
        let result = try await request("sendTransaction", params)
        let signature = try result.signature()
        guard signature == expected else {
            throw result.malformed(
                "is the signature \(signature), but the transaction's first signature is \(expected)")
        }
        return signature
    }

    /// `getSignatureStatuses`: the status of each signature (`nil` when the node does not know it), in order.
    ///
    /// - Parameter searchTransactionHistory: also search the ledger beyond the recent status cache.
    public func getSignatureStatuses(_ signatures: [SolanaSignature], searchTransactionHistory: Bool = false)
        async throws(SolanaRPCError) -> [SolanaSignatureStatus?]
    {
        guard signatures.count <= Self.maxSignatureStatuses else {
            throw SolanaRPCError(
                .invalidArgument,
                "getSignatureStatuses takes at most \(Self.maxSignatureStatuses) signatures; \(signatures.count) were given: split the list"
            )
        }
        let params: [JSONValue] = [
            .array(signatures.map { .string($0.base58) }),
            .object(["searchTransactionHistory": .bool(searchTransactionHistory)]),
        ]
        let values = try await request("getSignatureStatuses", params).field("value").array()
        guard values.count == signatures.count else {
            throw SolanaRPCError.malformed(
                "getSignatureStatuses", "result.value", "has \(values.count) entries for \(signatures.count) signatures"
            )
        }
        return try values.map { item throws(SolanaRPCError) in try Self.status(item) }
    }

    /// `getTransaction` (base64): the slot, error, fee and log messages of a processed transaction, or `nil` when the
    /// node does not know it (yet).
    public func getTransaction(_ signature: SolanaSignature, commitment: Commitment = .confirmed)
        async throws(SolanaRPCError) -> SolanaTransactionOutcome?
    {
        let params: [JSONValue] = [
            .string(signature.base58),
            config(commitment, ["encoding": .string("base64"), "maxSupportedTransactionVersion": .unsigned(0)]),
        ]
        let result = try await request("getTransaction", params)
        guard !result.isNull else { return nil }
        let meta = try result.field("meta")
        let logs = try meta.optionalField("logMessages")?.array().map { item throws(SolanaRPCError) in
            try item.string()
        }
        return SolanaTransactionOutcome(
            slot: try result.field("slot").u64(),
            error: try meta.optionalField("err").map { SolanaTransactionError($0.value) },
            fee: try meta.field("fee").u64(), logs: logs ?? [])
    }

    /// `requestAirdrop`: asks a test cluster (devnet, testnet, a local validator) for lamports; returns the airdrop
    /// transaction's signature.
    public func requestAirdrop(_ account: SolanaPublicKey, lamports: UInt64) async throws(SolanaRPCError)
        -> SolanaSignature
    {
        try await request("requestAirdrop", [.string(account.base58), .unsigned(lamports)]).signature()
    }

    // MARK: Confirmation

    /// Polls `getSignatureStatuses` until the transaction reaches `commitment`, fails, or can no longer land.
    ///
    /// - Parameters:
    ///   - lastValidBlockHeight: the blockhash's last valid block height (from ``getLatestBlockhash(commitment:)``);
    ///     when the block height passes it and the transaction is still unknown, it never will be processed.
    ///   - pollInterval: the time between polls.
    ///   - timeout: the longest wait.
    /// - Returns: the status at `commitment` or above.
    /// - Throws: `transaction_failed` with the transaction error and, when the node serves `getTransaction`, the
    ///   program logs; `blockhash_expired`; `timeout`.
    @discardableResult
    public func waitForConfirmation(
        _ signature: SolanaSignature, commitment: Commitment = .confirmed, lastValidBlockHeight: UInt64? = nil,
        pollInterval: Duration = .milliseconds(500), timeout: Duration = .seconds(90)
    ) async throws(SolanaRPCError) -> SolanaSignatureStatus {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if let status = try await getSignatureStatuses([signature]).first ?? nil {
                if let error = status.error {
                    let outcome = try? await getTransaction(signature)
                    throw SolanaRPCError(
                        .transactionFailed,
                        "transaction \(signature) failed in slot \(status.slot) with \(error.json); the fee was charged. "
                            + Self.logHint(outcome?.logs ?? []),
                        transactionError: error, logs: outcome?.logs ?? [])
                }
                if let level = status.confirmationStatus, level.rank >= commitment.rank { return status }
            } else if let lastValidBlockHeight {
                let height = try await getBlockHeight(commitment: .confirmed)
                if height > lastValidBlockHeight {
                    // A last look: it may have landed between the two calls.
                    if try await getSignatureStatuses([signature]).first ?? nil == nil {
                        throw SolanaRPCError(
                            .blockhashExpired,
                            "transaction \(signature) was not processed and its blockhash expired at block height "
                                + "\(lastValidBlockHeight) (now \(height)); it can never land: rebuild it with a new "
                                + "blockhash and sign it again")
                    }
                    continue
                }
            }
            guard clock.now + pollInterval < deadline else {
                throw SolanaRPCError(
                    .timeout,
                    "transaction \(signature) did not reach \(commitment.rawValue) within \(timeout); check its status "
                        + "later, or wait until its blockhash expires before resending")
            }
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                throw SolanaRPCError.transport("waiting for transaction \(signature) was cancelled")
            }
        }
    }

    static func logHint(_ logs: [String]) -> String {
        guard !logs.isEmpty else { return "No program logs are available." }
        return "Program logs (last \(min(logs.count, 8))): " + logs.suffix(8).joined(separator: " | ")
    }

    // MARK: - JSON-RPC

    private func config(_ commitment: Commitment, _ extra: [String: JSONValue] = [:]) -> JSONValue {
        var object = extra
        object["commitment"] = .string(commitment.rawValue)
        return .object(object)
    }

    /// Sends one request and returns its `result`, validated as a JSON-RPC 2.0 response to it.
    func request(_ method: String, _ params: [JSONValue]) async throws(SolanaRPCError) -> SolanaRPCValue {
        switch await connection.call(method, params: params, timeout: timeout) {
        case .success(.result(let result)):
            return SolanaRPCValue(value: result, method: method, path: "result")
        case .success(.error(let error)):
            throw Self.rpcError(error, method: method, endpoint: connection.endpointDescription)
        case .failure(let failure):
            throw Self.transportError(failure)
        }
    }

    /// Maps a failure of the shared JSON-RPC transport to `rpc_transport` or `rpc_timeout`.
    static func transportError(_ failure: JSONRPCFailure) -> SolanaRPCError {
        switch failure {
        case .encodingFailed(let method):
            return .transport("the \(method) request could not be encoded as JSON")
        case .unsupportedScheme:
            return .transport("the Solana JSON-RPC URL must be http:// or https://")
        case .deadlineExceeded(let endpoint, let method, let timeout):
            return SolanaRPCError(
                .timeout,
                "the Solana node at \(endpoint) did not answer \(method) within \(timeout); check that it is up and not "
                    + "overloaded, or allow a longer timeout")
        case .cancelled(let endpoint, let method):
            return .transport("the \(method) request to \(endpoint) was cancelled")
        case .responseTooLarge(let endpoint, let limit):
            return .transport(
                "the Solana node at \(endpoint) sent a response larger than \(limit >> 20) MiB; refusing it "
                    + "(ask for less, or raise maxResponseBytes)")
        case .connectionFailed(let endpoint, let urlErrorCode):
            if urlErrorCode == .timedOut {
                return SolanaRPCError(.timeout, "the request to the Solana node at \(endpoint) timed out")
            }
            let reason = urlErrorCode.map { "URL error \($0.rawValue)" } ?? "the connection failed"
            return .transport(
                "could not reach the Solana node at \(endpoint): \(reason); check the URL and that the node is running "
                    + "and reachable")
        case .notJSONRPC(let endpoint, let method, let status, let problem):
            return .transport(
                "the Solana node at \(endpoint) answered \(method) with HTTP \(status) and \(problem); check that the "
                    + "URL is a JSON-RPC endpoint")
        }
    }

    /// Maps a JSON-RPC error object: -32002 (`SendTransactionPreflightFailure`, with the simulation result as `data`)
    /// and -32003 (`TransactionSignatureVerificationFailure`) to `preflight_failed`, the rest to `rpc_error`.
    private static func rpcError(_ error: JSONValue, method: String, endpoint: String) -> SolanaRPCError {
        guard case .object(let fields) = error, case .string(let rawMessage) = fields["message"] else {
            return .transport(
                "the Solana node at \(endpoint) answered \(method) with a malformed JSON-RPC error object")
        }
        let code: Int
        switch fields["code"] {
        case .signed(let value)?: code = Int(value)
        case .unsigned(let value)? where value <= UInt64(Int.max): code = Int(value)
        default:
            return .transport(
                "the Solana node at \(endpoint) answered \(method) with a malformed JSON-RPC error object")
        }
        let message = String(rawMessage.prefix(1000))
        if code == -32002 || code == -32003 {
            var transactionError: SolanaTransactionError?
            var logs: [String] = []
            if case .object(let data)? = fields["data"] {
                if let err = data["err"], err != .null { transactionError = SolanaTransactionError(err) }
                if case .array(let items)? = data["logs"] {
                    logs = items.compactMap { if case .string(let line) = $0 { line } else { nil } }
                }
            }
            return SolanaRPCError(
                .preflightFailed,
                "the node refused the transaction in preflight (JSON-RPC error \(code)): \(message). "
                    + logHint(logs),
                rpcCode: code, rpcMessage: message, transactionError: transactionError, logs: logs)
        }
        return SolanaRPCError(
            .rpcError, "the Solana node answered \(method) with JSON-RPC error \(code): \(message)", rpcCode: code,
            rpcMessage: message)
    }

    // MARK: - Decoding

    private static func simulation(_ value: SolanaRPCValue) throws(SolanaRPCError) -> SolanaSimulationResult {
        let logs = try value.optionalField("logs")?.array().map { item throws(SolanaRPCError) in try item.string() }
        return SolanaSimulationResult(
            error: try value.optionalField("err").map { SolanaTransactionError($0.value) }, logs: logs ?? [],
            unitsConsumed: try value.optionalField("unitsConsumed")?.u64())
    }

    private static func status(_ item: SolanaRPCValue) throws(SolanaRPCError) -> SolanaSignatureStatus? {
        guard !item.isNull else { return nil }
        var level: Commitment?
        if let text = try item.optionalField("confirmationStatus")?.string() {
            guard let parsed = Commitment(rawValue: text) else {
                throw item.malformed("has confirmationStatus \"\(text.prefix(40))\", not processed/confirmed/finalized")
            }
            level = parsed
        }
        return SolanaSignatureStatus(
            slot: try item.field("slot").u64(), confirmations: try item.optionalField("confirmations")?.u64(),
            error: try item.optionalField("err").map { SolanaTransactionError($0.value) }, confirmationStatus: level)
    }
}

// MARK: - Results

/// The answer of `getLatestBlockhash`.
public struct SolanaLatestBlockhash: Hashable, Sendable {
    /// The blockhash for new transactions.
    public let blockhash: SolanaBlockhash
    /// The last block height at which a transaction with this blockhash is accepted.
    public let lastValidBlockHeight: UInt64
    /// The slot the node answered at (`context.slot`).
    public let slot: UInt64
}

/// An account as `getAccountInfo` returns it.
public struct SolanaAccountInfo: Hashable, Sendable {
    /// The balance.
    public let lamports: UInt64
    /// The program that owns the account.
    public let owner: SolanaPublicKey
    /// The account data.
    public let data: [UInt8]
    /// Whether the account is a program.
    public let executable: Bool
    /// The epoch rent is next due; 2⁶⁴ − 1 for rent-exempt accounts on current clusters.
    public let rentEpoch: UInt64
}

/// A token balance as `getTokenAccountBalance` returns it.
public struct SolanaTokenAmount: Hashable, Sendable {
    /// Base units.
    public let amount: UInt64
    /// The mint's decimals.
    public let decimals: UInt8
    /// The amount in whole tokens as decimal text (the node's `uiAmountString`).
    public let uiAmountString: String
}

/// The outcome of `simulateTransaction`.
public struct SolanaSimulationResult: Hashable, Sendable {
    /// Why the transaction would fail; `nil` when it would succeed.
    public let error: SolanaTransactionError?
    /// The program logs.
    public let logs: [String]
    /// Compute units consumed, when the node reports them.
    public let unitsConsumed: UInt64?
}

/// One entry of `getSignatureStatuses`.
public struct SolanaSignatureStatus: Hashable, Sendable {
    /// The slot the transaction was processed in.
    public let slot: UInt64
    /// Blocks since, or `nil` once rooted (finalized).
    public let confirmations: UInt64?
    /// Why the transaction failed; `nil` when it succeeded.
    public let error: SolanaTransactionError?
    /// How settled the transaction is (`nil` from old nodes).
    public let confirmationStatus: SolanaRPCClient.Commitment?
}

/// A processed transaction's outcome as `getTransaction` returns it.
public struct SolanaTransactionOutcome: Hashable, Sendable {
    /// The slot it was processed in.
    public let slot: UInt64
    /// Why it failed; `nil` when it succeeded.
    public let error: SolanaTransactionError?
    /// The fee charged, in lamports.
    public let fee: UInt64
    /// The program logs (`meta.logMessages`).
    public let logs: [String]
}

// MARK: - SolanaRPCValue

/// ChainKit's error domain for JSON-RPC results: a malformed result is `rpc_malformed_response`.
enum SolanaRPCErrors: JSONRPCErrorDomain {
    static func malformed(method: String, path: String, problem: String) -> SolanaRPCError {
        .malformed(method, path, problem)
    }
}

/// A JSON value from a response with where it came from, for strict typed access and precise messages.
typealias SolanaRPCValue = JSONRPCResultValue<SolanaRPCErrors>

extension JSONRPCResultValue where Domain == SolanaRPCErrors {
    /// An exact JSON integer in 0…2⁶⁴ − 1.
    func u64() throws(SolanaRPCError) -> UInt64 {
        guard case .unsigned(let number) = value else {
            throw malformed(
                "is \(value.kind == "a number" ? "a number outside 0…2⁶⁴−1 or not an integer" : value.kind), not a u64")
        }
        return number
    }

    func publicKey() throws(SolanaRPCError) -> SolanaPublicKey {
        let text = try string()
        guard let key = SolanaPublicKey(text) else { throw malformed("is not a Base58 32-byte public key") }
        return key
    }

    func blockhash() throws(SolanaRPCError) -> SolanaBlockhash {
        let text = try string()
        guard let hash = SolanaBlockhash(text) else { throw malformed("is not a Base58 32-byte blockhash") }
        return hash
    }

    func signature() throws(SolanaRPCError) -> SolanaSignature {
        let text = try string()
        guard let signature = SolanaSignature(text) else { throw malformed("is not a Base58 64-byte signature") }
        return signature
    }
}
