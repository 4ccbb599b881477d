"""schemathesis hooks for the guardian API (scripts/api-fuzz.sh): a real Sign-In-With-Solana session for the
bearer routes, and the signed-in wallet in half of the generated `{wallet}` path parameters, so that the fuzzer reaches
the handlers behind authentication instead of collecting 401s and 404s.

Environment: CHRONOGUARD_API_FUZZ_SEED (hex, the wallet's Ed25519 seed), CHRONOGUARD_API_FUZZ_URL (the server).
"""
import os
import random
import threading
import time

import requests
import schemathesis
from nacl.signing import SigningKey

SEED = bytes.fromhex(os.environ["CHRONOGUARD_API_FUZZ_SEED"])
BASE = os.environ["CHRONOGUARD_API_FUZZ_URL"]
KEY = SigningKey(SEED)
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58(data: bytes) -> str:
    """Base58 (Bitcoin alphabet), as Solana writes keys and signatures."""
    number, text = int.from_bytes(data, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        text = ALPHABET[digit] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


WALLET = b58(bytes(KEY.verify_key))


def sign_in():
    """POST /v1/auth/challenge, sign the SIWS text, POST /v1/auth/verify: the bearer token."""
    challenge = requests.post(f"{BASE}/v1/auth/challenge", json={"wallet": WALLET}, timeout=10).json()
    signature = KEY.sign(challenge["message"].encode()).signature
    answer = requests.post(f"{BASE}/v1/auth/verify", timeout=10,
                           json={"challengeId": challenge["challengeId"], "signature": b58(signature)})
    answer.raise_for_status()
    return answer.json()["token"]


@schemathesis.auth()
class SignInWithSolana:
    """A session per 10 minutes (sessions last 15); a logout the fuzzer sends ends it, so a 401 refreshes too."""

    lock = threading.Lock()
    token = None
    fetched = 0.0

    def get(self, case, ctx):
        with self.lock:
            if self.token is None or time.monotonic() - self.fetched > 600:
                SignInWithSolana.token, SignInWithSolana.fetched = sign_in(), time.monotonic()
            return SignInWithSolana.token

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    if path_parameters and "wallet" in path_parameters and random.random() < 0.5:
        path_parameters["wallet"] = WALLET
    return path_parameters


@schemathesis.hook
def after_call(ctx, case, response):
    # A logged-out session: sign in again for the next case.
    if response.status_code == 401 and case.path == "/v1/auth/logout":
        SignInWithSolana.token = None
