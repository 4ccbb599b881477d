#!/usr/bin/env python3
"""browser-test: ChronoVault's two browser pages (/app/wallet and /app/authenticator) in two real Chromium browsers
that see each other only through their cameras.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright for Python; its fake camera
(--use-fake-device-for-media-stream --use-file-for-fake-video-capture=FILE.y4m) plays a video made from the *other*
page's screenshots, and nothing else passes between the two browsers:

1. the authenticator page creates a secret (IndexedDB, under a passphrase) and shows its hash;
2. `chronoguard vault evm deploy` deploys a wallet with that hash on the EVM test chain (scripts/evm-test-chain.py:
   py-evm behind JSON-RPC — test support, not a node) and it is funded;
3. the wallet page, whose EIP-1193 provider is a minimal shim injected by this script (every request forwarded to the
   test chain, which signs eth_sendTransaction for its prefunded, "unlocked" account), reads the wallet and shows the
   request as animated QR codes; each frame is screenshotted;
4. the frames become the authenticator's camera video: it scans them, shows the decoded call, and after the passphrase
   proves in a Web Worker and shows the proof as animated QR codes; each frame is screenshotted;
5. those frames become the wallet page's camera: it checks the proof and sends executeWithProof; the transfer is mined,
   and the recipient's balance and the wallet's nonce are read from the chain by this script;
6. the same proof scanned again is refused before anything is sent (its time step is no longer after the wallet's);
   a wrong passphrase proves nothing; a browser that denies the camera gets the page's explanation.

Screenshots of every step are kept in the artefacts directory. Prove time in the page (Web Worker, WebAssembly) and QR
decode time per camera frame are printed as figures.

Usage: python3 scripts/browser-test.py [--chronoguard PATH] [--artifacts DIR]
Needs: chromium (Debian), playwright (PyPI), eth-account, numpy, pillow; a built `chronoguard` (swift build).
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import numpy
from eth_account import Account
from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-dev-shm-usage",
]
# The test chain's prefunded account 1 (private key 0x…01, public): the wallet's owner and the shim's account.
OWNER_KEY = "0x" + "00" * 31 + "01"
RECIPIENT = "0x00000000000000000000000000000000000c0ffe"
PASSPHRASE = "correct horse battery staple"
VIDEO_W, VIDEO_H = 960, 720


def log(message):
    print(f"browser-test: {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Chain:
    """The EVM test chain as a child process; JSON-RPC calls from Python."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "scripts/evm-test-chain.py"), "--port", "0"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening "):
            raise SystemExit(f"browser-test: the test chain did not start ({line!r})")
        self.url = line.split(" ", 1)[1]
        self.next_id = 0

    def call(self, method, params=None):
        """The JSON-RPC response object (result or error), as a provider would pass it on."""
        self.next_id += 1
        body = json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or []}).encode()
        request = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    def result(self, method, params=None):
        answer = self.call(method, params)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


# An EIP-1193 provider for the page: request() forwards to the test chain through a function Playwright exposes (so
# the page's Content-Security-Policy, which allows fetches to its own origin only, is not loosened for the test).
PROVIDER_SHIM = """
(() => {
  const listeners = {};
  window.ethereum = {
    isChronoguardTestShim: true,
    async request({ method, params }) {
      const answer = JSON.parse(await window.__chronoguardRPC(method, JSON.stringify(params ?? [])));
      if (answer.error) { const error = new Error(answer.error.message); error.code = answer.error.code; error.data = answer.error.data; throw error; }
      return answer.result;
    },
    on(event, listener) { (listeners[event] ??= []).push(listener); },
    removeListener(event, listener) { listeners[event] = (listeners[event] ?? []).filter((l) => l !== listener); },
  };
})();
"""


def y4m(path, frames, repeat):
    """Writes grey pictures (numpy uint8 H×W) as a YUV4MPEG2 4:2:0 video, each shown `repeat` times at 10 fps."""
    with open(path + ".tmp", "wb") as out:
        out.write(f"YUV4MPEG2 W{VIDEO_W} H{VIDEO_H} F10:1 Ip A1:1 C420jpeg\n".encode())
        chroma = bytes([128]) * (VIDEO_W * VIDEO_H // 2)
        for frame in frames:
            for _ in range(repeat):
                out.write(b"FRAME\n" + frame.tobytes() + chroma)
    os.replace(path + ".tmp", path)


def camera_picture(png_path, angle):
    """A screenshot of a QR frame as a camera would see it: on a grey desk, scaled to fill half the picture, turned by
    a few degrees."""
    image = Image.open(png_path).convert("L")
    side = int(VIDEO_H * 0.62)
    image = image.resize((side, side), Image.BILINEAR).rotate(angle, resample=Image.BILINEAR, expand=True, fillcolor=255)
    picture = Image.new("L", (VIDEO_W, VIDEO_H), 96)
    picture.paste(image, ((VIDEO_W - image.width) // 2, (VIDEO_H - image.height) // 2))
    return numpy.asarray(picture, dtype=numpy.uint8)


def capture_frames(page, canvas, directory, prefix, count):
    """Screenshots `count` distinct frames of an animated QR canvas (its data-frame attribute names the frame)."""
    os.makedirs(directory, exist_ok=True)
    seen = {}
    deadline = time.time() + 60
    while len(seen) < count and time.time() < deadline:
        frame = page.get_attribute(canvas, "data-frame")
        if frame is not None and frame not in seen:
            path = os.path.join(directory, f"{prefix}-{int(frame):02d}.png")
            page.locator(canvas).screenshot(path=path)
            # The frame may have moved on while the screenshot was taken: keep it only if it is still the same one.
            if page.get_attribute(canvas, "data-frame") == frame:
                seen[frame] = path
        time.sleep(0.05)
    if len(seen) < count:
        raise SystemExit(f"browser-test: captured {len(seen)} of {count} {prefix} frames")
    return [seen[key] for key in sorted(seen, key=int)]


def launch(playwright, camera, profile=None):
    args = CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                            f"--use-file-for-fake-video-capture={camera}"]
    if profile:
        return playwright.chromium.launch_persistent_context(
            profile, executable_path="/usr/bin/chromium", args=args, viewport={"width": 412, "height": 915})
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
    return browser.new_context(viewport={"width": 412, "height": 915})


def open_authenticator_with_a_new_secret(page, base):
    """Opens the authenticator page and creates a secret under PASSPHRASE; waits for the scan step."""
    page.goto(base + "/app/authenticator")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#new-passphrase", PASSPHRASE)
    page.click("#create")
    page.wait_for_selector("#scan-section:not([hidden])")


def status_of(page):
    return page.text_content("#status") or ""


def wait_status(page, needle, timeout=120, expect_error=False):
    """Waits until the page's status says `needle`; another error (unless one is expected) fails at once."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = status_of(page)
        if needle in text:
            return text
        if not expect_error and page.get_attribute("#status", "data-kind") == "error":
            raise SystemExit(f"browser-test: the page says: {text}")
        time.sleep(0.1)
    raise SystemExit(f"browser-test: waited for {needle!r}; the page says: {status_of(page)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chronoguard", default=None)
    parser.add_argument("--artifacts", default=os.path.join(ROOT, ".build/browser-test"))
    options = parser.parse_args()
    binary = options.chronoguard or os.path.join(
        subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=ROOT, text=True).strip(), "chronoguard")
    artifacts = options.artifacts
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(artifacts)
    work = tempfile.mkdtemp(prefix="chronoguard-browser-")
    chain = Chain()
    server = None
    try:
        def cli(*args):
            run = subprocess.run([binary, *args], capture_output=True, text=True, timeout=300)
            if run.returncode != 0:
                raise SystemExit(f"browser-test: chronoguard {' '.join(args)} failed:\n{run.stderr}")
            return run.stdout

        keys = os.path.join(work, "keys")
        cli("zk", "setup", "--out", keys)
        keystore = os.path.join(work, "owner.json")
        password = os.path.join(work, "password")
        with open(password, "w") as f:
            f.write("test password\n")
        with open(keystore, "w") as f:
            json.dump(Account.encrypt(OWNER_KEY, "test password", kdf="pbkdf2", iterations=1000), f)
        owner = Account.from_key(OWNER_KEY).address.lower()
        assert owner in chain.result("eth_accounts"), "the owner must be one of the chain's unlocked accounts"

        port = free_port()
        server = subprocess.Popen(
            [binary, "serve", "--port", str(port), "--data-dir", os.path.join(work, "data"), "--zk-keys", keys],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(artifacts, "server.log"), "w"))
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/readyz", timeout=2)
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise SystemExit("browser-test: chronoguard serve did not become ready")

        request_camera = os.path.join(work, "request-camera.y4m")
        proof_camera = os.path.join(work, "proof-camera.y4m")
        blank = numpy.full((VIDEO_H, VIDEO_W), 96, dtype=numpy.uint8)
        y4m(request_camera, [blank], 1)
        y4m(proof_camera, [blank], 1)

        with sync_playwright() as playwright:
            # Device B, the authenticator: a profile of its own, where the sealed secret stays.
            authenticator = launch(playwright, request_camera, profile=os.path.join(work, "authenticator-profile"))
            b = authenticator.new_page()
            open_authenticator_with_a_new_secret(b, base)
            secret_hash = b.text_content("#secret-hash").strip()
            b.screenshot(path=os.path.join(artifacts, "01-authenticator-secret.png"), full_page=True)
            log(f"authenticator secret hash {secret_hash[:12]}…")

            deployment = json.loads(cli(
                "vault", "evm", "deploy", "--rpc-url", chain.url, "--keystore", keystore, "--password-file", password,
                "--secret-hash", secret_hash, "--keys", keys))
            wallet = deployment["wallet"]
            # Funded by its owner through the chain's eth_sendTransaction (chronoguard_fund sends 21,000 gas: too little
            # for the wallet's receive function, which logs the deposit).
            chain.result("eth_sendTransaction", [{"from": owner, "to": wallet, "value": hex(2 * 10**18)}])
            assert int(chain.result("eth_getBalance", [wallet, "latest"]), 16) == 2 * 10**18
            log(f"wallet {wallet} deployed and funded with 2 ETH")

            # Device A, the wallet page, with the shim provider.
            wallet_context = launch(playwright, proof_camera)
            def provider(method, params):
                # The wallet's accounts: the one unlocked account the test uses (a wallet asks its user first).
                if method in ("eth_requestAccounts", "eth_accounts"):
                    return json.dumps({"result": [owner]})
                return json.dumps(chain.call(method, json.loads(params)))

            wallet_context.expose_function("__chronoguardRPC", provider)
            wallet_context.add_init_script(PROVIDER_SHIM)
            a = wallet_context.new_page()
            a.goto(base + "/app/wallet")
            a.wait_for_selector("body[data-ready=true]")
            a.click("#connect")
            wait_status(a, "Connected")
            a.fill("#wallet", wallet)
            a.click("#read")
            wait_status(a, "Wallet read")
            a.fill("#to", RECIPIENT)
            a.fill("#amount", "0.5")
            a.fill("#note", "rent for December")
            a.click("#make-request")
            wait_status(a, "Show these codes")
            a.screenshot(path=os.path.join(artifacts, "02-wallet-request.png"), full_page=True)
            request_frames = capture_frames(a, "#request-qr", os.path.join(artifacts, "request-frames"), "request", 12)
            log(f"{len(request_frames)} request frames captured")

            # The request frames, photographed, become the authenticator's camera; one frame is dropped.
            pictures = [camera_picture(path, angle) for path, angle in
                        zip(request_frames, [3, -4, 6, -2, 5, -6, 2, -3, 4, -5, 1, -1]) if not path.endswith("-01.png")]
            y4m(request_camera, pictures, 3)
            b.click("#scan")
            b.wait_for_selector("#approve-section:not([hidden])", timeout=120000)
            approval = b.text_content("#approval")
            for expected in ["0.5 ETH", "500000000000000000 wei", "none (a plain transfer)", "rent for December",
                             "local test chain"]:
                assert expected in approval, f"the approval screen lacks {expected!r}:\n{approval}"
            assert RECIPIENT[2:].lower() in approval.lower() and wallet[2:].lower() in approval.lower(), approval
            scan_stats = b.evaluate("window.chronoguardScanner.stats")
            b.screenshot(path=os.path.join(artifacts, "03-authenticator-approval.png"), full_page=True)

            # A wrong passphrase proves nothing.
            b.fill("#passphrase", "not the passphrase")
            b.click("#approve")
            wait_status(b, "does not open the secret")
            assert b.is_hidden("#proof-section")

            b.fill("#passphrase", PASSPHRASE)
            b.click("#approve")
            b.wait_for_selector("#proof-section:not([hidden])", timeout=300000)
            prove_ms = b.evaluate("window.chronoguardProveMilliseconds")
            b.screenshot(path=os.path.join(artifacts, "04-authenticator-proof.png"), full_page=True)
            proof_frames = capture_frames(b, "#proof-qr", os.path.join(artifacts, "proof-frames"), "proof", 12)
            log(f"proved in the page in {prove_ms:.0f} ms; {len(proof_frames)} proof frames captured")

            pictures = [camera_picture(path, angle) for path, angle in
                        zip(proof_frames, [-2, 4, -5, 3, -1, 6, -4, 2, -6, 5, -3, 1]) if not path.endswith("-02.png")]
            y4m(proof_camera, pictures, 3)
            before = int(chain.result("eth_getBalance", [RECIPIENT, "latest"]), 16)
            a.click("#scan")
            wait_status(a, "The proof checks out", timeout=120)
            a.screenshot(path=os.path.join(artifacts, "05-wallet-checked.png"), full_page=True)
            a.click("#send")
            wait_status(a, "Executed", timeout=300)
            a.screenshot(path=os.path.join(artifacts, "06-wallet-executed.png"), full_page=True)
            after = int(chain.result("eth_getBalance", [RECIPIENT, "latest"]), 16)
            assert after - before == 5 * 10**17, f"the recipient got {after - before} wei, not 0.5 ETH"
            nonce = chain.result("eth_call", [{"to": wallet, "data": "0xaffed0e0"}, "latest"])
            assert int(nonce, 16) == 1, f"the wallet's nonce is {nonce}, not 1"
            log("executeWithProof mined: the recipient got 0.5 ETH, the wallet's nonce is 1")

            # The same proof again: refused before anything is sent.
            a.click("#scan")
            wait_status(a, "not after the wallet's last used step", expect_error=True)
            assert a.is_disabled("#send")
            a.screenshot(path=os.path.join(artifacts, "07-wallet-replay-refused.png"), full_page=True)
            log("the replayed proof is refused in the page")
            wallet_context.close()
            authenticator.close()

            # A browser that gives no camera: the page explains what to do.
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            open_authenticator_with_a_new_secret(page, base)
            page.click("#scan")
            message = wait_status(page, "camera", timeout=60, expect_error=True)
            assert "allow it" in message or "No camera" in message, message
            page.screenshot(path=os.path.join(artifacts, "08-camera-denied.png"), full_page=True)
            browser.close()
            log(f"without a camera the page says: {message}")

        decode = sorted(scan_stats["decodeMilliseconds"])
        log(f"figures: prove in Chromium (Wasm, Web Worker) {prove_ms:.0f} ms; QR decode per {VIDEO_W}×{VIDEO_H} camera "
            f"frame median {decode[len(decode) // 2]:.1f} ms over {len(decode)} frames")
        log(f"passed; screenshots in {artifacts}")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)
        chain.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
