#!/usr/bin/env python3
"""Independent peer for SIWETests: EIP-4361 messages rendered here from the ABNF (EIP-4361 §"ABNF Message Format"),
written independently of the Swift code, and signed / recovered with eth-account (`encode_defunct` +
`Account.sign_message`, EIP-191 `personal_sign`).

Protocol: one JSON request on stdin, one JSON response on stdout.
  sign_random {count: int, seed: int}
      -> {"results": [{"fields": {...}, "text": str, "address": str, "signature": hex65}]}
      random messages (every optional field present or not), each signed by a fresh random key
  render      {items: [{fields}]} -> {"results": [text]}
  recover     {items: [{text: str, signature: hex65}]} -> {"results": [address]}
Fields: scheme, domain, address, statement, uri, version, chainId (decimal string), nonce, issuedAt, expirationTime,
notBefore, requestId, resources (null when absent).
"""
import datetime
import json
import random
import sys

try:
    from eth_account import Account
    from eth_account.messages import encode_defunct
except ImportError as error:
    print(json.dumps({"error": "missing_peer", "detail": str(error)}))
    sys.exit(3)

HEADER = " wants you to sign in with your Ethereum account:"


def render(f):
    """sign-in-with-ethereum = [ scheme "://" ] domain HEADER LF address LF LF [ statement LF ] LF "URI: " uri LF ..."""
    origin = (f["scheme"] + "://" if f.get("scheme") is not None else "") + f["domain"]
    parts = [origin + HEADER, f["address"], ""]
    if f.get("statement") is not None:
        parts.append(f["statement"])
    parts += ["", "URI: " + f["uri"], "Version: " + f.get("version", "1"), "Chain ID: " + f["chainId"],
              "Nonce: " + f["nonce"], "Issued At: " + f["issuedAt"]]
    for label, key in (("Expiration Time", "expirationTime"), ("Not Before", "notBefore"), ("Request ID", "requestId")):
        if f.get(key) is not None:
            parts.append(f"{label}: {f[key]}")
    if f.get("resources") is not None:
        parts.append("Resources:")
        parts += ["- " + r for r in f["resources"]]
    return "\n".join(parts)


ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
STATEMENT = ALNUM + " -._~:/?#[]@!$&'()*+,;="
PCHAR = ALNUM + "-._~!$&'()*+,;=:@"
DOMAINS = ["example.com", "app.chronoguard.io", "localhost:3000", "127.0.0.1:8080", "[::1]:443", "user@wallet.example",
           "sub.domain.example.org:8443"]
URIS = ["https://example.com/login", "https://app.chronoguard.io/siwe?next=%2Fhome#x", "http://localhost:3000/",
        "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a",
        "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"]
CHAINS = [1, 5, 10, 137, 8453, 42161, 11155111, 2**64 - 1]


def timestamp(rng, unix):
    moment = datetime.datetime.fromtimestamp(unix, tz=datetime.timezone.utc)
    style = rng.randrange(4)
    if style == 0:  # JavaScript toISOString
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if style == 1:  # whole seconds
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == 2:  # an offset, with a fraction of 1-6 digits
        minutes = rng.randrange(-(23 * 60 + 59), 23 * 60 + 60)
        local = moment + datetime.timedelta(minutes=minutes)
        sign = "-" if minutes < 0 else "+"
        digits = rng.randrange(1, 7)
        fraction = f"{local.microsecond:06d}"[:digits]
        return local.strftime("%Y-%m-%dT%H:%M:%S.") + fraction + f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return moment.strftime("%Y-%m-%dt%H:%M:%Sz")  # lower-case t and z (RFC 3339 §5.6 note)


def random_message(rng):
    account = Account.from_key(rng.randbytes(32))
    issued = rng.randrange(946_684_800_000, 4_102_444_800_000) / 1000
    statement = "".join(rng.choice(STATEMENT) for _ in range(rng.randrange(1, 120))) if rng.random() < 0.6 else None
    if statement is not None and statement.strip() == "":
        statement = "x"
    fields = {
        "scheme": rng.choice(["https", "http", "chrome-extension"]) if rng.random() < 0.3 else None,
        "domain": rng.choice(DOMAINS),
        "address": account.address,  # eth-account gives the EIP-55 checksummed form
        "statement": statement,
        "uri": rng.choice(URIS),
        "version": "1",
        "chainId": str(rng.choice(CHAINS)),
        "nonce": "".join(rng.choice(ALNUM) for _ in range(rng.randrange(8, 33))),
        "issuedAt": timestamp(rng, issued),
        "expirationTime": timestamp(rng, issued + rng.randrange(1, 86_400)) if rng.random() < 0.6 else None,
        "notBefore": timestamp(rng, issued + 30) if rng.random() < 0.4 else None,
        "requestId": "".join(rng.choice(PCHAR) for _ in range(rng.randrange(1, 30))) if rng.random() < 0.4 else None,
        "resources": ([rng.choice(URIS) for _ in range(rng.randrange(0, 4))] if rng.random() < 0.5 else None),
    }
    text = render(fields)
    signed = Account.sign_message(encode_defunct(text=text), private_key=account.key)
    return {"fields": fields, "text": text, "address": account.address, "signature": signed.signature.hex()}


def main():
    request = json.load(sys.stdin)
    command = request["command"]
    if command == "sign_random":
        rng = random.Random(request["seed"])
        results = [random_message(rng) for _ in range(request["count"])]
    elif command == "render":
        results = [render(f) for f in request["items"]]
    elif command == "recover":
        results = [Account.recover_message(encode_defunct(text=i["text"]), signature=bytes.fromhex(i["signature"]))
                   for i in request["items"]]
    else:
        raise SystemExit(f"unknown command {command}")
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
