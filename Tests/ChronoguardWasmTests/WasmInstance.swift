import Foundation
import WasmKit
import WasmKitWASI

// MARK: - The module in WasmKit

/// One instance of `Sources/GuardianServer/App/chronoguard.wasm` (scripts/build-wasm.sh) in WasmKit with WASI preview 1,
/// and typed calls into its C ABI. A trap throws; the tests then throw the instance away, as a page must.
final class WasmInstance {
    /// The committed module's bytes, read once.
    static let moduleBytes: [UInt8] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("Sources/GuardianServer/App/chronoguard.wasm")
        return [UInt8](try! Data(contentsOf: path))
    }()

    let store: Store
    /// WASI preview 1 on the host (stdio borrowed, no preopened directories); closed with the instance.
    let wasi: WASIBridgeToHost
    let instance: Instance
    let memory: Memory

    /// A fresh instance; `randomGet`, when given, replaces WASI's `random_get` (a failing host, for instance).
    init(randomGet: ((Memory, UInt32, UInt32) -> UInt32)? = nil) throws {
        let module = try parseWasm(bytes: Self.moduleBytes)
        store = Store(engine: Engine())
        var imports = Imports()
        wasi = try WASIBridgeToHost()
        wasi.link(to: &imports, store: store)
        if let randomGet {
            imports.define(
                module: "wasi_snapshot_preview1", name: "random_get",
                Function(store: store, parameters: [.i32, .i32], results: [.i32]) { caller, arguments in
                    guard case .memory(let memory) = caller.instance?.export("memory"),
                        case .i32(let pointer) = arguments[0], case .i32(let length) = arguments[1]
                    else { return [.i32(28)] }
                    return [.i32(randomGet(memory, pointer, length))]
                })
        }
        instance = try module.instantiate(store: store, imports: imports)
        guard let memory = instance.exports[memory: "memory"] else { throw Failure("no memory export") }
        self.memory = memory
    }

    deinit { try? wasi.close() }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Calls an export with i32/i64 arguments and returns its first result as a signed integer (0 for none).
    @discardableResult
    func call(_ name: String, _ arguments: [Value]) throws -> Int64 {
        guard let function = instance.exports[function: name] else { throw Failure("no export \(name)") }
        switch try function(arguments).first {
        case .i32(let value): return Int64(Int32(bitPattern: value))
        case .i64(let value): return Int64(bitPattern: value)
        default: return 0
        }
    }

    /// Copies `bytes` into module memory (cg_alloc) and returns the address.
    func write(_ bytes: [UInt8]) throws -> UInt32 {
        let address = UInt32(try call("cg_alloc", [.i32(UInt32(bytes.count))]))
        guard address != 0 else { throw Failure("cg_alloc(\(bytes.count)) failed") }
        if !bytes.isEmpty {
            memory.withUnsafeMutableBufferPointer(offset: UInt(address), count: bytes.count) {
                $0.copyBytes(from: bytes)
            }
        }
        return address
    }

    /// The last call's result buffer.
    func result() throws -> [UInt8] {
        let pointer = UInt32(truncatingIfNeeded: try call("cg_result_ptr", []))
        let count = Int(try call("cg_result_len", []))
        guard count > 0 else { return [] }
        return memory.withUnsafeBufferPointer(offset: UInt(pointer), count: count) { [UInt8]($0) }
    }

    /// The last call's result as text (an error message after a failure status).
    func message() throws -> String { String(decoding: try result(), as: UTF8.self) }

    /// Frees what ``write(_:)`` returned.
    func free(_ address: UInt32) throws { try call("cg_free", [.i32(address)]) }
}
