import Benchmark
import QRCode

// MARK: - QR code benchmarks

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput], maxDuration: .seconds(2))

    // A typical TOTP enrolment URI (114 bytes): byte mode with an alphanumeric run for the secret, version 7-M.
    let otpauthURI =
        "otpauth://totp/Chronoguard:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Chronoguard&digits=6"

    Benchmark("QRCode.encode otpauth URI (M, automatic mask)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try QRCode.encode(otpauthURI, ecLevel: .medium))
        }
    }

    Benchmark("QRCode.encode otpauth URI + PNG (scale 8)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try QRCode.encode(otpauthURI, ecLevel: .medium).png(scale: 8))
        }
    }
}
