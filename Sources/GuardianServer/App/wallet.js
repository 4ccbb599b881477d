// The wallet page (device A): a ChronoVault wallet read through the browser's EIP-1193 provider (window.ethereum),
// the request shown as animated UR QR codes, the proof scanned from the camera and checked in the module with the
// CLI's own checks (request hash, commitment, the wallet's secret hash, freshness, last used step, Groth16) — then sent
// as executeWithProof through the provider. docs/wasm.md.
import {
  Chronoguard, FrameShow, formatEther, fromHex, parseAddress, parseEther, say, scanMessage, toBigInt, toHex,
} from "./chronoguard.js";

const $ = (id) => document.getElementById(id);
const status = $("status");

let module, account = null, chainId = null, wallet = null, state = null, request = null, show, scanner, calldata = null;

// MARK: The provider

function provider() {
  if (!window.ethereum?.request) {
    throw new Error("No browser wallet found: install an EIP-1193 wallet (window.ethereum) and reload the page.");
  }
  return window.ethereum;
}

async function rpc(method, params = []) {
  try {
    return await provider().request({ method, params });
  } catch (error) {
    if (error?.code === 4001) throw new Error("You declined the request in your browser wallet.");
    throw error;
  }
}

function selector(signature) {
  return module.keccak256(new TextEncoder().encode(signature)).slice(0, 4);
}

async function read(signature) {
  const result = await rpc("eth_call", [{ to: toHex(wallet), data: toHex(selector(signature)) }, "latest"]);
  const bytes = fromHex(result);
  if (!bytes || bytes.length < 32) throw new Error(`The address does not answer ${signature} like a ChronoVault wallet.`);
  return toBigInt(bytes.slice(0, 32));
}

/** The revert data in a provider error (EIP-1474 / geth: `data` is 0x-hex, sometimes nested). */
function revertData(error) {
  const data = error?.data?.data ?? error?.data ?? error?.error?.data;
  return typeof data === "string" ? fromHex(data) : null;
}

function explain(error) {
  const data = revertData(error);
  const name = data && module.errorName(data);
  return name ? `The wallet contract refuses the call: ${name}.` : (error?.message ?? String(error));
}

// MARK: Steps

async function connect() {
  const accounts = await rpc("eth_requestAccounts");
  if (!accounts?.length) throw new Error("The browser wallet gave no account; unlock it and connect again.");
  account = accounts[0].toLowerCase();
  chainId = BigInt(await rpc("eth_chainId"));
  $("account").textContent = account;
  $("chain").textContent = chainId.toString();
  say(status, "Connected. Enter your ChronoVault wallet's address and read it.", "ok");
}

async function readWallet() {
  if (!account) await connect();
  wallet = parseAddress($("wallet").value);
  const code = await rpc("eth_getCode", [toHex(wallet), "latest"]);
  if (!code || code === "0x") {
    throw new Error(`There is no contract at ${toHex(wallet)} on chain ${chainId}: check the address, or switch your `
      + "browser wallet to the network the wallet was deployed on.");
  }
  state = {
    owner: await read("owner()"), secretHash: await read("ownerSecretHash()"), nonce: await read("nonce()"),
    lastUsed: await read("lastUsedTimeCounter()"),
    balance: BigInt(await rpc("eth_getBalance", [toHex(wallet), "latest"])),
  };
  $("owner").textContent = "0x" + state.owner.toString(16).padStart(40, "0");
  $("secret-hash").textContent = state.secretHash.toString();
  $("nonce").textContent = state.nonce.toString();
  $("last-step").textContent = state.lastUsed.toString();
  $("balance").textContent = `${formatEther(state.balance)} ETH`;
  $("state").hidden = false;
  if (state.owner !== BigInt(account)) {
    say(status, "The connected account is not this wallet's owner: connect the owner's account to send.", "error");
  } else {
    say(status, "Wallet read. Describe the call and show the request to the authenticator.", "ok");
  }
}

async function makeRequest() {
  await readWallet();
  const data = fromHex($("data").value || "0x");
  if (!data) throw new Error("The call data must be 0x followed by an even number of hex digits.");
  request = module.encodeRequest({
    chainId, wallet, to: parseAddress($("to").value), value: parseEther($("amount").value || "0"), data,
    nonce: state.nonce, note: $("note").value,
  });
  const parts = module.encodeUR("chronoguard-request", request, 12);
  show?.stop();
  $("request-qr").hidden = false;
  show = new FrameShow($("request-qr"), $("request-caption"), module, parts, { fps: 4 });
  show.start();
  $("scan").disabled = false;
  $("send").disabled = true;
  $("checks").hidden = true;
  say(status, "Show these codes to the authenticator, then scan its proof.", "ok");
}

let provingKey = null;

async function verifyingKey() {
  if (provingKey) return provingKey;
  const response = await fetch("/app/proving_key.bin");
  if (!response.ok) throw new Error("The server has no key to check proofs with: start it with --zk-keys DIR.");
  provingKey = new Uint8Array(await response.arrayBuffer());
  return provingKey;
}

function scanProof() {
  scanner = scanMessage(module, "chronoguard-proof", {
    video: $("video"), stopButton: $("stop-scan"), progress: $("scan-progress"), what: "proof",
    source: "the authenticator's",
    onComplete(cbor) {
      show?.stop();
      check(cbor).catch((error) => say(status, error.message, "error"));
    },
    onError: (message) => say(status, message, "error"),
  });
  window.chronoguardScanner = scanner;
}

async function check(proof) {
  // The wallet's state now, not when it was read: another proof may have been used since.
  state.lastUsed = await read("lastUsedTimeCounter()");
  state.secretHash = await read("ownerSecretHash()");
  const checked = module.checkProof(request, proof, await verifyingKey(), {
    ownerSecretHash: state.secretHash, lastUsedTimeCounter: state.lastUsed, unixTime: Math.floor(Date.now() / 1000),
  });
  calldata = checked.calldata;
  $("checks").textContent = [
    "✓ answers this request (request hash)", "✓ bound to this call (commitment)", "✓ the wallet's secret hash",
    `✓ fresh, time step ${checked.signals[1]} after the wallet's last used ${state.lastUsed}`, "✓ Groth16 proof verifies",
  ].join("\n");
  $("checks").hidden = false;
  $("send").disabled = false;
  $("scan-progress").textContent = "Proof received.";
  say(status, "The proof checks out. Send the transaction.", "ok");
  $("send").focus();
}

async function send() {
  $("send").disabled = true;
  const transaction = { from: account, to: toHex(wallet), data: toHex(calldata), value: "0x0" };
  try {
    transaction.gas = await rpc("eth_estimateGas", [transaction]);
  } catch (error) {
    throw new Error(explain(error));
  }
  say(status, "Sending…");
  let hash;
  try {
    hash = await rpc("eth_sendTransaction", [transaction]);
  } catch (error) {
    throw new Error(explain(error));
  }
  $("tx-hash").textContent = hash;
  $("receipt").hidden = false;
  let receipt = null;
  for (let i = 0; i < 600 && !receipt; i++) {
    receipt = await rpc("eth_getTransactionReceipt", [hash]);
    if (!receipt) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (!receipt) throw new Error(`The transaction ${hash} was not mined within 5 minutes; check it in a block explorer.`);
  const ok = BigInt(receipt.status) === 1n;
  $("tx-status").textContent = ok ? "executed" : "reverted";
  $("tx-gas").textContent = BigInt(receipt.gasUsed).toString();
  calldata = null;
  await readWallet();
  say(status, ok ? "Executed: the call ran from your ChronoVault wallet." : "The transaction reverted.", ok ? "ok" : "error");
}

function guard(step) {
  return () => step().catch((error) => say(status, error.message, "error"));
}

async function main() {
  try {
    module = await Chronoguard.load();
  } catch (error) {
    return say(status, error.message, "error");
  }
  $("connect").addEventListener("click", guard(connect));
  $("read").addEventListener("click", guard(readWallet));
  $("make-request").addEventListener("click", guard(makeRequest));
  $("scan").addEventListener("click", scanProof);
  $("send").addEventListener("click", guard(send));
  window.ethereum?.on?.("chainChanged", () => {
    say(status, "The browser wallet switched networks: read the wallet again and make a new request.", "error");
    chainId = null; account = null; request = null; calldata = null;
    $("send").disabled = true;
    $("scan").disabled = true;
  });
  say(status, window.ethereum ? "Connect your browser wallet." : "No browser wallet found: install an EIP-1193 wallet and reload.",
    window.ethereum ? "info" : "error");
  document.body.dataset.ready = "true";
}

main();
