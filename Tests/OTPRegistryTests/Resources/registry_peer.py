#!/usr/bin/env python3
"""Independent peer for the OTP registry issuer tests (one JSON request on stdin, one JSON reply on stdout).

ops:
  hkdf        {ikm, salt, info (hex), length} -> {okm}            cryptography's HKDF(SHA256) (RFC 5869)
  hierarchy   {master (hex), app, user, scope} -> {user, action}  the three HKDF levels, salt=None (zeros)
  sign        {message, key (hex)} -> {signature}                 eth-account: EIP-191 personal_sign of the text
  totp        {uri, time} -> {code}                               pyotp, parsed from the otpauth URI
"""
import json
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def hkdf(ikm, salt, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def main():
    request = json.load(sys.stdin)
    op = request["op"]
    if op == "hkdf":
        salt = bytes.fromhex(request["salt"]) if request["salt"] else None
        out = hkdf(bytes.fromhex(request["ikm"]), salt, bytes.fromhex(request["info"]), request["length"])
        reply = {"okm": out.hex()}
    elif op == "hierarchy":
        issuer = hkdf(bytes.fromhex(request["master"]), None, ("otp/seed/" + request["app"]).encode(), 32)
        user = hkdf(issuer, None, ("otp/user/" + request["user"]).encode(), 32)
        action = hkdf(user, None, ("otp/action/" + request["scope"]).encode(), 32)
        reply = {"user": user.hex(), "action": action.hex()}
    elif op == "sign":
        from eth_account import Account
        from eth_account.messages import encode_defunct

        signed = Account.sign_message(encode_defunct(text=request["message"]), private_key=bytes.fromhex(request["key"]))
        reply = {"signature": signed.signature.hex().removeprefix("0x"), "address": Account.from_key(bytes.fromhex(request["key"])).address}
    elif op == "totp":
        import pyotp

        totp = pyotp.parse_uri(request["uri"])
        reply = {"code": totp.at(request["time"]), "interval": totp.interval, "digest": totp.digest().name}
    else:
        raise SystemExit("unknown op " + op)
    json.dump(reply, sys.stdout)


if __name__ == "__main__":
    main()
