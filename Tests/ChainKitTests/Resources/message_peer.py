#!/usr/bin/env python3
"""Independent peer for ChainKit's off-chain message and SIWS tests.

- Ed25519 via PyNaCl (libsodium): signs and verifies raw message bytes.
- Off-chain messages: an encoder written from the Solana proposal's preamble table
  (docs/src/proposals/off-chain-message-signing.md), independent of the Swift code.
- SIWS: a line-for-line port of `createSignInMessageText` / `parseSignInMessageText` from
  @solana/wallet-standard-util (packages/core/util/src/signIn.ts), the reference implementation.

Protocol: one JSON request on stdin, one JSON response on stdout.
  sign            {items: [{seed: hex, message: base64}]}  -> {"results": [{"public_key": hex, "signature": hex}]}
  verify          {items: [{public_key: hex, message: base64, signature: hex}]} -> {"results": [bool]}
  offchain_encode {items: [{domain: hex, format: int, signers: [hex], body: base64}]} -> {"results": [base64]}
  siws_render     {items: [{field: value, ...}]} -> {"results": [text]}
  siws_parse      {items: [text]} -> {"results": [{field: value} | null]}
"""
import base64
import json
import re
import sys

try:
    from nacl.exceptions import BadSignatureError
    from nacl.signing import SigningKey, VerifyKey
except ImportError as error:
    print(json.dumps({"error": "missing_peer", "detail": str(error)}))
    sys.exit(3)

SIGNING_DOMAIN = b"\xffsolana offchain"


def sign(request):
    results = []
    for item in request["items"]:
        key = SigningKey(bytes.fromhex(item["seed"]))
        signed = key.sign(base64.b64decode(item["message"]))
        results.append({"public_key": bytes(key.verify_key).hex(), "signature": signed.signature.hex()})
    return {"results": results}


def verify(request):
    results = []
    for item in request["items"]:
        try:
            VerifyKey(bytes.fromhex(item["public_key"])).verify(
                base64.b64decode(item["message"]), bytes.fromhex(item["signature"]))
            results.append(True)
        except (BadSignatureError, ValueError):
            results.append(False)
    return {"results": results}


def offchain_encode(request):
    results = []
    for item in request["items"]:
        body = base64.b64decode(item["body"])
        signers = [bytes.fromhex(s) for s in item["signers"]]
        out = bytearray(SIGNING_DOMAIN)              # 0x00: signing domain (16)
        out.append(0)                                # 0x10: header version
        out += bytes.fromhex(item["domain"])         # 0x11: application domain (32)
        out.append(item["format"])                   # 0x31: message format
        out.append(len(signers))                     # 0x32: signer count
        for signer in signers:                       # 0x33: signers (32 each)
            out += signer
        out += len(body).to_bytes(2, "little")       # message length, u16 LE
        out += body
        results.append(base64.b64encode(bytes(out)).decode())
    return {"results": results}


# --- SIWS reference implementation (port of @solana/wallet-standard-util signIn.ts) ---
DOMAIN = r"(?P<domain>[^\n]+?) wants you to sign in with your Solana account:\n"
ADDRESS = r"(?P<address>[^\n]+)(?:\n|\Z)"  # JS `$` (no m flag) is Python `\Z`
STATEMENT = r"(?:\n(?P<statement>[\S\s]*?)(?:\n|\Z))??"
URI = r"(?:\nURI: (?P<uri>[^\n]+))?"
VERSION = r"(?:\nVersion: (?P<version>[^\n]+))?"
CHAIN_ID = r"(?:\nChain ID: (?P<chainId>[^\n]+))?"
NONCE = r"(?:\nNonce: (?P<nonce>[^\n]+))?"
ISSUED_AT = r"(?:\nIssued At: (?P<issuedAt>[^\n]+))?"
EXPIRATION_TIME = r"(?:\nExpiration Time: (?P<expirationTime>[^\n]+))?"
NOT_BEFORE = r"(?:\nNot Before: (?P<notBefore>[^\n]+))?"
REQUEST_ID = r"(?:\nRequest ID: (?P<requestId>[^\n]+))?"
RESOURCES = r"(?:\nResources:(?P<resources>(?:\n- [^\n]+)*))?"
FIELDS = URI + VERSION + CHAIN_ID + NONCE + ISSUED_AT + EXPIRATION_TIME + NOT_BEFORE + REQUEST_ID + RESOURCES
MESSAGE = re.compile("^" + DOMAIN + ADDRESS + STATEMENT + FIELDS + r"\n*\Z")
FIELD_ORDER = ["uri", "version", "chainId", "nonce", "issuedAt", "expirationTime", "notBefore", "requestId"]
LABELS = {"uri": "URI", "version": "Version", "chainId": "Chain ID", "nonce": "Nonce", "issuedAt": "Issued At",
          "expirationTime": "Expiration Time", "notBefore": "Not Before", "requestId": "Request ID"}


def siws_render(request):
    results = []
    for item in request["items"]:
        message = f"{item['domain']} wants you to sign in with your Solana account:\n{item['address']}"
        if item.get("statement"):
            message += f"\n\n{item['statement']}"
        fields = [f"{LABELS[name]}: {item[name]}" for name in FIELD_ORDER if item.get(name)]
        if item.get("resources") is not None:
            fields.append("Resources:")
            fields += [f"- {resource}" for resource in item["resources"]]
        if fields:
            message += "\n\n" + "\n".join(fields)
        results.append(message)
    return {"results": results}


def siws_parse(request):
    results = []
    for text in request["items"]:
        match = MESSAGE.match(text)
        if not match:
            results.append(None)
            continue
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        if "resources" in groups:
            groups["resources"] = groups["resources"].split("\n- ")[1:]
        results.append(groups)
    return {"results": results}


COMMANDS = {"sign": sign, "verify": verify, "offchain_encode": offchain_encode,
            "siws_render": siws_render, "siws_parse": siws_parse}

if __name__ == "__main__":
    request = json.load(sys.stdin)
    json.dump(COMMANDS[request["command"]](request), sys.stdout)
