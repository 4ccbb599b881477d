// Chronoguard in the browser: the WebAssembly module (the Swift prover, QR codec and UR codec, scripts/build-wasm.sh)
// behind a small JavaScript API, and what both pages share — drawing QR codes, showing animated UR frames, scanning
// with the camera. No framework, no dependency: this file, the pages' own scripts and chronoguard.wasm are all there is.
//
// The module's C ABI is described in docs/wasm.md: every call returns an i32 status (negative: failure, with a UTF-8
// message in the result buffer) and leaves its output in a module-owned result buffer.

const MODULE_URL = new URL("chronoguard.wasm", import.meta.url);

/** The BN254 scalar field order r: secrets and public signals are below it. */
export const FIELD_ORDER = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;

/** A failure the module reported: its status and its message (a sentence saying what was wrong). */
export class ModuleError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * WASI preview 1, the three calls the module imports. Randomness comes only from crypto.getRandomValues: if it
 * throws, random_get returns an errno and the module proves nothing (it never falls back to anything weaker).
 */
function wasiImports(memory) {
  return {
    wasi_snapshot_preview1: {
      random_get(pointer, length) {
        try {
          const view = new Uint8Array(memory().buffer, pointer, length);
          for (let i = 0; i < length; i += 65536) crypto.getRandomValues(view.subarray(i, Math.min(length, i + 65536)));
          return 0;
        } catch {
          return 29; // EIO
        }
      },
      clock_time_get(clock, precision, out) {
        const nanos = clock === 0
          ? BigInt(Date.now()) * 1000000n
          : BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
        new DataView(memory().buffer).setBigUint64(out, nanos, true);
        return 0;
      },
      fd_write(fd, iovs, count, written) {
        const view = new DataView(memory().buffer);
        let text = "", total = 0;
        for (let i = 0; i < count; i++) {
          const pointer = view.getUint32(iovs + 8 * i, true), length = view.getUint32(iovs + 8 * i + 4, true);
          text += new TextDecoder().decode(new Uint8Array(memory().buffer, pointer, length));
          total += length;
        }
        view.setUint32(written, total, true);
        console.warn("chronoguard.wasm:", text.trimEnd());
        return 0;
      },
    },
  };
}

let compiled = null;

/** One instance of the module. A trap (RuntimeError "unreachable") leaves it unusable: `Chronoguard.load()` again. */
export class Chronoguard {
  static async load() {
    compiled ??= WebAssembly.compileStreaming(fetch(MODULE_URL)).catch((error) => {
      compiled = null;
      throw new Error(`The WebAssembly module did not load (${error.message}); reload the page.`);
    });
    let instance;
    const imports = wasiImports(() => instance.exports.memory);
    instance = await WebAssembly.instantiate(await compiled, imports);
    return new Chronoguard(instance);
  }

  constructor(instance) {
    this.exports = instance.exports;
    this.broken = false;
  }

  // MARK: Calling

  /** Copies byte arrays into module memory, runs `body(pointers)`, frees them (even on failure). */
  withBytes(arrays, body) {
    const pointers = [];
    try {
      for (const bytes of arrays) {
        const pointer = this.exports.cg_alloc(Math.max(1, bytes.length));
        if (pointer === 0) throw new ModuleError(-2, "The module is out of memory; reload the page.");
        new Uint8Array(this.exports.memory.buffer, pointer, bytes.length).set(bytes);
        pointers.push(pointer);
      }
      return body(pointers);
    } finally {
      for (const pointer of pointers) this.exports.cg_free(pointer);
    }
  }

  /** Calls an export; a negative status throws its message, a trap marks the instance broken. */
  call(name, ...args) {
    if (this.broken) throw new Error("The WebAssembly module stopped after an internal error; reload the page.");
    let status;
    try {
      status = this.exports[name](...args);
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) {
        this.broken = true;
        throw new Error(`The WebAssembly module stopped (${error.message}); reload the page and try again.`);
      }
      throw error;
    }
    if (status < 0) throw new ModuleError(status, new TextDecoder().decode(this.result()));
    return status;
  }

  /** A copy of the last call's output. */
  result() {
    const pointer = this.exports.cg_result_ptr(), length = this.exports.cg_result_len();
    return new Uint8Array(this.exports.memory.buffer, pointer, length).slice();
  }

  // MARK: Hashes and ZK-TOTP

  keccak256(bytes) {
    return this.withBytes([bytes], ([p]) => (this.call("cg_keccak256", p, bytes.length), this.result()));
  }

  /** Poseidon(secret) as 32 big-endian bytes: the hash a wallet is deployed with. */
  secretHash(secret) {
    return this.withBytes([secret], ([p]) => (this.call("cg_secret_hash", p), this.result()));
  }

  loadProvingKey(key) {
    this.withBytes([key], ([p]) => this.call("cg_load_proving_key", p, key.length));
  }

  /** Proves for the request (CBOR) at `unixTime` with the loaded key; the proof message's CBOR. */
  approve(secret, request, unixTime) {
    return this.withBytes([secret, request], ([s, r]) => {
      this.call("cg_approve", s, r, request.length, BigInt(unixTime));
      return this.result();
    });
  }

  // MARK: The two-device messages

  /** A request's CBOR from its fields (addresses 20 bytes, value a BigInt of wei, data bytes, note text). */
  encodeRequest({ chainId, wallet, to, value, data, nonce, note }) {
    const noteBytes = new TextEncoder().encode(note ?? "");
    return this.withBytes([wallet, to, toWord(value), data, noteBytes], ([w, t, v, d, n]) => {
      this.call("cg_request_encode", BigInt(chainId), w, t, v, d, data.length, BigInt(nonce), n, noteBytes.length);
      return this.result();
    });
  }

  /** Opens a request strictly: the commitment it binds, its hash, and the approval text to show. */
  openRequest(request) {
    return this.withBytes([request], ([r]) => {
      this.call("cg_request_open", r, request.length);
      const out = this.result();
      return {
        commitment: out.slice(0, 32), requestHash: out.slice(32, 64),
        text: new TextDecoder().decode(out.slice(64)),
      };
    });
  }

  /**
   * Checks a proof message in the module, with the CLI's own checks: against the request (request hash, commitment),
   * against the wallet's state read from the chain (`ownerSecretHash`, `lastUsedTimeCounter`, BigInts; freshness at
   * `unixTime`), and Groth16 under `key`. `executeWithProof`'s calldata and the four public signals, or a ModuleError
   * with the CLI's message.
   */
  checkProof(request, proof, key, { ownerSecretHash, lastUsedTimeCounter, unixTime }) {
    const wallet = [toWord(ownerSecretHash), toWord(lastUsedTimeCounter)];
    return this.withBytes([request, proof, key, ...wallet], ([r, p, k, h, l]) => {
      this.call("cg_proof_check", r, request.length, p, proof.length, k, key.length, h, l, BigInt(unixTime));
      const out = this.result();
      const signals = [];
      for (let i = 0; i < 4; i++) signals.push(toBigInt(out.slice(out.length - 128 + 32 * i, out.length - 96 + 32 * i)));
      return { calldata: out.slice(0, out.length - 128), signals };
    });
  }

  /** The wallet's error name for revert data (`StaleProof`, …), or null. */
  errorName(revertData) {
    return this.withBytes([revertData], ([p]) =>
      this.call("cg_error_name", p, revertData.length) === 0 ? new TextDecoder().decode(this.result()) : null);
  }

  // MARK: QR and UR

  /** QR modules of `text` (level L: animated frames favour size; UR has its own CRC): {size, modules}. */
  encodeQR(text, level = 0) {
    const bytes = new TextEncoder().encode(text);
    return this.withBytes([bytes], ([p]) => {
      const size = this.call("cg_qr_encode", p, bytes.length, level);
      return { size, modules: this.result() };
    });
  }

  /** Every QR symbol in an ImageData, as text. */
  decodeQR(image) {
    return this.withBytes([new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength)], ([p]) => {
      const count = this.call("cg_qr_decode_rgba", p, image.width, image.height);
      const out = this.result(), view = new DataView(out.buffer), texts = [];
      let offset = 0;
      for (let i = 0; i < count; i++) {
        const length = view.getUint32(offset, true);
        texts.push(new TextDecoder().decode(out.slice(offset + 4, offset + 4 + length)));
        offset += 4 + length;
      }
      return texts;
    });
  }

  /** `count` UR parts of a message (the first sequence, then fountain parts), upper case for QR alphanumeric mode. */
  encodeUR(type, cbor, count, maxFragmentLength = 100) {
    const typeBytes = new TextEncoder().encode(type);
    return this.withBytes([typeBytes, cbor], ([t, c]) => {
      this.call("cg_ur_encode", t, typeBytes.length, c, cbor.length, maxFragmentLength, count);
      return new TextDecoder().decode(this.result()).split("\n").map((part) => part.toUpperCase());
    });
  }

  resetURDecoder() {
    this.exports.cg_ur_decoder_reset();
  }

  /** Feeds one part: {done: true, type, cbor} or {done: false, received, expected}; throws for a bad part. */
  receiveUR(text) {
    const bytes = new TextEncoder().encode(text);
    return this.withBytes([bytes], ([p]) => {
      const done = this.call("cg_ur_decoder_receive", p, bytes.length);
      const out = this.result(), view = new DataView(out.buffer);
      if (done === 1) {
        const typeLength = view.getUint32(0, true);
        return {
          done: true, type: new TextDecoder().decode(out.slice(4, 4 + typeLength)), cbor: out.slice(4 + typeLength),
        };
      }
      return { done: false, received: view.getUint32(0, true), expected: view.getUint32(4, true) };
    });
  }
}

// MARK: - Numbers and bytes

export function toWord(value) {
  const out = new Uint8Array(32);
  let v = BigInt(value);
  if (v < 0n || v >> 256n) throw new RangeError("a uint256 is 0 ≤ value < 2²⁵⁶");
  for (let i = 31; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

export function toBigInt(bytes) {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

export function toHex(bytes, prefix = true) {
  return (prefix ? "0x" : "") + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** 0x-hex (even length) to bytes, or null. */
export function fromHex(text) {
  const hex = text.trim().replace(/^0x/i, "");
  if (hex.length % 2 || /[^0-9a-f]/i.test(hex)) return null;
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** An address typed by a person: 0x + 40 hex digits (checksum case is checked by the module's EIP-55 code). */
export function parseAddress(text) {
  const bytes = /^0x[0-9a-fA-F]{40}$/.test(text.trim()) ? fromHex(text) : null;
  if (!bytes) throw new Error(`"${text}" is not an address (0x followed by 40 hex digits).`);
  return bytes;
}

/** Ether as a decimal string ("1.5") to wei, exactly. */
export function parseEther(text) {
  const match = /^(\d+)(?:\.(\d{1,18}))?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not an amount of ether (digits, at most 18 decimals).`);
  return BigInt(match[1]) * 10n ** 18n + BigInt((match[2] ?? "").padEnd(18, "0"));
}

export function formatEther(wei) {
  const whole = wei / 10n ** 18n, fraction = (wei % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

// MARK: - Showing QR codes

/** Draws QR modules on a canvas, black on white with the 4-module quiet zone, `scale` pixels a module. */
export function drawQR(canvas, { size, modules }, scale) {
  const side = (size + 8) * scale;
  canvas.width = side;
  canvas.height = side;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, side, side);
  context.fillStyle = "#000";
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (modules[y * size + x]) context.fillRect((x + 4) * scale, (y + 4) * scale, scale, scale);
    }
  }
}

/**
 * Cycles a message's UR parts on a canvas (BCR-2020-005 animated QR): the scanner may start anywhere and miss frames;
 * the fountain parts after the first sequence fill the gaps. `caption` gets "frame k of n".
 */
export class FrameShow {
  constructor(canvas, caption, module, parts, { fps = 4, scale = 6 } = {}) {
    this.canvas = canvas;
    this.caption = caption;
    this.frames = parts.map((part) => module.encodeQR(part));
    this.interval = 1000 / fps;
    this.scale = scale;
    this.index = 0;
    this.timer = null;
  }

  start() {
    this.stop();
    const show = () => {
      drawQR(this.canvas, this.frames[this.index], this.scale);
      this.canvas.dataset.frame = String(this.index);
      this.caption.textContent = `Frame ${this.index + 1} of ${this.frames.length} (any order, any start)`;
      this.index = (this.index + 1) % this.frames.length;
    };
    show();
    this.timer = setInterval(show, this.interval);
  }

  stop() {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

// MARK: - Scanning

/** What a camera failure means for the person holding the phone. */
function cameraMessage(error) {
  switch (error?.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "The camera is blocked: allow it for this site in the browser's settings, then press Scan again.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No camera was found: connect one (or use a device that has one), then press Scan again.";
    case "NotReadableError":
      return "The camera is in use by another application: close it, then press Scan again.";
    default:
      return `The camera could not start (${error?.message ?? error}); press Scan again.`;
  }
}

/**
 * Reads QR codes from the camera: getUserMedia → <video> → canvas → the module's decoder, a few frames a second.
 * `onText(text)` gets each symbol's text; `onError(message)` a sentence when the camera fails. Decode times per frame
 * are kept in `stats` (the benchmark reads them).
 */
export class Scanner {
  constructor(video, module, { onText, onError }) {
    this.video = video;
    this.module = module;
    this.onText = onText;
    this.onError = onError;
    this.canvas = document.createElement("canvas");
    this.stream = null;
    this.timer = null;
    this.stats = { frames: 0, decodeMilliseconds: [] };
  }

  async start() {
    this.stop();
    if (!navigator.mediaDevices?.getUserMedia) {
      this.onError("This browser gives no camera to pages served over plain HTTP from another host; open the page "
        + "over HTTPS (or from localhost).");
      return;
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false,
      });
    } catch (error) {
      this.onError(cameraMessage(error));
      return;
    }
    this.video.srcObject = this.stream;
    await this.video.play().catch(() => {});
    const tick = () => {
      if (!this.stream) return;
      this.scanFrame();
      this.timer = setTimeout(tick, 120);
    };
    tick();
  }

  scanFrame() {
    const { videoWidth: width, videoHeight: height } = this.video;
    if (!width || !height) return;
    // At most 960 pixels wide: enough for a 100-byte UR frame filling a third of the picture, and ~2× faster.
    const scale = Math.min(1, 960 / width);
    this.canvas.width = Math.round(width * scale);
    this.canvas.height = Math.round(height * scale);
    const context = this.canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(this.video, 0, 0, this.canvas.width, this.canvas.height);
    const image = context.getImageData(0, 0, this.canvas.width, this.canvas.height);
    const start = performance.now();
    let texts;
    try {
      texts = this.module.decodeQR(image);
    } catch (error) {
      this.stop();
      this.onError(error.message);
      return;
    }
    this.stats.frames += 1;
    this.stats.decodeMilliseconds.push(performance.now() - start);
    for (const text of texts) this.onText(text);
  }

  stop() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.video.srcObject = null;
  }
}

/**
 * Collects animated UR frames of one type into a message: frames of other types are ignored (a proof's frames in
 * front of a request's), and a frame from a different message of the same type starts over with that message.
 */
export class URCollector {
  constructor(module, type, { onProgress, onComplete }) {
    this.module = module;
    this.prefix = `ur:${type}/`;
    this.onProgress = onProgress;
    this.onComplete = onComplete;
    this.seen = new Set();
    this.done = false;
    module.resetURDecoder();
  }

  receive(text) {
    const part = text.trim().toLowerCase();
    if (this.done || this.seen.has(part)) return;
    if (!part.startsWith(this.prefix)) {
      this.onProgress?.({ foreign: part.slice(0, part.indexOf("/") + 1) || part.slice(0, 24) });
      return;
    }
    this.seen.add(part);
    let state;
    try {
      state = this.module.receiveUR(part);
    } catch {
      // A part of another message of this type (or a damaged one): start over with it.
      this.module.resetURDecoder();
      this.seen = new Set([part]);
      try {
        state = this.module.receiveUR(part);
      } catch (error) {
        this.onProgress?.({ error: error.message });
        return;
      }
    }
    if (state.done) {
      this.done = true;
      this.onComplete(state.cbor);
    } else {
      this.onProgress?.(state);
    }
  }
}

/**
 * Scans one message of UR `type` from the camera: shows the video and the stop button while it runs, tells progress
 * in `progress` ("Request: 2 of 3 parts."), and calls `onComplete(cbor)` once, with the camera stopped, or
 * `onError(sentence)`. `what` names the message ("request"), `source` where its codes are ("the wallet page's").
 * Returns the Scanner (its `stats` hold the decode times).
 */
export function scanMessage(module, type, { video, stopButton, progress, what, source, onComplete, onError }) {
  let scanner = null;
  const stop = () => {
    scanner?.stop();
    video.hidden = true;
    stopButton.hidden = true;
  };
  const title = what[0].toUpperCase() + what.slice(1);
  const collector = new URCollector(module, type, {
    onProgress(state) {
      if (state.foreign) progress.textContent = `That is not a ${what} (${state.foreign}); show the ${what} frames.`;
      else if (state.expected) progress.textContent = `${title}: ${state.received} of ${state.expected} parts.`;
    },
    onComplete(cbor) {
      stop();
      onComplete(cbor);
    },
  });
  video.hidden = false;
  stopButton.hidden = false;
  stopButton.onclick = stop;
  progress.textContent = `Point the camera at ${source} QR codes.`;
  scanner = new Scanner(video, module, { onText: (text) => collector.receive(text), onError });
  scanner.start();
  return scanner;
}

/** Shows a sentence in the page's live region (read out by screen readers). */
export function say(element, text, kind = "info") {
  element.textContent = text;
  element.dataset.kind = kind;
}
