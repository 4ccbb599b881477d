#!/usr/bin/env bash
# Checks that Chronoguard's libraries can be used the way another project would use them: from a version tag, with
# nothing of the server. Fails when
#   1. Package.swift contains `unsafeFlags` (SwiftPM refuses a package with unsafe flags as a versioned dependency), or
#   2. a scratch package outside the repo, depending on a tagged copy of this repository *by version*, cannot build
#      and run a program that uses OTP, QRCode, JSONRPC, ChainKit, EVMKit, ZKTOTP, the guardian client (GuardianAPI) and the
#      embedded store (GuardianSQLite), or
#   3. that build compiled NIO, Hummingbird, NIOSSL or Prometheus (the layers below the server must not need them).
#
#   scripts/check-consumer.sh            # uses a temporary directory, removed afterwards
# Bounded: one debug build of the libraries the consumer names (about 2–3 minutes cold on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if grep -n "unsafeFlags" Package.swift; then
  echo "check-consumer: Package.swift uses unsafeFlags; SwiftPM will refuse Chronoguard as a versioned dependency" >&2
  exit 1
fi

work=$(mktemp -d /tmp/chronoguard-consumer.XXXXXX)
[[ -n "${KEEP_CONSUMER:-}" ]] || trap 'rm -rf "$work"' EXIT

# A tagged copy of the committed tree (what a user would get from a release tag).
git clone -q "$root" "$work/chronoguard"
git -C "$work/chronoguard" -c user.name=check -c user.email=check@localhost tag -a 0.0.1 -m "consumer check" >/dev/null

mkdir -p "$work/consumer/Sources/Consumer"
cat > "$work/consumer/Package.swift" <<EOF
// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Consumer",
    dependencies: [.package(url: "file://$work/chronoguard", exact: "0.0.1")],
    targets: [
        .executableTarget(
            name: "Consumer",
            dependencies: [
                .product(name: "OTP", package: "chronoguard"),
                .product(name: "QRCode", package: "chronoguard"),
                .product(name: "JSONRPC", package: "chronoguard"),
                .product(name: "ChainKit", package: "chronoguard"),
                .product(name: "EVMKit", package: "chronoguard"),
                .product(name: "ZKTOTP", package: "chronoguard"),
                .product(name: "GuardianAPI", package: "chronoguard"),
                .product(name: "GuardianSQLite", package: "chronoguard"),
            ]
        ),
    ]
)
EOF
cat > "$work/consumer/Sources/Consumer/main.swift" <<'EOF'
import ChainKit
import EVMKit
import Foundation
import GuardianAPI
import GuardianSQLite
import JSONRPC
import OTP
import QRCode
import ZKTOTP

// RFC 6238 Appendix B: T = 59, SHA-1, 8 digits → 94287082.
let totp = try TOTP(secret: OTPSecret(bytes: Array("12345678901234567890".utf8)), digits: 8)
let vector = try totp.code(at: 59)
precondition(vector == "94287082", "RFC 6238 vector")
// A QR code of an otpauth URI, and a Solana key's Base58 text round trip.
let symbol = try QRCode.encode("otpauth://totp/Consumer:check?secret=GEZDGNBVGY3TQOJQ", ecLevel: .medium)
let key = SolanaKeypair().publicKey
let parsed = try SolanaPublicKey(base58: key.base58)
precondition(parsed == key)
// A ZK-TOTP code for a fresh secret (Poseidon over BN254).
let secret = ZKTOTP.newSecret()
let code = ZKTOTP.code(secret: secret, time: 1_900_000_000)
// The guardian client and its wire models: a request body encodes, an error body decodes.
let client = GuardianAPIClient(baseURL: URL(string: "https://guardian.example.com")!)
let body = try JSONCoding.makeEncoder().encode(GuardianAPI.CosignRequest(transaction: "AQID", code: "123456"))
let failure = try JSONCoding.makeDecoder().decode(GuardianAPI.ErrorResponse.self, from: Data(#"{"error":{"code":"invalid_code","message":"Wrong code."}}"#.utf8))
precondition(failure.error.code == "invalid_code" && !body.isEmpty)
// EVMKit: sign an EIP-1559 transaction and recover its sender.
let evmKey = Secp256k1PrivateKey.generate()
let evmTransaction = Transaction.eip1559(
    EIP1559Transaction(
        chainId: 1, nonce: 0, maxPriorityFeePerGas: UInt256(1), maxFeePerGas: UInt256(2), gasLimit: 21_000,
        to: EthereumAddress.zero, value: UInt256(1)))
let evmSender = try evmTransaction.signed(by: evmKey).sender()
precondition(evmSender == evmKey.address)
// JSONRPC: the shared JSON tree keeps a u64 exact (a Double would round it).
let lamports = try JSONDecoder().decode(JSONValue.self, from: Data("18446744073709551615".utf8))
precondition(lamports == .unsigned(UInt64.max) && lamports.kind == "a number")
// The embedded store opens (and migrates) a database in a temporary directory.
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("consumer-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let store = try SQLiteGuardianStore.open(path: directory.appendingPathComponent("guardian.sqlite").path)
_ = store
print("consumer: TOTP ok, QR version \(symbol.version), ZK-TOTP code \(code), client for \(client.baseURL.host ?? "?")")
EOF

# One command per line, so `set -e` stops at a failed build.
(cd "$work/consumer" && swift build -q)
(cd "$work/consumer" && swift run -q Consumer)

# SwiftPM plans (creates empty folders for) every target of the graph; what was compiled has object files.
# (GuardianAPI's HTTP client uses Foundation's URLSession: no NIO.)
built=""
for module in NIOCore NIOPosix Hummingbird HummingbirdCore NIOSSL Prometheus; do
  if [[ -n $(find "$work/consumer/.build/debug/$module.build" -name '*.o' 2>/dev/null | head -1) ]]; then built+=" $module"; fi
done
if [[ -n "$built" ]]; then
  echo "check-consumer: building the libraries compiled server dependencies:$built" >&2
  exit 1
fi
echo "check-consumer: OTP, QRCode, JSONRPC, ChainKit, EVMKit, ZKTOTP, GuardianAPI and GuardianSQLite build from a version tag without unsafeFlags or server dependencies"
