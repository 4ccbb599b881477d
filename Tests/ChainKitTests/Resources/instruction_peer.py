#!/usr/bin/env python3
"""Independent instruction builder for ChainKit's decoding tests.

System Program instructions come from `solders.system_program` (the Rust solana-program builders), SPL Token and
Token-2022 transfers, Associated Token Account creation and memos from the `solana` package's `spl.token` /
`spl.memo` modules, Compute Budget instructions from `solders.compute_budget`. Each case is a message (legacy, or v0
with some accounts loaded through an address lookup table) plus what each instruction means, as the builders were
told it.

stdin:  {"seed": int, "count": int}
stdout: {"cases": [{"message": base64, "tables": {table: [base58]}, "instructions": [{"kind": ..., fields...}]}]}
"""
import base64
import json
import random
import sys

try:
    from solders.address_lookup_table_account import AddressLookupTableAccount
    from solders.hash import Hash
    from solders.keypair import Keypair
    from solders.message import Message, MessageV0, to_bytes_versioned
    from solders.pubkey import Pubkey
    import solders.system_program as sp
    import solders.compute_budget as cb
    import spl.token.instructions as tk
    import spl.token.models as tm
    from spl.token.constants import TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID
    from spl.memo.instructions import create_memo
    from spl.memo.models import MemoParams
    from spl.memo.constants import MEMO_PROGRAM_ID
except ImportError as error:
    print(json.dumps({"error": "missing_peer", "detail": str(error)}))
    sys.exit(3)


def key(rng):
    return Pubkey.from_bytes(bytes(rng.getrandbits(8) for _ in range(32)))


def u64(rng):
    # Full range, with the edges often.
    return rng.choice([0, 1, 2**64 - 1, 2**63, rng.getrandbits(64), rng.getrandbits(33)])


def seed_text(rng):
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-é"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))


def make(rng, payer, signer):
    """One random instruction and its expected decoding."""
    choice = rng.randrange(13)
    to, other, owner = key(rng), key(rng), key(rng)
    if choice == 0:
        lamports = u64(rng)
        return sp.transfer(sp.TransferParams(from_pubkey=payer, to_pubkey=to, lamports=lamports)), \
            {"kind": "system_transfer", "from": str(payer), "to": str(to), "lamports": str(lamports)}
    if choice == 1:
        lamports, seed = u64(rng), seed_text(rng)
        ix = sp.transfer_with_seed(sp.TransferWithSeedParams(from_pubkey=other, from_base=payer, from_seed=seed, from_owner=owner, to_pubkey=to, lamports=lamports))
        return ix, {"kind": "system_transfer_with_seed", "from": str(other), "base": str(payer), "to": str(to), "lamports": str(lamports), "seed": seed, "owner": str(owner)}
    if choice == 2:
        lamports, space = u64(rng), u64(rng)
        ix = sp.create_account(sp.CreateAccountParams(from_pubkey=payer, to_pubkey=signer, lamports=lamports, space=space, owner=owner))
        return ix, {"kind": "system_create_account", "funding": str(payer), "new": str(signer), "lamports": str(lamports), "space": str(space), "owner": str(owner)}
    if choice == 3:
        lamports, space, seed = u64(rng), u64(rng), seed_text(rng)
        base = payer if rng.random() < 0.5 else signer
        ix = sp.create_account_with_seed(sp.CreateAccountWithSeedParams(from_pubkey=payer, to_pubkey=to, base=base, seed=seed, lamports=lamports, space=space, owner=owner))
        return ix, {"kind": "system_create_account_with_seed", "funding": str(payer), "new": str(to), "base": str(base), "seed": seed, "lamports": str(lamports), "space": str(space), "owner": str(owner)}
    if choice == 4:
        nonce = other
        ix = sp.advance_nonce_account(sp.AdvanceNonceAccountParams(nonce_pubkey=nonce, authorized_pubkey=payer))
        return ix, {"kind": "system_advance_nonce", "nonce": str(nonce)}
    if choice == 5:
        ix = sp.assign(sp.AssignParams(pubkey=signer, owner=owner))
        return ix, {"kind": "system_other", "index": 1}
    if choice in (6, 7):
        program = rng.choice([TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID])
        source, dest, mint = key(rng), to, key(rng)
        amount, decimals = u64(rng), rng.randrange(256)
        signers = [key(rng) for _ in range(rng.choice([0, 0, 0, 2, 3]))]
        authority = payer if not signers else other
        if choice == 6:
            ix = tk.transfer(tm.TransferParams(program_id=program, source=source, dest=dest, owner=authority, amount=amount, signers=signers))
            return ix, {"kind": "token_transfer", "program": str(program), "source": str(source), "destination": str(dest), "authority": str(authority), "signers": [str(s) for s in signers], "amount": str(amount)}
        ix = tk.transfer_checked(tm.TransferCheckedParams(program_id=program, source=source, mint=mint, dest=dest, owner=authority, amount=amount, decimals=decimals, signers=signers))
        return ix, {"kind": "token_transfer_checked", "program": str(program), "source": str(source), "mint": str(mint), "destination": str(dest), "authority": str(authority), "signers": [str(s) for s in signers], "amount": str(amount), "decimals": decimals}
    if choice == 8:
        program = rng.choice([TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID])
        ix = tk.approve(tm.ApproveParams(program_id=program, source=key(rng), delegate=to, owner=payer, amount=u64(rng)))
        return ix, {"kind": "token_other", "program": str(program), "tag": 4}
    if choice == 9:
        mint = key(rng)
        program = rng.choice([TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID])
        idempotent = rng.random() < 0.5
        builder = tk.create_idempotent_associated_token_account if idempotent else tk.create_associated_token_account
        ix = builder(payer=payer, owner=owner, mint=mint, token_program_id=program)
        ata = tk.get_associated_token_address(owner, mint, program)
        return ix, {"kind": "ata_create", "funding": str(payer), "account": str(ata), "wallet": str(owner), "mint": str(mint), "idempotent": idempotent,
                    "token_program": str(program)}
    if choice == 10:
        which = rng.randrange(4)
        if which == 0:
            units = rng.getrandbits(32)
            return cb.set_compute_unit_limit(units), {"kind": "cb_limit", "value": str(units)}
        if which == 1:
            price = u64(rng)
            return cb.set_compute_unit_price(price), {"kind": "cb_price", "value": str(price)}
        if which == 2:
            size = rng.getrandbits(32)
            return cb.request_heap_frame(size), {"kind": "cb_heap", "value": str(size)}
        size = rng.getrandbits(32)
        return cb.set_loaded_accounts_data_size_limit(size), {"kind": "cb_data_size", "value": str(size)}
    if choice == 11:
        text = seed_text(rng) * rng.randint(1, 3)
        ix = create_memo(MemoParams(program_id=MEMO_PROGRAM_ID, signer=payer, message=text.encode()))
        return ix, {"kind": "memo", "data": base64.b64encode(text.encode()).decode()}
    program = key(rng)
    from solders.instruction import Instruction, AccountMeta
    ix = Instruction(program, bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 40))), [AccountMeta(to, False, True)])
    return ix, {"kind": "other", "program": str(program)}


def case(rng):
    payer, signer = Keypair.from_seed(bytes(rng.getrandbits(8) for _ in range(32))), Keypair.from_seed(bytes(rng.getrandbits(8) for _ in range(32)))
    pairs = [make(rng, payer.pubkey(), signer.pubkey()) for _ in range(rng.randint(1, 4))]
    instructions = [ix for ix, _ in pairs]
    blockhash = Hash(bytes(rng.getrandbits(8) for _ in range(32)))
    tables = {}
    if rng.random() < 0.4:
        # Put some non-signer, non-program accounts in a lookup table: the decoder must report them as lookups.
        candidates = []
        for ix in instructions:
            for meta in ix.accounts:
                if not meta.is_signer and meta.pubkey not in candidates and meta.pubkey not in [i.program_id for i in instructions]:
                    candidates.append(meta.pubkey)
        entries = rng.sample(candidates, rng.randint(0, len(candidates))) + [key(rng) for _ in range(rng.randint(0, 3))]
        rng.shuffle(entries)
        table = AddressLookupTableAccount(key=key(rng), addresses=entries)
        message = MessageV0.try_compile(payer.pubkey(), instructions, [table], blockhash)
        tables[str(table.key)] = [str(a) for a in entries]
        data = to_bytes_versioned(message)
    else:
        message = Message.new_with_blockhash(instructions, payer.pubkey(), blockhash)
        data = bytes(message)
    return {"message": base64.b64encode(bytes(data)).decode(), "tables": tables, "instructions": [info for _, info in pairs]}


request = json.load(sys.stdin)
rng = random.Random(request["seed"])
json.dump({"cases": [case(rng) for _ in range(request["count"])]}, sys.stdout)
