#!/usr/bin/env python3
"""OTPRegistry.vy on an in-memory py-evm chain (eth-tester): the sound version of seed 002 (SEEDS-NOTES item 3).

Checks the happy path (setOtp -> verify, events decoded with eth-abi, the two storage slots and the hand-packed
record read back from raw storage), every attack with its named error and the request's state unchanged (replay
after success, after expiry, a fourth attempt with the right code, the right code from another address, a reused
request id, a non-issuer setOtp, the old issuer after rotation, the previous TOTP step's code, another chain or
registry), the two-step admin handover, and then the seed's scheme broken: the seed's keccak256("OTP:v1:" ‖ otp)
commitment is read from chain state, inverted by trying all 10^6 codes, and spent by an attacker before the user;
the same search against this registry's salted commitment finds nothing (and finds the code only given the salt,
which never goes on chain before verify). Prints the gas of setOtp and verify (success, failure, blocking failure).

Plain python3; exits 1 on any failure. Needs vyper==0.4.3, eth-tester[py-evm]==0.14.0b1, pycryptodome; no
chronoguard binary.
    python3 contracts/evm/tests/test_registry.py [--seed 2]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import pathlib
import random
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from Crypto.Hash import keccak as cryptodome_keccak  # noqa: E402
from eth_abi import encode as abi_encode  # noqa: E402
from eth_utils import keccak, to_checksum_address  # noqa: E402

from evm_harness import (  # noqa: E402
    EVM_DIR, Chain, Failures, Reverted, compile_contract, error_selector,
)

TESTS_DIR = pathlib.Path(__file__).resolve().parent
ERRORS = ["NotIssuer", "ZeroAddress", "RequestExists", "ExpiryInPast", "ExpiryTooFar", "UnknownRequest",
          "NotRequestUser", "AlreadyUsed", "Expired", "Blocked", "NotAdmin", "NotPendingAdmin"]
SELECTOR_NAMES = {error_selector(name): name for name in ERRORS}

DOMAIN = keccak(text="Chronoguard OTPRegistry v1")
MAX_TTL = 3600
ZERO_ADDRESS = "0x" + "00" * 20
RECORDS_SLOT = 4  # _records in Vyper's storage layout (checked against the compiler's layout output)
COMMITMENTS_SLOT = 3


def error_name(data: bytes) -> str:
    return SELECTOR_NAMES.get(bytes(data[:4]), f"<revert data 0x{bytes(data).hex()}>")


def commitment(chain_id: int, registry: str, request_id: bytes, user: str, salt: bytes, otp: int) -> bytes:
    return keccak(abi_encode(["bytes32", "uint256", "address", "bytes32", "address", "bytes32", "uint32"],
                             [DOMAIN, chain_id, registry, request_id, user, salt, otp]))


def totp(key: bytes, unix_time: int, step: int = 60, digits: int = 6, digest=hashlib.sha256) -> int:
    """RFC 6238 (HMAC-SHA256, 60 s steps: seed 002's parameters)."""
    mac = hmac.new(key, (unix_time // step).to_bytes(8, "big"), digest).digest()
    offset = mac[-1] & 0x0F
    return (int.from_bytes(mac[offset:offset + 4], "big") & 0x7FFFFFFF) % 10**digits


def keccak_fast(data: bytes) -> bytes:
    return cryptodome_keccak.new(digest_bits=256, data=data).digest()


def seed_search(target: bytes) -> list[int]:
    """All 6-digit codes c with keccak256("OTP:v1:" ‖ c) == target (seed 002's commitment)."""
    return [c for c in range(10**6) if keccak_fast(b"OTP:v1:%06d" % c) == target]


def salted_search(target: bytes, chain_id: int, registry: str, request_id: bytes, user: str, salt: bytes) -> list[int]:
    """All codes c < 10^6 whose registry commitment under `salt` equals target (the otp is the last ABI word)."""
    prefix = abi_encode(["bytes32", "uint256", "address", "bytes32", "address", "bytes32"],
                        [DOMAIN, chain_id, registry, request_id, user, salt])
    return [c for c in range(10**6) if keccak_fast(prefix + c.to_bytes(32, "big")) == target]


def norm(value):
    """eth-abi decodes addresses in lower case; the accounts are EIP-55: compare checksummed."""
    if isinstance(value, str) and len(value) == 42 and value.startswith("0x"):
        return to_checksum_address(value)
    if isinstance(value, (list, tuple)):
        return type(value)(norm(v) for v in value)
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items()}
    return value


def logs(contract, receipt, name: str) -> list[dict]:
    return norm(contract.decode_logs(receipt, name))


def get_request(contract, request_id: bytes) -> tuple:
    return norm(contract.call("getRequest", request_id))


def unpack(word: int) -> tuple[str, int, bool, int, int]:
    """The documented layout: user bits 0..159, expiry 160..223, used 224..231, attempts 232..239, zero above."""
    return (to_checksum_address((word & (2**160 - 1)).to_bytes(20, "big")), (word >> 160) & (2**64 - 1),
            bool((word >> 224) & 0xFF), (word >> 232) & 0xFF, word >> 240)


class World:
    def __init__(self, artifact: dict, chain_id: int = 1337):
        self.chain = Chain(chain_id=chain_id)
        accounts = self.chain.accounts
        self.admin, self.issuer, self.user, self.user2 = accounts[0], accounts[1], accounts[2], accounts[3]
        self.new_issuer, self.new_admin, self.attacker = accounts[4], accounts[5], accounts[6]
        self.artifact = artifact
        self.receipt = None
        self.registry = self.deploy()

    def deploy(self, admin=None, issuer=None):
        registry = self.chain.deploy(self.artifact, admin or self.admin, issuer or self.issuer)
        self.deploy_receipt = self.chain.tester.get_transaction_receipt(
            self.chain.tester.get_block_by_number("latest")["transactions"][0])
        return registry

    def now(self) -> int:
        return self.chain.pending_timestamp()

    def state(self, *request_ids) -> tuple:
        r = self.registry
        return norm((r.call("admin"), r.call("pendingAdmin"), r.call("issuer"),
                     *[(get_request(r, i), r.call("isVerified", i)) for i in request_ids]))

    def set_otp(self, request_id: bytes, user: str, otp: int, salt: bytes, ttl: int = 60, sender=None):
        c = commitment(self.chain.chain_id, self.registry.address, request_id, user, salt, otp)
        expiry = self.now() + ttl
        receipt = self.registry.transact("setOtp", request_id, user, c, expiry, sender=sender or self.issuer)
        return c, expiry, receipt

    def verify(self, request_id: bytes, otp: int, salt: bytes, sender=None):
        """(return value from a call on the pending block, mined receipt)."""
        sender = sender or self.user
        result = self.registry.call("verify", request_id, otp, salt, sender=sender)
        receipt = self.registry.transact("verify", request_id, otp, salt, sender=sender)
        return result, receipt

    def raw_record(self, request_id: bytes) -> tuple[int, bytes]:
        def slot(base):
            return int.from_bytes(keccak(abi_encode(["uint256", "bytes32"], [base, request_id])), "big")

        def read(s) -> int:
            return self.chain.backend.get_storage(bytes.fromhex(self.registry.address[2:]), s)

        return read(slot(RECORDS_SLOT)), read(slot(COMMITMENTS_SLOT)).to_bytes(32, "big")


def expect_revert(f, world, label, expected, action, request_ids=()):
    before = world.state(*request_ids)
    try:
        action()
        f.check(False, f"{label}: accepted, expected {expected}")
        return
    except Reverted as error:
        name = error_name(error.data)
        f.check(name == expected, f"{label}: reverted with {name}, expected {expected}")
    f.check(world.state(*request_ids) == before, f"{label}: state changed")
    print(f"  {label}: {expected}, state unchanged")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    f = Failures()
    gas = {}

    def new_id() -> bytes:
        return rng.randbytes(32)

    artifact = compile_contract(EVM_DIR / "OTPRegistry.vy")
    check_layout(f)
    world = World(artifact)
    chain, registry, user = world.chain, world.registry, world.user

    # MARK: deployment
    f.check(registry.call("DOMAIN") == DOMAIN, "DOMAIN == keccak256('Chronoguard OTPRegistry v1')")
    f.check(registry.call("MAX_ATTEMPTS") == 3 and registry.call("MAX_TTL") == MAX_TTL, "constants")
    f.check(world.state() == (world.admin, ZERO_ADDRESS, world.issuer), "initial roles")
    f.check(logs(registry, world.deploy_receipt, "IssuerChanged")
            == [{"previousIssuer": ZERO_ADDRESS, "newIssuer": world.issuer}], "IssuerChanged at deployment")
    for label, args in (("admin", (ZERO_ADDRESS, world.issuer)), ("issuer", (world.admin, ZERO_ADDRESS))):
        try:
            chain.deploy(artifact, *args)
            f.check(False, f"deployment with a zero {label} accepted")
        except Reverted as error:
            f.check(error_name(error.data) == "ZeroAddress", f"zero {label}: {error_name(error.data)}")

    # MARK: happy path
    print("happy path:")
    totp_key = rng.randbytes(32)
    request_id, salt = new_id(), rng.randbytes(32)
    otp = totp(totp_key, world.now())
    f.check(registry.call("computeCommitment", request_id, user, salt, otp)
            == commitment(chain.chain_id, registry.address, request_id, user, salt, otp),
            "computeCommitment == the Python commitment")
    c, expiry, receipt = world.set_otp(request_id, user, otp, salt)
    gas["setOtp (new request: 2 fresh slots)"] = receipt["gas_used"]
    f.check(logs(registry, receipt, "OtpSet") == [{"requestId": request_id, "user": user, "expiry": expiry}],
            "OtpSet event")
    f.check(get_request(registry, request_id) == (user, c, expiry, False, 0), "getRequest after setOtp")
    f.check(registry.call("commitmentOf", request_id) == c, "commitmentOf")
    word, raw_commitment = world.raw_record(request_id)
    f.check(raw_commitment == c and unpack(word) == (user, expiry, False, 0, 0),
            f"raw storage: commitment slot + packed word {word:#066x}")
    f.check(not registry.call("isVerified", request_id), "not verified yet")
    result, receipt = world.verify(request_id, otp, salt)
    gas["verify, success"] = receipt["gas_used"]
    f.check(result is True, "verify returned True")
    f.check(logs(registry, receipt, "OtpVerified") == [{"requestId": request_id, "user": user}],
            "OtpVerified event")
    f.check(logs(registry, receipt, "AttemptFailed") == [], "no AttemptFailed on success")
    f.check(registry.call("isVerified", request_id) and get_request(registry, request_id) == (user, c, expiry, True, 0),
            "isVerified / getRequest after verify")
    f.check(unpack(world.raw_record(request_id)[0]) == (user, expiry, True, 0, 0), "raw storage: used bit set")
    print(f"  setOtp -> verify: OtpSet, OtpVerified, isVerified; packed word {world.raw_record(request_id)[0]:#x}")

    # MARK: attacks
    print("attacks:")
    expect_revert(f, world, "replay after success", "AlreadyUsed",
                  lambda: registry.transact("verify", request_id, otp, salt, sender=user), [request_id])
    expect_revert(f, world, "request id reused by the issuer after use", "RequestExists",
                  lambda: world.set_otp(request_id, world.user2, 123456, salt), [request_id])
    expect_revert(f, world, "unknown request id", "UnknownRequest",
                  lambda: registry.transact("verify", new_id(), otp, salt, sender=user))

    # Expiry: the last second (expiry itself) is accepted; one second later the right code is refused.
    request_id, salt = new_id(), rng.randbytes(32)
    _, expiry, _ = world.set_otp(request_id, user, otp, salt, ttl=60)
    snapshot = chain.snapshot()
    chain.set_next_timestamp(expiry)
    f.check(world.verify(request_id, otp, salt)[0] is True, "verify at block.timestamp == expiry accepted")
    chain.revert_to(snapshot)
    chain.set_next_timestamp(expiry + 1)
    expect_revert(f, world, "right code one second after expiry", "Expired",
                  lambda: registry.transact("verify", request_id, otp, salt, sender=user), [request_id])
    expect_revert(f, world, "request id reused by the issuer after expiry", "RequestExists",
                  lambda: world.set_otp(request_id, user, otp, salt), [request_id])

    # Three wrong codes, then the right one: blocked.
    request_id, salt = new_id(), rng.randbytes(32)
    otp = totp(totp_key, world.now())
    c, expiry, _ = world.set_otp(request_id, user, otp, salt)
    expect_revert(f, world, "request id reused by the issuer while pending", "RequestExists",
                  lambda: world.set_otp(request_id, world.attacker, 0, salt), [request_id])
    for attempt in (1, 2, 3):
        wrong = (otp + attempt) % 10**6
        result, receipt = world.verify(request_id, wrong, salt)
        gas["verify, failed attempt (blocking, 3rd)" if attempt == 3 else "verify, failed attempt"] = receipt["gas_used"]
        f.check(result is False and receipt["status"] == 1, f"wrong code {attempt}: returned False, not reverted")
        f.check(logs(registry, receipt, "AttemptFailed")
                == [{"requestId": request_id, "user": user, "attempts": attempt}], f"AttemptFailed attempts={attempt}")
        blocked = logs(registry, receipt, "OtpBlocked")
        f.check(blocked == ([{"requestId": request_id, "user": user}] if attempt == 3 else []),
                f"OtpBlocked only on the third failure (attempt {attempt})")
        f.check(get_request(registry, request_id) == (user, c, expiry, False, attempt), f"attempts == {attempt}")
    f.check(unpack(world.raw_record(request_id)[0]) == (user, expiry, False, 3, 0), "raw storage: attempts byte 3")
    expect_revert(f, world, "fourth attempt with the right code", "Blocked",
                  lambda: registry.transact("verify", request_id, otp, salt, sender=user), [request_id])

    # The right code and salt from another address (a mempool watcher copying the user's calldata).
    request_id, salt = new_id(), rng.randbytes(32)
    c, expiry, _ = world.set_otp(request_id, user, otp, salt)
    for who in ("attacker", "issuer", "admin", "user2"):
        expect_revert(f, world, f"right code from the {who}", "NotRequestUser",
                      lambda: registry.transact("verify", request_id, otp, salt, sender=getattr(world, who)), [request_id])
    f.check(world.verify(request_id, otp, salt)[0] is True, "the bound user still verifies afterwards")

    # The previous TOTP step's code (RFC 6238, HMAC-SHA256, 60 s), then the current one.
    now = world.now()
    current, previous = totp(totp_key, now), totp(totp_key, now - 60)
    f.check(current != previous, "consecutive TOTP steps give different codes (else pick another key)")
    request_id, salt = new_id(), rng.randbytes(32)
    c, expiry, _ = world.set_otp(request_id, user, current, salt)
    result, receipt = world.verify(request_id, previous, salt)
    f.check(result is False and get_request(registry, request_id) == (user, c, expiry, False, 1),
            "previous step's code: a failed attempt (attempts 1)")
    result, receipt = world.verify(request_id, current, rng.randbytes(32))
    f.check(result is False and get_request(registry, request_id)[4] == 2, "right code, wrong salt: attempt 2")
    f.check(world.verify(request_id, current, salt)[0] is True, "then the current code verifies (attempt 3)")
    f.check(get_request(registry, request_id) == (user, c, expiry, True, 2), "used with attempts 2 kept")

    # A commitment made for another registry (same chain) or another chain (same address) never verifies here.
    other_registry = world.deploy()
    request_id, salt = new_id(), rng.randbytes(32)
    foreign = commitment(chain.chain_id, other_registry.address, request_id, user, salt, otp)
    registry.transact("setOtp", request_id, user, foreign, world.now() + 60, sender=world.issuer)
    f.check(world.verify(request_id, otp, salt)[0] is False, "commitment for another registry: failed attempt")
    other_chain = World(artifact, chain_id=5)
    f.check(other_chain.registry.address == registry.address, "chain 5 registry has the same address")
    foreign = commitment(1337, registry.address, request_id, user, salt, otp)
    other_chain.registry.transact("setOtp", request_id, user, foreign, other_chain.now() + 60, sender=world.issuer)
    f.check(other_chain.verify(request_id, otp, salt)[0] is False, "commitment for chain 1337 on chain 5: failed attempt")

    # setOtp arguments and roles.
    request_id = new_id()
    for who in ("attacker", "admin", "user"):
        expect_revert(f, world, f"setOtp by the {who}", "NotIssuer",
                      lambda: world.set_otp(request_id, user, otp, salt, sender=getattr(world, who)), [request_id])
    expect_revert(f, world, "setOtp for the zero address", "ZeroAddress",
                  lambda: world.set_otp(request_id, ZERO_ADDRESS, otp, salt), [request_id])
    expect_revert(f, world, "setOtp with expiry == now", "ExpiryInPast",
                  lambda: world.set_otp(request_id, user, otp, salt, ttl=0), [request_id])
    expect_revert(f, world, "setOtp with expiry in the past", "ExpiryInPast",
                  lambda: world.set_otp(request_id, user, otp, salt, ttl=-30), [request_id])
    expect_revert(f, world, "setOtp with expiry > now + MAX_TTL", "ExpiryTooFar",
                  lambda: world.set_otp(request_id, user, otp, salt, ttl=MAX_TTL + 1), [request_id])
    expect_revert(f, world, "setOtp with expiry 2^64 - 1", "ExpiryTooFar",
                  lambda: registry.transact("setOtp", request_id, user, c, 2**64 - 1, sender=world.issuer), [request_id])
    world.set_otp(request_id, user, otp, salt, ttl=MAX_TTL)
    f.check(get_request(registry, request_id)[2] == world.now() - 1 + MAX_TTL, "expiry == now + MAX_TTL accepted")

    admin_roles(f, world, rng, totp_key)
    seed_scheme_broken(f, world, rng, totp_key)

    print("gas (transactions, incl. 21000):")
    for label, value in gas.items():
        print(f"  {label}: {value}")
    return f.finish("test_registry")


def check_layout(f):
    """The raw-storage checks above assume these slots; take them from the compiler's layout output."""
    import vyper
    from vyper.compiler.settings import OptimizationLevel, Settings

    layout = vyper.compile_code((EVM_DIR / "OTPRegistry.vy").read_text(encoding="utf-8"), output_formats=["layout"],
                                settings=Settings(evm_version="cancun", optimize=OptimizationLevel.GAS))["layout"]
    slots = {name: entry["slot"] for name, entry in layout["storage_layout"].items()}
    f.check(slots.get("_records") == RECORDS_SLOT and slots.get("commitmentOf") == COMMITMENTS_SLOT,
            f"storage layout {slots}")


def admin_roles(f, world, rng, totp_key):
    chain, registry, user = world.chain, world.registry, world.user
    print("roles:")
    expect_revert(f, world, "setIssuer by the issuer", "NotAdmin",
                  lambda: registry.transact("setIssuer", world.attacker, sender=world.issuer))
    expect_revert(f, world, "setIssuer by the attacker", "NotAdmin",
                  lambda: registry.transact("setIssuer", world.attacker, sender=world.attacker))
    expect_revert(f, world, "setIssuer to zero", "ZeroAddress",
                  lambda: registry.transact("setIssuer", ZERO_ADDRESS, sender=world.admin))

    # A request set by the old issuer before the rotation (documented: stays verifiable until its expiry).
    pending_id, salt = rng.randbytes(32), rng.randbytes(32)
    otp = totp(totp_key, world.now())
    world.set_otp(pending_id, user, otp, salt)
    receipt = registry.transact("setIssuer", world.new_issuer, sender=world.admin)
    f.check(logs(registry, receipt, "IssuerChanged")
            == [{"previousIssuer": world.issuer, "newIssuer": world.new_issuer}], "IssuerChanged event")
    request_id = rng.randbytes(32)
    expect_revert(f, world, "old issuer after rotation", "NotIssuer",
                  lambda: world.set_otp(request_id, user, otp, salt, sender=world.issuer), [request_id])
    world.set_otp(request_id, user, otp, salt, sender=world.new_issuer)
    f.check(world.verify(request_id, otp, salt)[0] is True, "new issuer's request verifies")
    f.check(world.verify(pending_id, otp, salt)[0] is True, "request set before the rotation verifies until expiry")

    # Two-step admin handover.
    expect_revert(f, world, "transferAdmin by the attacker", "NotAdmin",
                  lambda: registry.transact("transferAdmin", world.attacker, sender=world.attacker))
    expect_revert(f, world, "acceptAdmin with nothing pending", "NotPendingAdmin",
                  lambda: registry.transact("acceptAdmin", sender=world.new_admin))
    receipt = registry.transact("transferAdmin", world.new_admin, sender=world.admin)
    f.check(logs(registry, receipt, "AdminTransferStarted")
            == [{"admin": world.admin, "pendingAdmin": world.new_admin}]
            and world.state() == (world.admin, world.new_admin, world.new_issuer), "AdminTransferStarted; admin unchanged until accepted")
    expect_revert(f, world, "acceptAdmin by another account", "NotPendingAdmin",
                  lambda: registry.transact("acceptAdmin", sender=world.attacker))
    registry.transact("transferAdmin", ZERO_ADDRESS, sender=world.admin)
    expect_revert(f, world, "acceptAdmin after the handover was cancelled", "NotPendingAdmin",
                  lambda: registry.transact("acceptAdmin", sender=world.new_admin))
    registry.transact("transferAdmin", world.new_admin, sender=world.admin)
    receipt = registry.transact("acceptAdmin", sender=world.new_admin)
    f.check(logs(registry, receipt, "AdminTransferred")
            == [{"previousAdmin": world.admin, "newAdmin": world.new_admin}], "AdminTransferred event")
    f.check(world.state() == (world.new_admin, ZERO_ADDRESS, world.new_issuer), "roles after the handover")
    expect_revert(f, world, "old admin after the handover", "NotAdmin",
                  lambda: registry.transact("setIssuer", world.issuer, sender=world.admin))
    registry.transact("setIssuer", world.issuer, sender=world.new_admin)
    f.check(world.state() == (world.new_admin, ZERO_ADDRESS, world.issuer), "new admin rotates the issuer back")


def seed_scheme_broken(f, world, rng, totp_key):
    """SEEDS-NOTES item 3: the seed's unsalted commitment falls to 10^6 hashes; ours does not without the salt."""
    chain, user = world.chain, world.user
    print("seed 002's commitment vs ours (10^6-candidate keccak search, pycryptodome):")
    seed_artifact = compile_contract(TESTS_DIR / "contracts" / "SeedOTPRegistry.vy")
    seed = chain.deploy(seed_artifact, sender=world.issuer)
    otp = totp(totp_key, world.now())
    request_id = rng.randbytes(32)
    seed.transact("setOtp", request_id, keccak(b"OTP:v1:%06d" % otp), world.now() + 60, sender=world.issuer)

    # The attacker reads only chain state: the stored hash (also in the OtpSet event's data).
    stored_hash = seed.call("requests", request_id)[0]
    start = time.perf_counter()
    found = seed_search(stored_hash)
    elapsed = time.perf_counter() - start
    f.check(found == [otp], f"seed commitment inverted: found {found}, code {otp}")
    f.check(elapsed < 20, f"seed search took {elapsed:.1f} s")
    print(f"  seed keccak256('OTP:v1:' ‖ otp): all 10^6 candidates in {elapsed:.2f} s -> code {found}")
    if found:
        receipt = seed.transact("verify", request_id, "%06d" % found[0], sender=world.attacker)
        spent = logs(seed, receipt, "OtpVerified")
        f.check(spent == [{"requestId": request_id, "caller": world.attacker}], "the attacker spent the seed's request")
        try:
            seed.call("verify", request_id, "%06d" % otp, sender=user)
            f.check(False, "the user's own code was still accepted after the attacker spent it")
        except Reverted as error:
            f.check(b"used" in error.data, f"the user is then refused: revert data {error.data!r}")
        print("  the attacker spent the seed's request with the recovered code; the user is refused ('used')")

    # Ours: the same chain-state search finds nothing; only the salt (never on chain before verify) makes it work.
    registry = world.registry
    request_id, salt = rng.randbytes(32), rng.randbytes(32)
    world.set_otp(request_id, user, otp, salt)
    stored = get_request(registry, request_id)[1]
    start = time.perf_counter()
    found_seed_formula = seed_search(stored)
    found_no_salt = salted_search(stored, chain.chain_id, registry.address, request_id, user, b"\0" * 32)
    elapsed = time.perf_counter() - start
    f.check(found_seed_formula == [] and found_no_salt == [],
            f"salted commitment: seed formula found {found_seed_formula}, zero-salt search found {found_no_salt}")
    found_with_salt = salted_search(stored, chain.chain_id, registry.address, request_id, user, salt)
    f.check(found_with_salt == [otp], f"with the salt the same search finds the code: {found_with_salt}")
    print(f"  ours: seed formula and zero-salt search over 10^6 candidates ({elapsed:.2f} s) find nothing; "
          f"with the salt (the secret half) the search finds {found_with_salt}")
    f.check(world.verify(request_id, otp, salt)[0] is True, "the user verifies the salted request")


if __name__ == "__main__":
    sys.exit(main())
