import ChainKit
import Foundation
import TestSupport
import Testing

// MARK: - Token account layouts × spl.token

/// Mint, token account and multisig data built with spl.token's layouts (plus Token-2022 extension tails from the
/// documented layout) decode to the fields they were built from; each case, damaged in one documented way, is refused
/// with the matching code.
@Suite("SPL token account layouts")
struct SolanaTokenLayoutTests {
    struct Expected: Decodable {
        struct Extension: Decodable {
            let type: UInt16
            let value: String
        }
        let mint_authority: String??
        let supply: String?
        let decimals: UInt8?
        let freeze_authority: String??
        let mint: String?
        let owner: String?
        let amount: String?
        let delegate: String??
        let state: UInt8?
        let native: String??
        let delegated_amount: String?
        let close_authority: String??
        let m: UInt8?
        let signers: [String]?
        let extensions: [Extension]
    }

    struct LayoutCase: Decodable {
        let kind: String
        let program: String
        let data: String
        let expected: Expected
    }

    /// Decodes `data` as `kind`, returning what was decoded as comparable text.
    static func decode(_ kind: String, _ data: [UInt8], _ program: SolanaPublicKey) throws(SolanaAccountLayoutError)
        -> [String: String]
    {
        func text(_ key: SolanaPublicKey?) -> String { key?.base58 ?? "none" }
        func text(_ extensions: [SolanaTokenExtension]) -> String {
            extensions.map { "\($0.type):\($0.value.base64)" }.joined(separator: ",")
        }
        switch kind {
        case "mint":
            let mint = try SolanaTokenMint(data: data, program: program)
            return [
                "mint_authority": text(mint.mintAuthority), "supply": String(mint.supply),
                "decimals": String(mint.decimals), "freeze_authority": text(mint.freezeAuthority),
                "extensions": text(mint.extensions),
            ]
        case "account":
            let account = try SolanaTokenAccount(data: data, program: program)
            return [
                "mint": account.mint.base58, "owner": account.owner.base58, "amount": String(account.amount),
                "delegate": text(account.delegate), "state": String(account.state.rawValue),
                "native": account.nativeRentExemptReserve.map { String($0) } ?? "none",
                "delegated_amount": String(account.delegatedAmount), "close_authority": text(account.closeAuthority),
                "extensions": text(account.extensions),
            ]
        default:
            let multisig = try SolanaTokenMultisig(data: data, program: program)
            return [
                "m": String(multisig.threshold), "signers": multisig.signers.map(\.base58).joined(separator: ","),
                "extensions": "",
            ]
        }
    }

    static func expectedFields(_ testCase: LayoutCase) -> [String: String] {
        let e = testCase.expected
        func text(_ value: String??) -> String { (value ?? nil) ?? "none" }
        let extensions = e.extensions.map { "\($0.type):\($0.value)" }.joined(separator: ",")
        switch testCase.kind {
        case "mint":
            return [
                "mint_authority": text(e.mint_authority), "supply": e.supply ?? "?", "decimals": "\(e.decimals ?? 0)",
                "freeze_authority": text(e.freeze_authority), "extensions": extensions,
            ]
        case "account":
            return [
                "mint": e.mint ?? "?", "owner": e.owner ?? "?", "amount": e.amount ?? "?", "delegate": text(e.delegate),
                "state": "\(e.state ?? 0)", "native": text(e.native), "delegated_amount": e.delegated_amount ?? "?",
                "close_authority": text(e.close_authority), "extensions": extensions,
            ]
        default:
            return ["m": "\(e.m ?? 0)", "signers": (e.signers ?? []).joined(separator: ","), "extensions": ""]
        }
    }

    @Test("400 random spl.token layouts decode field for field; damaged copies are refused with the right code")
    func layouts() throws {
        let cases = try SolanaBuilderTests.peer("layouts", seed: 20_260_304, count: 400, as: LayoutCase.self)
        #expect(cases.count == 400)
        var generator = SplitMix64(seed: 20_260_304)
        var extended = 0
        for (number, testCase) in cases.enumerated() {
            let data = bytes(base64: testCase.data)
            let program = try SolanaPublicKey(base58: testCase.program)
            let decoded = try Self.decode(testCase.kind, data, program)
            #expect(decoded == Self.expectedFields(testCase), "case \(number) \(testCase.kind)")
            let base = ["mint": 82, "account": 165, "multisig": 355][testCase.kind] ?? 0
            if data.count > base { extended += 1 }

            func refused(_ damaged: [UInt8], _ owner: SolanaPublicKey = program) -> SolanaAccountLayoutError.Code? {
                do {
                    _ = try Self.decode(testCase.kind, damaged, owner)
                    return nil
                } catch {
                    return error.code
                }
            }
            // Another owner.
            #expect(refused(data, SolanaProgram.system) == .wrongOwner)
            // A size the program refuses: shorter than the base, or (SPL Token) anything but the base.
            let short = Int.random(in: 0..<base, using: &generator)
            #expect(refused(Array(data.prefix(short))) == .wrongSize, "case \(number): \(short) bytes")
            if program == SolanaProgram.splToken {
                #expect(refused(data + [0]) == .wrongSize)
            } else if testCase.kind != "multisig" {
                // Token-2022: a mint between its base and the account type byte, or exactly the multisig size.
                if testCase.kind == "mint" {
                    let padding = Int.random(in: 1...(165 - base), using: &generator)
                    #expect(refused(Array(data.prefix(base)) + [UInt8](repeating: 0, count: padding)) == .wrongSize)
                }
                let multisigSized = Array(data.prefix(base)) + [UInt8](repeating: 0, count: 355 - base)
                #expect(refused(multisigSized) == .wrongSize)
            }
            // An option tag or boolean above 1, and an uninitialised account.
            var damaged = data
            switch testCase.kind {
            case "mint":
                damaged[Int.random(in: 0...1, using: &generator) == 0 ? 0 : 46] = UInt8.random(
                    in: 2...255, using: &generator)
                #expect(refused(damaged) == .invalidField)
                damaged = data
                damaged[45] = 0
                #expect(refused(damaged) == .uninitialized)
            case "account":
                damaged[[72, 109, 129].randomElement(using: &generator) ?? 72] = 2
                #expect(refused(damaged) == .invalidField)
                damaged = data
                damaged[108] = 0
                #expect(refused(damaged) == .uninitialized)
                damaged[108] = 3
                #expect(refused(damaged) == .invalidField)
            default:
                damaged[2] = 0
                #expect(refused(damaged) == .uninitialized)
                damaged = data
                damaged[1] = 12
                #expect(refused(damaged) == .invalidField)
                damaged = data
                damaged[0] = data[1] + 1
                #expect(refused(damaged) == .invalidField)
            }
            // Token-2022 extension tails: wrong account type, non-zero padding, a truncated entry.
            if data.count > base && testCase.kind != "multisig" {
                damaged = data
                damaged[165] = testCase.kind == "mint" ? 2 : 1
                #expect(refused(damaged) == .invalidExtensions)
                if testCase.kind == "mint" {
                    damaged = data
                    damaged[Int.random(in: 82..<165, using: &generator)] = 1
                    #expect(refused(damaged) == .invalidExtensions)
                }
                let entry: [UInt8] = [9, 0, 200, 0, 1, 2, 3]  // type 9 declaring 200 bytes, 3 present
                let truncated = Array(data.prefix(166)) + entry
                #expect(refused(truncated) == .invalidExtensions)
            }
        }
        #expect(extended >= 40, "only \(extended) Token-2022 accounts with extensions")
    }
}
