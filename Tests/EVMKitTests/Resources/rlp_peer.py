#!/usr/bin/env python3
"""RLP reference for RLPTests: pyrlp (the `rlp` package, 5.x), strict decoding.

Items travel as JSON trees: a string is a byte string in hex (no 0x), an array is a list.
Reads {"encode": [tree...], "decode": [hex...], "integers": [hex...]} on stdin and writes
{"encoded": [hex...], "decoded": [{"item": tree} | {"error": "..."}...],
 "integers": [{"value": "decimal"} | {"error": "..."}...]} where "integers" reads each byte string with
rlp.sedes.big_endian_int (which refuses leading zeros)."""
import json
import sys

import rlp
from rlp.sedes import big_endian_int


def from_tree(tree):
    if isinstance(tree, str):
        return bytes.fromhex(tree)
    return [from_tree(child) for child in tree]


def to_tree(item):
    if isinstance(item, (bytes, bytearray)):
        return item.hex()
    return [to_tree(child) for child in item]


def attempt(function):
    try:
        return function()
    except Exception as error:  # a refusal is an answer, not a peer failure
        return {"error": f"{type(error).__name__}: {error}"}


request = json.load(sys.stdin)
sys.setrecursionlimit(10_000)
encoded = [rlp.encode(from_tree(tree)).hex() for tree in request.get("encode", [])]
decoded = [attempt(lambda: {"item": to_tree(rlp.decode(bytes.fromhex(h), strict=True))})
           for h in request.get("decode", [])]
integers = [attempt(lambda: {"value": str(big_endian_int.deserialize(bytes.fromhex(h)))})
            for h in request.get("integers", [])]
json.dump({"encoded": encoded, "decoded": decoded, "integers": integers}, sys.stdout)
