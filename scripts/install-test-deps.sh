#!/usr/bin/env bash
# Installs what Chronoguard needs beyond the Swift toolchain: SQLite's C headers (the CSQLite system library), the
# PostgreSQL server the store tests run against, and the independent peers for interop tests.
# Idempotent: installs only what is missing, so running it again is quick and changes nothing.
set -euo pipefail

# Debian packages: command → package (ip and tc: the network-cut test's namespace; psql and pgrep: the failover tests;
# chromium: the browser test, driven by Playwright for Python — Playwright's own browser download is not available;
# wasm-opt: scripts/build-wasm.sh optimizes the WebAssembly module with it).
declare -A APT=( [zbarimg]=zbar-tools [oathtool]=oathtool [openssl]=openssl [valgrind]=valgrind [objcopy]=binutils [qrencode]=qrencode [ip]=iproute2 [tc]=iproute2 [pgrep]=procps [psql]=postgresql-client [chromium]=chromium [wasm-opt]=binaryen )
missing=()
for cmd in "${!APT[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${APT[$cmd]}")
done
# Headers and link library for the CSQLite module map (GuardianSQLite).
[[ -f /usr/include/sqlite3.h ]] || missing+=(libsqlite3-dev)
# PostgreSQL's server binaries for the GuardianPostgres tests: scripts/postgres-test-cluster.sh runs initdb and pg_ctl
# from /usr/lib/postgresql/VERSION/bin into a throwaway directory (the package's own cluster, if any, is not used).
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if ((${#missing[@]})); then
  echo "install-test-deps: apt-get install ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# PyPI packages: import name → requirement.
declare -A PIP=( [pyotp]="pyotp>=2.9" [nacl]="pynacl" [solders]="solders==0.29.0" [py_ecc]="py-ecc" [qrcodegen]="qrcodegen==1.8.0" [light_poseidon_python]="light-poseidon==0.1.1" [cryptography]="cryptography" [openapi_spec_validator]="openapi-spec-validator" [spl]="solana==0.41.0" [eth_account]="eth-account==0.14.0" [eth_abi]="eth-abi==6.0.0" [coincurve]="coincurve==21.0.0" [rlp]="rlp==5.0.0" [eth_tester]="eth-tester[py-evm]==0.14.0b1" [Crypto]="pycryptodome==3.24.1" [vyper]="vyper==0.4.3" [cbor2]="cbor2==5.9.0" [PIL]="pillow==13.0.0" [numpy]="numpy==2.4.6" [cv2]="opencv-python-headless==5.1.0.95" [segno]="segno==1.6.6" [qrcode]="qrcode==8.2" [zxingcpp]="zxing-cpp==3.1.1" [reedsolo]="reedsolo==1.7.0" [schemathesis]="schemathesis==4.32.5" [playwright]="playwright==1.65.3" )
need=()
for module in "${!PIP[@]}"; do
  python3 -c "import $module" >/dev/null 2>&1 || need+=("${PIP[$module]}")
done
if ((${#need[@]})); then
  echo "install-test-deps: pip install ${need[*]}"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${need[@]}"
fi
# bc-ur's Python port (Foundation Devices' foundation-ur-py) ships inside bitcoin-qr-tools; only its pure-Python `ur`
# package is imported (the UR tests' peer), so its GUI and camera dependencies are skipped.
python3 -c "import bitcoin_qr_tools.ur.ur_encoder" >/dev/null 2>&1 || python3 -m pip install -q --no-deps \
  --disable-pip-version-check --root-user-action=ignore bitcoin-qr-tools==1.2.0
echo "install-test-deps: all test peers present"
