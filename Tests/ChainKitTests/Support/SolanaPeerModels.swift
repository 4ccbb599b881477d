import ChainKit

// MARK: - solana_peer.py request and response shapes

struct GenerateRequest: Encodable {
    let command = "generate"
    let seed: Int
    let count: Int
    let guardians: [String]
}

struct GeneratedCase: Decodable {
    struct Instruction: Decodable {
        let program_id_index: UInt8
        let accounts: [UInt8]
        let data: String
    }
    struct Lookup: Decodable {
        let table: String
        let writable: [UInt8]
        let readonly: [UInt8]
    }
    struct ResolvedAccount: Decodable {
        let key: String
        let signer: Bool
        let writable: Bool
    }
    let wire: String
    let oversized: Bool
    let version: String
    let header: [UInt8]
    let static_keys: [String]
    let blockhash: String
    let instructions: [Instruction]
    let lookups: [Lookup]
    let lookup_tables: [String: [String]]
    let signatures: [String?]
    let message: String
    let guardian: String
    let guardian_index: Int
    let resolved_accounts: [ResolvedAccount]
}

struct GenerateResponse: Decodable { let cases: [GeneratedCase] }

struct VerifyRequest: Encodable {
    let command = "verify"
    let transactions: [String]
}

struct VerifyResponse: Decodable {
    struct Result: Decodable {
        let slots: [String]
        let reserialized: Bool
        let verify_with_results: Bool?
        let legacy_verify: Bool?
    }
    let results: [Result]
}

struct JudgeRequest: Encodable {
    let command = "judge"
    let inputs: [String]
}

struct JudgeResponse: Decodable {
    struct Result: Decodable {
        let accepted: Bool
        let stage: String?
        let detail: String?
        let consumed: Int?
        let duplicate_static_keys: Bool?
    }
    let results: [Result]
}

/// Generates `count` random transactions with solders, each needing one of `guardians` to sign.
func generateTransactions(seed: Int, count: Int, guardians: [SolanaKeypair]) throws -> [GeneratedCase] {
    let request = GenerateRequest(seed: seed, count: count, guardians: guardians.map(\.publicKey.base58))
    return try PythonPeer.call("solana_peer", request, as: GenerateResponse.self).cases
}
