#!/usr/bin/env python3
"""Independent peers for the guardian's tests: solders (Rust solana-sdk bindings), PyNaCl (libsodium) and pyotp.

Protocol: one JSON request on stdin, one JSON response on stdout. Requests ({"command": ...}):
  keypairs            {count}                               -> {"keypairs": [{"seed", "pubkey"}]}
  sign                {items: [{seed, message}]}            -> {"signatures": [base58]}   Ed25519 by libsodium
  totp                {items: [{uri, time}]}                -> {"codes": [str]}           pyotp.parse_uri(uri).at(time)
  build_transactions  {seed, items: [{owner_seed, guardian}]} -> {"cases": [...]}         random legacy/v0 transactions
  verify_transactions {items: [{original, signed, guardian, signer_seeds}]} -> {"results": [...]}
  audit_macs          {key, records: [{sequence, at_ms, kind, wallet, operation_id, detail, previous_mac}]} -> {"macs"}
  open_envelopes      {items: [{key, sealed, purpose, wallet, master_key_id}]} -> {"plaintexts": [hex or null]}
  key_ids             {keys: [hex]}                          -> {"ids": [hex]}
The last three re-implement the documented formats (docs/guardian.md) with the standard library's hmac/hashlib and
pyca/cryptography's AES-GCM.
Seeds are hex (32-byte Ed25519 seeds), keys and signatures Base58, transactions standard Base64.
"""
import base64
import json
import random
import sys

import hashlib
import hmac
import struct

try:
    import nacl.signing
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    import pyotp
    from solders.address_lookup_table_account import AddressLookupTableAccount
    from solders.hash import Hash
    from solders.instruction import AccountMeta, Instruction
    from solders.keypair import Keypair
    from solders.message import Message, MessageV0, to_bytes_versioned
    from solders.pubkey import Pubkey
    from solders.signature import Signature
    from solders.transaction import VersionedTransaction
except ImportError as error:  # the Swift test turns exit status 3 into "run scripts/install-test-deps.sh"
    print(json.dumps({"error": "missing_peer", "detail": str(error)}))
    sys.exit(3)

SYSTEM_PROGRAM = Pubkey.from_string("11111111111111111111111111111111")


def b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode()


def keypair_from_hex(seed_hex: str) -> Keypair:
    return Keypair.from_seed(bytes.fromhex(seed_hex))


def random_pubkey(rng: random.Random) -> Pubkey:
    return Pubkey.from_bytes(bytes(rng.getrandbits(8) for _ in range(32)))


def keypairs(request):
    out = []
    for _ in range(request["count"]):
        kp = Keypair()
        out.append({"seed": bytes(kp.secret()).hex(), "pubkey": str(kp.pubkey())})
    return {"keypairs": out}


def sign(request):
    signatures = []
    for item in request["items"]:
        key = nacl.signing.SigningKey(bytes.fromhex(item["seed"]))
        signed = key.sign(item["message"].encode("utf-8"))
        signatures.append(str(Signature.from_bytes(signed.signature)))
    return {"signatures": signatures}


def totp(request):
    return {"codes": [pyotp.parse_uri(item["uri"]).at(item["time"]) for item in request["items"]]}


def build_case(rng: random.Random, owner: Keypair, guardian: Pubkey) -> dict:
    """A transfer from the owner plus an instruction that makes the guardian a required signer."""
    versioned = rng.random() < 0.6
    extras = [Keypair() for _ in range(rng.randint(0, 2))]
    payer = guardian if rng.random() < 0.25 else owner.pubkey()
    program = random_pubkey(rng)
    recipient = random_pubkey(rng)
    lamports = rng.randint(1, 10**9)
    transfer = Instruction(SYSTEM_PROGRAM, bytes([2, 0, 0, 0]) + lamports.to_bytes(8, "little"),
                           [AccountMeta(owner.pubkey(), True, True), AccountMeta(recipient, False, True)])
    metas = [AccountMeta(guardian, True, False)] + [AccountMeta(e.pubkey(), True, rng.random() < 0.5) for e in extras]
    metas += [AccountMeta(random_pubkey(rng), False, rng.random() < 0.5) for _ in range(rng.randint(0, 4))]
    guard = Instruction(program, bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 40))), metas)
    instructions = [transfer, guard]
    rng.shuffle(instructions)
    blockhash = Hash(bytes(rng.getrandbits(8) for _ in range(32)))
    if versioned:
        tables = []
        if rng.random() < 0.5:
            pool = [recipient] + [random_pubkey(rng) for _ in range(rng.randint(0, 5))]
            tables.append(AddressLookupTableAccount(random_pubkey(rng), pool))
        message = MessageV0.try_compile(payer, instructions, tables, blockhash)
    else:
        message = Message.new_with_blockhash(instructions, payer, blockhash)
    signer_keys = list(message.account_keys[: message.header.num_required_signatures])
    message_bytes = to_bytes_versioned(message) if versioned else bytes(message)
    # Pre-sign some slots (never the guardian's); leave the rest as the all-zero placeholder.
    keyring = {owner.pubkey(): owner, **{e.pubkey(): e for e in extras}}
    presigned = []
    signatures = []
    for key in signer_keys:
        if key in keyring and rng.random() < 0.5:
            signatures.append(keyring[key].sign_message(message_bytes))
            presigned.append(str(key))
        else:
            signatures.append(Signature.default())
    if versioned:
        tx = VersionedTransaction.populate(message, signatures)
        raw = bytes(tx)
    else:
        tx = VersionedTransaction.populate(message, signatures)  # legacy message: same bytes as a legacy Transaction
        raw = bytes(tx)
    return {
        "transaction": b64(raw),
        "version": "v0" if versioned else "legacy",
        "signer_seeds": [bytes(owner.secret()).hex()] + [bytes(e.secret()).hex() for e in extras],
        "presigned": presigned,
        "guardian_is_payer": payer == guardian,
    }


def build_transactions(request):
    rng = random.Random(request["seed"])
    cases = [build_case(rng, keypair_from_hex(item["owner_seed"]), Pubkey.from_string(item["guardian"])) for item in request["items"]]
    return {"cases": cases}


def verify_transactions(request):
    results = []
    for item in request["items"]:
        original = VersionedTransaction.from_bytes(base64.b64decode(item["original"]))
        signed = VersionedTransaction.from_bytes(base64.b64decode(item["signed"]))
        guardian = Pubkey.from_string(item["guardian"])
        message_bytes = to_bytes_versioned(signed.message)
        keys = list(signed.message.account_keys)
        index = keys.index(guardian)
        guardian_ok = signed.signatures[index].verify(guardian, message_bytes)
        same_message = message_bytes == to_bytes_versioned(original.message)
        # Complete the transaction with the other signers and check every signature as the runtime would.
        signers = {kp.pubkey(): kp for kp in (keypair_from_hex(s) for s in item["signer_seeds"])}
        signatures = list(signed.signatures)
        for slot, key in enumerate(keys[: signed.message.header.num_required_signatures]):
            if key in signers:
                signatures[slot] = signers[key].sign_message(message_bytes)
        complete = VersionedTransaction.populate(signed.message, signatures)
        results.append({
            "guardian_signature_valid": bool(guardian_ok),
            "message_unchanged": bool(same_message),
            "all_signatures_valid": all(complete.verify_with_results()),
        })
    return {"results": results}


def audit_macs(request):
    key = bytes.fromhex(request["key"])
    macs = []
    for r in request["records"]:
        def lp(data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + data
        message = (b"chronoguard/audit/v1" + struct.pack(">q", r["sequence"]) + struct.pack(">q", r["at_ms"])
                   + lp(r["kind"].encode()) + lp(bytes.fromhex(r["wallet"])) + lp(r["operation_id"].encode())
                   + lp(r["detail"].encode()) + bytes.fromhex(r["previous_mac"]))
        macs.append(hmac.new(key, message, hashlib.sha256).hexdigest())
    return {"macs": macs}


def open_envelopes(request):
    plaintexts = []
    for item in request["items"]:
        sealed = bytes.fromhex(item["sealed"])
        aad = (b"chronoguard/v1\x00" + item["purpose"].encode() + b"\x00" + bytes.fromhex(item["wallet"]) + b"\x00"
               + item["master_key_id"].encode())
        if sealed[0] != 1:
            plaintexts.append(None)
            continue
        try:
            plaintexts.append(AESGCM(bytes.fromhex(item["key"])).decrypt(sealed[1:13], sealed[13:], aad).hex())
        except Exception:
            plaintexts.append(None)
    return {"plaintexts": plaintexts}


def key_ids(request):
    return {"ids": [hmac.new(bytes.fromhex(k), b"chronoguard/master-key-id/v1", hashlib.sha256).digest()[:8].hex() for k in request["keys"]]}


def verify_attestations(request):
    """Checks guardian attestations as an outside verifier would: libsodium verifies the Ed25519 signature over the
    exact bytes, and the Solana off-chain message preamble (signing domain, version 0, application domain, one signer
    that is the guardian, u16 LE length) is parsed by hand from the proposal's layout."""
    from nacl.signing import VerifyKey
    from nacl.exceptions import BadSignatureError
    from solders.pubkey import Pubkey
    from solders.signature import Signature
    results = []
    for item in request["items"]:
        message = base64.b64decode(item["message"])
        signer = bytes(Pubkey.from_string(item["signer"]))
        signature = bytes(Signature.from_string(item["signature"]))
        key = VerifyKey(signer)
        try:
            key.verify(message, signature)
            valid = True
        except BadSignatureError:
            valid = False
        tampered = bytearray(message)
        tampered[-1] ^= 1
        try:
            key.verify(bytes(tampered), signature)
            tampered_rejected = False
        except BadSignatureError:
            tampered_rejected = True
        preamble = (message[:16] == b"\xffsolana offchain" and message[16] == 0 and message[17:49] == bytes.fromhex(item["domain"])
                    and message[50] == 1 and message[51:83] == signer)
        length = int.from_bytes(message[83:85], "little")
        body = message[85:]
        results.append({"signature_valid": valid, "tampered_rejected": tampered_rejected, "preamble_valid": preamble and length == len(body),
                        "format": message[49], "text": body.decode("utf-8")})
    return {"results": results}


def scrypt_hashes(request):
    """RFC 7914 scrypt from Python's hashlib (OpenSSL), to recompute the stored recovery-code hashes."""
    out = []
    for item in request["items"]:
        n = 1 << item["log_n"]
        out.append(hashlib.scrypt(item["code"].encode(), salt=bytes.fromhex(item["salt"]), n=n, r=item["r"], p=item["p"], dklen=32,
                                  maxmem=256 * 1024 * 1024).hex())
    return {"hashes": out}


COMMANDS = {
    "verify_attestations": verify_attestations,
    "scrypt_hashes": scrypt_hashes,
    "audit_macs": audit_macs,
    "open_envelopes": open_envelopes,
    "key_ids": key_ids,
    "keypairs": keypairs,
    "sign": sign,
    "totp": totp,
    "build_transactions": build_transactions,
    "verify_transactions": verify_transactions,
}

if __name__ == "__main__":
    request = json.load(sys.stdin)
    json.dump(COMMANDS[request["command"]](request), sys.stdout)
