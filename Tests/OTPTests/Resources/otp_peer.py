#!/usr/bin/env python3
"""Independent peers for Chronoguard's OTP interop tests.

Reads one JSON request from stdin, writes one JSON response to stdout:
  {"op": "pyotp_codes", "cases": [{"secret", "algorithm", "digits", "period", "time"}]} -> {"codes": [...]}
  {"op": "pyotp_parse", "uris": [...]} -> {"parsed": [{"type","secret","issuer","name","algorithm","digits","period","counter"}]}
  {"op": "pyotp_build", "cases": [{"secret","name","issuer","algorithm","digits","period","counter"}]} -> {"uris": [...]}
  {"op": "oathtool_codes", "cases": [...as pyotp_codes, digits 6..8]} -> {"codes": [...]}
"""
import hashlib
import json
import subprocess
import sys

try:
    import pyotp
except ImportError:
    sys.stderr.write("pyotp is not installed: run scripts/install-test-deps.sh\n")
    sys.exit(3)

DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}
NAMES = {hashlib.sha1().name: "SHA1", hashlib.sha256().name: "SHA256", hashlib.sha512().name: "SHA512"}


def pyotp_codes(cases):
    return {"codes": [
        pyotp.TOTP(c["secret"], digits=c["digits"], digest=DIGESTS[c["algorithm"]], interval=c["period"]).at(c["time"])
        for c in cases
    ]}


def pyotp_parse(uris):
    out = []
    for uri in uris:
        otp = pyotp.parse_uri(uri)
        is_totp = isinstance(otp, pyotp.TOTP)
        out.append({
            "type": "totp" if is_totp else "hotp",
            "secret": otp.secret,
            "issuer": otp.issuer,
            "name": otp.name,
            "algorithm": NAMES[otp.digest().name],
            "digits": otp.digits,
            "period": otp.interval if is_totp else None,
            "counter": None if is_totp else otp.initial_count,
        })
    return {"parsed": out}


def pyotp_build(cases):
    uris = []
    for c in cases:
        digest = DIGESTS[c["algorithm"]]
        if c.get("counter") is not None:
            otp = pyotp.HOTP(c["secret"], digits=c["digits"], digest=digest, initial_count=c["counter"])
            uris.append(otp.provisioning_uri(name=c["name"], issuer_name=c.get("issuer"), initial_count=c["counter"]))
        else:
            otp = pyotp.TOTP(c["secret"], digits=c["digits"], digest=digest, interval=c["period"])
            uris.append(otp.provisioning_uri(name=c["name"], issuer_name=c.get("issuer")))
    return {"uris": uris}


def oathtool_codes(cases):
    codes = []
    for c in cases:
        result = subprocess.run(
            ["oathtool", "--totp=" + c["algorithm"].lower(), "--base32", "--digits=%d" % c["digits"],
             "--time-step-size=%ds" % c["period"], "--now=@%d" % c["time"], c["secret"]],
            capture_output=True, text=True, check=True)
        codes.append(result.stdout.strip())
    return {"codes": codes}


def main():
    request = json.load(sys.stdin)
    op = request["op"]
    if op == "pyotp_codes":
        response = pyotp_codes(request["cases"])
    elif op == "pyotp_parse":
        response = pyotp_parse(request["uris"])
    elif op == "pyotp_build":
        response = pyotp_build(request["cases"])
    elif op == "oathtool_codes":
        response = oathtool_codes(request["cases"])
    else:
        raise SystemExit("unknown op " + op)
    json.dump(response, sys.stdout)


if __name__ == "__main__":
    main()
