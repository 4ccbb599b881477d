import Benchmark
import EVMKit

// MARK: - EVMKit benchmarks (issue 13): Keccak-256, ECDSA on secp256k1

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .one,
        maxDuration: .seconds(3)
    )

    let word = [UInt8](repeating: 7, count: 32)
    Benchmark("Keccak-256 32 B", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Keccak256.hash(word)) }
    }
    let kibibyte = [UInt8](repeating: 7, count: 1024)
    Benchmark("Keccak-256 1 KiB", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Keccak256.hash(kibibyte)) }
    }

    let key = Secp256k1PrivateKey.generate()
    let digest = Keccak256.hash(Array("benchmark".utf8))
    let signature = try! key.sign(digest: digest)
    let publicKey = key.publicKey
    Benchmark("ECDSA sign (RFC 6979, low s)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! key.sign(digest: digest)) }
    }
    Benchmark("ECDSA verify") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(publicKey.isValidSignature(signature, digest: digest)) }
    }
    Benchmark("ECDSA recover (ecrecover)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! Secp256k1PublicKey.recover(digest: digest, signature: signature))
        }
    }

    let function = try! ABIFunction("f(address,uint256,bytes32,bool,string,uint64[],(address,uint256))")
    let arguments: [ABIValue] = [
        .address(key.address), .uint(UInt256(1_000_000)), .fixedBytes(digest), .bool(true), .string("chronoguard"),
        .array([.uint(UInt256(1)), .uint(UInt256(2)), .uint(UInt256(3))]),
        .tuple([.address(publicKey.address), .uint(UInt256.max)]),
    ]
    Benchmark("ABI encode, 7 arguments", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! function.encodeCall(arguments)) }
    }
}
