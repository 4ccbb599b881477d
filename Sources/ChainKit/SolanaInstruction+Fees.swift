// MARK: - Prioritization fee

extension SolanaInstruction {
    /// Most compute units a transaction may request: 1,400,000 (`MAX_COMPUTE_UNIT_LIMIT`, agave
    /// `compute-budget/src/compute_budget_limits.rs`); larger requests are clamped to it.
    public static let maximumComputeUnitLimit: UInt64 = 1_400_000

    /// Units assumed per instruction when no `SetComputeUnitLimit` is given: 200,000
    /// (`DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT`, same file). Newer validators grant built-in programs only 3,000, so
    /// 200,000 per instruction is an upper bound.
    public static let defaultComputeUnitsPerInstruction: UInt64 = 200_000

    /// Micro-lamports per lamport: 10^6 (`MICRO_LAMPORTS_PER_LAMPORT`).
    static let microLamportsPerLamport: UInt64 = 1_000_000

    /// An upper bound, in lamports, of the prioritization fee the fee payer is charged on top of the signature fees:
    /// `ceil(compute_unit_price × compute_unit_limit / 10^6)`, saturating at `UInt64.max` (agave
    /// `ComputeBudgetLimits::get_prioritization_fee`), where the limit is the requested one (clamped to 1.4 M) or
    /// 200,000 per instruction of the transaction (clamped to 1.4 M).
    ///
    /// Zero when the transaction sets no compute unit price. When the price or limit is set more than once the runtime
    /// rejects the transaction (`DuplicateInstruction`); the bound then uses the largest value.
    public static func prioritizationFeeUpperBound(_ instructions: [SolanaInstruction]) -> UInt64 {
        var price: UInt64 = 0
        var requestedLimit: UInt64?
        for instruction in instructions {
            guard case .computeBudget(let budget) = instruction.kind else { continue }
            switch budget {
            case .setComputeUnitPrice(let microLamports): price = max(price, microLamports)
            case .setComputeUnitLimit(let units): requestedLimit = max(requestedLimit ?? 0, UInt64(units))
            default: break
            }
        }
        guard price > 0 else { return 0 }
        let defaultLimit = UInt64(instructions.count).multipliedReportingOverflow(by: defaultComputeUnitsPerInstruction)
            .partialValue
        let limit = min(requestedLimit ?? defaultLimit, maximumComputeUnitLimit)
        // price × limit fits in 128 bits; round up, then saturate to u64 as the runtime does.
        let product = price.multipliedFullWidth(by: limit)
        let rounded = product.low.addingReportingOverflow(microLamportsPerLamport - 1)
        let high = product.high + (rounded.overflow ? 1 : 0)
        guard high < microLamportsPerLamport else { return .max }
        return microLamportsPerLamport.dividingFullWidth((high: high, low: rounded.partialValue)).quotient
    }
}
