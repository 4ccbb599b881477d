#!/usr/bin/env python3
"""Independent builders for ChainKit's instruction-builder, message-compiler, PDA and token-layout tests.

- System Program instructions: `solders.system_program` (the Rust solana-program builders).
- Compute Budget instructions: `solders.compute_budget`.
- SPL Token / Token-2022 instructions, associated token addresses and `CreateIdempotent`: the `solana` package's
  `spl.token.instructions`. One known difference: for `InitializeMint2` without a freeze authority spl.token writes
  the option tag 0 followed by 32 zero bytes (67 bytes), while the Rust `spl_token::instruction::initialize_mint2`
  writes the tag alone (35 bytes, `pack_pubkey_option`); both unpack the same. The case carries both so the Swift
  side can check that it matches the Rust layout and that spl.token's extra bytes are zeros.
- Legacy messages: `solders.message.Message.new_with_blockhash` over random mixes of the above.
- Program addresses: `Pubkey.find_program_address` / `create_program_address` / `is_on_curve`.
- Token account layouts: `spl.token._layouts` (MINT_LAYOUT, ACCOUNT_LAYOUT, MULTISIG_LAYOUT), Token-2022 extension
  tails from the documented layout (base, zero padding to 165 bytes, account type byte, u16 type / u16 length TLVs).

stdin:  {"command": "instructions" | "messages" | "addresses" | "layouts", "seed": int, "count": int}
stdout: {"cases": [...]} (shapes below, per command)
"""
import base64
import json
import random
import sys

try:
    from solders.hash import Hash
    from solders.instruction import Instruction
    from solders.keypair import Keypair
    from solders.message import Message
    from solders.pubkey import Pubkey
    import solders.system_program as sp
    import solders.compute_budget as cb
    import spl.token.instructions as tk
    import spl.token.models as tm
    import spl.token._layouts as layouts
    from spl.token.constants import TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID
except ImportError as error:
    print(json.dumps({"error": "missing_peer", "detail": str(error)}))
    sys.exit(3)


def b64(data):
    return base64.b64encode(bytes(data)).decode()


def key(rng):
    return Pubkey.from_bytes(bytes(rng.getrandbits(8) for _ in range(32)))


def u64(rng):
    return rng.choice([0, 1, 2**64 - 1, 2**63, rng.getrandbits(64), rng.getrandbits(33)])


def u32(rng):
    return rng.choice([0, 1, 2**32 - 1, 1_400_000, rng.getrandbits(32)])


def keys(rng, low, high):
    return [key(rng) for _ in range(rng.randint(low, high))]


def describe(ix):
    return {
        "program": str(ix.program_id),
        "accounts": [{"key": str(m.pubkey), "signer": m.is_signer, "writable": m.is_writable} for m in ix.accounts],
        "data": b64(ix.data),
    }


def token_program(rng):
    return rng.choice([TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID])


def instruction(rng):
    """One random instruction: (arguments for the Swift builder, the peer's instruction, extra fields)."""
    kind = rng.choice(["create_account", "transfer", "allocate", "initialize_mint2", "initialize_multisig2",
                       "initialize_account3", "mint_to", "transfer_checked", "sync_native", "close_account",
                       "create_idempotent", "set_compute_unit_limit", "set_compute_unit_price"])
    program = token_program(rng)
    signers = keys(rng, 0, 11) if rng.random() < 0.6 else []
    args = {"kind": kind, "program": str(program), "signers": [str(s) for s in signers]}
    a, b, c, d = key(rng), key(rng), key(rng), key(rng)
    args.update({"a": str(a), "b": str(b), "c": str(c), "d": str(d)})
    extra = {}
    if kind == "create_account":
        lamports, space = u64(rng), u64(rng)
        args.update(lamports=str(lamports), space=str(space))
        ix = sp.create_account(sp.CreateAccountParams(from_pubkey=a, to_pubkey=b, lamports=lamports, space=space,
                                                      owner=c))
    elif kind == "transfer":
        lamports = u64(rng)
        args.update(lamports=str(lamports))
        ix = sp.transfer(sp.TransferParams(from_pubkey=a, to_pubkey=b, lamports=lamports))
    elif kind == "allocate":
        space = u64(rng)
        args.update(space=str(space))
        ix = sp.allocate(sp.AllocateParams(pubkey=a, space=space))
    elif kind == "initialize_mint2":
        decimals = rng.randrange(256)
        freeze = c if rng.random() < 0.5 else None
        args.update(decimals=decimals, freeze=freeze is not None)
        ix = tk.initialize_mint2(tm.InitializeMint2Params(decimals=decimals, program_id=program, mint=a,
                                                          mint_authority=b, freeze_authority=freeze))
    elif kind == "initialize_multisig2":
        members = keys(rng, 1, 11)
        m = rng.randint(1, len(members))
        args.update(signers=[str(s) for s in members], m=m)
        ix = tk.initialize_multisig2(tm.InitializeMultisig2Params(program_id=program, multisig=a, m=m,
                                                                  signers=members))
    elif kind == "initialize_account3":
        ix = tk.initialize_account3(tm.InitializeAccount3Params(program_id=program, account=a, mint=b, owner=c))
    elif kind == "mint_to":
        amount = u64(rng)
        args.update(amount=str(amount))
        ix = tk.mint_to(tm.MintToParams(program_id=program, mint=a, dest=b, mint_authority=c, amount=amount,
                                        signers=signers))
    elif kind == "transfer_checked":
        amount, decimals = u64(rng), rng.randrange(256)
        args.update(amount=str(amount), decimals=decimals)
        ix = tk.transfer_checked(tm.TransferCheckedParams(program_id=program, source=a, mint=b, dest=c, owner=d,
                                                          amount=amount, decimals=decimals, signers=signers))
    elif kind == "sync_native":
        ix = tk.sync_native(tm.SyncNativeParams(program_id=program, account=a))
    elif kind == "close_account":
        ix = tk.close_account(tm.CloseAccountParams(program_id=program, account=a, dest=b, owner=c, signers=signers))
    elif kind == "create_idempotent":
        ix = tk.create_idempotent_associated_token_account(payer=a, owner=b, mint=c, token_program_id=program)
        extra["associated"] = str(tk.get_associated_token_address(b, c, token_program_id=program))
    elif kind == "set_compute_unit_limit":
        units = u32(rng)
        args.update(units=str(units))
        ix = cb.set_compute_unit_limit(units)
    else:
        price = u64(rng)
        args.update(micro_lamports=str(price))
        ix = cb.set_compute_unit_price(price)
    return args, ix, extra


def instructions(rng, count):
    cases = []
    for _ in range(count):
        args, ix, extra = instruction(rng)
        if args["kind"] == "initialize_mint2" and not args["freeze"]:
            extra["spl_data"] = b64(ix.data)  # spl.token's 67-byte variant; expected is the Rust layout
            ix = rebuild(args)[1]
        case = {"args": args, "expected": describe(ix)}
        case.update(extra)
        cases.append(case)
    return cases


def messages(rng, count):
    """Random legacy messages: several instructions, sometimes sharing keys, compiled by solders."""
    cases = []
    while len(cases) < count:
        pool = [key(rng) for _ in range(rng.randint(1, 6))]
        built = []
        for _ in range(rng.randint(1, 5)):
            args, ix, _ = instruction(rng)
            # Reuse keys across instructions so that flags merge: swap some accounts for pool keys.
            for field in ("a", "b", "c", "d"):
                if rng.random() < 0.3:
                    args[field] = str(rng.choice(pool))
            _, ix, _ = rebuild(args)
            built.append((args, ix))
        payer = rng.choice(pool + [key(rng)])
        blockhash = Hash(bytes(rng.getrandbits(8) for _ in range(32)))
        try:
            message = Message.new_with_blockhash([ix for _, ix in built], payer, blockhash)
            wire = bytes(message)
        except Exception as error:  # e.g. the payer invoked as a program: skip, the Swift side refuses it too
            continue
        if len(wire) + 1 + 64 * message.header.num_required_signatures > 1232:
            continue
        cases.append({"instructions": [args for args, _ in built], "payer": str(payer),
                      "blockhash": str(blockhash), "message": b64(wire)})
    return cases


def rebuild(args):
    """Builds the instruction `args` describe (after keys were swapped)."""
    p = lambda name: Pubkey.from_string(args[name])
    program = Pubkey.from_string(args["program"])
    signers = [Pubkey.from_string(s) for s in args["signers"]]
    kind = args["kind"]
    if kind == "create_account":
        ix = sp.create_account(sp.CreateAccountParams(from_pubkey=p("a"), to_pubkey=p("b"),
                                                      lamports=int(args["lamports"]), space=int(args["space"]),
                                                      owner=p("c")))
    elif kind == "transfer":
        ix = sp.transfer(sp.TransferParams(from_pubkey=p("a"), to_pubkey=p("b"), lamports=int(args["lamports"])))
    elif kind == "allocate":
        ix = sp.allocate(sp.AllocateParams(pubkey=p("a"), space=int(args["space"])))
    elif kind == "initialize_mint2":
        ix = tk.initialize_mint2(tm.InitializeMint2Params(
            decimals=args["decimals"], program_id=program, mint=p("a"), mint_authority=p("b"),
            freeze_authority=p("c") if args["freeze"] else None))
        if not args["freeze"]:  # the Rust layout: the option tag alone (see the module docstring)
            ix = Instruction(ix.program_id, bytes(ix.data)[:35], ix.accounts)
    elif kind == "initialize_multisig2":
        ix = tk.initialize_multisig2(tm.InitializeMultisig2Params(program_id=program, multisig=p("a"), m=args["m"],
                                                                  signers=signers))
    elif kind == "initialize_account3":
        ix = tk.initialize_account3(tm.InitializeAccount3Params(program_id=program, account=p("a"), mint=p("b"),
                                                                owner=p("c")))
    elif kind == "mint_to":
        ix = tk.mint_to(tm.MintToParams(program_id=program, mint=p("a"), dest=p("b"), mint_authority=p("c"),
                                        amount=int(args["amount"]), signers=signers))
    elif kind == "transfer_checked":
        ix = tk.transfer_checked(tm.TransferCheckedParams(program_id=program, source=p("a"), mint=p("b"), dest=p("c"),
                                                          owner=p("d"), amount=int(args["amount"]),
                                                          decimals=args["decimals"], signers=signers))
    elif kind == "sync_native":
        ix = tk.sync_native(tm.SyncNativeParams(program_id=program, account=p("a")))
    elif kind == "close_account":
        ix = tk.close_account(tm.CloseAccountParams(program_id=program, account=p("a"), dest=p("b"), owner=p("c"),
                                                    signers=signers))
    elif kind == "create_idempotent":
        ix = tk.create_idempotent_associated_token_account(payer=p("a"), owner=p("b"), mint=p("c"),
                                                           token_program_id=program)
    elif kind == "set_compute_unit_limit":
        ix = cb.set_compute_unit_limit(int(args["units"]))
    else:
        ix = cb.set_compute_unit_price(int(args["micro_lamports"]))
    return args, ix, {}


def addresses(rng, count):
    cases = []
    for index in range(count):
        program = key(rng)
        seeds = [bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 5, 31, 32, rng.randint(0, 32)])))
                 for _ in range(rng.randint(0, 15))]
        address, bump = Pubkey.find_program_address(seeds, program)
        # create_program_address on the seeds as given: a curve point (refused) about half the time.
        try:
            created = str(Pubkey.create_program_address(seeds, program))
        except Exception:
            created = None
        probe = bytes(rng.getrandbits(8) for _ in range(32))
        if index % 4 == 0:  # a real public key (from a seed): always on the curve
            probe = bytes(Keypair.from_seed(bytes(rng.getrandbits(8) for _ in range(32))).pubkey())
        wallet, mint = key(rng), key(rng)
        token = token_program(rng)
        cases.append({
            "program": str(program), "seeds": [b64(s) for s in seeds], "address": str(address), "bump": bump,
            "created": created, "probe": b64(probe), "probe_on_curve": Pubkey.from_bytes(probe).is_on_curve(),
            "wallet": str(wallet), "mint": str(mint), "token_program": str(token),
            "associated": str(tk.get_associated_token_address(wallet, mint, token_program_id=token)),
        })
    return cases


def coption(rng):
    return (1, bytes(key(rng))) if rng.random() < 0.5 else (0, bytes(32))


def extension_tail(rng, base, account_type):
    """Token-2022: zero padding up to 165 bytes, the account type, then TLV entries (and maybe zero padding)."""
    tail = bytes(165 - len(base)) + bytes([account_type])
    entries = []
    for _ in range(rng.randint(0, 4)):
        kind = rng.randint(1, 30)
        value = bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 8, 32, 108])))
        entries.append({"type": kind, "value": b64(value)})
        tail += kind.to_bytes(2, "little") + len(value).to_bytes(2, "little") + value
    if rng.random() < 0.3:
        tail += bytes(rng.choice([1, 2, 6]))  # unused space: zeros (type 0 ends the list), or a lone byte
    return tail, entries


def layouts_cases(rng, count):
    cases = []
    for _ in range(count):
        kind = rng.choice(["mint", "account", "multisig"])
        program = token_program(rng)
        extended = program == TOKEN_2022_PROGRAM_ID and kind != "multisig" and rng.random() < 0.5
        if kind == "mint":
            authority, freeze = coption(rng), coption(rng)
            fields = {"mint_authority_option": authority[0], "mint_authority": authority[1], "supply": u64(rng),
                      "decimals": rng.randrange(256), "is_initialized": True,
                      "freeze_authority_option": freeze[0], "freeze_authority": freeze[1]}
            data = layouts.MINT_LAYOUT.build(fields)
            expected = {"mint_authority": str(Pubkey.from_bytes(authority[1])) if authority[0] else None,
                        "supply": str(fields["supply"]), "decimals": fields["decimals"],
                        "freeze_authority": str(Pubkey.from_bytes(freeze[1])) if freeze[0] else None}
            account_type = 1
        elif kind == "account":
            delegate, close = coption(rng), coption(rng)
            native = (1, u64(rng)) if rng.random() < 0.3 else (0, 0)
            fields = {"mint": bytes(key(rng)), "owner": bytes(key(rng)), "amount": u64(rng),
                      "delegate_option": delegate[0], "delegate": delegate[1], "state": rng.choice([1, 2]),
                      "is_native_option": native[0], "is_native": native[1], "delegated_amount": u64(rng),
                      "close_authority_option": close[0], "close_authority": close[1]}
            data = layouts.ACCOUNT_LAYOUT.build(fields)
            expected = {"mint": str(Pubkey.from_bytes(fields["mint"])), "owner": str(Pubkey.from_bytes(fields["owner"])),
                        "amount": str(fields["amount"]),
                        "delegate": str(Pubkey.from_bytes(delegate[1])) if delegate[0] else None,
                        "state": fields["state"], "native": str(native[1]) if native[0] else None,
                        "delegated_amount": str(fields["delegated_amount"]),
                        "close_authority": str(Pubkey.from_bytes(close[1])) if close[0] else None}
            account_type = 2
        else:
            n = rng.randint(1, 11)
            m = rng.randint(1, n)
            members = [bytes(key(rng)) for _ in range(11)]
            fields = {"m": m, "n": n, "is_initialized": True}
            fields.update({f"signer{i + 1}": members[i] for i in range(11)})
            data = layouts.MULTISIG_LAYOUT.build(fields)
            expected = {"m": m, "signers": [str(Pubkey.from_bytes(s)) for s in members[:n]]}
            account_type = None
        entries = []
        if extended:
            tail, entries = extension_tail(rng, data, account_type)
            data += tail
        expected["extensions"] = entries
        cases.append({"kind": kind, "program": str(program), "data": b64(data), "expected": expected})
    return cases


def main():
    request = json.load(sys.stdin)
    rng = random.Random(request["seed"])
    command, count = request["command"], request["count"]
    generate = {"instructions": instructions, "messages": messages, "addresses": addresses,
                "layouts": layouts_cases}[command]
    print(json.dumps({"cases": generate(rng, count)}))


if __name__ == "__main__":
    main()
