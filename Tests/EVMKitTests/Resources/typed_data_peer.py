#!/usr/bin/env python3
"""EIP-191 and EIP-712 reference for TypedDataTests: eth-account 0.14 (encode_defunct, encode_typed_data,
_hash_eip191_message and its EIP-712 helpers). Reads one JSON request on stdin, writes one JSON reply.

  messages:  [hex] -> personal: [hex of the EIP-191 version E hash of each message]
  documents: [typed data JSON] -> typed: [{"encodeType", "typeHash", "messageHash", "domainSeparator", "signingHash"}]
"""
import json
import sys

try:
    from eth_account._utils.encode_typed_data.encoding_and_hashing import (
        encode_type,
        hash_domain,
        hash_struct,
        hash_type,
    )
    from eth_account.messages import _hash_eip191_message, encode_defunct, encode_typed_data
except ModuleNotFoundError as error:
    print(error, file=sys.stderr)
    sys.exit(3)

request = json.load(sys.stdin)
reply = {"personal": [], "typed": []}

for message in request.get("messages", []):
    reply["personal"].append(_hash_eip191_message(encode_defunct(primitive=bytes.fromhex(message))).hex())

for document in request.get("documents", []):
    types = {k: v for k, v in document["types"].items() if k != "EIP712Domain"}
    primary = document["primaryType"]
    reply["typed"].append(
        {
            "encodeType": encode_type(primary, types),
            "typeHash": hash_type(primary, types).hex(),
            "messageHash": hash_struct(primary, types, document["message"]).hex(),
            "domainSeparator": hash_domain(document["domain"]).hex(),
            "signingHash": _hash_eip191_message(encode_typed_data(full_message=document)).hex(),
        }
    )

json.dump(reply, sys.stdout)
