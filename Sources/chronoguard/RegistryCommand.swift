import ArgumentParser
import Crypto
import EVMKit
import Foundation
import Logging
import OTPRegistry
import OTPRegistryServer
import Prometheus
import QRCode

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// MARK: - chronoguard registry

struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "The OTP registry (issue 17): deploy OTPRegistry.vy, run its issuer, request and verify codes.",
        discussion: """
            docs/registry.md. Passwords: --password-file FILE or CHRONOGUARD_KEYSTORE_PASSWORD. The issuer's master \
            key: CHRONOGUARD_REGISTRY_MASTER_KEY (64 hex digits) or DATA_DIR/registry-master.key (created, 0600).
            """,
        subcommands: [Deploy.self, Serve.self, Enroll.self, Confirm.self, Request.self, Verify.self])

    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deploy",
            abstract: "Deploy OTPRegistry with the keystore's account as admin and issuer; print the address.")
        @Option(name: .long, help: "The node's JSON-RPC URL.") var rpcUrl: String
        @Option(name: .long, help: "The deployer's keystore (admin and issuer).") var keystore: String
        @Option(name: .long, help: "A file whose first line is the keystore's password.") var passwordFile: String?
        @Option(name: .long, help: "Another issuer address (default: the keystore's).") var issuer: String?

        func run() async throws {
            try await reportingFailures {
                let key = try EVMCommandSupport.loadKey(keystore: keystore, passwordFile: passwordFile)
                let issuerAddress = try issuer.map { i throws(EVMError) in try EthereumAddress(i) } ?? key.address
                let deployed = try await RegistryContract.deploy(
                    client: try EVMCommandSupport.client(rpcUrl), deployer: key, admin: key.address,
                    issuer: issuerAddress)
                print(deployed.address.checksummed)
            }
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Run the issuer service (HTTP) for a deployed registry, sending setOtp from the keystore.")
        @Option(name: .long, help: "The node's JSON-RPC URL.") var rpcUrl: String
        @Option(name: .long, help: "The issuer's keystore.") var keystore: String
        @Option(name: .long, help: "A file whose first line is the keystore's password.") var passwordFile: String?
        @Option(name: .long, help: "The OTPRegistry address.") var registry: String
        @Option(name: .long, help: "Port (0: any free one).") var port: Int = 8090
        @Option(name: .long, help: "Address to listen on.") var host: String = "127.0.0.1"
        @Option(name: .long, help: "Data directory (SQLite store, master key file).") var dataDir: String =
            "./chronoguard-registry"
        @Option(name: .long, help: "SIWE domain (default HOST:PORT).") var domain: String?
        @Option(name: .long, help: "SIWE URI (default http://HOST:PORT).") var uri: String?
        @Option(name: .long, help: "Request lifetime in seconds (≤ 3600).") var ttl: UInt64 = 120

        func run() async throws {
            try await reportingFailures {
                let key = try EVMCommandSupport.loadKey(keystore: keystore, passwordFile: passwordFile)
                let client = try EVMCommandSupport.client(rpcUrl)
                let registryAddress = try EthereumAddress(registry)
                try FileManager.default.createDirectory(
                    atPath: dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let master = try RegistryCommand.masterKey(dataDir: dataDir)
                let chainID = try await client.chainId()
                var configuration = RegistryService.Configuration(
                    signInDomain: domain ?? "\(host):\(port)", signInURI: uri ?? "http://\(host):\(port)",
                    chainID: chainID, registry: registryAddress)
                configuration.requestTTL = ttl
                let store = try RegistryStore(
                    path: (dataDir as NSString).appendingPathComponent("registry.sqlite3"),
                    auditKey: HKDF<SHA256>.deriveKey(
                        inputKeyMaterial: SymmetricKey(data: master), info: Array("otp/audit".utf8),
                        outputByteCount: 32))
                let prometheus = PrometheusCollectorRegistry()
                let service = try RegistryService(
                    configuration: configuration, masterKey: master, store: store,
                    issuer: IssuerAccount(key: key, client: client),
                    metrics: RegistryMetrics(sink: PrometheusRegistryMetrics(registry: prometheus)))
                var logger = Logger(label: "chronoguard.registry")
                logger.logLevel = .info
                let app = buildRegistryApplication(
                    service: service, registry: prometheus, host: host, port: port, logger: logger)
                try await app.runService()
            }
        }
    }

    /// The master key: the environment, else the data directory's key file, created from the CSPRNG (0600).
    static func masterKey(dataDir: String) throws -> [UInt8] {
        if let text = ProcessInfo.processInfo.environment["CHRONOGUARD_REGISTRY_MASTER_KEY"] {
            guard let key = Hex.decode(text), key.count == 32 else {
                throw CLIFailure("CHRONOGUARD_REGISTRY_MASTER_KEY must be 64 hex digits", status: 64)
            }
            return key
        }
        let path = (dataDir as NSString).appendingPathComponent("registry-master.key")
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw CLIFailure("\(path) must hold 32 bytes", status: 1) }
            return Array(data)
        }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        guard FileManager.default.createFile(atPath: path, contents: Data(key), attributes: [.posixPermissions: 0o600])
        else { throw CLIFailure("cannot create the master key file \(path)", status: 1) }
        return key
    }

    // MARK: Client commands

    struct ClientOptions: ParsableArguments {
        @Option(name: .long, help: "The issuer service's URL.") var server: String = "http://127.0.0.1:8090"
        @Option(name: .long, help: "The user's keystore (signs in with SIWE).") var keystore: String
        @Option(name: .long, help: "A file whose first line is the keystore's password.") var passwordFile: String?
    }

    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enroll",
            abstract: "Sign in and print the authenticator's otpauth URI and QR code (until confirmed).")
        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await reportingFailures {
                let session = try await RegistryClient.signIn(options)
                let reply = try await session.post("/v1/enrollment", [:])
                let uri = reply["otpauthUri"] as? String ?? ""
                print(uri)
                print(try QRCode.encode(uri).terminalString())
            }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "confirm", abstract: "Confirm the enrollment with a first code.")
        @OptionGroup var options: ClientOptions
        @Option(name: .long, help: "The authenticator's code.") var code: String

        func run() async throws {
            try await reportingFailures {
                _ = try await RegistryClient.signIn(options).post("/v1/enrollment/confirm", ["code": code])
                print("enrolled")
            }
        }
    }

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request",
            abstract: "Ask the issuer for a request for an action scope; print its id, expiry and step.")
        @OptionGroup var options: ClientOptions
        @Option(name: .long, help: "The action scope.") var scope: String

        func run() async throws {
            try await reportingFailures {
                let reply = try await RegistryClient.signIn(options).post("/v1/requests", ["scope": scope])
                for key in ["requestId", "expiry", "step", "stepEndsAt", "transactionHash"] {
                    print("\(key): \(reply[key].map { "\($0)" } ?? "-")")
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Trade the code for the request's salt, then call verify on chain from the keystore's account.")
        @OptionGroup var options: ClientOptions
        @Option(name: .long, help: "The node's JSON-RPC URL.") var rpcUrl: String
        @Option(name: .long, help: "The OTPRegistry address.") var registry: String
        @Option(name: .long, help: "The request id (0x hex).") var requestId: String
        @Option(name: .long, help: "The authenticator's code for the request's step.") var code: String

        func run() async throws {
            try await reportingFailures {
                let session = try await RegistryClient.signIn(options)
                let reply = try await session.post("/v1/requests/\(requestId)/salt", ["code": code])
                let salt = try Hex.decodePrefixed(reply["salt"] as? String ?? "", byteCount: 32, what: "salt")
                let id = try Hex.decodePrefixed(requestId, byteCount: 32, what: "--request-id")
                guard let otp = UInt32(code) else { throw CLIFailure("--code must be digits", status: 64) }
                let data = try RegistryContract.verify.encodeCall([
                    .fixedBytes(id), .uint(UInt256(UInt64(otp))), .fixedBytes(salt),
                ])
                let result = try await EVMCommandSupport.client(rpcUrl).send(
                    to: try EthereumAddress(registry), data: data, signedBy: session.key)
                print(Hex.encode(result.receipt.transactionHash))
                guard result.receipt.status else {
                    let name = RegistryContract.errorName(revertData: result.revertData) ?? "reverted"
                    throw CLIFailure("verify reverted: \(name)", status: 1)
                }
                let verified = result.receipt.logs.contains { $0.topics.first == RegistryContract.otpVerified.topic0 }
                print(verified ? "verified" : "wrong code (attempt counted)")
                if !verified { throw CLIFailure("the code did not match", status: 1) }
            }
        }
    }
}

/// A signed-in HTTP session with the issuer (URLSession, JSON).
struct RegistryClient {
    let base: URL
    let token: String
    let key: Secp256k1PrivateKey

    static func signIn(_ options: RegistryCommand.ClientOptions) async throws -> RegistryClient {
        guard let base = URL(string: options.server), base.scheme == "http" || base.scheme == "https" else {
            throw CLIFailure("--server must be an http(s) URL", status: 64)
        }
        let key = try EVMCommandSupport.loadKey(keystore: options.keystore, passwordFile: options.passwordFile)
        let anonymous = RegistryClient(base: base, token: "", key: key)
        let challenge = try await anonymous.post("/v1/auth/challenge", ["address": key.address.checksummed])
        let message = challenge["message"] as? String ?? ""
        let signature = try PersonalMessage.sign(Array(message.utf8), with: key)
        let session = try await anonymous.post(
            "/v1/auth/verify", ["message": message, "signature": Hex.encode(signature.rsv)])
        return RegistryClient(base: base, token: session["token"] as? String ?? "", key: key)
    }

    func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        guard let url = URL(string: base.absoluteString.trimmingCharacters(in: ["/"]) + path) else {
            throw CLIFailure("bad path \(path)", status: 64)
        }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if !token.isEmpty { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard (200..<300).contains(status) else {
            let error = json["error"] as? [String: Any]
            throw CLIFailure(
                "\(status) \(error?["code"] as? String ?? "error"): \(error?["message"] as? String ?? "")", status: 1)
        }
        return json
    }
}
