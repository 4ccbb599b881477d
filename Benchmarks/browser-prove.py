#!/usr/bin/env python3
"""The browser half of run-browser-benchmark.sh: ZK-TOTP proofs in Chromium (Debian's, through Playwright) exactly as
the authenticator page makes them — chronoguard.wasm in a Web Worker (prover-worker.js) — and QR decoding of camera-sized
frames on the page's thread, against a running `chronoguard serve --zk-keys`. Prints one JSON line.

Usage: python3 browser-prove.py BASE_URL N
"""
import json
import sys

from playwright.sync_api import sync_playwright

BASE, COUNT = sys.argv[1], int(sys.argv[2])
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

MEASURE = """
async (count) => {
  const { Chronoguard, toWord } = await import("/app/chronoguard.js");
  const module = await Chronoguard.load();
  const key = await (await fetch("/app/proving_key.bin")).arrayBuffer();
  const request = module.encodeRequest({ chainId: 1337, wallet: new Uint8Array(20).fill(7),
    to: new Uint8Array(20).fill(9), value: 5n, data: new Uint8Array(0), nonce: 0, note: "" });
  const worker = new Worker("/app/prover-worker.js", { type: "module" });
  const prove = (i) => new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => data.error ? reject(new Error(data.error)) : resolve(data.milliseconds);
    worker.postMessage({ type: "prove", secret: toWord(12345n).buffer, request: request.slice().buffer,
      unixTime: 1770000000 + 30 * i, key });
  });
  const cold = await prove(0);  // the first proof in a fresh worker (module and key loaded just before)
  const proofs = [];
  for (let i = 1; i <= count; i++) proofs.push(await prove(i));
  worker.terminate();
  // QR decode of a 960×720 frame holding one 100-byte UR part (the size the pages scan), on the page's thread.
  const message = module.encodeRequest({ chainId: 1337, wallet: new Uint8Array(20).fill(7),
    to: new Uint8Array(20).fill(9), value: 5n, data: new Uint8Array(300).fill(1), nonce: 0, note: "" });
  const part = module.encodeUR("chronoguard-request", message, 1)[0];
  const qr = module.encodeQR(part);
  const canvas = new OffscreenCanvas(960, 720), context = canvas.getContext("2d");
  context.fillStyle = "#606060"; context.fillRect(0, 0, 960, 720);
  const scale = Math.floor(440 / (qr.size + 8)), left = (960 - (qr.size + 8) * scale) / 2, top = (720 - (qr.size + 8) * scale) / 2;
  context.fillStyle = "#fff"; context.fillRect(left, top, (qr.size + 8) * scale, (qr.size + 8) * scale);
  context.fillStyle = "#000";
  for (let y = 0; y < qr.size; y++) for (let x = 0; x < qr.size; x++)
    if (qr.modules[y * qr.size + x]) context.fillRect(left + (x + 4) * scale, top + (y + 4) * scale, scale, scale);
  const image = context.getImageData(0, 0, 960, 720);
  const decodes = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const texts = module.decodeQR(image);
    decodes.push(performance.now() - start);
    if (texts[0] !== part) throw new Error("the frame did not decode");
  }
  const median = (values) => values.slice().sort((a, b) => a - b)[values.length >> 1];
  return { prove_median_ms: median(proofs), prove_min_ms: Math.min(...proofs), prove_first_ms: cold,
           decode_median_ms: median(decodes),
           count, version: navigator.userAgent.match(/Chrome\\/([\\d.]+)/)[1] };
}
"""

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    page = browser.new_page()
    page.goto(BASE + "/app/authenticator")
    page.wait_for_selector("body[data-ready=true]")
    print(json.dumps(page.evaluate(MEASURE, COUNT)))
    browser.close()
