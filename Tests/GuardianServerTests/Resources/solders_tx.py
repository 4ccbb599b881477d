"""Independent Solana peer: solders (the Rust solana-sdk types) builds transactions that need both the owner and the
guardian as signers, signs them as the owner, and after the guardian has co-signed over HTTP verifies every signature.

stdin:  {"op": "keys", "count": n}
        {"op": "build", "items": [{"ownerSeed": hex, "guardian": base58, "version": "legacy"|"v0", "transfers": n, "memo": text}]}
        {"op": "verify", "items": [{"transaction": base64, "original": base64, "owner": base58, "guardian": base58}]}
stdout: {"keys": [{"seed": hex, "publicKey": base58}]} | {"transactions": [base64]} | {"results": [{"ok": bool, "detail": text}]}
"""
import base64
import json
import os
import sys

from solders.hash import Hash
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import Message, MessageV0, to_bytes_versioned
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction, VersionedTransaction

MEMO = Pubkey.from_string("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr")
request = json.load(sys.stdin)


def build(item):
    owner = Keypair.from_seed(bytes.fromhex(item["ownerSeed"]))
    guardian = Pubkey.from_string(item["guardian"])
    instructions = [
        transfer(TransferParams(from_pubkey=owner.pubkey(), to_pubkey=Keypair().pubkey(), lamports=int.from_bytes(os.urandom(4), "little") + 1))
        for _ in range(item["transfers"])
    ]
    # The memo program requires every listed account to sign: this makes the guardian a required signer.
    instructions.append(Instruction(MEMO, item["memo"].encode("utf-8"), [AccountMeta(guardian, True, False)]))
    blockhash = Hash(os.urandom(32))
    if item["version"] == "legacy":
        transaction = Transaction.new_unsigned(Message.new_with_blockhash(instructions, owner.pubkey(), blockhash))
        transaction.partial_sign([owner], blockhash)
        return base64.b64encode(bytes(transaction)).decode()
    message = MessageV0.try_compile(owner.pubkey(), instructions, [], blockhash)
    signers = message.account_keys[: message.header.num_required_signatures]
    signature = owner.sign_message(to_bytes_versioned(message))
    slots = [signature if key == owner.pubkey() else Signature.default() for key in signers]
    return base64.b64encode(bytes(VersionedTransaction.populate(message, slots))).decode()


def verify(item):
    signed = VersionedTransaction.from_bytes(base64.b64decode(item["transaction"]))
    original = VersionedTransaction.from_bytes(base64.b64decode(item["original"]))
    if bytes(signed.message) != bytes(original.message):
        return {"ok": False, "detail": "the message changed"}
    signers = list(signed.message.account_keys[: signed.message.header.num_required_signatures])
    guardian, owner = Pubkey.from_string(item["guardian"]), Pubkey.from_string(item["owner"])
    if guardian not in signers or owner not in signers:
        return {"ok": False, "detail": "owner or guardian not a signer"}
    results = signed.verify_with_results()
    if not all(results):
        return {"ok": False, "detail": f"signature checks {results}"}
    if signed.signatures[signers.index(owner)] != original.signatures[signers.index(owner)]:
        return {"ok": False, "detail": "the owner's signature changed"}
    return {"ok": True, "detail": f"{len(signers)} signatures valid"}


if request["op"] == "keys":
    keys = []
    for _ in range(request["count"]):
        seed = os.urandom(32)
        keys.append({"seed": seed.hex(), "publicKey": str(Keypair.from_seed(seed).pubkey())})
    json.dump({"keys": keys}, sys.stdout)
elif request["op"] == "build":
    json.dump({"transactions": [build(item) for item in request["items"]]}, sys.stdout)
elif request["op"] == "verify":
    json.dump({"results": [verify(item) for item in request["items"]]}, sys.stdout)
else:
    sys.exit(f"unknown op {request['op']}")
