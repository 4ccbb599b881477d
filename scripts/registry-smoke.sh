#!/usr/bin/env bash
# Live smoke test of `chronoguard registry` (deploy, serve, enroll, confirm, request, verify, replay) against
# scripts/evm-test-chain.py (py-evm). Needs a built .build/debug/chronoguard (or CHRONOGUARD=path), pyotp, curl.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CG="${CHRONOGUARD:-$ROOT/.build/debug/chronoguard}"
WORK=$(mktemp -d); cd "$WORK"

coproc CHAIN { exec python3 "$ROOT/scripts/evm-test-chain.py" --port 0; }
read -r line <&"${CHAIN[0]}"
RPC="${line#listening }"
echo "chain: $RPC"
echo "correct horse" > pw
export CHRONOGUARD_KEYSTORE_PASSWORD="correct horse"
ISSUER=$($CG evm account new --keystore issuer.json --password-file pw | grep -o '0x[0-9a-fA-F]\{40\}' | head -1)
USER=$($CG evm account new --keystore user.json --password-file pw | grep -o '0x[0-9a-fA-F]\{40\}' | head -1)
fund() { curl -s -X POST -H 'Content-Type: application/json' "$RPC" -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"chronoguard_fund\",\"params\":[\"$1\",\"0x2386f26fc10000\"]}" >/dev/null; }
fund "$ISSUER"; fund "$USER"
REGISTRY=$($CG registry deploy --rpc-url "$RPC" --keystore issuer.json --password-file pw)
echo "registry: $REGISTRY"
$CG registry serve --rpc-url "$RPC" --keystore issuer.json --password-file pw --registry "$REGISTRY" --port 18090 --data-dir data > serve.log 2>&1 &
SERVE=$!
trap 'kill $SERVE; rm -rf "$WORK"' EXIT
for i in $(seq 1 50); do curl -sf http://127.0.0.1:18090/healthz >/dev/null && break; sleep 0.2; done
C="--server http://127.0.0.1:18090 --keystore user.json --password-file pw"
$CG registry enroll $C > enroll.out; URI=$(head -1 enroll.out)
echo "uri: ${URI%%secret=*}secret=<redacted>…"
$CG registry confirm $C --code "$(python3 -c "import pyotp,sys; print(pyotp.parse_uri(sys.argv[1]).now())" "$URI")"
OUT=$($CG registry request $C --scope transfer)
echo "$OUT"
ID=$(echo "$OUT" | awk '/requestId/ {print $2}')
STEP=$(echo "$OUT" | awk '/^step:/ {print $2}')
CODE=$(python3 -c "import pyotp,sys; print(pyotp.parse_uri(sys.argv[1]).at(int(sys.argv[2])*60))" "$URI" "$STEP")
$CG registry verify $C --rpc-url "$RPC" --registry "$REGISTRY" --request-id "$ID" --code "$CODE"
echo "replay:"; $CG registry verify $C --rpc-url "$RPC" --registry "$REGISTRY" --request-id "$ID" --code "$CODE" && exit 1 || echo "refused as expected (exit $?)"
curl -s http://127.0.0.1:18090/metrics | grep chronoguard_registry_ | head -8
ls -la data; echo "registry smoke: OK"
