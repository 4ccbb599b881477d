import ChainKit
import Foundation
import Guardian
import GuardianTestSupport
import Testing

/// The append-only, hash-chained, keyed audit log and its verification.
@Suite struct AuditLogTests {
    /// A harness with some history: sign-ins, enrollments, cosigns, a wrong code, a replay.
    static func populated() async throws -> (GuardianHarness, InMemoryGuardianStore, [String]) {
        let store = InMemoryGuardianStore()
        let harness = try await GuardianHarness.make(store: store)
        var secrets: [String] = []
        for _ in 0..<3 {
            let wallet = try await harness.enroll()
            let tx = try TransactionFactory.standard(for: wallet)
            let code = try harness.nextCode(wallet)
            _ = try await harness.service.cosign(
                session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)
            _ = await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: code)
            }
            let wrong = try harness.wrongCode(wallet)
            _ = await errorCode {
                try await harness.service.cosign(
                    session: wallet.session, wallet: wallet.address, transactionBase64: tx, code: wrong)
            }
            secrets += [
                code, wrong, try wallet.totp.code(at: harness.clock.unixSeconds()), wallet.totp.hotp.code(counter: 0),
            ]
        }
        return (harness, store, secrets)
    }

    @Test func intactLogVerifiesAndRecordsWhatHappened() async throws {
        let (harness, store, _) = try await Self.populated()
        let report = try await harness.service.verifyAuditLog()
        #expect(report.isIntact, "\(report.problems)")
        let records = await store.auditRecords(after: 0, limit: 1_000)
        #expect(report.recordCount == records.count)
        #expect(report.head == AuditAnchor(sequence: records.last!.sequence, mac: records.last!.mac))
        #expect(records.map(\.sequence) == Array(1...Int64(records.count)))
        let kinds = records.map(\.event.kind)
        #expect(kinds.first == .keyringCreated)
        #expect(kinds.filter { $0 == .loginSucceeded }.count == 3)
        #expect(kinds.filter { $0 == .enrollmentStarted }.count == 3)
        #expect(kinds.filter { $0 == .enrollmentConfirmed }.count == 3)
        #expect(kinds.filter { $0 == .cosignCompleted }.count == 3)
        #expect(kinds.filter { $0 == .codeReplayed }.count == 3)
        #expect(kinds.filter { $0 == .codeRejected }.count == 3)
    }

    @Test func noCodesSecretsOrTokensInTheLog() async throws {
        let (_, store, codes) = try await Self.populated()
        let text = await store.auditRecords(after: 0, limit: 1_000).map {
            "\($0.event.kind.rawValue) \($0.event.operationID ?? "") \($0.event.detail)"
        }.joined(separator: "\n")
        for code in codes {
            #expect(!text.contains(code), "code \(code) appears in the audit log")
        }
        #expect(!text.contains("secret") && !text.contains("token") && !text.contains("otpauth"))
    }

    @Test func everyKindOfTamperingIsReported() async throws {
        let (harness, store, _) = try await Self.populated()
        let original = await store.auditRecords(after: 0, limit: 1_000)
        let count = original.count
        #expect(count > 10)

        func verify(after change: @escaping @Sendable ([AuditRecord]) -> [AuditRecord]) async throws -> [AuditProblem] {
            await store.tamperWithAudit { _ in change(original) }
            return try await harness.service.verifyAuditLog().problems
        }

        // Edited content.
        var problems = try await verify { records in
            records.enumerated().map { $0.offset == 5 ? Self.edited($0.element, detail: "step=1") : $0.element }
        }
        #expect(problems == [AuditProblem(kind: .edited, sequence: 6)])

        // Edited time (backdating).
        problems = try await verify { records in
            records.map { r in
                r.sequence != 4
                    ? r
                    : AuditRecord(
                        sequence: 4,
                        event: AuditEvent(
                            kind: r.event.kind, atMilliseconds: r.event.atMilliseconds - 1, wallet: r.event.wallet,
                            operationID: r.event.operationID, detail: r.event.detail), previousMAC: r.previousMAC,
                        mac: r.mac)
            }
        }
        #expect(problems == [AuditProblem(kind: .edited, sequence: 4)])

        // A deleted record in the middle.
        problems = try await verify { records in records.filter { $0.sequence != 7 } }
        #expect(problems == [AuditProblem(kind: .missingOrReordered, sequence: 8)])

        // Deleted and renumbered to hide the gap: the chain link and MACs break.
        problems = try await verify { records in
            records.filter { $0.sequence != 7 }.map { r in
                r.sequence < 7
                    ? r : AuditRecord(sequence: r.sequence - 1, event: r.event, previousMAC: r.previousMAC, mac: r.mac)
            }
        }
        #expect(problems.contains(AuditProblem(kind: .missingOrReordered, sequence: 7)))
        #expect(problems.contains(AuditProblem(kind: .edited, sequence: 7)))

        // Two records swapped (contents exchanged between sequence numbers).
        problems = try await verify { records in
            var swapped = records
            let a = records[2]
            let b = records[3]
            swapped[2] = AuditRecord(sequence: 3, event: b.event, previousMAC: b.previousMAC, mac: b.mac)
            swapped[3] = AuditRecord(sequence: 4, event: a.event, previousMAC: a.previousMAC, mac: a.mac)
            return swapped
        }
        #expect(!problems.isEmpty && problems.allSatisfy { (3...5).contains($0.sequence) })

        // The newest records cut off: the stored head no longer matches.
        problems = try await verify { records in Array(records.dropLast(2)) }
        #expect(problems == [AuditProblem(kind: .truncated, sequence: Int64(count - 2))])

        // A forged record with a made-up MAC.
        problems = try await verify { records in
            let last = records.last!
            return records + [
                AuditRecord(
                    sequence: last.sequence + 1,
                    event: AuditEvent(.walletUnlocked, at: Date(), wallet: SolanaKeypair().publicKey),
                    previousMAC: last.mac, mac: [UInt8](repeating: 7, count: 32))
            ]
        }
        #expect(problems.contains(AuditProblem(kind: .edited, sequence: Int64(count + 1))))

        // Restored: intact again.
        problems = try await verify { $0 }
        #expect(problems.isEmpty)
    }

    static func edited(_ record: AuditRecord, detail: String) -> AuditRecord {
        AuditRecord(
            sequence: record.sequence,
            event: AuditEvent(
                kind: record.event.kind, atMilliseconds: record.event.atMilliseconds, wallet: record.event.wallet,
                operationID: record.event.operationID, detail: detail), previousMAC: record.previousMAC, mac: record.mac
        )
    }

    @Test func anAnchorCatchesTruncationTheHeadCannot() async throws {
        let (harness, store, _) = try await Self.populated()
        let anchor = try #require(try await harness.service.auditAnchor())
        #expect(try await harness.service.verifyAuditLog(anchor: anchor).isIntact)
        // More events; then an attacker who can write the storage keeps only the first five records and rewinds the
        // stored head to match — consistent on its own, but the exported anchor is gone.
        _ = try await harness.enroll()
        #expect(try await harness.service.verifyAuditLog(anchor: anchor).isIntact)
        await store.tamperWithAudit(rewindHead: true) { Array($0.prefix(5)) }
        let problems = try await harness.service.verifyAuditLog(anchor: anchor).problems
        #expect(problems == [AuditProblem(kind: .anchorMismatch, sequence: anchor.sequence)])
    }

    @Test func theMACIsKeyed() throws {
        let event = AuditEvent(
            .cosignCompleted, at: Date(timeIntervalSince1970: 1_700_000_000), wallet: SolanaKeypair().publicKey,
            operationID: "op", detail: ["step": "42"])
        let one = AuditSealer(key: .init(size: .bits256))
        let other = AuditSealer(key: .init(size: .bits256))
        #expect(
            one.mac(sequence: 1, event: event, previousMAC: AuditSealer.genesisMAC)
                != other.mac(sequence: 1, event: event, previousMAC: AuditSealer.genesisMAC))
        #expect(
            one.mac(sequence: 1, event: event, previousMAC: AuditSealer.genesisMAC)
                != one.mac(sequence: 2, event: event, previousMAC: AuditSealer.genesisMAC))
        #expect(one.mac(sequence: 1, event: event, previousMAC: AuditSealer.genesisMAC).count == 32)
    }

    @Test func detailValuesAreEscaped() {
        let event = AuditEvent(.walletUnlocked, at: Date(), detail: ["reason": "a=b;c%d", "by": "ops"])
        #expect(event.detail == "reason=a%3Db%3Bc%25d;by=ops")
        #expect(event.detailPairs.map(\.value) == ["a=b;c%d", "ops"])
    }
}
