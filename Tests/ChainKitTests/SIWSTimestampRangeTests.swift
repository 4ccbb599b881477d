import ChainKit
import Foundation
import Testing

@Suite("SIWS timestamps: dates far outside 0000–9999 throw, never trap")
struct SIWSTimestampRangeTests {
    @Test("a date a million years away, or not a number, is invalid_timestamp")
    func farDates() {
        for seconds in [1e300, -1e300, 3.2e13, .infinity, .nan] {
            let error = #expect(throws: SIWSError.self) {
                try SIWSTimestamp(Date(timeIntervalSince1970: seconds))
            }
            #expect(error?.code == .invalidTimestamp, "\(seconds)")
        }
        let year10000 = #expect(throws: SIWSError.self) {
            try SIWSTimestamp(Date(timeIntervalSince1970: 253_402_300_800))
        }
        #expect(year10000?.message.contains("year 10000") == true)
    }
}
