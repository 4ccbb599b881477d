#!/usr/bin/env python3
"""Writes guardian-formats.json: known-answer vectors for the guardian's stored formats (audit MAC chain, sealed
envelopes with their associated data, master-key ids), computed independently with the standard library's
hmac/hashlib and pyca/cryptography's AES-GCM from the layouts in docs/guardian.md. Deterministic (fixed seed):
rerunning it reproduces the file byte for byte unless a layout here changes."""
import hashlib
import hmac
import json
import random
import struct

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

rng = random.Random(20261122)


def rb(n: int) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(n))


def lp(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


audit_key = rb(32)
records = []
prev = bytes(32)
kinds = ["keyring_created", "login_succeeded", "enrollment_started", "enrollment_confirmed", "cosign_completed", "code_rejected", "wallet_locked"]
for seq in range(1, 8):
    wallet = rb(32) if seq % 3 else b""
    rec = {"sequence": seq, "at_ms": 1900000005000 + seq * 1234, "kind": kinds[seq - 1], "wallet": wallet.hex(),
           "operation_id": rb(16).hex() if seq % 2 else "", "detail": f"step={63333333 + seq};consecutive_failures={seq}",
           "previous_mac": prev.hex()}
    msg = (b"chronoguard/audit/v1" + struct.pack(">q", seq) + struct.pack(">q", rec["at_ms"]) + lp(rec["kind"].encode())
           + lp(wallet) + lp(rec["operation_id"].encode()) + lp(rec["detail"].encode()) + prev)
    mac = hmac.new(audit_key, msg, hashlib.sha256).digest()
    rec["mac"] = mac.hex()
    records.append(rec)
    prev = mac

envelopes = []
for purpose, length, with_id in [("wallet-data-key", 32, True), ("totp-secret", 20, False), ("guardian-ed25519-seed", 32, False), ("audit-mac-key", 32, True)]:
    key, nonce, plaintext = rb(32), rb(12), rb(length)
    wallet = b"" if purpose == "audit-mac-key" else rb(32)
    key_id = hmac.new(key, b"chronoguard/master-key-id/v1", hashlib.sha256).digest()[:8].hex() if with_id else ""
    aad = b"chronoguard/v1\x00" + purpose.encode() + b"\x00" + wallet + b"\x00" + key_id.encode()
    sealed = b"\x01" + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)
    envelopes.append({"purpose": purpose, "key": key.hex(), "wallet": wallet.hex(), "master_key_id": key_id, "sealed": sealed.hex(), "plaintext": plaintext.hex()})

keys = [rb(32) for _ in range(3)]
with open("guardian-formats.json", "w") as out:
    json.dump({
        "source": "computed with Python hmac/hashlib and pyca/cryptography AESGCM from the layouts in docs/guardian.md",
        "audit": {"key": audit_key.hex(), "records": records},
        "envelopes": envelopes,
        "master_key_ids": [{"key": k.hex(), "id": hmac.new(k, b"chronoguard/master-key-id/v1", hashlib.sha256).digest()[:8].hex()} for k in keys],
    }, out, indent=1)
