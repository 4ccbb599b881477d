"""Independent Ed25519 peer for the sign-in flow: PyNaCl (libsodium) generates wallet keys and signs the server's
Sign In With Solana messages, as a wallet would.

stdin:  {"op": "keys", "count": n}
        {"op": "sign", "items": [{"seed": hex, "message": text}]}
stdout: {"keys": [{"seed": hex, "publicKey": hex}]} | {"signatures": [hex]}
"""
import json
import sys

from nacl.signing import SigningKey

request = json.load(sys.stdin)
if request["op"] == "keys":
    keys = []
    for _ in range(request["count"]):
        key = SigningKey.generate()
        keys.append({"seed": bytes(key).hex(), "publicKey": bytes(key.verify_key).hex()})
    json.dump({"keys": keys}, sys.stdout)
elif request["op"] == "sign":
    signatures = []
    for item in request["items"]:
        key = SigningKey(bytes.fromhex(item["seed"]))
        signatures.append(key.sign(item["message"].encode("utf-8")).signature.hex())
    json.dump({"signatures": signatures}, sys.stdout)
else:
    sys.exit(f"unknown op {request['op']}")
