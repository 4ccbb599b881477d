#!/usr/bin/env python3
"""Independent Solana peer for ChainKit's tests, built on `solders` (Rust solana-sdk bindings).

Protocol: one JSON request on stdin, one JSON response on stdout.
Requests ({"command": ...}):
  generate   {seed, count, guardians: [base58]}  -> {"cases": [...]}  random transactions
  verify     {transactions: [base64]}            -> {"results": [...]} signature checks
  judge      {inputs: [base64]}                  -> {"results": [...]} does solders accept the bytes?
  base58     {seed, count}                       -> {"values": [{"hex", "base58"}]} 32/64-byte values
  derive     {seeds: [hex]}                      -> {"pubkeys": [base58]} Ed25519 seed -> public key
"""
import base64
import json
import random
import sys

try:
    from solders.address_lookup_table_account import AddressLookupTableAccount
    from solders.hash import Hash
    from solders.instruction import AccountMeta, Instruction
    from solders.keypair import Keypair
    from solders.message import Message, MessageV0, to_bytes_versioned
    from solders.pubkey import Pubkey
    from solders.signature import Signature
    from solders.transaction import Transaction, VersionedTransaction
except ImportError as error:  # reported to the Swift test as a failure with install instructions
    print(json.dumps({"error": "missing_peer", "detail": str(error)}))
    sys.exit(3)

PACKET_DATA_SIZE = 1232  # 1280-byte IPv6 MTU - 40 (IPv6 header) - 8 (UDP header)


def b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode()


def random_pubkey(rng: random.Random) -> Pubkey:
    return Pubkey.from_bytes(bytes(rng.getrandbits(8) for _ in range(32)))


def keypair(rng: random.Random) -> Keypair:
    return Keypair.from_seed(bytes(rng.getrandbits(8) for _ in range(32)))


def generate_case(rng: random.Random, guardian: Pubkey) -> dict:
    """One random transaction in which `guardian` must sign and its slot is left empty."""
    versioned = rng.random() < 0.6
    signers = [keypair(rng) for _ in range(rng.randint(1, 4))]
    payer_is_guardian = rng.random() < 0.2
    payer = guardian if payer_is_guardian else signers[0].pubkey()
    programs = [random_pubkey(rng) for _ in range(rng.randint(1, 3))]
    plain = [random_pubkey(rng) for _ in range(rng.randint(0, 8))]

    # Lookup tables hold some non-signer accounts (never programs or signers: try_compile keeps
    # those static) plus unrelated filler entries.
    tables = []
    if versioned and rng.random() < 0.75:
        pool = [random_pubkey(rng) for _ in range(rng.randint(1, 10))]
        plain += pool
        for _ in range(rng.randint(1, 3)):
            entries = [random_pubkey(rng) for _ in range(rng.randint(0, 6))]
            entries += rng.sample(pool, rng.randint(0, len(pool)))
            rng.shuffle(entries)
            tables.append(AddressLookupTableAccount(key=random_pubkey(rng), addresses=entries))

    # Expected access per key, derived from the instruction metas (not from the compiled header).
    access = {payer: [True, True]}

    def meta(key, signer, writable):
        flags = access.setdefault(key, [False, False])
        flags[0] |= signer
        flags[1] |= writable
        return AccountMeta(key, signer, writable)

    instructions = []
    signer_keys = [kp.pubkey() for kp in signers] + [guardian]
    for index in range(rng.randint(1, 4)):
        metas = []
        if index == 0:
            metas.append(meta(guardian, True, rng.random() < 0.5))
        for key in rng.sample(signer_keys, rng.randint(0, len(signer_keys))):
            metas.append(meta(key, True, rng.random() < 0.5))
        for key in rng.sample(plain, rng.randint(0, len(plain))):
            metas.append(meta(key, False, rng.random() < 0.5))
        program = rng.choice(programs)
        access.setdefault(program, [False, False])
        # About 1 case in 25 carries a 1200-byte payload, pushing it over the packet limit.
        size = 1200 if rng.random() < 0.04 else rng.choice([0, 1, 8, 40, rng.randint(0, 200)])
        data = bytes(rng.getrandbits(8) for _ in range(size))
        instructions.append(Instruction(program, data, metas))

    blockhash = Hash(bytes(rng.getrandbits(8) for _ in range(32)))
    if versioned:
        message = MessageV0.try_compile(payer, instructions, tables, blockhash)
        message_bytes = to_bytes_versioned(message)
    else:
        message = Message.new_with_blockhash(instructions, payer, blockhash)
        message_bytes = bytes(message)

    header = message.header
    required = header.num_required_signatures
    static_keys = list(message.account_keys)
    by_key = {kp.pubkey(): kp for kp in signers}
    signatures, filled = [], []
    for key in static_keys[:required]:
        if key != guardian and rng.random() < 0.7:
            signatures.append(by_key[key].sign_message(message_bytes))
            filled.append(True)
        else:
            signatures.append(Signature.default())
            filled.append(False)
    tx = VersionedTransaction.populate(message, signatures)
    wire = bytes(tx)

    lookups = []
    if versioned:
        lookups = [
            {"table": str(l.account_key), "writable": list(l.writable_indexes), "readonly": list(l.readonly_indexes)}
            for l in message.address_table_lookups
        ]
    # Resolved account order: static keys, then writable then read-only loaded entries.
    contents = {t.key: list(t.addresses) for t in tables}
    resolved = list(static_keys)
    if versioned:
        for l in message.address_table_lookups:
            resolved += [contents[l.account_key][i] for i in l.writable_indexes]
        for l in message.address_table_lookups:
            resolved += [contents[l.account_key][i] for i in l.readonly_indexes]

    return {
        "wire": b64(wire),
        "oversized": len(wire) > PACKET_DATA_SIZE,
        "version": "v0" if versioned else "legacy",
        "header": [header.num_required_signatures, header.num_readonly_signed_accounts, header.num_readonly_unsigned_accounts],
        "static_keys": [str(k) for k in static_keys],
        "blockhash": str(message.recent_blockhash),
        "instructions": [
            {"program_id_index": ci.program_id_index, "accounts": list(bytes(ci.accounts)), "data": b64(ci.data)}
            for ci in message.instructions
        ],
        "lookups": lookups,
        "lookup_tables": {str(t.key): [str(a) for a in t.addresses] for t in tables},
        "signatures": [str(s) if f else None for s, f in zip(signatures, filled)],
        "message": b64(message_bytes),
        "guardian": str(guardian),
        "guardian_index": static_keys.index(guardian),
        "resolved_accounts": [
            {"key": str(k), "signer": access[k][0], "writable": access[k][1]} for k in resolved
        ],
    }


def generate(request: dict) -> dict:
    rng = random.Random(request["seed"])
    guardians = [Pubkey.from_string(g) for g in request["guardians"]]
    return {"cases": [generate_case(rng, guardians[i % len(guardians)]) for i in range(request["count"])]}


def verify(request: dict) -> dict:
    results = []
    for encoded in request["transactions"]:
        raw = base64.b64decode(encoded)
        tx = VersionedTransaction.from_bytes(raw)
        message = tx.message
        message_bytes = to_bytes_versioned(message)
        keys = list(message.account_keys)
        slots = []
        for index, signature in enumerate(tx.signatures):
            if signature == Signature.default():
                slots.append("empty")
            else:
                slots.append("valid" if signature.verify(keys[index], message_bytes) else "invalid")
        entry = {"slots": slots, "reserialized": b64(bytes(tx)) == encoded}
        if all(s != "empty" for s in slots):
            entry["verify_with_results"] = all(tx.verify_with_results())
            if isinstance(message, Message):
                legacy = Transaction.from_bytes(raw)
                try:
                    legacy.verify()
                    entry["legacy_verify"] = True
                except Exception:
                    entry["legacy_verify"] = False
        results.append(entry)
    return {"results": results}


def judge(request: dict) -> dict:
    """Whether solders accepts each input as a sanitized transaction, and how many bytes it used."""
    results = []
    for encoded in request["inputs"]:
        raw = base64.b64decode(encoded)
        try:
            tx = VersionedTransaction.from_bytes(raw)
        except Exception as error:
            results.append({"accepted": False, "stage": "decode", "detail": str(error)[:200]})
            continue
        try:
            tx.sanitize()
        except Exception as error:
            results.append({"accepted": False, "stage": "sanitize", "detail": str(error)[:200]})
            continue
        consumed = len(bytes(tx))
        message = tx.message
        keys = [bytes(k) for k in message.account_keys]
        results.append({
            "accepted": True,
            "consumed": consumed,
            "duplicate_static_keys": len(set(keys)) != len(keys),
        })
    return {"results": results}


def base58_values(request: dict) -> dict:
    rng = random.Random(request["seed"])
    values = []
    for index in range(request["count"]):
        size = 32 if index % 2 == 0 else 64
        # Bias towards leading zero bytes, the tricky case for Base58.
        zeros = rng.choice([0, 0, 0, 1, 2, 5])
        raw = bytes(zeros) + bytes(rng.getrandbits(8) for _ in range(size - zeros))
        text = str(Pubkey.from_bytes(raw)) if size == 32 else str(Signature.from_bytes(raw))
        values.append({"hex": raw.hex(), "base58": text})
    return {"values": values}


def derive(request: dict) -> dict:
    return {"pubkeys": [str(Keypair.from_seed(bytes.fromhex(seed)).pubkey()) for seed in request["seeds"]]}


COMMANDS = {"generate": generate, "verify": verify, "judge": judge, "base58": base58_values, "derive": derive}

if __name__ == "__main__":
    request = json.load(sys.stdin)
    json.dump(COMMANDS[request["command"]](request), sys.stdout)
