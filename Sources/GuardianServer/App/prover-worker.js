// The authenticator's prover, off the page's main thread (a Web Worker with its own instance of chronoguard.wasm), so
// the page keeps responding and shows progress while the Groth16 proof is made. It receives the secret, the request
// and the proving key, answers with the proof message's CBOR (or the module's error message), and keeps nothing but
// the loaded proving key between requests.
import { Chronoguard } from "./chronoguard.js";

let module = null;
let loadedKey = null;

self.onmessage = async ({ data: { secret, request, unixTime, key } }) => {
  try {
    if (!module || module.broken) {
      module = await Chronoguard.load();
      loadedKey = null;
    }
    if (loadedKey !== key) {
      module.loadProvingKey(new Uint8Array(key));
      loadedKey = key;
    }
    const start = performance.now();
    const proof = module.approve(new Uint8Array(secret), new Uint8Array(request), unixTime);
    const milliseconds = performance.now() - start;
    new Uint8Array(secret).fill(0);
    self.postMessage({ proof, milliseconds });
  } catch (error) {
    new Uint8Array(secret).fill(0);
    self.postMessage({ error: error.message });
  }
};
