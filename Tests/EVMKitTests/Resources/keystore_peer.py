#!/usr/bin/env python3
"""Web3 Secret Storage v3 reference for KeystoreTests: eth-account's Account.encrypt / Account.decrypt (eth-keyfile
underneath). Reads one JSON request on stdin and writes one JSON reply:

    {"encrypt": [{"key": hex, "password": str, "kdf": "scrypt" | "pbkdf2", "iterations": int}],
     "decrypt": [{"keystore": {...}, "password": str}],
     "addresses": [key hex]}
 -> {"keystores": [{...}], "keys": [{"key": hex} | {"error": str}], "addresses": [0x-hex lowercase]}

`iterations` is scrypt's n or pbkdf2's c."""
import json
import sys

try:
    from eth_account import Account
except ModuleNotFoundError as error:
    print(f"keystore_peer: {error}", file=sys.stderr)
    sys.exit(3)

request = json.load(sys.stdin)
keystores = [
    Account.encrypt(bytes.fromhex(item["key"]), item["password"], kdf=item["kdf"], iterations=item["iterations"])
    for item in request.get("encrypt", [])
]
keys = []
for item in request.get("decrypt", []):
    try:
        keys.append({"key": bytes(Account.decrypt(item["keystore"], item["password"])).hex()})
    except Exception as error:  # a wrong password or a tampered file: report, do not crash the batch
        keys.append({"error": f"{type(error).__name__}: {error}"})
addresses = [Account.from_key(bytes.fromhex(k)).address.lower() for k in request.get("addresses", [])]
json.dump({"keystores": keystores, "keys": keys, "addresses": addresses}, sys.stdout)
