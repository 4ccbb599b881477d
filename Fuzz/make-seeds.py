#!/usr/bin/env python3
"""Writes the committed seed corpora in Fuzz/Corpus/<target>/ (one small valid or near-valid input per file), made
with independent peers where one exists: solders (Solana), eth-account / rlp / eth-abi (EVM), cbor2, segno (QR),
Pillow. Run it from the repository root after changing a target; the fuzzer grows the corpora from these.
    python3 Fuzz/make-seeds.py [path/to/chronoguard]   (the CLI makes the snarkjs files and UR parts)
"""
import base64, hashlib, io, json, os, subprocess, sys, tempfile
import cbor2, rlp, segno
from eth_abi import encode as abi_encode
from eth_account import Account
from PIL import Image
from solders.hash import Hash
from solders.keypair import Keypair
from solders.message import Message
from solders.system_program import TransferParams, transfer
from solders.transaction import Transaction

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")
cli = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/chronoguard")


def put(target, name, data):
    os.makedirs(os.path.join(root, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(root, target, name), "wb") as f:
        f.write(data)


# Solana: a signed transfer (legacy).
payer = Keypair.from_seed(bytes(range(32)))
to = Keypair.from_seed(bytes(range(1, 33))).pubkey()
message = Message([transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=to, lamports=1000))], payer.pubkey())
tx = Transaction([payer], message, Hash(bytes(32)))
put("solana-transaction", "transfer", bytes(tx))

put("otpauth-uri", "totp", "otpauth://totp/Acme:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme&algorithm=SHA1&digits=6&period=30")
put("otpauth-uri", "hotp", "otpauth://hotp/bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&digits=8&counter=7")

vectors = json.load(open("Tests/ChainKitTests/Resources/siws_vectors.json"))
for index, vector in enumerate((vectors["valid"] + vectors["reject"])[:6]):
    put("siws-message", f"vector-{index}", vector["text"])
put("siwe-message", "eip4361", "example.com wants you to sign in with your Ethereum account:\n"
    "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\nI accept the Terms.\n\nURI: https://example.com/login\n"
    "Version: 1\nChain ID: 1\nNonce: 32891756\nIssued At: 2021-09-30T16:25:24Z\nResources:\n- ipfs://bafy\n")

put("strict-json", "cosign", json.dumps({"transaction": base64.b64encode(bytes(tx)).decode(), "code": "123456"}))
put("strict-json", "duplicate", '{"code":"1","code":"2","transaction":""}')
put("strict-json", "rotation", '{"rotationId":"r1","sequence":3,"migrationTransactions":["AA=="]}')

with tempfile.TemporaryDirectory() as work:
    run = lambda *args: subprocess.run([cli, *args], check=True, capture_output=True, text=True, cwd=work).stdout
    run("zk", "setup", "--out", "keys")
    secret = [l.split()[1] for l in run("zk", "secret").splitlines() if l.startswith("secret:")][0]
    run("zk", "prove", "--keys", "keys", "--secret", secret, "--commitment", "12345", "--out", "out")
    for name in ("out/proof.json", "out/public.json", "keys/verification_key.json"):
        put("snarkjs-json", os.path.basename(name), open(os.path.join(work, name), "rb").read())
    put("proving-key", "head", open(os.path.join(work, "keys/proving_key.bin"), "rb").read()[:4096])
    parts = run("ur", "encode", "--type", "bytes", "--hex", "5820" + "ab" * 32, "--max-fragment-length", "10",
                "--count", "6").split()
    put("ur-part", "multi", "\n".join(parts))
    put("ur-part", "single", run("ur", "encode", "--type", "bytes", "--hex", "4401020304").strip())

for text, name in (("hello", "hello"), ("ur:bytes/hdcxdwjtbnfgjkkpvamhmkwnlscmbzhkgdonhhqdwnoyaelkbgdrlnluqzme", "ur")):
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=2, border=2)
    put("image-file", name + ".png", buffer.getvalue())
image = Image.open(io.BytesIO(open(os.path.join(root, "image-file", "hello.png"), "rb").read())).convert("L")
pgm = io.BytesIO()
image.save(pgm, format="PPM")
put("image-file", "hello.pgm", pgm.getvalue())

matrix = segno.make("HELLO WORLD", error="q", version=1).matrix
bits = [m for row in matrix for m in row]
packed = bytes([0]) + bytes(sum(bits[i + j] << j for j in range(8) if i + j < len(bits)) for i in range(0, len(bits), 8))
put("qr-grid", "hello-world-1q", packed)

put("cbor", "map", cbor2.dumps({1: 1, 2: b"\x00" * 20, 3: "summary", 4: [1, 2, 3]}, canonical=True))
put("cbor", "tagged", cbor2.dumps(cbor2.CBORTag(40001, {1: 5, 2: b"ab"}), canonical=True))
put("two-device-request", "shape", cbor2.dumps({1: 1, 2: b"\x11" * 20, 3: b"\x22" * 20, 4: 10**18, 5: b"",
                                                6: 0, 7: "rent", 8: 1733400000}, canonical=True))

account = Account.from_key(hashlib.sha256(b"fuzz").digest())
signed = account.sign_transaction({"type": 2, "chainId": 1, "nonce": 0, "to": "0x" + "11" * 20, "value": 1000,
                                    "gas": 21000, "maxFeePerGas": 30 * 10**9, "maxPriorityFeePerGas": 10**9})
put("evm-transaction", "eip1559", bytes(signed.raw_transaction))
legacy = account.sign_transaction({"chainId": 1, "nonce": 1, "to": "0x" + "22" * 20, "value": 1, "gas": 21000,
                                   "gasPrice": 10**9, "data": "0xa9059cbb"})
put("evm-transaction", "legacy", bytes(legacy.raw_transaction))
put("rlp", "nested", rlp.encode([b"dog", [b"cat", b""], 1024, b"\x00" * 60]))
put("abi", "address-uint", bytes([0]) + abi_encode(["address", "uint256"], ["0x" + "33" * 20, 7]))
put("abi", "bytes-string", bytes([1]) + abi_encode(["bytes", "string"], [b"\x01\x02", "hi"]))
put("abi", "array-bool", bytes([2]) + abi_encode(["uint256[]", "bool"], [[1, 2, 3], True]))
