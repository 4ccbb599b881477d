"""Shared test support for the ChronoVault contract tests: the pinned Vyper compile, an in-memory py-evm chain
(eth-tester) with revert data, a minimal ABI helper, and the chronoguard CLI for keys and proofs.

TEST SUPPORT ONLY. Not an Ethereum client; the accounts' keys are eth-tester's public test keys.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import tempfile

from eth.exceptions import Revert as EVMRevert
from eth.vm.spoof import SpoofTransaction
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_tester import EthereumTester, PyEVMBackend
from eth_utils import function_signature_to_4byte_selector, keccak, to_checksum_address

ROOT = pathlib.Path(__file__).resolve().parents[3]
EVM_DIR = ROOT / "contracts" / "evm"

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
P = 21888242871839275222246405745257275088696311157297823662689037894645226208583


def _load_compile_script():
    spec = importlib.util.spec_from_file_location("compile_contracts", ROOT / "scripts" / "compile-contracts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_COMPILER = _load_compile_script()


def compile_contract(path: pathlib.Path) -> dict:
    """Compile with exactly the settings of scripts/compile-contracts.py (refuses another Vyper version)."""
    vyper = _COMPILER.require_pinned_vyper()
    from vyper.compiler.settings import OptimizationLevel, Settings

    out = vyper.compile_code(
        path.read_text(encoding="utf-8"),
        output_formats=["abi", "bytecode", "bytecode_runtime"],
        settings=Settings(evm_version=_COMPILER.EVM_VERSION, optimize=OptimizationLevel.GAS),
    )
    return {"abi": out["abi"], "bytecode": out["bytecode"], "deployedBytecode": out["bytecode_runtime"]}


def abi_type(entry: dict) -> str:
    if entry["type"] == "tuple":
        inner = ",".join(abi_type(c) for c in entry["components"])
        return f"({inner})"
    if entry["type"].startswith("tuple["):
        inner = ",".join(abi_type(c) for c in entry["components"])
        return f"({inner}){entry['type'][5:]}"
    return entry["type"]


def selector(signature: str) -> bytes:
    return function_signature_to_4byte_selector(signature)


def error_selector(name: str) -> bytes:
    return selector(f"{name}()")


def as_bytes(value) -> bytes:
    return bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)


class Reverted(Exception):
    def __init__(self, data: bytes, gas_used: int | None = None):
        super().__init__(data.hex())
        self.data = data
        self.gas_used = gas_used


class Contract:
    def __init__(self, chain: "Chain", address: str, abi: list):
        self.chain = chain
        self.address = address
        self.abi = abi
        self.functions = {e["name"]: e for e in abi if e["type"] == "function"}
        self.events = {e["name"]: e for e in abi if e["type"] == "event"}

    def encode(self, name: str, *args) -> bytes:
        entry = self.functions[name]
        types = [abi_type(i) for i in entry["inputs"]]
        return selector(f"{name}({','.join(types)})") + abi_encode(types, list(args))

    def call(self, name: str, *args, sender=None):
        entry = self.functions[name]
        raw = self.chain.call(self.address, self.encode(name, *args), sender=sender)
        decoded = abi_decode([abi_type(o) for o in entry["outputs"]], raw)
        return decoded[0] if len(decoded) == 1 else decoded

    def transact(self, name: str, *args, sender=None, value=0, gas=3_000_000):
        return self.chain.transact(self.address, self.encode(name, *args), sender=sender, value=value, gas=gas)

    def decode_logs(self, receipt, name: str) -> list[dict]:
        entry = self.events[name]
        topic0 = keccak(text=f"{name}({','.join(abi_type(i) for i in entry['inputs'])})")
        indexed = [i for i in entry["inputs"] if i.get("indexed")]
        plain = [i for i in entry["inputs"] if not i.get("indexed")]
        result = []
        for log in receipt["logs"]:
            topics = [as_bytes(t) for t in log["topics"]]
            if log["address"].lower() != self.address.lower() or topics[0] != topic0:
                continue
            values = dict(zip([i["name"] for i in plain], abi_decode([abi_type(i) for i in plain], as_bytes(log["data"]))))
            for i, topic in zip(indexed, topics[1:]):
                values[i["name"]] = abi_decode([abi_type(i)], topic)[0]
            result.append(values)
        return result


class Chain:
    """One in-memory chain with a chosen EIP-155 chain id. Blocks are mined one per transaction with timestamps that
    advance by exactly one second from a fixed start (far ahead of the wall clock, so it never interferes)."""

    def __init__(self, chain_id: int = 1337, start_time: int = 4_000_000_000):
        self.backend = PyEVMBackend()
        # As scripts/evm-test-chain.py: the chain class is private to this backend.
        type(self.backend.chain).chain_id = chain_id
        self.chain_id = chain_id
        self.tester = EthereumTester(backend=self.backend, auto_mine_transactions=True)
        self.accounts = self.tester.get_accounts()
        self.tester.time_travel(start_time)

    # Time
    def pending_timestamp(self) -> int:
        return self.tester.get_block_by_number("pending")["timestamp"]

    def set_next_timestamp(self, timestamp: int):
        """Mine an empty block (at timestamp - 1) so that the next transaction's block has `timestamp`."""
        self.tester.time_travel(timestamp)
        assert self.pending_timestamp() == timestamp, (self.pending_timestamp(), timestamp)

    def balance(self, address: str) -> int:
        return self.tester.get_balance(address)

    def _simulate(self, to, data: bytes, sender, value=0, gas=3_000_000):
        """Run a call in the pending block (the block the next transaction is mined in: same timestamp, same number)
        and return (ok, output)."""
        tx = {"from": sender or self.accounts[0], "data": "0x" + data.hex(), "gas": gas, "value": value}
        if to is not None:
            tx["to"] = to
        raw = self.tester.normalizer.normalize_inbound_transaction(tx)
        unsigned = self.backend._get_normalized_and_unsigned_evm_transaction(raw, "pending")
        # Execute in the pending block itself (its timestamp and number), with a zero base fee so the spoofed
        # transaction pays nothing. (py-evm's in_costless_state would run in a CHILD of that block, one second and
        # one block later than the mined transaction: wrong at an exact timestamp boundary.)
        header = self.backend.chain.get_block().header
        vm = self.backend.chain.get_vm(header)
        state = vm.build_state(vm.chaindb.db, header.copy(base_fee_per_gas=0), vm.chain_context, vm.previous_hashes)
        snapshot = state.snapshot()
        try:
            computation = state.apply_transaction(SpoofTransaction(unsigned, from_=raw["from"]))
        finally:
            state.revert(snapshot)
        if computation.is_error:
            error = computation.error
            return False, bytes(error.args[0]) if isinstance(error, EVMRevert) and error.args else b""
        return True, bytes(computation.output)

    def call(self, to, data: bytes, sender=None) -> bytes:
        ok, output = self._simulate(to, data, sender)
        if not ok:
            raise Reverted(output)
        return output

    def transact(self, to, data: bytes, sender=None, value=0, gas=3_000_000) -> dict:
        """Send and mine. On revert raises Reverted with the revert data (from a simulation on the same pending
        block) after checking that the mined transaction really failed."""
        sender = sender or self.accounts[0]
        ok, output = self._simulate(to, data, sender, value, gas)
        tx = {"from": sender, "data": "0x" + data.hex(), "gas": gas, "value": value}
        if to is not None:
            tx["to"] = to
        tx_hash = self.tester.send_transaction(tx)
        receipt = self.tester.get_transaction_receipt(tx_hash)
        if receipt["status"] != 1:
            assert not ok, "the simulation succeeded but the transaction failed"
            raise Reverted(output, receipt["gas_used"])
        assert ok, "the simulation failed but the transaction succeeded"
        return receipt

    def deploy(self, artifact: dict, *args, sender=None, gas=10_000_000) -> Contract:
        ctor = next((e for e in artifact["abi"] if e["type"] == "constructor"), None)
        encoded = abi_encode([abi_type(i) for i in ctor["inputs"]], list(args)) if ctor else b""
        code = bytes.fromhex(artifact["bytecode"][2:]) + encoded
        receipt = self.transact(None, code, sender=sender, gas=gas)
        return Contract(self, to_checksum_address(receipt["contract_address"]), artifact["abi"])

    def snapshot(self):
        return self.tester.take_snapshot()

    def revert_to(self, snapshot_id):
        self.tester.revert_to_snapshot(snapshot_id)


# MARK: - chronoguard CLI


def chronoguard_path() -> str:
    env = os.environ.get("CHRONOGUARD")
    if env:
        return env
    for candidate in (ROOT / ".build" / "release" / "chronoguard", ROOT / ".build" / "debug" / "chronoguard"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("chronoguard")
    if found:
        return found
    raise SystemExit("chronoguard not found: build it (swift build) or set CHRONOGUARD=/path/to/chronoguard")


class ZK:
    """Keys, secrets, commitments and proofs from the chronoguard CLI."""

    def __init__(self, workdir: pathlib.Path | None = None):
        self.cli = chronoguard_path()
        self.workdir = pathlib.Path(workdir or tempfile.mkdtemp(prefix="chronovault-test-"))
        self.keys = self.workdir / "keys"
        self._counter = 0

    def run(self, *args) -> str:
        out = subprocess.run([self.cli, *map(str, args)], check=True, capture_output=True, text=True)
        return out.stdout

    def setup(self):
        if not (self.keys / "verification_key.json").exists():
            self.run("zk", "setup", "--out", self.keys)
        return json.loads((self.keys / "verification_key.json").read_text())

    def secret(self) -> tuple[int, int]:
        values = dict(line.split(": ", 1) for line in self.run("zk", "secret").splitlines() if ": " in line)
        return int(values["secret"]), int(values["secretHash"])

    def commitment(self, chain_id: int, wallet: str, tx_hash: bytes, nonce: int) -> int:
        out = self.run("zk", "commitment", "--chain-id", chain_id, "--wallet", wallet, "--tx-hash",
                       "0x" + tx_hash.hex(), "--nonce", nonce)
        return int(out.strip().splitlines()[-1])

    def prove(self, secret: int, commitment: int, time: int):
        """Returns (pA, pB, pC, pubSignals) in EVM order (pB imaginary part first)."""
        self._counter += 1
        out_dir = self.workdir / f"proof{self._counter}"
        self.run("zk", "prove", "--keys", self.keys, "--secret", secret, "--commitment", commitment,
                 "--time", time, "--out", out_dir)
        return load_proof(out_dir / "proof.json", out_dir / "public.json")


def load_proof(proof_path, public_path):
    proof = json.loads(pathlib.Path(proof_path).read_text())
    public = [int(x) for x in json.loads(pathlib.Path(public_path).read_text())]
    pA = [int(proof["pi_a"][0]), int(proof["pi_a"][1])]
    b = proof["pi_b"]
    pB = [[int(b[0][1]), int(b[0][0])], [int(b[1][1]), int(b[1][0])]]  # snarkjs c0,c1 -> EIP-197 c1,c0
    pC = [int(proof["pi_c"][0]), int(proof["pi_c"][1])]
    return pA, pB, pC, public


def verifier_constructor_args(vk: dict):
    """verification_key.json -> Groth16Verifier's constructor arguments (G2 imaginary part first)."""
    def g1(p):
        return [int(p[0]), int(p[1])] if int(p[2]) != 0 else [0, 0]

    def g2(p):
        return [[int(p[0][1]), int(p[0][0])], [int(p[1][1]), int(p[1][0])]]

    assert vk["nPublic"] == 4 and len(vk["IC"]) == 5
    return g1(vk["vk_alpha_1"]), g2(vk["vk_beta_2"]), g2(vk["vk_gamma_2"]), g2(vk["vk_delta_2"]), [g1(p) for p in vk["IC"]]


class Failures:
    """Collects check results; the test scripts exit 1 when any failed."""

    def __init__(self):
        self.failed = []
        self.passed = 0

    def check(self, condition: bool, label: str):
        if condition:
            self.passed += 1
        else:
            self.failed.append(label)
            print(f"FAIL: {label}", flush=True)

    def finish(self, name: str) -> int:
        print(f"{name}: {self.passed} checks passed, {len(self.failed)} failed")
        return 1 if self.failed else 0
