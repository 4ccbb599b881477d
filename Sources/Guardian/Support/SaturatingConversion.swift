// MARK: - Conversions that cannot trap

extension Int {
    /// `value` rounded up, clamped to `0...Int.max`; NaN gives 0. `Int(someDouble)` traps on NaN, infinities and
    /// values out of range — a crash any request or option reaching it could cause — so durations computed from
    /// configuration or stored times (`Retry-After` seconds, timelock waits) go through this instead.
    init(saturatingSecondsUp value: Double) {
        if value.isNaN || value <= 0 {
            self = 0
        } else if value >= Double(Int.max) {
            self = .max
        } else {
            self = Int(value.rounded(.up))
        }
    }
}
