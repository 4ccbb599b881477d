// MARK: - message_peer.py request and response shapes

struct NaclSignRequest: Encodable {
    struct Item: Encodable {
        let seed: String
        let message: String
    }
    let command = "sign"
    let items: [Item]
}

struct NaclSignResponse: Decodable {
    struct Result: Decodable {
        let public_key: String
        let signature: String
    }
    let results: [Result]
}

struct NaclVerifyRequest: Encodable {
    struct Item: Encodable {
        let public_key: String
        let message: String
        let signature: String
    }
    let command = "verify"
    let items: [Item]
}

struct NaclVerifyResponse: Decodable { let results: [Bool] }

/// Signs each message with PyNaCl under a fresh seed; returns (public key, signature) pairs.
func naclSign(seeds: [[UInt8]], messages: [[UInt8]]) throws -> [(publicKey: [UInt8], signature: [UInt8])] {
    let request = NaclSignRequest(items: zip(seeds, messages).map { .init(seed: $0.hex, message: $1.base64) })
    return try PythonPeer.call("message_peer", request, as: NaclSignResponse.self).results.map {
        ([UInt8](hex: $0.public_key), [UInt8](hex: $0.signature))
    }
}

/// Verifies each (public key, message, signature) triple with PyNaCl.
func naclVerify(_ items: [(publicKey: [UInt8], message: [UInt8], signature: [UInt8])]) throws -> [Bool] {
    let request = NaclVerifyRequest(
        items: items.map {
            .init(public_key: $0.publicKey.hex, message: $0.message.base64, signature: $0.signature.hex)
        })
    return try PythonPeer.call("message_peer", request, as: NaclVerifyResponse.self).results
}
