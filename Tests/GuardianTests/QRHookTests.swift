import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import OTP
import QRCode
import TestSupport
import Testing

/// The QR hook filled with Chronoguard's QRCode target, as the server will: the SVG returned at enrollment is the
/// provisioning URI's symbol, and that symbol scans (zbarimg, from Debian's zbar-tools) back to the exact URI.
@Suite(.serialized) struct QRHookTests {
    @Test func enrollmentQRCodeScansToTheProvisioningURI() async throws {
        let harness = try await GuardianHarness.make(qrRenderer: QRRendererFunction { try QRCode.encode($0).svg() })
        for _ in 0..<3 {
            let owner = SolanaKeypair()
            let start = try await harness.service.beginEnrollment(
                session: harness.login(owner), wallet: owner.publicKey.base58)
            let svg = try #require(start.qrSVG)
            #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
            #expect(svg == (try QRCode.encode(start.otpauthURI).svg()))
            #expect(try scan(QRCode.encode(start.otpauthURI).png()) == start.otpauthURI)
        }
    }

    /// Decodes a PNG with zbarimg; fails with the install hint when zbarimg is missing.
    func scan(_ png: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("guardian-qr-\(UUID().uuidString).png")
        try Data(png).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let data = try ExternalPeer.run("zbarimg", ["--quiet", "--raw", "-Sbinary", file.path])
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
