// The authenticator page (device B): the secret at rest in IndexedDB under a passphrase, the request scanned from the
// camera and shown decoded, the proof made in a Web Worker, and shown as animated UR QR codes. docs/wasm.md.
import {
  Chronoguard, FIELD_ORDER, FrameShow, fromHex, say, scanMessage, toBigInt, toHex, toWord,
} from "./chronoguard.js";

const $ = (id) => document.getElementById(id);
const status = $("status");
const FORMAT = "chronoguard-authenticator-web";
// OWASP's Password Storage Cheat Sheet (2023): PBKDF2-HMAC-SHA-256 with 600,000 iterations.
const ITERATIONS = 600000;

let module, scanner, show, request = null;

// MARK: The secret at rest (IndexedDB, AES-256-GCM under a PBKDF2 key)

function database() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("chronoguard-authenticator", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("secret");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(new Error("This browser refuses to store data for the page (IndexedDB); allow site data."));
  });
}

async function stored(action, value) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const store = db.transaction("secret", action === "get" ? "readonly" : "readwrite").objectStore("secret");
    const call = action === "get" ? store.get("default") : action === "put" ? store.put(value, "default") : store.delete("default");
    call.onsuccess = () => resolve(call.result);
    call.onerror = () => reject(call.error);
  });
}

/** The additional data GCM authenticates: format, version, KDF parameters and the secret hash. */
function associatedData(record) {
  return new TextEncoder().encode(JSON.stringify(
    [record.format, record.version, record.kdf.name, record.kdf.hash, record.kdf.iterations, record.kdf.salt, record.secretHash]));
}

async function keyFrom(passphrase, record) {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(passphrase), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt: fromHex(record.kdf.salt), iterations: record.kdf.iterations },
    material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

async function seal(secret, passphrase) {
  const record = {
    format: FORMAT, version: 1,
    kdf: { name: "PBKDF2", hash: "SHA-256", iterations: ITERATIONS, salt: toHex(crypto.getRandomValues(new Uint8Array(32))) },
    secretHash: toBigInt(module.secretHash(secret)).toString(), iv: toHex(crypto.getRandomValues(new Uint8Array(12))),
  };
  const key = await keyFrom(passphrase, record);
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: fromHex(record.iv), additionalData: associatedData(record) }, key, secret);
  record.ciphertext = toHex(new Uint8Array(sealed));
  return record;
}

async function open(record, passphrase) {
  if (record?.format !== FORMAT || record.version !== 1 || record.kdf?.iterations < 100000 || record.kdf.iterations > 10000000) {
    throw new Error("The stored secret is not in this page's format; forget it and import the secret again.");
  }
  let plain;
  try {
    plain = new Uint8Array(await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromHex(record.iv), additionalData: associatedData(record) },
      await keyFrom(passphrase, record), fromHex(record.ciphertext)));
  } catch {
    throw new Error("The passphrase does not open the secret (or the stored record was changed); try again.");
  }
  if (toBigInt(module.secretHash(plain)).toString() !== record.secretHash) {
    plain.fill(0);
    throw new Error("The stored secret does not match its hash; forget it and import the secret again.");
  }
  return plain;
}

/** A uniform secret below r: 254 random bits, redrawn until below r (about 1.3 draws on average). */
function newSecret() {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    bytes[0] &= 0x3f;
    const value = toBigInt(bytes);
    if (value > 0n && value < FIELD_ORDER) return bytes;
  }
}

function parseSecret(text) {
  const trimmed = text.trim();
  let value;
  try {
    value = /^0x[0-9a-f]+$/i.test(trimmed) || /^\d+$/.test(trimmed) ? BigInt(trimmed) : null;
  } catch {
    value = null;
  }
  if (value === null || value <= 0n || value >= FIELD_ORDER) {
    throw new Error("The secret to import must be a number between 1 and the BN254 group order (decimal or 0x-hex).");
  }
  return toWord(value);
}

// MARK: Screens

async function showState() {
  const record = await stored("get");
  $("setup").hidden = !!record;
  $("ready").hidden = !record;
  $("scan-section").hidden = !record;
  if (record) {
    $("secret-hash").textContent = record.secretHash;
    say(status, "Ready: scan a request from the wallet page.");
  } else {
    say(status, "No secret on this browser yet: create or import one.");
  }
}

async function create() {
  const passphrase = $("new-passphrase").value;
  if (passphrase.length < 10) return say(status, "Choose a passphrase of at least 10 characters.", "error");
  let secret;
  try {
    secret = $("import-secret").value.trim() ? parseSecret($("import-secret").value) : newSecret();
  } catch (error) {
    return say(status, error.message, "error");
  }
  say(status, "Encrypting the secret…");
  await stored("put", await seal(secret, passphrase));
  secret.fill(0);
  $("new-passphrase").value = "";
  $("import-secret").value = "";
  await showState();
}

function scan() {
  scanner = scanMessage(module, "chronoguard-request", {
    video: $("video"), stopButton: $("stop-scan"), progress: $("scan-progress"), what: "request",
    source: "the wallet page's", onComplete: review, onError: (message) => say(status, message, "error"),
  });
  window.chronoguardScanner = scanner;
}

function review(cbor) {
  try {
    const opened = module.openRequest(cbor);
    request = cbor;
    $("approval").textContent = opened.text;
    $("approve-section").hidden = false;
    $("scan-progress").textContent = "Request received.";
    say(status, "Check the call below, then approve with your passphrase or reject it.");
    $("passphrase").focus();
    fetchKey().then(prover).catch(() => {});  // ready to prove by the time the passphrase is typed
  } catch (error) {
    say(status, error.message, "error");
  }
}

let provingKey = null;
let proverWorker = null;

/** The prover's Web Worker, created once and prepared (module and key loaded) while the request is read. */
function prover(key) {
  if (!proverWorker) {
    proverWorker = new Worker(new URL("prover-worker.js", import.meta.url), { type: "module" });
    proverWorker.postMessage({ type: "prepare", key });
  }
  return proverWorker;
}

async function fetchKey() {
  if (provingKey) return provingKey;
  const response = await fetch("/app/proving_key.bin");
  if (!response.ok) {
    throw new Error("The server has no proving key for the pages: start it with --zk-keys DIR (a `chronoguard zk setup` directory).");
  }
  provingKey = await response.arrayBuffer();
  return provingKey;
}

async function approve() {
  const record = await stored("get");
  $("approve").disabled = true;
  let secret;
  try {
    say(status, "Opening the secret…");
    secret = await open(record, $("passphrase").value);
    const key = await fetchKey();
    $("passphrase").value = "";
    $("proving").hidden = false;
    const started = performance.now();
    const ticker = setInterval(() => say(status, `Proving… ${((performance.now() - started) / 1000).toFixed(1)} s`), 100);
    const answer = await new Promise((resolve) => {
      const worker = prover(key);
      worker.onmessage = ({ data }) => { if (!data.prepared) resolve(data); };
      worker.onerror = (event) => {
        worker.terminate();
        proverWorker = null;
        resolve({ error: `The prover stopped (${event.message}); try again.` });
      };
      const secretCopy = secret.slice().buffer;
      worker.postMessage(
        { type: "prove", secret: secretCopy, request: request.slice().buffer, unixTime: Math.floor(Date.now() / 1000) },
        [secretCopy]);
    });
    clearInterval(ticker);
    $("proving").hidden = true;
    if (answer.error) throw new Error(answer.error);
    window.chronoguardProveMilliseconds = answer.milliseconds;
    const proof = new Uint8Array(answer.proof);
    // The first sequence then fountain parts: 3× the fragments, so a camera that misses frames still completes.
    const parts = module.encodeUR("chronoguard-proof", proof, 12);
    show?.stop();
    show = new FrameShow($("proof-qr"), $("proof-caption"), module, parts, { fps: 4 });
    $("approve-section").hidden = true;
    $("proof-section").hidden = false;
    show.start();
    say(status, `Proved in ${(answer.milliseconds / 1000).toFixed(2)} s. Show the codes to the wallet page.`, "ok");
  } catch (error) {
    say(status, error.message, "error");
  } finally {
    secret?.fill(0);
    $("approve").disabled = false;
    $("proving").hidden = true;
  }
}

function reset() {
  show?.stop();
  request = null;
  $("approve-section").hidden = true;
  $("proof-section").hidden = true;
  $("scan-progress").textContent = "";
  showState();
}

async function main() {
  try {
    module = await Chronoguard.load();
  } catch (error) {
    return say(status, error.message, "error");
  }
  $("create").addEventListener("click", () => create().catch((error) => say(status, error.message, "error")));
  $("forget").addEventListener("click", async () => {
    if (confirm("Forget the secret on this browser? Without another copy, the wallet can no longer be used.")) {
      await stored("delete");
      reset();
    }
  });
  $("scan").addEventListener("click", scan);
  $("approve").addEventListener("click", approve);
  $("passphrase").addEventListener("keydown", (event) => { if (event.key === "Enter") approve(); });
  $("reject").addEventListener("click", reset);
  $("done").addEventListener("click", reset);
  await showState();
  document.body.dataset.ready = "true";
}

main();
