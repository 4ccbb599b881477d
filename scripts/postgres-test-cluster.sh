#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (GuardianPostgres), on loopback only.
#
#   scripts/postgres-test-cluster.sh start   initdb + start (idempotent: a running cluster is kept); prints its URL
#   scripts/postgres-test-cluster.sh url     prints the running cluster's URL
#   scripts/postgres-test-cluster.sh stop    stops the cluster and removes its directory (idempotent)
#   scripts/postgres-test-cluster.sh serve   a private cluster for one process: prints "listening URL", runs until its
#                                            stdin closes (or SIGTERM), then stops and removes it — what the Swift tests
#                                            start when CHRONOGUARD_POSTGRES_URL is unset, as they start the test chains
#   scripts/postgres-test-cluster.sh serve --listen ADDR --allow CIDR
#                                            the same, also listening on ADDR and admitting clients from CIDR (SCRAM):
#                                            the network-cut test's node lives in a network namespace behind a veth
#   scripts/postgres-test-cluster.sh pair sync|async
#                                            like serve, for the failover tests: a primary and a streaming hot standby
#                                            made with pg_basebackup -R, the standby synchronous (the primary's
#                                            synchronous_standby_names names it) or asynchronous; prints
#                                            "listening file://DIR/", and DIR/pair-url holds the connection string
#                                            naming both hosts with target_session_attrs=read-write
#   scripts/postgres-test-cluster.sh crash-primary DIR    SIGKILL the pair's primary: postmaster and every backend
#   scripts/postgres-test-cluster.sh stop-standby DIR     stop the standby (fast): a standby that has fallen behind
#   scripts/postgres-test-cluster.sh start-standby DIR    start it again (it streams from the primary if one is up)
#   scripts/postgres-test-cluster.sh promote DIR          promote the standby to a primary (pg_ctl promote, waits)
#
# start/url/stop use $CHRONOGUARD_POSTGRES_TEST_DIR (default ${TMPDIR:-/tmp}/chronoguard-postgres-test-UID).
# PostgreSQL refuses to run as root: as root the cluster runs as the `postgres` user (Debian's package creates it), or a
# system user `chronoguard-pg` created here. initdb with SCRAM passwords, the server on 127.0.0.1 and a free port with
# fsync=on and synchronous_commit=on (durability as in production; initdb itself skips its fsync, a crashed cluster is
# thrown away). The URL names the superuser `chronoguard` (the tests create and drop a database per test) and the
# database `chronoguard_test`. TLS is on with a self-signed certificate for 127.0.0.1 and localhost (in the data
# directory, SHOW data_directory), so the tests can try every sslmode. Needs openssl, and python3 for a free port.
# Server binaries: $PG_BIN, else the newest /usr/lib/postgresql/*/bin (Debian's `postgresql`, installed by
# scripts/install-test-deps.sh). Exit status 3 when PostgreSQL is not installed.
set -euo pipefail

die() { echo "postgres-test-cluster: $*" >&2; exit "${2:-1}"; }
say() { echo "postgres-test-cluster: $*" >&2; }

find_binaries() {
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/initdb" ]] || die "PG_BIN=$PG_BIN holds no initdb" 3
    return
  fi
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -z "$candidate" || ! -x "$candidate/initdb" ]]; then
    die "PostgreSQL server binaries not found (initdb); install them with scripts/install-test-deps.sh (Debian: apt-get install postgresql)" 3
  fi
  PG_BIN=$candidate
}

# The unprivileged user the server runs as.
choose_user() {
  if [[ $(id -u) -ne 0 ]]; then
    RUN_USER=$(id -un)
  elif id -u postgres >/dev/null 2>&1; then
    RUN_USER=postgres
  else
    id -u chronoguard-pg >/dev/null 2>&1 ||
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin chronoguard-pg
    RUN_USER=chronoguard-pg
  fi
}

as_user() {
  if [[ "$RUN_USER" == "$(id -un)" ]]; then
    (cd "$DIR" && "$@")
  else
    (cd "$DIR" && runuser -u "$RUN_USER" -- "$@")
  fi
}

# pg_ctl start, with every inherited descriptor above 2 closed first: a server must not keep its launcher's
# descriptors open. Foundation's Process (the Swift tests run these commands with it) learns that a child ended when a
# socket the child inherited closes, so a server started by a child that keeps that socket makes the launcher wait for
# the server's end.
start_server() {
  local data=$1 log=$2
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done 2>/dev/null
    as_user "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null 2>&1
  )
}

running() {
  [[ -f "$DIR/data/postmaster.pid" ]] && as_user "$PG_BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  find_binaries
  choose_user
  if [[ -f "$DIR/url" ]] && running; then
    cat "$DIR/url"
    return
  fi
  [[ -e "$DIR" ]] && stop_cluster
  mkdir -p "$DIR"
  chmod 0700 "$DIR"
  chown "$RUN_USER" "$DIR"
  local password
  password=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  (umask 077 && printf '%s\n' "$password" >"$DIR/pwfile")
  chown "$RUN_USER" "$DIR/pwfile"
  as_user "$PG_BIN/initdb" -D "$DIR/data" -U chronoguard --pwfile="$DIR/pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1 || die "initdb failed: $(tail -n 20 "$DIR/initdb.log")"
  # TLS for the tests of sslmode: a self-signed P-256 certificate for 127.0.0.1 and localhost, valid for a week.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 -subj /CN=127.0.0.1 \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$DIR/data/server.key" -out "$DIR/data/server.crt" \
    >"$DIR/openssl.log" 2>&1 || die "openssl could not make the test certificate: $(cat "$DIR/openssl.log")"
  if [[ -n "${EXTRA_ALLOW:-}" ]]; then
    printf 'host all all %s scram-sha-256\n' "$EXTRA_ALLOW" >>"$DIR/data/pg_hba.conf"
  fi
  chmod 0600 "$DIR/data/server.key"
  chown "$RUN_USER" "$DIR/data/server.key" "$DIR/data/server.crt"
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    cat >>"$DIR/data/postgresql.conf" <<EOF
# postgres-test-cluster.sh (the last value of a setting wins)
listen_addresses = '127.0.0.1${EXTRA_LISTEN:+,$EXTRA_LISTEN}'
port = $port
unix_socket_directories = '$DIR'
fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 400
shared_buffers = 128MB
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
EOF
    if start_server "$DIR/data" "$DIR/server.log"; then
      break
    fi
    # Another process took the port between the probe and the bind: try another.
    ((attempt < 5)) || die "the server did not start: $(tail -n 20 "$DIR/server.log")"
    say "start failed on port $port; retrying"
  done
  PGPASSWORD=$password "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U chronoguard -d postgres -qAt -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE chronoguard_test" >/dev/null || die "CREATE DATABASE failed"
  (umask 077 && printf 'postgres://chronoguard:%s@127.0.0.1:%s/chronoguard_test\n' "$password" "$port" >"$DIR/url")
  say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') running as $RUN_USER on 127.0.0.1:$port (data in $DIR)"
  cat "$DIR/url"
}

stop_cluster() {
  [[ -e "$DIR" ]] || return 0
  local data
  for data in "$DIR/data" "$DIR/standby"; do
    [[ -d "$data" ]] || continue
    find_binaries
    [[ -n "${RUN_USER:-}" ]] || choose_user
    if [[ -f "$data/postmaster.pid" ]]; then
      as_user "$PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
  done
  rm -rf "$DIR"
}

# The pair's standby: a base backup of the running primary ($DIR/data) with -R (standby.signal + primary_conninfo
# naming application_name=chronoguard_standby), on a port of its own; then, for `sync`, the primary's
# synchronous_standby_names names it, so that a COMMIT returns only once the standby has flushed its WAL.
start_standby() {
  local mode=$1 primary_port password port attempt
  primary_port=$(sed -n 's/^port = //p' "$DIR/data/postgresql.conf" | tail -n 1)
  password=$(cat "$DIR/pwfile")
  as_user env PGPASSWORD="$password" "$PG_BIN/pg_basebackup" -D "$DIR/standby" -R -X stream -c fast \
    -d "host=127.0.0.1 port=$primary_port user=chronoguard application_name=chronoguard_standby" \
    >"$DIR/basebackup.log" 2>&1 || die "pg_basebackup failed: $(tail -n 20 "$DIR/basebackup.log")"
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    cat >>"$DIR/standby/postgresql.conf" <<EOF
# postgres-test-cluster.sh pair: the standby
port = $port
synchronous_standby_names = ''
hot_standby = on
EOF
    if start_server "$DIR/standby" "$DIR/standby.log"; then
      break
    fi
    ((attempt < 5)) || die "the standby did not start: $(tail -n 20 "$DIR/standby.log")"
  done
  if [[ "$mode" == sync ]]; then
    as_user env PGPASSWORD="$password" "$PG_BIN/psql" -h 127.0.0.1 -p "$primary_port" -U chronoguard -d postgres \
      -qAt -v ON_ERROR_STOP=1 -c "ALTER SYSTEM SET synchronous_standby_names = 'chronoguard_standby'" \
      -c "SELECT pg_reload_conf()" >/dev/null || die "could not make the standby synchronous"
  fi
  # Until the primary sees it streaming (and, for sync, as its synchronous standby).
  local expected=async state=""
  [[ "$mode" == sync ]] && expected=sync
  for attempt in $(seq 1 300); do
    state=$(as_user env PGPASSWORD="$password" "$PG_BIN/psql" -h 127.0.0.1 -p "$primary_port" -U chronoguard \
      -d postgres -qAt \
      -c "SELECT state || ' ' || sync_state FROM pg_stat_replication WHERE application_name = 'chronoguard_standby'" \
      2>/dev/null || true)
    [[ "$state" == "streaming $expected" ]] && break
    sleep 0.1
  done
  [[ "$state" == "streaming $expected" ]] || die "the standby is not streaming ($state): $(tail -n 20 "$DIR/standby.log")"
  printf '%s\n' "$port" >"$DIR/standby-port"
  say "standby ($mode) on 127.0.0.1:$port"
}

# SIGKILL of the primary's postmaster and of every process it started, as a machine losing power would: the postmaster
# is stopped first so that it cannot restart its backends.
crash_primary() {
  local pid
  pid=$(head -n 1 "$DIR/data/postmaster.pid" 2>/dev/null) || die "no running primary in $DIR"
  kill -STOP "$pid" 2>/dev/null || die "the primary ($pid) is not running"
  # shellcheck disable=SC2046
  kill -KILL $(pgrep -P "$pid") "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$DIR/data/postmaster.pid"
}

command=${1:-}
case "$command" in
start | stop | url)
  DIR=${CHRONOGUARD_POSTGRES_TEST_DIR:-${TMPDIR:-/tmp}/chronoguard-postgres-test-$(id -u)}
  case "$command" in
  start) start ;;
  stop) stop_cluster ;;
  url)
    [[ -f "$DIR/url" ]] || die "no test cluster in $DIR; start one with scripts/postgres-test-cluster.sh start"
    cat "$DIR/url"
    ;;
  esac
  ;;
crash-primary | stop-standby | start-standby | promote)
  DIR=${2:?usage: scripts/postgres-test-cluster.sh $command DIR}
  [[ -d "$DIR/standby" ]] || die "$DIR holds no pair (scripts/postgres-test-cluster.sh pair)"
  find_binaries
  choose_user
  case "$command" in
  crash-primary) crash_primary ;;
  stop-standby) as_user "$PG_BIN/pg_ctl" -D "$DIR/standby" -m fast -w -t 60 stop >/dev/null ;;
  start-standby) start_server "$DIR/standby" "$DIR/standby.log" || die "the standby did not start: $(tail -n 20 "$DIR/standby.log")" ;;
  promote) as_user "$PG_BIN/pg_ctl" -D "$DIR/standby" -w -t 60 promote >/dev/null ;;
  esac
  ;;
serve | pair)
  mode=${2:-}
  if [[ "$command" == pair && "$mode" != sync && "$mode" != async ]]; then
    die "usage: scripts/postgres-test-cluster.sh pair sync|async" 2
  fi
  if [[ "$command" == serve ]]; then
    shift
    while (($#)); do
      case "$1" in
      --listen) EXTRA_LISTEN=${2:?--listen ADDR} && shift ;;
      --allow) EXTRA_ALLOW=${2:?--allow CIDR} && shift ;;
      esac
      shift
    done
    [[ "${EXTRA_LISTEN:-}" =~ ^[0-9.]*$ && "${EXTRA_ALLOW:-}" =~ ^[0-9./]*$ ]] ||
      die "--listen takes an IPv4 address and --allow an IPv4 CIDR" 2
  fi
  # Extra arguments (the test launcher's --parent-pid) are ignored: the closing stdin pipe is the signal.
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/chronoguard-postgres-XXXXXX")
  reader=""
  trap '[[ -n "$reader" ]] && kill "$reader" 2>/dev/null; stop_cluster' EXIT
  trap 'exit 0' TERM INT HUP
  url=$(start)
  if [[ "$command" == pair ]]; then
    find_binaries
    choose_user
    start_standby "$mode"
    url="${url%/chronoguard_test}"
    url="$url,127.0.0.1:$(cat "$DIR/standby-port")/chronoguard_test?target_session_attrs=read-write"
    (umask 077 && printf '%s\n' "$url" >"$DIR/pair-url")
    echo "listening file://$DIR/"
  else
    echo "listening $url"
  fi
  # A background job reads /dev/null unless told otherwise: hand it this script's stdin explicitly.
  exec 3<&0
  cat <&3 >/dev/null &
  reader=$!
  wait "$reader" || true
  reader=""
  ;;
*)
  die "usage: scripts/postgres-test-cluster.sh start|stop|url|serve|pair|crash-primary|stop-standby|start-standby|promote" 2
  ;;
esac
