// The authenticator's prover, off the page's main thread (a Web Worker with its own instance of chronoguard.wasm), so
// the page keeps responding and shows progress while the Groth16 proof is made. "prepare" loads the module and the
// proving key ahead of time (while the person reads the request); "prove" gets the secret and the request and answers
// with the proof message's CBOR (or the module's error message). The worker keeps the module and the key between
// requests, never the secret: its copy is zeroed after each proof.
import { Chronoguard } from "./chronoguard.js";

let module = null;
let keyLoaded = false;

async function prepare(key) {
  if (!module || module.broken) {
    module = await Chronoguard.load();
    keyLoaded = false;
  }
  // One proving key per page (the server's): loaded and checked once, not on every proof.
  if (key && !keyLoaded) {
    module.loadProvingKey(new Uint8Array(key));
    keyLoaded = true;
  }
}

self.onmessage = async ({ data }) => {
  if (data.type === "prepare") {
    try {
      await prepare(data.key);
      self.postMessage({ prepared: true });
    } catch (error) {
      self.postMessage({ error: error.message });
    }
    return;
  }
  const secret = new Uint8Array(data.secret);
  try {
    await prepare(data.key);  // the key came with "prepare" (messages arrive in order); a prove may also bring one
    const start = performance.now();
    const proof = module.approve(secret, new Uint8Array(data.request), data.unixTime);
    self.postMessage({ proof, milliseconds: performance.now() - start });
  } catch (error) {
    self.postMessage({ error: error.message });
  } finally {
    secret.fill(0);
  }
};
