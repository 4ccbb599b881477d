#!/usr/bin/env python3
"""evm-test-chain: an in-memory Ethereum test chain behind a small HTTP JSON-RPC 2.0 server, for EVMKit's tests.

This is TEST SUPPORT, NOT AN ETHEREUM NODE. It wraps eth-tester (https://github.com/ethereum/eth-tester) with the
py-evm backend: one process, one in-memory chain that starts at genesis every time, ten prefunded accounts whose
private keys are public (0x…01 to 0x…0a), no peers, no persistence, no authentication. It listens on 127.0.0.1
only. Never point anything that holds real value at it.

What it serves (Ethereum JSON-RPC specification, https://ethereum.github.io/execution-apis/api-documentation/):
eth_chainId, eth_blockNumber, eth_getBalance, eth_getTransactionCount (including "pending"), eth_gasPrice,
eth_maxPriorityFeePerGas, eth_feeHistory, eth_estimateGas, eth_call, eth_sendRawTransaction, eth_sendTransaction
(for the prefunded accounts only: the browser tests' EIP-1193 provider), eth_getTransactionReceipt, eth_getLogs, eth_getCode, eth_accounts, net_version, web3_clientVersion, and the
test-only methods

    chronoguard_fund(address, weiQuantity) -> transaction hash   (a transfer from prefunded account 0, mined at once)
    evm_snapshot() -> id quantity;  evm_revert(id) -> bool        (roll the chain back, as Hardhat and Ganache do)
    evm_mine() -> block number quantity                           (mine an empty block)

Every transaction is mined as it arrives (auto-mining). Reverts in eth_call and eth_estimateGas come back as geth
sends them: error code 3, message "execution reverted" or "execution reverted: <Error(string) reason>", and `data`
the 0x-hex revert data. Other execution and validation failures are code -32000 with the reason as message.

Lifetime: the process exits when its standard input reaches end of file (the parent closed the pipe or died), on
SIGTERM, SIGINT or SIGHUP, and, with --parent-pid, when that process is gone. Start it with stdin a pipe that the
parent holds; with stdin at /dev/null pass --ignore-stdin (and --parent-pid), or it exits at once.

Usage:
    python3 scripts/evm-test-chain.py --port 0            # first stdout line: "listening http://127.0.0.1:PORT"
    python3 scripts/evm-test-chain.py --port 8545 --chain-id 1337 --verbose

From a shell script (the chain lives exactly as long as the script, since the coprocess's stdin is the script's pipe):
    coproc EVM_CHAIN { exec python3 scripts/evm-test-chain.py --port 0; }
    read -r line <&"${EVM_CHAIN[0]}"; export CHRONOGUARD_EVM_RPC_URL="${line#listening }"

Needs: eth-tester[py-evm]==0.14.0b1 (py-evm 0.12.1b1), eth-utils, eth-abi (all installed with eth-tester).
"""

import argparse
import sys

from testchain_rpc import Dialect, RPCError, add_server_arguments, install_exit_watchers, serve

try:
    from eth.exceptions import Revert as EVMRevert
    from eth.vm.spoof import SpoofTransaction
    from eth_abi import decode as abi_decode
    from eth_tester import EthereumTester, PyEVMBackend
    from eth_tester.backends.pyevm.main import _get_block_by_number
    from eth_tester.exceptions import BlockNotFound, TransactionFailed, TransactionNotFound
except ModuleNotFoundError as error:  # exit 3: the convention our test peers use for "install the peers"
    print(f"evm-test-chain: {error}; install eth-tester[py-evm]==0.14.0b1 (scripts/install-test-deps.sh)",
          file=sys.stderr)
    sys.exit(3)

MAX_LOG_BLOCK_RANGE = 10_000
ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)
DEFAULT_PRIORITY_FEE = 1_000_000_000  # 1 gwei, geth's default suggestion on a quiet chain


def invalid_params(message):
    return RPCError(-32602, f"invalid argument: {message}")


def reverted(data):
    """geth's revert error: code 3, the Error(string) reason in the message when there is one, the raw data."""
    data = bytes(data or b"")
    message = "execution reverted"
    if data[:4] == ERROR_SELECTOR:
        try:
            message += ": " + abi_decode(["string"], data[4:])[0]
        except Exception:  # not a well-formed Error(string): keep the bare message, as geth does
            pass
    return RPCError(3, message, "0x" + data.hex())


class ChainBackend(PyEVMBackend):
    """eth-tester's py-evm backend with an eth_call that keeps the revert data (eth-tester keeps only a message)."""

    def call(self, transaction, block_number="latest"):
        # As geth's eth_call: on top of the requested block, with a zero base fee so that a call without fee fields
        # (gas price 0) from an account without ether can run (py-evm's "costless state", as its estimate_gas uses).
        defaulted = dict(transaction)
        if "gas" not in defaulted:
            defaulted["gas"] = self._max_available_gas()
        unsigned = self._get_normalized_and_unsigned_evm_transaction(defaulted, block_number)
        header = _get_block_by_number(self.chain, block_number).header
        with self.chain.get_vm(header).in_costless_state() as state:
            computation = state.apply_transaction(SpoofTransaction(unsigned, from_=transaction["from"]))
        if computation.is_error:
            error = computation.error
            if isinstance(error, EVMRevert):
                raise reverted(error.args[0] if error.args else b"")
            raise RPCError(-32000, str(error) or type(error).__name__)
        return computation.output


# MARK: - Parameter parsing (strict: the server is a test oracle, so it should not accept what geth refuses)

def parse_quantity(value, what):
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if not isinstance(value, str) or not value.startswith("0x") or len(value) < 3:
        raise invalid_params(f"{what} must be a 0x-prefixed hex quantity")
    digits = value[2:]
    if len(digits) > 1 and digits[0] == "0":
        raise invalid_params(f"{what} has leading zero digits")
    try:
        return int(digits, 16)
    except ValueError:
        raise invalid_params(f"{what} is not hexadecimal") from None


def parse_data(value, what):
    if not isinstance(value, str) or not value.startswith("0x") or len(value) % 2 != 0:
        raise invalid_params(f"{what} must be 0x-prefixed hex bytes")
    try:
        return bytes.fromhex(value[2:])
    except ValueError:
        raise invalid_params(f"{what} is not hexadecimal") from None


def parse_address(value, what="address"):
    raw = parse_data(value, what)
    if len(raw) != 20:
        raise invalid_params(f"{what} must be 20 bytes")
    return "0x" + raw.hex()


def parse_hash(value, what):
    raw = parse_data(value, what)
    if len(raw) != 32:
        raise invalid_params(f"{what} must be 32 bytes")
    return "0x" + raw.hex()


def quantity(value):
    return hex(int(value))


def params_at(params, index, default=None, required=True):
    if index < len(params):
        return params[index]
    if required:
        raise invalid_params(f"missing value for required argument {index}")
    return default


# MARK: - The chain

class Chain:
    def __init__(self, chain_id):
        self.backend = ChainBackend()
        # eth-tester fixes the chain id as a class attribute of the chain class it builds (131277322940537); that
        # class is private to this backend, and snapshots rebuild the chain from it, so setting it there is enough.
        type(self.backend.chain).chain_id = chain_id
        self.chain_id = chain_id
        self.tester = EthereumTester(backend=self.backend, auto_mine_transactions=True)
        self.accounts = self.tester.get_accounts()

    # Block tags: "latest"/"safe"/"finalized" are the head (eth-tester mines instantly), "pending" the block being
    # built, "earliest" genesis, or a number.
    def block(self, tag, allow_pending=True):
        if tag is None:
            return "latest"
        if tag in ("latest", "safe", "finalized", "earliest"):
            return tag
        if tag == "pending":
            return "pending" if allow_pending else "latest"
        if isinstance(tag, dict):
            raise invalid_params("block hashes (EIP-1898 objects) are not supported by the test chain")
        number = parse_quantity(tag, "block number")
        if number > self.head_number():
            raise RPCError(-32000, "header not found")
        return number

    def head_number(self):
        return self.tester.get_block_by_number("latest")["number"]

    def transaction(self, call, what="call"):
        if not isinstance(call, dict):
            raise invalid_params(f"{what} must be an object")
        known = {"from", "to", "gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value", "data", "input",
                 "nonce", "type", "chainId", "accessList"}
        unknown = set(call) - known
        if unknown:
            raise invalid_params(f"unknown {what} fields {sorted(unknown)}")
        transaction = {"from": parse_address(call["from"], "from") if call.get("from") else "0x" + "00" * 20}
        if call.get("to") is None:
            # Contract creation: eth-tester simulates it with an empty recipient (eth_estimateGas for a deployment).
            transaction["to"] = ""
        else:
            transaction["to"] = parse_address(call["to"], "to")
        data = call.get("input", call.get("data"))
        if "input" in call and "data" in call and call["input"] != call["data"]:
            raise invalid_params('both "data" and "input" are set and differ')
        transaction["data"] = "0x" + (parse_data(data, "data").hex() if data is not None else "")
        transaction["value"] = parse_quantity(call.get("value", "0x0"), "value")
        if call.get("gas") is not None:
            transaction["gas"] = parse_quantity(call["gas"], "gas")
        if all(call.get(field) is None for field in ("gasPrice", "maxFeePerGas", "maxPriorityFeePerGas")):
            transaction["max_fee_per_gas"] = 0  # geth: a call or estimate without fee fields pays nothing
            transaction["max_priority_fee_per_gas"] = 0
        for field, key in (("gasPrice", "gas_price"), ("maxFeePerGas", "max_fee_per_gas"),
                           ("maxPriorityFeePerGas", "max_priority_fee_per_gas")):
            if call.get(field) is not None:
                transaction[key] = parse_quantity(call[field], field)
        return transaction

    # MARK: Formatting (geth's field names; lowercase addresses)

    @staticmethod
    def log_json(log):
        return {
            "address": log["address"].lower(),
            "topics": [topic if isinstance(topic, str) else "0x" + bytes(topic).hex() for topic in log["topics"]],
            "data": log["data"] if isinstance(log["data"], str) else "0x" + bytes(log["data"]).hex(),
            "blockNumber": quantity(log["block_number"]),
            "blockHash": log["block_hash"],
            "transactionHash": log["transaction_hash"],
            "transactionIndex": quantity(log["transaction_index"]),
            "logIndex": quantity(log["log_index"]),
            "removed": False,
        }

    def receipt_json(self, receipt):
        return {
            "transactionHash": receipt["transaction_hash"],
            "transactionIndex": quantity(receipt["transaction_index"]),
            "blockHash": receipt["block_hash"],
            "blockNumber": quantity(receipt["block_number"]),
            "from": receipt["from"].lower(),
            "to": receipt["to"].lower() if receipt["to"] else None,
            "cumulativeGasUsed": quantity(receipt["cumulative_gas_used"]),
            "gasUsed": quantity(receipt["gas_used"]),
            "effectiveGasPrice": quantity(receipt["effective_gas_price"]),
            "contractAddress": receipt["contract_address"].lower() if receipt["contract_address"] else None,
            "logs": [self.log_json(log) for log in receipt["logs"]],
            "logsBloom": "0x" + "00" * 256,  # not computed by the test chain
            "status": quantity(receipt["status"]),
            "type": receipt.get("type") or "0x0",
        }

    # MARK: Methods

    def eth_chainId(self):
        return quantity(self.chain_id)

    def net_version(self):
        return str(self.chain_id)

    def web3_clientVersion(self):
        return "chronoguard-evm-test-chain/eth-tester (test support, not a node)"

    def eth_blockNumber(self):
        return quantity(self.head_number())

    def eth_accounts(self):
        return [account.lower() for account in self.accounts]

    def eth_getBalance(self, address, tag="latest"):
        return quantity(self.tester.get_balance(parse_address(address), self.block(tag)))

    def eth_getTransactionCount(self, address, tag="latest"):
        return quantity(self.tester.get_nonce(parse_address(address), self.block(tag)))

    def eth_getCode(self, address, tag="latest"):
        return self.tester.get_code(parse_address(address), self.block(tag))

    def pending_base_fee(self):
        return self.backend.get_base_fee("pending")

    def eth_gasPrice(self):
        return quantity(self.pending_base_fee() + DEFAULT_PRIORITY_FEE)

    def eth_maxPriorityFeePerGas(self):
        return quantity(DEFAULT_PRIORITY_FEE)

    def eth_feeHistory(self, block_count, newest="latest", percentiles=None):
        count = parse_quantity(block_count, "blockCount")
        if not 1 <= count <= 1024:
            raise invalid_params("blockCount must be between 1 and 1024")
        newest_number = self.head_number() if newest in ("latest", "pending", "safe", "finalized") else (
            0 if newest == "earliest" else self.block(newest))
        if percentiles is not None:
            if not isinstance(percentiles, list) or len(percentiles) > 100 or any(
                    not isinstance(p, (int, float)) or isinstance(p, bool) or not 0 <= p <= 100 for p in percentiles):
                raise invalid_params("rewardPercentiles must be at most 100 numbers in [0, 100]")
            if percentiles != sorted(percentiles):
                raise invalid_params("rewardPercentiles must be ascending")
        oldest = max(0, newest_number - count + 1)
        base_fees, ratios, rewards = [], [], []
        for number in range(oldest, newest_number + 1):
            block = self.tester.get_block_by_number(number, full_transactions=True)
            base_fee = block["base_fee_per_gas"]
            base_fees.append(quantity(base_fee))
            ratios.append(block["gas_used"] / block["gas_limit"])
            if percentiles:
                rewards.append([quantity(r) for r in self.block_rewards(block, base_fee, percentiles)])
        # One more base fee than blocks: the fee of the block after the newest (execution-apis eth_feeHistory).
        following = self.tester.get_block_by_number(newest_number + 1)["base_fee_per_gas"] \
            if newest_number < self.head_number() else self.pending_base_fee()
        base_fees.append(quantity(following))
        result = {"oldestBlock": quantity(oldest), "baseFeePerGas": base_fees, "gasUsedRatio": ratios}
        if percentiles:
            result["reward"] = rewards
        return result

    def block_rewards(self, block, base_fee, percentiles):
        """Effective priority fees at gas-weighted percentiles, as geth computes them (zero for an empty block)."""
        tips = []
        for tx in block["transactions"]:
            receipt = self.tester.get_transaction_receipt(tx["hash"])
            if "max_fee_per_gas" in tx:
                tip = min(tx["max_priority_fee_per_gas"], tx["max_fee_per_gas"] - base_fee)
            else:
                tip = tx["gas_price"] - base_fee
            tips.append((max(tip, 0), receipt["gas_used"]))
        if not tips:
            return [0 for _ in percentiles]
        tips.sort()
        total = sum(gas for _, gas in tips)
        out, index, cumulative = [], 0, tips[0][1]
        for p in percentiles:
            threshold = total * p / 100
            while cumulative < threshold and index < len(tips) - 1:
                index += 1
                cumulative += tips[index][1]
            out.append(tips[index][0])
        return out

    def eth_call(self, call, tag="latest"):
        transaction = self.transaction(call)
        try:
            output = self.tester.call(transaction, self.block(tag, allow_pending=False))
            return output if isinstance(output, str) else "0x" + bytes(output).hex()
        except RPCError:
            raise
        except TransactionFailed as failure:
            raise RPCError(-32000, str(failure)) from None

    def eth_estimateGas(self, call, tag="latest"):
        transaction = self.transaction(call)
        try:
            return quantity(self.tester.estimate_gas(transaction, self.block(tag, allow_pending=False)))
        except TransactionFailed as failure:
            cause = failure.__cause__
            if isinstance(cause, EVMRevert):
                raise reverted(cause.args[0] if cause.args else b"") from None
            raise RPCError(-32000, str(failure)) from None

    def eth_sendRawTransaction(self, raw):
        raw_bytes = parse_data(raw, "raw transaction")
        if not raw_bytes:
            raise invalid_params("raw transaction is empty")
        return self.tester.send_raw_transaction("0x" + raw_bytes.hex())

    def eth_sendTransaction(self, call):
        """Signs with one of the chain's prefunded test accounts (their keys are public: this is what "unlocked" means
        here) and mines it; for a browser's EIP-1193 provider in tests. Without `gas` it is estimated first, so a
        transaction that would revert is refused with the revert data (code 3), as a wallet's estimate does."""
        transaction = self.transaction(call, "transaction")
        sender = transaction["from"].lower()
        if not call.get("from") or sender not in self.eth_accounts():
            raise invalid_params("from must be one of eth_accounts (the test chain signs only for those)")
        if "gas" not in transaction:
            transaction["gas"] = parse_quantity(self.eth_estimateGas({
                "from": call["from"], "to": call.get("to"), "value": call.get("value", "0x0"),
                "data": call.get("input", call.get("data", "0x"))}), "gas") * 6 // 5
        if all(call.get(field) is None for field in ("gasPrice", "maxFeePerGas", "maxPriorityFeePerGas")):
            transaction["max_fee_per_gas"] = self.pending_base_fee() * 2 + DEFAULT_PRIORITY_FEE
            transaction["max_priority_fee_per_gas"] = DEFAULT_PRIORITY_FEE
        try:
            return self.tester.send_transaction(transaction)
        except TransactionFailed as failure:
            raise RPCError(-32000, str(failure)) from None

    def eth_getTransactionReceipt(self, transaction_hash):
        try:
            receipt = self.tester.get_transaction_receipt(parse_hash(transaction_hash, "transaction hash"))
        except TransactionNotFound:
            return None
        if receipt.get("block_number") is None:
            return None
        return self.receipt_json(receipt)

    def eth_getLogs(self, criteria):
        if not isinstance(criteria, dict):
            raise invalid_params("filter must be an object")
        unknown = set(criteria) - {"address", "topics", "fromBlock", "toBlock", "blockHash"}
        if unknown:
            raise invalid_params(f"unknown filter fields {sorted(unknown)}")
        if criteria.get("blockHash") is not None:
            raise invalid_params("blockHash filters are not supported by the test chain")
        head = self.head_number()

        def bound(tag):
            if tag is None or tag in ("latest", "pending", "safe", "finalized"):
                return head
            if tag == "earliest":
                return 0
            return parse_quantity(tag, "block number")

        first, last = bound(criteria.get("fromBlock")), min(bound(criteria.get("toBlock")), head)
        if first > last:
            return []
        if last - first > MAX_LOG_BLOCK_RANGE:
            raise RPCError(-32005, f"query exceeds the test chain's limit of {MAX_LOG_BLOCK_RANGE} blocks")
        address = criteria.get("address")
        addresses = None
        if isinstance(address, list):
            addresses = {parse_address(a) for a in address}
        elif address is not None:
            addresses = {parse_address(address)}
        topics = criteria.get("topics") or []
        if not isinstance(topics, list) or len(topics) > 4:
            raise invalid_params("topics must be a list of at most 4 entries")
        wanted = []
        for position in topics:
            if position is None:
                wanted.append(None)
            elif isinstance(position, list):
                wanted.append({parse_hash(t, "topic") for t in position} or None)
            else:
                wanted.append({parse_hash(position, "topic")})
        out = []
        for number in range(first, last + 1):
            for transaction_hash in self.tester.get_block_by_number(number)["transactions"]:
                for log in self.tester.get_transaction_receipt(transaction_hash)["logs"]:
                    entry = self.log_json(log)
                    if addresses is not None and entry["address"] not in addresses:
                        continue
                    if len(entry["topics"]) < len(wanted):
                        continue
                    if all(w is None or t.lower() in w for w, t in zip(wanted, entry["topics"])):
                        out.append(entry)
        return out

    def chronoguard_fund(self, address, wei):
        """Test only: sends `wei` from prefunded account 0 to `address` and mines it; returns the transaction hash."""
        value = parse_quantity(wei, "weiQuantity")
        return self.tester.send_transaction({
            "from": self.accounts[0], "to": parse_address(address), "value": value, "gas": 21000,
            "max_fee_per_gas": self.pending_base_fee() * 2 + DEFAULT_PRIORITY_FEE,
            "max_priority_fee_per_gas": DEFAULT_PRIORITY_FEE,
        })

    def evm_snapshot(self):
        return quantity(self.tester.take_snapshot())

    def evm_revert(self, snapshot_id):
        try:
            self.tester.revert_to_snapshot(parse_quantity(snapshot_id, "snapshot id"))
        except Exception:
            return False
        return True

    def evm_mine(self):
        self.tester.mine_blocks(1)
        return quantity(self.head_number())


METHODS = {
    name for name in dir(Chain)
    if name.startswith(("eth_", "net_", "web3_", "evm_", "chronoguard_")) and callable(getattr(Chain, name))
}


def unexpected_error(error):
    """Block and transaction lookups, and eth-tester / py-evm validation failures (nonce, balance, signature, gas)."""
    if isinstance(error, (BlockNotFound, TransactionNotFound)):
        return -32000, str(error)
    return -32000, str(error) or type(error).__name__


DIALECT = Dialect(
    "evm-test-chain", METHODS, invalid_params, unexpected_error, invalid_request="invalid request",
    method_not_found=lambda method: f"the method {method} does not exist/is not available", parse_error="parse error")


def main():
    parser = argparse.ArgumentParser(description="EVMKit's eth-tester JSON-RPC test chain (test support, not a node)")
    add_server_arguments(parser, default_port=8545)
    parser.add_argument("--chain-id", type=int, default=1337, help="EIP-155 chain id (default 1337)")
    arguments = parser.parse_args()
    if not 0 <= arguments.port <= 65535 or not 1 <= arguments.chain_id < 2**63:
        parser.error("--port must be 0…65535 and --chain-id 1…2^63-1")

    install_exit_watchers(arguments)
    serve(DIALECT, Chain(arguments.chain_id), arguments)


if __name__ == "__main__":
    main()
