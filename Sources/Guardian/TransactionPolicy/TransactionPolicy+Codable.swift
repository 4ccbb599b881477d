import ChainKit
import Foundation

// MARK: - Stored form

/// The JSON form stores keep (and the HTTP API mirrors): amounts as decimal strings because a `u64` exceeds JSON's
/// safe integers (RFC 8259 §6: 2^53 − 1), keys in Base58, lists sorted so equal policies encode to equal bytes.
///
/// `{"spendingLimits":[{"asset":"SOL","period":"day","amount":"5000000000"}],"allowedDestinations":null,"allowedPrograms":[]}`
extension TransactionPolicy: Codable {
    enum CodingKeys: String, CodingKey { case spendingLimits, allowedDestinations, allowedPrograms }

    struct LimitForm: Codable {
        let asset: String
        let period: SpendingPeriod
        let amount: String
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let forms = try container.decode([LimitForm].self, forKey: .spendingLimits)
        var limits: [SpendingLimit] = []
        for form in forms {
            guard let asset = PolicyAsset(text: form.asset), let amount = PolicyAmount.parse(form.amount) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .spendingLimits, in: container,
                    debugDescription: "invalid limit \(form.asset) \(form.amount)")
            }
            limits.append(SpendingLimit(asset: asset, period: form.period, amount: amount))
        }
        func keys(_ texts: [String]) throws -> Set<SolanaPublicKey> {
            Set(
                try texts.map { text in
                    guard let key = SolanaPublicKey(text) else {
                        throw DecodingError.dataCorruptedError(
                            forKey: .allowedPrograms, in: container, debugDescription: "invalid key \(text)")
                    }
                    return key
                })
        }
        let destinations = try container.decodeIfPresent([String].self, forKey: .allowedDestinations).map(keys)
        let programs = try keys(container.decode([String].self, forKey: .allowedPrograms))
        do { try self.init(spendingLimits: limits, allowedDestinations: destinations, allowedPrograms: programs) } catch
        {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(
            spendingLimits.map { LimitForm(asset: $0.asset.text, period: $0.period, amount: String($0.amount)) },
            forKey: .spendingLimits)
        if let allowedDestinations {
            try container.encode(allowedDestinations.sorted().map(\.base58), forKey: .allowedDestinations)
        } else {
            try container.encodeNil(forKey: .allowedDestinations)
        }
        try container.encode(allowedPrograms.sorted().map(\.base58), forKey: .allowedPrograms)
    }

    /// The stored JSON text.
    public func storedJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Decodes ``storedJSON()`` output.
    public init(storedJSON text: String) throws {
        self = try JSONDecoder().decode(TransactionPolicy.self, from: Data(text.utf8))
    }
}

// MARK: - Amounts

/// `u64` amounts as decimal text, and their display with decimals.
public enum PolicyAmount {
    /// Parses a canonical decimal `u64` (digits only, no sign, no leading zero unless "0"); nil otherwise.
    public static func parse(_ text: String) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= 20, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            text == "0" || !text.hasPrefix("0")
        else { return nil }
        return UInt64(text)
    }

    /// `amount` as a decimal number with `decimals` fraction digits, trailing zeros removed: 6200000000 with 9
    /// decimals is `6.2`.
    public static func format(_ amount: UInt64, decimals: UInt8) -> String {
        var digits = String(amount)
        let places = Int(decimals)
        guard places > 0 else { return digits }
        if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
        var fraction = String(digits.suffix(places))
        let whole = String(digits.dropLast(places))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? whole : whole + "." + fraction
    }
}
