#!/usr/bin/env python3
"""Keccak-256 and EIP-55 reference for KeccakTests: pycryptodome's keccak (digest_bits=256) and eth-utils'
to_checksum_address. Reads {"inputs": [hex...]} on stdin, writes {"digests": [hex...], "checksummed": [...]}."""
import json
import sys

from Crypto.Hash import keccak
from eth_utils import to_checksum_address

request = json.load(sys.stdin)
digests = []
for item in request.get("inputs", []):
    h = keccak.new(digest_bits=256)
    h.update(bytes.fromhex(item))
    digests.append(h.hexdigest())
checksummed = [to_checksum_address("0x" + a) for a in request.get("addresses", [])]
json.dump({"digests": digests, "checksummed": checksummed}, sys.stdout)
