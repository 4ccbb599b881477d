#!/usr/bin/env bash
# schemathesis against the guardian's own OpenAPI document, signed in: starts `chronoguard serve` on a free loopback
# port with a fresh data directory, signs in a wallet with SIWS and enrolls it (pyotp computes the confirmation code),
# then runs every phase (examples, coverage, fuzzing, stateful) with every check but one — a server error, a response
# the document does not describe, or invalid data accepted fails the run. The check left out, positive_data_acceptance,
# expects every schema-valid request to succeed; some rules are beyond JSON Schema (a small-order Ed25519 key, a
# signature that must verify, one spending limit per asset and period), and those answer a documented 400/422 with a
# stable code. scripts/api-fuzz/hooks.py supplies the session and puts the signed-in wallet
# into half of the {wallet} path parameters.
#   scripts/api-fuzz.sh [max-examples] [chronoguard binary]     (default 20, .build/debug/chronoguard)
# With CHRONOGUARD_API_FUZZ_POSTGRES_URL (a superuser's URL, as scripts/postgres-test-cluster.sh prints) the server runs
# on PostgreSQL instead of SQLite: a database of its own, created here and dropped at exit, and a master key file.
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES="${1:-20}"
BINARY="$(realpath "${2:-.build/debug/chronoguard}")"
work=$(mktemp -d /tmp/chronoguard-api-fuzz.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
store_args=()
database=""
admin_url=${CHRONOGUARD_API_FUZZ_POSTGRES_URL:-}
cleanup() {
  [[ -n "${server:-}" ]] && { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }
  [[ -n "$database" ]] && psql "$admin_url" -qAt -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
if [[ -n "$admin_url" ]]; then
  database="chronoguard_api_fuzz_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  psql "$admin_url" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE $database" >/dev/null
  (umask 077 && head -c 32 /dev/urandom | base64 >"$work/master.key")
  # The cluster URL names its own database: the same server, this run's database.
  store_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$admin_url" "$database")
  store_args=(--store "$store_url" --master-key-file "$work/master.key")
  echo "api-fuzz: on PostgreSQL (database $database)"
fi
# No per-IP bucket: the fuzzer is one client sending thousands of requests; everything else as in production.
"$BINARY" serve --port "$port" --data-dir "$work/data" "${store_args[@]}" --ip-rate-limit off --log-level error \
  >"$work/server.log" 2>&1 &
server=$!
export CHRONOGUARD_API_FUZZ_URL="http://127.0.0.1:$port"
export CHRONOGUARD_API_FUZZ_SEED=$(python3 -c 'import os; print(os.urandom(32).hex())')
python3 - <<'PY'
import os, time, urllib.request
for _ in range(200):
    try:
        urllib.request.urlopen(os.environ["CHRONOGUARD_API_FUZZ_URL"] + "/readyz", timeout=1)
        break
    except OSError:
        time.sleep(0.1)
else:
    raise SystemExit("api-fuzz: the server did not become ready")
PY
PYTHONPATH=scripts/api-fuzz python3 - <<'PY'
import os, time, pyotp, requests
from hooks import BASE, WALLET, sign_in
token = sign_in()
headers = {"Authorization": f"Bearer {token}"}
enrollment = requests.post(f"{BASE}/v1/wallets/{WALLET}/enrollment", headers=headers, json={}, timeout=30)
enrollment.raise_for_status()
totp = pyotp.parse_uri(enrollment.json()["otpauthUri"])
confirm = requests.post(f"{BASE}/v1/wallets/{WALLET}/enrollment/confirm", headers=headers, timeout=60,
                        json={"code": totp.at(time.time() - 30)})
confirm.raise_for_status()
print(f"api-fuzz: wallet {WALLET} enrolled and active")
PY
# From the work directory: schemathesis keeps its cache (.schemathesis/) in the current directory.
hooks_dir="$PWD/scripts/api-fuzz"
cd "$work"
SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$hooks_dir" schemathesis --config-file "$hooks_dir/schemathesis.toml" \
  run "$CHRONOGUARD_API_FUZZ_URL/v1/openapi.json" \
  --checks all --exclude-checks positive_data_acceptance --phases examples,coverage,fuzzing,stateful --max-examples "$EXAMPLES" --seed 2026 \
  --generation-deterministic --request-timeout 30 --max-failures 50 --warnings off --no-color
