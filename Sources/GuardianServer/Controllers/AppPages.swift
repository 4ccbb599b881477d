import Foundation
import Hummingbird

// MARK: - The browser pages

/// The two ChronoVault pages and what they load, served under `/app/` (docs/wasm.md, "The pages"):
///
/// - `GET /app/authenticator` — device B: keeps the ZK-TOTP secret (IndexedDB, encrypted under a passphrase with
///   WebCrypto), scans a request, shows what it approves, proves in a Web Worker, shows the proof as animated QR codes;
/// - `GET /app/wallet` — device A: reads a ChronoVault wallet through the browser's EIP-1193 provider, shows a request
///   as animated QR codes, scans the proof, checks it and sends `executeWithProof`;
/// - `GET /app/NAME` — their scripts, style sheet and `chronoguard.wasm` (the Swift prover, QR and UR code compiled to
///   WebAssembly, scripts/build-wasm.sh), and `proving_key.bin` when the server has
///   ``GuardianServerConfiguration/zkKeysDirectory``.
///
/// The files are the `App` resource directory of this target, read once when the router is built: only names found
/// there are served (a dictionary lookup of one path segment; nothing is read from disk per request). The pages run
/// no inline script and load nothing from elsewhere, so their Content-Security-Policy allows only this origin (plus
/// `'wasm-unsafe-eval'` to compile the module), and the camera only for this origin.
public struct AppPages: Sendable {
    /// One file: its bytes and media type.
    struct File: Sendable {
        let bytes: ByteBuffer
        let contentType: String
    }

    let files: [String: File]

    /// Media types by file extension; files of other kinds in the directory are not served.
    static let mediaTypes = [
        "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
        "wasm": "application/wasm", "svg": "image/svg+xml", "bin": "application/octet-stream",
    ]

    /// The pages' policy (CSP Level 3): scripts, styles, workers, the module and fetches from this origin only; images
    /// from canvases (`data:`/`blob:`); the camera stream; no framing, no forms posting elsewhere.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; "
        + "style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    /// The camera for this origin only (the pages scan QR codes); everything else stays off.
    static let permissionsPolicy =
        "accelerometer=(), camera=(self), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), "
        + "usb=(), interest-cohort=()"

    /// The pages without a proving key.
    public init() { self.files = Self.bundled() }

    /// The pages and, when given, `proving_key.bin` from the keys directory; an unreadable key file is reported when
    /// the server starts, not per request.
    public init(keysDirectory: URL?) throws {
        var files = Self.bundled()
        if let keysDirectory {
            let path = keysDirectory.appendingPathComponent("proving_key.bin").path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AppPagesError("cannot read \(path); pass --zk-keys a directory written by `chronoguard zk setup`")
            }
            files["proving_key.bin"] = File(bytes: ByteBuffer(bytes: data), contentType: "application/octet-stream")
        }
        self.files = files
    }

    /// Reads the resource directory once; a build without it serves no pages.
    static func bundled() -> [String: File] {
        var files: [String: File] = [:]
        guard let directory = Bundle.module.url(forResource: "App", withExtension: nil) else { return files }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] {
            guard let type = mediaTypes[(name as NSString).pathExtension], name != "proving_key.bin",
                let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
            else { continue }
            files[name] = File(bytes: ByteBuffer(bytes: data), contentType: type)
        }
        return files
    }

    /// Adds `GET /app/authenticator`, `GET /app/wallet` and `GET /app/{file}` to `router`.
    package func register(on router: Router<GuardianRequestContext>) {
        router.get("/app/authenticator") { _, _ in try serve("authenticator.html") }
        router.get("/app/wallet") { _, _ in try serve("wallet.html") }
        router.get("/app/{file}") { _, context in
            try serve(try context.parameters.require("file"))
        }
    }

    /// The file's response: its media type, revalidated on each use (`no-cache`: a new build is picked up at once),
    /// and the pages' own CSP and Permissions-Policy (``SecurityHeadersMiddleware`` keeps them).
    func serve(_ name: String) throws -> Response {
        guard let file = files[name] else {
            if name == "proving_key.bin" {
                throw APIError(
                    .notFound, code: APIError.Code.notFound,
                    message: "This server has no proving key for the pages; start it with --zk-keys DIR (a "
                        + "`chronoguard zk setup` directory).")
            }
            throw APIError(
                .notFound, code: APIError.Code.notFound,
                message: "There is no /app/\(name); open /app/wallet or /app/authenticator.")
        }
        var headers = HTTPFields()
        headers[.contentType] = file.contentType
        headers[.cacheControl] = "no-cache"
        headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        headers[.permissionsPolicy] = Self.permissionsPolicy
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.bytes))
    }
}

/// Why the pages could not be set up (a bad `--zk-keys`).
public struct AppPagesError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
