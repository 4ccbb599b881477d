#!/usr/bin/env python3
"""secp256k1 reference for Secp256k1Tests: libsecp256k1 through coincurve.

Request {"cases": [{"key": hex32, "digest": hex32}...], "verify": [{"pub": hex65, "digest": hex32, "sig": hex64}],
         "recover": [{"digest": hex32, "sig": hex65}]}
Reply   {"signatures": [hex65 r||s||recid], "publicKeys": [hex65 uncompressed], "verified": [bool],
         "recovered": [hex65 or null]}

Recovery follows Ethereum's rule (EIP-2, as EVMKit's `recover` documents): a signature whose s is in the upper half of
the group order recovers nothing. libsecp256k1's recovery alone would accept it (its verification does not), so the
rule is applied here before calling it."""
import json
import sys

from coincurve import PrivateKey, PublicKey
from coincurve.ecdsa import cdata_to_der, deserialize_compact

request = json.load(sys.stdin)
signatures, public_keys = [], []
for case in request.get("cases", []):
    key = PrivateKey(bytes.fromhex(case["key"]))
    signatures.append(key.sign_recoverable(bytes.fromhex(case["digest"]), hasher=None).hex())
    public_keys.append(key.public_key.format(compressed=False).hex())
verified = []
for case in request.get("verify", []):
    try:
        public = PublicKey(bytes.fromhex(case["pub"]))
        der = cdata_to_der(deserialize_compact(bytes.fromhex(case["sig"])))
        verified.append(public.verify(der, bytes.fromhex(case["digest"]), hasher=None))
    except Exception:
        verified.append(False)
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
recovered = []
for case in request.get("recover", []):
    if int.from_bytes(bytes.fromhex(case["sig"])[32:64], "big") > N // 2:
        recovered.append(None)
        continue
    try:
        public = PublicKey.from_signature_and_message(bytes.fromhex(case["sig"]), bytes.fromhex(case["digest"]), hasher=None)
        recovered.append(public.format(compressed=False).hex())
    except Exception:
        recovered.append(None)
json.dump({"signatures": signatures, "publicKeys": public_keys, "verified": verified, "recovered": recovered}, sys.stdout)
