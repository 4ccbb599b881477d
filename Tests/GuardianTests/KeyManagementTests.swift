import ChainKit
import Crypto
import Foundation
import Guardian
import GuardianTestSupport
import Testing

/// Envelope encryption, master-key providers and rotation.
@Suite struct KeyManagementTests {
    // MARK: Envelope

    @Test func ciphertextsAreBoundToWalletAndPurpose() throws {
        let walletA = SolanaKeypair().publicKey
        let walletB = SolanaKeypair().publicKey
        let master = MasterKey.generate()
        let dataKey = SymmetricKey(size: .bits256)
        let secret = SecureRandom.bytes(20)
        let sealed = try KeyEnvelope.sealSecret(secret, purpose: .totpSecret, wallet: walletA, dataKey: dataKey)
        #expect(sealed.count == 1 + 12 + 20 + 16)
        #expect(try KeyEnvelope.openSecret(sealed, purpose: .totpSecret, wallet: walletA, dataKey: dataKey) == secret)
        // Moved to another wallet's row, or to the guardian-seed column: refused.
        #expect(throws: (any Error).self) {
            try KeyEnvelope.openSecret(sealed, purpose: .totpSecret, wallet: walletB, dataKey: dataKey)
        }
        #expect(throws: (any Error).self) {
            try KeyEnvelope.openSecret(sealed, purpose: .guardianSeed, wallet: walletA, dataKey: dataKey)
        }
        #expect(throws: (any Error).self) {
            try KeyEnvelope.openSecret(
                sealed, purpose: .totpSecret, wallet: walletA, dataKey: SymmetricKey(size: .bits256))
        }
        // Every single-bit flip anywhere is refused (version, nonce, ciphertext, tag).
        for index in sealed.indices {
            var flipped = sealed
            flipped[index] ^= 1 << UInt8(index % 8)
            #expect(throws: (any Error).self) {
                try KeyEnvelope.openSecret(flipped, purpose: .totpSecret, wallet: walletA, dataKey: dataKey)
            }
        }
        // Nonces are fresh: sealing twice gives different boxes.
        #expect(try KeyEnvelope.sealSecret(secret, purpose: .totpSecret, wallet: walletA, dataKey: dataKey) != sealed)

        let wrapped = try KeyEnvelope.wrapDataKey(dataKey, wallet: walletA, under: master)
        #expect(try KeyEnvelope.unwrapDataKey(wrapped, wallet: walletA, master: master) == dataKey)
        #expect(throws: (any Error).self) { try KeyEnvelope.unwrapDataKey(wrapped, wallet: walletB, master: master) }
        #expect(throws: (any Error).self) {
            try KeyEnvelope.unwrapDataKey(wrapped, wallet: walletA, master: .generate())
        }
    }

    @Test func envelopeMatchesAnIndependentAESGCMOpen() throws {
        // Open our sealed form with the raw AES-GCM primitive, to pin the byte layout and the associated data.
        let wallet = SolanaKeypair().publicKey
        let dataKey = SymmetricKey(size: .bits256)
        let secret = SecureRandom.bytes(32)
        let sealed = try KeyEnvelope.sealSecret(secret, purpose: .guardianSeed, wallet: wallet, dataKey: dataKey)
        let aad = Array("chronoguard/v1".utf8) + [0] + Array("guardian-ed25519-seed".utf8) + [0] + wallet.bytes + [0]
        let box = try AES.GCM.SealedBox(
            nonce: AES.GCM.Nonce(data: sealed[1..<13]), ciphertext: sealed[13..<(sealed.count - 16)],
            tag: sealed[(sealed.count - 16)...])
        #expect([UInt8](try AES.GCM.open(box, using: dataKey, authenticating: aad)) == secret)
        #expect(sealed[0] == 1)
    }

    // MARK: Master keys

    @Test func masterKeyTextFormsAndIdentity() throws {
        let bytes = SecureRandom.bytes(32)
        let fromBase64 = try MasterKey(text: "  " + Data(bytes).base64EncodedString() + "\n")
        let fromHex = try MasterKey(text: Hex.encode(bytes).uppercased())
        #expect(fromBase64.id == fromHex.id && fromBase64.id.count == 16)
        #expect(try MasterKey(text: fromBase64.exportBase64()).id == fromBase64.id)
        #expect(MasterKey.generate().id != fromBase64.id)
        #expect(throws: GuardianError.self) { try MasterKey(bytes: SecureRandom.bytes(16)) }
        #expect(throws: GuardianError.self) { try MasterKey(text: "not a key") }
        #expect(throws: GuardianError.self) { try MasterKey(text: Data(SecureRandom.bytes(31)).base64EncodedString()) }
    }

    @Test func environmentProvider() throws {
        let current = MasterKey.generate()
        let previous = MasterKey.generate()
        let provider = EnvironmentMasterKeyProvider(environment: [
            "CHRONOGUARD_MASTER_KEY": current.exportBase64(),
            "CHRONOGUARD_MASTER_KEY_PREVIOUS": previous.exportBase64(),
        ])
        #expect(try provider.candidateKeys(creatingIfMissing: true).map(\.id) == [current.id, previous.id])
        #expect(try provider.nextKey(replacing: previous).id == current.id)
        #expect(throws: GuardianError.self) { try provider.nextKey(replacing: current) }
        #expect(throws: GuardianError.self) {
            try EnvironmentMasterKeyProvider(environment: [:]).candidateKeys(creatingIfMissing: true)
        }
    }

    @Test func fileProviderCreatesAPrivateKeyFileOnce() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let provider = FileMasterKeyProvider(directory: directory)
        #expect(throws: GuardianError.self) { try provider.candidateKeys(creatingIfMissing: false) }
        let created = try provider.candidateKeys(creatingIfMissing: true)
        #expect(created.count == 1)
        let path = directory.appendingPathComponent("master.key").path
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try provider.candidateKeys(creatingIfMissing: true).map(\.id) == created.map(\.id))

        // A key file others can read is refused.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let error = #expect(throws: GuardianError.self) { try provider.candidateKeys(creatingIfMissing: false) }
        #expect(error?.message.contains("chmod 600") == true)
    }

    @Test func fileProviderStagesAndPromotes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let provider = FileMasterKeyProvider(directory: directory)
        let first = try provider.candidateKeys(creatingIfMissing: true)[0]
        let next = try provider.nextKey(replacing: first)
        try provider.stage(next)
        #expect(try provider.candidateKeys(creatingIfMissing: false).map(\.id) == [first.id, next.id])
        let staged = directory.appendingPathComponent("master.key.next").path
        #expect(try FileManager.default.attributesOfItem(atPath: staged)[.posixPermissions] as? Int == 0o600)
        try provider.promote(next)
        #expect(try provider.candidateKeys(creatingIfMissing: false).map(\.id) == [next.id])
        try provider.promote(next)  // idempotent
        #expect(!FileManager.default.fileExists(atPath: staged))
    }

    // MARK: Rotation

    @Test func rotationRewrapsEveryWalletAndKeepsEverythingWorking() async throws {
        let store = InMemoryGuardianStore()
        let old = MasterKey.generate()
        let new = MasterKey.generate()
        let harness = try await GuardianHarness.make(store: store, keyProvider: StaticMasterKeyProvider([old]))
        var wallets: [EnrolledWallet] = []
        for _ in 0..<5 { wallets.append(try await harness.enroll()) }

        let report = try await harness.service.rotateMasterKey(to: new)
        #expect(report == KeyRotationReport(fromKeyID: old.id, toKeyID: new.id, walletsRewrapped: 5))
        for wallet in wallets {
            let record = try #require(try await store.wallet(wallet.owner.publicKey))
            #expect(record.keys.masterKeyID == new.id)
            #expect(throws: (any Error).self) {
                try KeyEnvelope.unwrapDataKey(record.keys.wrappedDataKey, wallet: record.wallet, master: old)
            }
            _ = try await harness.service.cosign(
                session: wallet.session, wallet: wallet.address,
                transactionBase64: TransactionFactory.standard(for: wallet), code: harness.nextCode(wallet))
        }
        _ = try await harness.enroll()  // new enrollments use the new key
        #expect(try await harness.service.verifyAuditLog().isIntact)
        #expect(try await store.auditRecords(after: 0, limit: 1_000).contains { $0.event.kind == .masterKeyRotated })

        // A restart with only the old key fails loudly; with the new key it works.
        let stale = await guardianError {
            try await GuardianService.start(
                store: store, keyProvider: StaticMasterKeyProvider([old]),
                configuration: GuardianHarness.configuration())
        }
        #expect(stale?.code == .masterKeyMismatch)
        let restarted = try await GuardianService.start(
            store: store, keyProvider: StaticMasterKeyProvider([new]), configuration: GuardianHarness.configuration(),
            clock: harness.clock)
        #expect(try await restarted.verifyAuditLog().isIntact)
        #expect(await errorCode { try await harness.service.rotateMasterKey(to: new) } == .keyProviderFailed)
    }

    @Test func aRotationAbortedByAFailingRewrapChangesNothing() async throws {
        let store = InMemoryGuardianStore()
        let master = MasterKey.generate()
        let harness = try await GuardianHarness.make(store: store, keyProvider: StaticMasterKeyProvider([master]))
        let wallet = try await harness.enroll()
        let before = await store.wallet(wallet.owner.publicKey)
        let rotation = KeyRotation(fromKeyID: master.id, toKeyID: "feedfacefeedface", wrappedAuditKey: [1]) { _, _, _ in
            throw GuardianStoreError(.conflict, "simulated failure")
        }
        await #expect(throws: GuardianStoreError.self) {
            try await store.rotateKeys(
                rotation, audit: AuditAppend(sealer: AuditSealer(key: .init(size: .bits256)), events: []))
        }
        #expect(try await store.wallet(wallet.owner.publicKey) == before)
        #expect(try await store.loadKeyring()?.masterKeyID == master.id)
    }
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("guardian-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
        at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    return url
}
