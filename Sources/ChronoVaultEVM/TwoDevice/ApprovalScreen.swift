import EVMKit

// MARK: - What the authenticator shows before it proves

extension ChronoVaultRequest {
    /// Calls the approval screen decodes by selector: ERC-20 (EIP-20) and ERC-721 (EIP-721) transfers and approvals,
    /// with their parameter names.
    public static let knownCalls: [(function: ABIFunction, parameters: [String])] = [
        ("transfer(address,uint256)", ["to", "amount"]),
        ("approve(address,uint256)", ["spender", "amount"]),
        ("transferFrom(address,address,uint256)", ["from", "to", "amount"]),
        ("safeTransferFrom(address,address,uint256)", ["from", "to", "tokenId"]),
        ("safeTransferFrom(address,address,uint256,bytes)", ["from", "to", "tokenId", "data"]),
        ("setApprovalForAll(address,bool)", ["operator", "approved"]),
        ("increaseAllowance(address,uint256)", ["spender", "amount"]),
    ].map { (try! ABIFunction($0.0), $0.1) }

    /// Names of well-known chain ids (chainlist.org), shown next to the number.
    public static let chainNames: [UInt64: String] = [
        1: "Ethereum", 10: "OP Mainnet", 56: "BNB Smart Chain", 137: "Polygon", 8453: "Base", 42161: "Arbitrum One",
        17000: "Holesky testnet", 11155111: "Sepolia testnet", 1337: "local test chain", 31337: "local test chain",
    ]

    /// The approval screen: the decoded fields the proof binds, never device A's word for them. Device A's
    /// ``summary`` is shown last and marked unverified, with control characters made visible so it cannot move the
    /// cursor or recolour the screen.
    public var approvalText: String {
        let chain = Self.chainNames[chainID].map { "\(chainID) (\($0))" } ?? "\(chainID)"
        var lines = [
            "Approve this ChronoVault call?",
            "  chain:      \(chain)",
            "  wallet:     \(wallet.checksummed)",
            "  recipient:  \(to.checksummed)",
            "  amount:     \(Self.ether(value)) ETH (\(value) wei)",
        ]
        if data.isEmpty {
            lines.append("  call:       none (a plain transfer)")
        } else if let (function, names) = Self.knownCalls.first(where: { Array(data.prefix(4)) == $0.function.selector }
        ),
            let arguments = try? function.decodeCall(data)
        {
            lines.append("  call:       \(function.signature) on \(to.checksummed)")
            for (name, argument) in zip(names, arguments) {
                lines.append("    \(name): \(Self.visible(argument.description))")
            }
        } else {
            let selector = Hex.encode(data.prefix(4))
            lines.append("  call:       unknown function \(selector), \(data.count) bytes of data")
            lines.append("    data: \(Hex.encode(data.prefix(64)))\(data.count > 64 ? "…" : "")")
        }
        lines.append("  nonce:      \(nonce)")
        if !summary.isEmpty {
            lines.append("  the wallet device says (unverified): \(Self.visible(summary))")
        }
        return lines.joined(separator: "\n")
    }

    /// Wei as ether: the decimal with 18 places, trailing zeros dropped (`1.5`, `0.000000000000000001`, `0`).
    public static func ether(_ wei: UInt256) -> String {
        let digits = Array(wei.description)
        let padded = [Character](repeating: "0", count: max(0, 19 - digits.count)) + digits
        let whole = String(padded.dropLast(18))
        let fraction = String(padded.suffix(18)).reversed().drop { $0 == "0" }.reversed()
        return fraction.isEmpty ? whole : whole + "." + String(fraction)
    }

    /// `text` with C0/C1 control characters (ESC, CR, BEL, …) and bidi overrides shown as `\u{…}` escapes.
    static func visible(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let control =
                value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
                || (0x2066...0x2069).contains(value)
            out += control ? "\\u{\(String(value, radix: 16))}" : String(scalar)
        }
        return out
    }
}
