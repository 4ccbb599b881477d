#!/usr/bin/env python3
"""solana-test-chain: an in-process Solana runtime (LiteSVM) behind a small HTTP JSON-RPC 2.0 server, for ChainKit's
Solana RPC tests.

This is TEST SCAFFOLDING OVER THE REAL SVM, NOT A VALIDATOR. It wraps LiteSVM (`solders.litesvm`, solders 0.29), which
runs the real System, SPL Token, Token-2022 and Associated Token Account programs with signature checks, in one
process with one in-memory bank that starts empty every time: no consensus, no leader schedule, no gossip, no
persistence, no authentication. It listens on 127.0.0.1 only. Never point anything that holds real value at it.

What LiteSVM does not do, this server emulates (see TEST-INFRA-NOTES.md, "Solana: LiteSVM"):
- Blockhashes. LiteSVM keeps one valid blockhash. Here every processed transaction (and airdrop) closes a "block": the
  slot and block height advance by one and LiteSVM's blockhash is expired (`expire_blockhash`), giving a fresh one.
  The server remembers the blockhash of each of the last 150 blocks (agave's `MAX_PROCESSING_AGE`) and checks a
  transaction's recent blockhash against them itself (LiteSVM's own check is switched off, since it only knows the
  latest); `lastValidBlockHeight` is the issuing block height + 150. An unknown or expired blockhash fails preflight
  with `BlockhashNotFound`, and with `skipPreflight` the transaction is dropped (its status stays null), as a
  cluster does.
- Confirmation. A processed transaction is "confirmed" at once (confirmations 0 … 31) and "finalized"
  (confirmations null) once 32 further blocks exist. `chronoguard_produceBlocks` makes empty blocks.
- The wrapped-SOL mints, absent from LiteSVM, are created at startup: `So11111111111111111111111111111111111111112`
  (SPL Token) and `9pan9bMn5HatX4EJdBwg9VgCa7Uz5HL8N1m5D3NdXejP` (Token-2022), 9 decimals, no authorities.
- `rentEpoch` is 18446744073709551615 (u64::MAX) for rent-exempt accounts, as real clusters report it.

What it serves (Solana JSON-RPC, https://solana.com/docs/rpc/http): getLatestBlockhash, getBlockHeight, getSlot,
getBalance, getAccountInfo (base64 only), getTokenAccountBalance, getMinimumBalanceForRentExemption,
simulateTransaction (base64; sigVerify, replaceRecentBlockhash), sendTransaction (base64; skipPreflight),
getSignatureStatuses, isBlockhashValid, requestAirdrop, getHealth, getVersion, getTransaction (base64, the meta's err,
fee and logMessages only), and the test-only method

    chronoguard_produceBlocks(count) -> block height       (empty blocks: ages blockhashes, finalizes transactions)

Errors as agave's RPC sends them: -32002 "Transaction simulation failed: …" with `data` the simulation result
(`err`, `logs`, `unitsConsumed`, …) for a failed preflight; -32003 for a signature verification failure; -32602 for
invalid parameters; -32601 for unknown methods. Every `context` carries the current slot.

Lifetime: the process exits when its standard input reaches end of file (the parent closed the pipe or died), on
SIGTERM, SIGINT or SIGHUP, and, with --parent-pid, when that process is gone. With stdin at /dev/null pass
--ignore-stdin (and --parent-pid), or it exits at once.

Usage:
    python3 scripts/solana-test-chain.py --port 0          # first stdout line: "listening http://127.0.0.1:PORT"

From a shell script (the chain lives exactly as long as the script):
    coproc SOLANA_CHAIN { exec python3 scripts/solana-test-chain.py --port 0; }
    read -r line <&"${SOLANA_CHAIN[0]}"; export CHRONOGUARD_SOLANA_RPC_URL="${line#listening }"

Needs: solders==0.29.0 (LiteSVM), solana==0.41.0 (spl.token layouts).
"""

import argparse
import base64
import binascii
import json
import sys
from collections import OrderedDict

from testchain_rpc import Dialect, RPCError, add_server_arguments, install_exit_watchers, serve

try:
    from solders.account import Account
    from solders.litesvm import LiteSVM
    from solders.pubkey import Pubkey
    from solders.signature import Signature
    from solders.transaction import VersionedTransaction
    from spl.token._layouts import ACCOUNT_LAYOUT, MINT_LAYOUT
    from spl.token.constants import TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID
except ModuleNotFoundError as error:  # exit 3: the convention our test peers use for "install the peers"
    print(f"solana-test-chain: {error}; install solders==0.29.0 solana==0.41.0 (scripts/install-test-deps.sh)",
          file=sys.stderr)
    sys.exit(3)

MAX_PROCESSING_AGE = 150  # blocks a blockhash stays valid (agave `MAX_PROCESSING_AGE`)
FINALITY_DEPTH = 32  # blocks after which a transaction is reported finalized (the tower's lockout depth)
MAX_SIGNATURE_STATUSES = 256  # agave `MAX_GET_SIGNATURE_STATUSES_QUERY_ITEMS`
PACKET_DATA_SIZE = 1232
U64_MAX = 2**64 - 1
NATIVE_MINTS = {
    Pubkey.from_string("So11111111111111111111111111111111111111112"): TOKEN_PROGRAM_ID,
    Pubkey.from_string("9pan9bMn5HatX4EJdBwg9VgCa7Uz5HL8N1m5D3NdXejP"): TOKEN_2022_PROGRAM_ID,
}


def invalid_params(message):
    return RPCError(-32602, f"Invalid params: {message}")


def parse_pubkey(value, what="pubkey"):
    if not isinstance(value, str):
        raise invalid_params(f"{what} must be a base-58 string")
    try:
        return Pubkey.from_string(value)
    except Exception:
        raise invalid_params(f"invalid {what}: {value[:64]}") from None


def parse_u64(value, what):
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= U64_MAX:
        raise invalid_params(f"{what} must be an unsigned 64-bit integer")
    return value


def parse_config(value, allowed):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_params("the configuration must be an object")
    unknown = set(value) - set(allowed)
    if unknown:
        raise invalid_params(f"unknown configuration fields {sorted(unknown)}")
    return value


def error_text(err):
    """A short human rendering of a TransactionError in its JSON form (the message of a -32002 error)."""
    if isinstance(err, str):
        return {"BlockhashNotFound": "Blockhash not found",
                "AlreadyProcessed": "This transaction has already been processed",
                "AccountNotFound": "Attempt to debit an account but found no record of a prior credit.",
                "InsufficientFundsForFee": "Insufficient funds for fee"}.get(err, err)
    if isinstance(err, dict) and "InstructionError" in err:
        index, inner = err["InstructionError"]
        if isinstance(inner, dict) and "Custom" in inner:
            return f"Error processing Instruction {index}: custom program error: {hex(inner['Custom'])}"
        return f"Error processing Instruction {index}: {inner}"
    return json.dumps(err)


# MARK: - The chain

class Chain:
    def __init__(self):
        self.svm = LiteSVM()
        # This server checks recent blockhashes itself (LiteSVM knows only the latest one); duplicates are still
        # refused by LiteSVM's transaction history (AlreadyProcessed).
        self.svm.with_blockhash_check(False)
        self.slot = self.svm.get_clock().slot
        self.height = 1
        self.blockhashes = OrderedDict()  # blockhash text -> block height it was issued at
        self.blockhashes[str(self.svm.latest_blockhash())] = self.height
        self.statuses = {}  # signature text -> {"slot", "height", "err", "logs", "fee", "wire"}
        for mint, program in NATIVE_MINTS.items():
            data = MINT_LAYOUT.build({
                "mint_authority_option": 0, "mint_authority": bytes(32), "supply": 0, "decimals": 9,
                "is_initialized": True, "freeze_authority_option": 0, "freeze_authority": bytes(32)})
            self.svm.set_account(mint, Account(
                lamports=self.svm.minimum_balance_for_rent_exemption(len(data)), data=bytes(data), owner=program,
                executable=False, rent_epoch=0))

    def context(self):
        return {"slot": self.slot, "apiVersion": "2.2.0"}

    def produce_block(self):
        """Closes a block: a new slot and height, a fresh blockhash, the oldest one forgotten past 150 blocks."""
        self.slot += 1
        self.height += 1
        self.svm.warp_to_slot(self.slot)
        self.svm.expire_blockhash()
        self.blockhashes[str(self.svm.latest_blockhash())] = self.height
        while self.blockhashes and next(iter(self.blockhashes.values())) + MAX_PROCESSING_AGE < self.height:
            self.blockhashes.popitem(last=False)

    def blockhash_valid(self, blockhash):
        issued = self.blockhashes.get(str(blockhash))
        return issued is not None and issued + MAX_PROCESSING_AGE >= self.height

    def decode_transaction(self, encoded, config):
        encoding = config.get("encoding", "base58")
        if encoding != "base64":
            raise invalid_params("the test chain accepts only base64-encoded transactions (encoding: base64)")
        if not isinstance(encoded, str):
            raise invalid_params("the transaction must be a string")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise invalid_params("invalid base64 encoding") from None
        if len(raw) > PACKET_DATA_SIZE:
            raise invalid_params(f"base64 encoded solana_transaction::versioned::VersionedTransaction too large: "
                                 f"{len(raw)} bytes (max: encoded/raw {PACKET_DATA_SIZE})")
        try:
            return VersionedTransaction.from_bytes(raw), raw
        except Exception as error:
            raise invalid_params(f"failed to deserialize transaction: {error}") from None

    @staticmethod
    def outcome(result):
        """(err JSON or None, logs, units, fee) of a LiteSVM result."""
        body = json.loads(result.to_json())
        meta = body.get("meta", body)
        return body.get("err"), meta.get("logs", []), meta.get("compute_units_consumed", 0), meta.get("fee", 0)

    def simulate(self, transaction, sig_verify, replace_blockhash):
        if not replace_blockhash and not self.blockhash_valid(transaction.message.recent_blockhash):
            return {"err": "BlockhashNotFound", "logs": [], "unitsConsumed": 0}
        self.svm.with_sigverify(sig_verify)
        try:
            result = self.svm.simulate_transaction(transaction)
        finally:
            self.svm.with_sigverify(True)
        err, logs, units, _ = self.outcome(result)
        return {"err": err, "logs": logs, "unitsConsumed": units}

    def process(self, transaction, raw):
        """Executes a transaction that passed (or skipped) preflight and closes its block."""
        signature = str(transaction.signatures[0])
        if not self.blockhash_valid(transaction.message.recent_blockhash):
            return signature  # a cluster drops it: no status, ever
        result = self.svm.send_transaction(transaction)
        err, logs, _, fee = self.outcome(result)
        if err == "AlreadyProcessed":
            return signature  # the first copy's status stands
        self.produce_block()
        self.statuses[signature] = {"slot": self.slot, "height": self.height, "err": err, "logs": logs, "fee": fee,
                                    "wire": base64.b64encode(raw).decode()}
        return signature

    # MARK: Methods

    def getHealth(self):
        return "ok"

    def getVersion(self):
        return {"solana-core": "2.2.0-chronoguard-litesvm-test-chain", "feature-set": 0}

    def getSlot(self, config=None):
        parse_config(config, {"commitment", "minContextSlot"})
        return self.slot

    def getBlockHeight(self, config=None):
        parse_config(config, {"commitment", "minContextSlot"})
        return self.height

    def getLatestBlockhash(self, config=None):
        parse_config(config, {"commitment", "minContextSlot"})
        blockhash = str(self.svm.latest_blockhash())
        issued = self.blockhashes[blockhash]
        return {"context": self.context(),
                "value": {"blockhash": blockhash, "lastValidBlockHeight": issued + MAX_PROCESSING_AGE}}

    def isBlockhashValid(self, blockhash, config=None):
        parse_config(config, {"commitment", "minContextSlot"})
        if not isinstance(blockhash, str):
            raise invalid_params("the blockhash must be a base-58 string")
        return {"context": self.context(), "value": self.blockhash_valid(blockhash)}

    def getBalance(self, pubkey, config=None):
        parse_config(config, {"commitment", "minContextSlot"})
        return {"context": self.context(), "value": self.svm.get_balance(parse_pubkey(pubkey)) or 0}

    def getMinimumBalanceForRentExemption(self, size, config=None):
        parse_config(config, {"commitment"})
        size = parse_u64(size, "the data length")
        if size > 10 * 1024 * 1024:
            raise invalid_params("the data length exceeds the 10 MiB account limit")
        return self.svm.minimum_balance_for_rent_exemption(size)

    def account_json(self, account):
        data = bytes(account.data)
        exempt = account.lamports >= self.svm.minimum_balance_for_rent_exemption(len(data))
        return {"data": [base64.b64encode(data).decode(), "base64"], "executable": account.executable,
                "lamports": account.lamports, "owner": str(account.owner),
                "rentEpoch": U64_MAX if exempt else account.rent_epoch, "space": len(data)}

    def getAccountInfo(self, pubkey, config=None):
        config = parse_config(config, {"commitment", "encoding", "dataSlice", "minContextSlot"})
        if config.get("encoding", "base58") != "base64" or "dataSlice" in config:
            raise invalid_params("the test chain serves account data only as base64 (encoding: base64), unsliced")
        account = self.svm.get_account(parse_pubkey(pubkey))
        if account is None or (account.lamports == 0 and not bytes(account.data)):
            return {"context": self.context(), "value": None}
        return {"context": self.context(), "value": self.account_json(account)}

    def getTokenAccountBalance(self, pubkey, config=None):
        parse_config(config, {"commitment"})
        account = self.svm.get_account(parse_pubkey(pubkey))
        if account is None or account.owner not in (TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID) \
                or len(bytes(account.data)) < ACCOUNT_LAYOUT.sizeof() or len(bytes(account.data)) == 355:
            raise invalid_params("Invalid param: not a Token account")
        parsed = ACCOUNT_LAYOUT.parse(bytes(account.data)[:ACCOUNT_LAYOUT.sizeof()])
        if parsed.state == 0:
            raise invalid_params("Invalid param: not a Token account")
        mint = self.svm.get_account(Pubkey.from_bytes(parsed.mint))
        if mint is None or len(bytes(mint.data)) < MINT_LAYOUT.sizeof():
            raise invalid_params("Invalid param: could not find mint")
        decimals = MINT_LAYOUT.parse(bytes(mint.data)[:MINT_LAYOUT.sizeof()]).decimals
        amount = parsed.amount
        whole, fraction = divmod(amount, 10**decimals) if decimals else (amount, 0)
        text = f"{whole}.{fraction:0{decimals}d}".rstrip("0").rstrip(".") if decimals else str(amount)
        return {"context": self.context(),
                "value": {"amount": str(amount), "decimals": decimals, "uiAmount": amount / 10**decimals,
                          "uiAmountString": text}}

    def simulateTransaction(self, encoded, config=None):
        config = parse_config(config, {"encoding", "sigVerify", "replaceRecentBlockhash", "commitment",
                                       "accounts", "minContextSlot", "innerInstructions"})
        transaction, _ = self.decode_transaction(encoded, config)
        sig_verify, replace = bool(config.get("sigVerify", False)), bool(config.get("replaceRecentBlockhash", False))
        if sig_verify and replace:
            raise invalid_params("sigVerify may not be used with replaceRecentBlockhash")
        result = self.simulate(transaction, sig_verify, replace)
        value = {"err": result["err"], "logs": result["logs"], "accounts": None,
                 "unitsConsumed": result["unitsConsumed"], "returnData": None, "innerInstructions": None}
        if replace:
            value["replacementBlockhash"] = {"blockhash": str(self.svm.latest_blockhash()),
                                             "lastValidBlockHeight": self.height + MAX_PROCESSING_AGE}
        return {"context": self.context(), "value": value}

    def sendTransaction(self, encoded, config=None):
        config = parse_config(config, {"encoding", "skipPreflight", "preflightCommitment", "maxRetries",
                                       "minContextSlot"})
        transaction, raw = self.decode_transaction(encoded, config)
        if not config.get("skipPreflight", False):
            result = self.simulate(transaction, True, False)
            if result["err"] == "SignatureFailure":
                raise RPCError(-32003, "Transaction signature verification failure")
            if result["err"] is not None:
                raise RPCError(-32002, f"Transaction simulation failed: {error_text(result['err'])}", {
                    "err": result["err"], "logs": result["logs"], "accounts": None,
                    "unitsConsumed": result["unitsConsumed"], "returnData": None, "innerInstructions": None})
        return self.process(transaction, raw)

    def getSignatureStatuses(self, signatures, config=None):
        parse_config(config, {"searchTransactionHistory"})
        if not isinstance(signatures, list) or not all(isinstance(s, str) for s in signatures):
            raise invalid_params("signatures must be an array of base-58 strings")
        if len(signatures) > MAX_SIGNATURE_STATUSES:
            raise invalid_params(f"Too many inputs provided; max {MAX_SIGNATURE_STATUSES}")
        values = []
        for text in signatures:
            try:
                Signature.from_string(text)
            except Exception:
                raise invalid_params(f"invalid signature: {text[:100]}") from None
            status = self.statuses.get(text)
            if status is None:
                values.append(None)
                continue
            depth = self.height - status["height"]
            finalized = depth >= FINALITY_DEPTH
            values.append({
                "slot": status["slot"], "confirmations": None if finalized else depth, "err": status["err"],
                "status": {"Ok": None} if status["err"] is None else {"Err": status["err"]},
                "confirmationStatus": "finalized" if finalized else "confirmed"})
        return {"context": self.context(), "value": values}

    def getTransaction(self, signature, config=None):
        config = parse_config(config, {"encoding", "commitment", "maxSupportedTransactionVersion"})
        if config.get("encoding", "json") != "base64":
            raise invalid_params("the test chain serves transactions only as base64 (encoding: base64)")
        status = self.statuses.get(signature) if isinstance(signature, str) else None
        if status is None:
            return None
        return {"slot": status["slot"], "blockTime": None, "transaction": [status["wire"], "base64"],
                "meta": {"err": status["err"], "fee": status["fee"], "logMessages": status["logs"],
                         "status": {"Ok": None} if status["err"] is None else {"Err": status["err"]}}}

    def requestAirdrop(self, pubkey, lamports, config=None):
        parse_config(config, {"commitment"})
        key, amount = parse_pubkey(pubkey), parse_u64(lamports, "lamports")
        result = self.svm.airdrop(key, amount)
        err, logs, _, fee = self.outcome(result)
        if err is not None:
            raise RPCError(-32600, f"airdrop failed: {error_text(err)}")
        self.produce_block()
        signature = str(result.signature() if hasattr(result, "signature") else result.meta().signature())
        self.statuses[signature] = {"slot": self.slot, "height": self.height, "err": None, "logs": logs, "fee": fee,
                                    "wire": ""}
        return signature

    def chronoguard_produceBlocks(self, count):
        count = parse_u64(count, "count")
        if count > 10_000:
            raise invalid_params("at most 10000 blocks at a time")
        for _ in range(count):
            self.produce_block()
        return self.height


METHODS = {
    "getHealth", "getVersion", "getSlot", "getBlockHeight", "getLatestBlockhash", "isBlockhashValid", "getBalance",
    "getMinimumBalanceForRentExemption", "getAccountInfo", "getTokenAccountBalance", "simulateTransaction",
    "sendTransaction", "getSignatureStatuses", "getTransaction", "requestAirdrop", "chronoguard_produceBlocks",
}


def unexpected_error(error):
    """A LiteSVM failure this server did not foresee: report it, keep serving."""
    return -32603, f"Internal error: {type(error).__name__}: {error}"


DIALECT = Dialect(
    "solana-test-chain", METHODS, invalid_params, unexpected_error, invalid_request="Invalid request",
    method_not_found=lambda method: "Method not found", parse_error="Parse error")


def main():
    parser = argparse.ArgumentParser(description="LiteSVM JSON-RPC test chain (test scaffolding, not a validator)")
    add_server_arguments(parser, default_port=8899)
    arguments = parser.parse_args()
    if not 0 <= arguments.port <= 65535:
        parser.error("--port must be 0…65535")

    install_exit_watchers(arguments)
    serve(DIALECT, Chain(), arguments)


if __name__ == "__main__":
    main()
