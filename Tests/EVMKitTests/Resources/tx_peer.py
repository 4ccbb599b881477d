#!/usr/bin/env python3
"""Transaction reference for TransactionTests: eth-account (0.14) signs and recovers, eth-keys recovers from a digest.

Reads on stdin
  {"sign": [{"key": hex, "tx": {type, chainId, nonce, gasPrice | maxPriorityFeePerGas + maxFeePerGas, gas,
             to (hex or null), value, data (hex), accessList}}...],
   "recover": [raw hex...],
   "recoverDigest": [{"digest": hex, "r": decimal, "s": decimal, "yParity": 0|1}...]}
(integers are decimal strings) and writes
  {"signed": [{"raw", "hash", "signingHash", "r", "s", "v", "address"}...],
   "recovered": [checksummed address | "error: ..."...], "recoveredDigest": [checksummed address...]}.
"signingHash" is the digest eth-account signs: the hash() of its unsigned transaction object."""
import json
import sys

from eth_account import Account
from eth_account._utils.legacy_transactions import serializable_unsigned_transaction_from_dict
from eth_keys import keys
from eth_utils import to_checksum_address


def transaction_dict(spec):
    tx = {
        "chainId": int(spec["chainId"]),
        "nonce": int(spec["nonce"]),
        "gas": int(spec["gas"]),
        "value": int(spec["value"]),
        "data": bytes.fromhex(spec["data"]),
    }
    if spec.get("to") is not None:
        tx["to"] = to_checksum_address("0x" + spec["to"])
    kind = spec["type"]
    if kind == 2:
        tx["maxPriorityFeePerGas"] = int(spec["maxPriorityFeePerGas"])
        tx["maxFeePerGas"] = int(spec["maxFeePerGas"])
    else:
        tx["gasPrice"] = int(spec["gasPrice"])
    if kind != 0:
        tx["type"] = kind
        tx["accessList"] = [
            {"address": to_checksum_address("0x" + entry["address"]),
             "storageKeys": ["0x" + key for key in entry["storageKeys"]]}
            for entry in spec["accessList"]
        ]
    return tx


def sign(case):
    account = Account.from_key(bytes.fromhex(case["key"]))
    tx = transaction_dict(case["tx"])
    signed = account.sign_transaction(tx)
    return {
        "raw": bytes(signed.raw_transaction).hex(),
        "hash": bytes(signed.hash).hex(),
        "signingHash": bytes(serializable_unsigned_transaction_from_dict(tx).hash()).hex(),
        "r": str(signed.r),
        "s": str(signed.s),
        "v": str(signed.v),
        "address": account.address,
    }


def recover(raw):
    try:
        return Account.recover_transaction(bytes.fromhex(raw))
    except Exception as error:
        return f"error: {type(error).__name__}: {error}"


def recover_digest(case):
    signature = keys.Signature(vrs=(case["yParity"], int(case["r"]), int(case["s"])))
    return signature.recover_public_key_from_msg_hash(bytes.fromhex(case["digest"])).to_checksum_address()


request = json.load(sys.stdin)
json.dump({
    "signed": [sign(case) for case in request.get("sign", [])],
    "recovered": [recover(raw) for raw in request.get("recover", [])],
    "recoveredDigest": [recover_digest(case) for case in request.get("recoverDigest", [])],
}, sys.stdout)
