#!/usr/bin/env python3
"""Recovers signers with eth-account for SigningInteropTests: what we sign, eth-account must attribute to our address.

Request {"transactions": [hex raw], "messages": [{"message": hex, "signature": hex65}],
         "typed": [{"document": {...}, "signature": hex65}]}
Reply   {"transactions": [address], "messages": [address], "typed": [address]}"""
import json
import sys

from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data

request = json.load(sys.stdin)
reply = {
    "transactions": [Account.recover_transaction(raw) for raw in request.get("transactions", [])],
    "messages": [
        Account.recover_message(encode_defunct(primitive=bytes.fromhex(m["message"])), signature=bytes.fromhex(m["signature"]))
        for m in request.get("messages", [])
    ],
    "typed": [
        Account.recover_message(encode_typed_data(full_message=t["document"]), signature=bytes.fromhex(t["signature"]))
        for t in request.get("typed", [])
    ],
}
json.dump(reply, sys.stdout)
