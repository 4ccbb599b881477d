#!/usr/bin/env python3
"""Transaction signer for RPCClientTests (EVMKit cannot sign yet): eth-account's Account.sign_transaction. One call
per test keeps the suite fast. Reads one JSON request on stdin and writes one JSON reply:

    {"chainId": int, "maxFeePerGas": "decimal", "maxPriorityFeePerGas": "decimal",
     "accounts": [{"key": hex, "transactions": [{"to": 0x-hex | "create:N" | null, "value": "decimal",
                                                 "data": 0x-hex, "nonce": int, "gas": int}]}]}
 -> {"accounts": [{"address": 0x-hex lowercase, "signed": [{"raw": 0x-hex, "hash": 0x-hex}]}]}

Transactions are EIP-1559 (type 2). A null "to" is a contract creation with "data" as init code; "create:N" is the
address of the contract that this account's transaction with nonce N creates (keccak256(rlp([sender, N]))[12:])."""
import json
import sys

try:
    import rlp
    from eth_account import Account
    from eth_utils import keccak, to_checksum_address
except ModuleNotFoundError as error:
    print(f"rpc_peer: {error}", file=sys.stderr)
    sys.exit(3)

request = json.load(sys.stdin)
accounts = []
for account in request["accounts"]:
    key = bytes.fromhex(account["key"])
    sender = Account.from_key(key).address
    signed = []
    for tx in account["transactions"]:
        transaction = {
            "type": 2,
            "chainId": request["chainId"],
            "nonce": tx["nonce"],
            "gas": tx["gas"],
            "maxFeePerGas": int(request["maxFeePerGas"]),
            "maxPriorityFeePerGas": int(request["maxPriorityFeePerGas"]),
            "value": int(tx["value"]),
            "data": bytes.fromhex(tx["data"][2:]),
        }
        to = tx.get("to")
        if to and to.startswith("create:"):
            created = keccak(rlp.encode([bytes.fromhex(sender[2:]), int(to[7:])]))[12:]
            transaction["to"] = to_checksum_address(created)
        elif to:
            transaction["to"] = to_checksum_address(to)
        result = Account.sign_transaction(transaction, key)
        signed.append({"raw": "0x" + bytes(result.raw_transaction).hex(), "hash": "0x" + bytes(result.hash).hex()})
    accounts.append({"address": sender.lower(), "signed": signed})
json.dump({"accounts": accounts}, sys.stdout)
