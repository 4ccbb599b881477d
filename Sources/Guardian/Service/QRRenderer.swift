// MARK: - QR hook

/// Renders text (an `otpauth://` provisioning URI) as a QR code in SVG. The domain does not encode QR codes itself:
/// the server plugs in Chronoguard's `QRCode` target (ISO/IEC 18004) here.
///
/// The input carries the TOTP secret, and so does the picture: treat the SVG as a secret — return it once, never log
/// or cache it.
public protocol QRRenderer: Sendable {
    func svg(for text: String) throws -> String
}

/// A ``QRRenderer`` from a closure, e.g. `QRRendererFunction { try QRCode.encode($0).svg() }`.
public struct QRRendererFunction: QRRenderer {
    private let body: @Sendable (String) throws -> String

    /// Wraps `body`, which returns the SVG for its text argument.
    public init(_ body: @escaping @Sendable (String) throws -> String) { self.body = body }

    /// Calls the closure.
    public func svg(for text: String) throws -> String { try body(text) }
}
