"""Independent Solana peer for the policy end-to-end test: solders builds a SOL transfer (`system_program.transfer`)
and the `solana` package's `spl.token` builds an SPL `transfer_checked`, each with the owner and the guardian as
signers (the guardian through a memo, which requires its signers); the owner signs; after the guardian co-signed over
HTTP, solders verifies every signature.

stdin:  {"op": "build", "items": [{"ownerSeed": hex, "guardian": base58, "kind": "sol"|"token", "amount": int,
                                   "to": base58, "mint": base58, "source": base58, "decimals": int}]}
        {"op": "verify", "items": [{"transaction": base64, "original": base64}]}
stdout: {"transactions": [base64]} | {"results": [{"ok": bool, "detail": text}]}
"""
import base64
import json
import os
import sys

try:
    from solders.hash import Hash
    from solders.instruction import AccountMeta, Instruction
    from solders.keypair import Keypair
    from solders.message import Message
    from solders.pubkey import Pubkey
    from solders.system_program import TransferParams, transfer
    from solders.transaction import Transaction, VersionedTransaction
    import spl.token.instructions as tk
    import spl.token.models as tm
    from spl.token.constants import TOKEN_PROGRAM_ID
    from spl.memo.constants import MEMO_PROGRAM_ID
except ImportError as error:
    sys.stderr.write(f"ModuleNotFoundError: {error}\n")
    sys.exit(3)

request = json.load(sys.stdin)


def build(item):
    owner = Keypair.from_seed(bytes.fromhex(item["ownerSeed"]))
    guardian = Pubkey.from_string(item["guardian"])
    to = Pubkey.from_string(item["to"])
    if item["kind"] == "sol":
        payment = transfer(TransferParams(from_pubkey=owner.pubkey(), to_pubkey=to, lamports=item["amount"]))
    else:
        payment = tk.transfer_checked(tm.TransferCheckedParams(
            program_id=TOKEN_PROGRAM_ID, source=Pubkey.from_string(item["source"]), mint=Pubkey.from_string(item["mint"]),
            dest=to, owner=owner.pubkey(), amount=item["amount"], decimals=item["decimals"]))
    memo = Instruction(MEMO_PROGRAM_ID, b"chronoguard policy e2e", [AccountMeta(guardian, True, False)])
    blockhash = Hash(os.urandom(32))
    transaction = Transaction.new_unsigned(Message.new_with_blockhash([payment, memo], owner.pubkey(), blockhash))
    transaction.partial_sign([owner], blockhash)
    return base64.b64encode(bytes(transaction)).decode()


def verify(item):
    signed = VersionedTransaction.from_bytes(base64.b64decode(item["transaction"]))
    original = VersionedTransaction.from_bytes(base64.b64decode(item["original"]))
    if bytes(signed.message) != bytes(original.message):
        return {"ok": False, "detail": "the message changed"}
    results = signed.verify_with_results()
    return {"ok": all(results), "detail": f"signature checks {results}"}


if request["op"] == "build":
    json.dump({"transactions": [build(item) for item in request["items"]]}, sys.stdout)
elif request["op"] == "verify":
    json.dump({"results": [verify(item) for item in request["items"]]}, sys.stdout)
else:
    sys.exit(f"unknown op {request['op']}")
