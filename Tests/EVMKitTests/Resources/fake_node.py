#!/usr/bin/env python3
"""A misbehaving JSON-RPC node for RPCClientTests' strict-validation tests (test support). The URL path picks the
misbehaviour; every request gets the same kind of broken answer. Prints "listening http://127.0.0.1:PORT" first;
exits when stdin closes, on SIGTERM, or when --parent-pid is gone.

Paths: /wrong-id /bool-id /no-version /both /neither /leading-zero /odd-hex /number-result /not-json /empty
/http-500 /rpc-error /revert-message /revert-code-3-no-data /declared-huge /streamed-huge /slow /bad-receipt
/other-hash /array"""
import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ERROR_NOPE = "0x08c379a0" + "20".rjust(64, "0") + "4".rjust(64, "0") + "6e6f7065".ljust(64, "0")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def send(self, status, body, length=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if length is not False:
            self.send_header("Content-Length", str(len(data) if length is None else length))
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        rid = request["id"]
        ok = {"jsonrpc": "2.0", "id": rid}
        path = self.path
        if path == "/wrong-id":
            self.send(200, {**ok, "id": rid + 1, "result": "0x1"})
        elif path == "/bool-id":
            self.send(200, {**ok, "id": True, "result": "0x1"})
        elif path == "/no-version":
            self.send(200, {"id": rid, "result": "0x1"})
        elif path == "/both":
            self.send(200, {**ok, "result": "0x1", "error": {"code": -32000, "message": "x"}})
        elif path == "/neither":
            self.send(200, ok)
        elif path == "/leading-zero":
            self.send(200, {**ok, "result": "0x01"})
        elif path == "/odd-hex":
            self.send(200, {**ok, "result": "0xabc"})
        elif path == "/number-result":
            self.send(200, {**ok, "result": 1})
        elif path == "/not-json":
            self.send(200, b"<html>hello</html>")
        elif path == "/empty":
            self.send(200, b"")
        elif path == "/array":
            self.send(200, [{**ok, "result": "0x1"}])
        elif path == "/http-500":
            self.send(500, b"internal error")
        elif path == "/rpc-error":
            self.send(200, {**ok, "error": {"code": -32000, "message": "nonce too low"}})
        elif path == "/revert-message":  # Nethermind/Erigon-style: not code 3, but a revert message with data
            error = {"code": -32015, "message": "VM execution error: revert", "data": ERROR_NOPE}
            self.send(200, {**ok, "error": error})
        elif path == "/revert-code-3-no-data":
            self.send(200, {**ok, "error": {"code": 3, "message": "execution reverted"}})
        elif path == "/declared-huge":
            self.send(200, b" " * 1024, length=64 * 1024 * 1024)
        elif path == "/streamed-huge":
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b" " * (1024 * 1024))
            except OSError:
                pass
        elif path == "/slow":
            time.sleep(30)  # far longer than any client timeout the tests use
            self.send(200, {**ok, "result": "0x1"})
        elif path == "/bad-receipt":
            self.send(200, {**ok, "result": {"transactionHash": "0x" + "11" * 32, "status": "0x2"}})
        elif path == "/other-hash":
            self.send(200, {**ok, "result": "0x" + "22" * 32})
        else:
            self.send(404, b"unknown path")


def exit_now(*_):
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--parent-pid", type=int)
    arguments = parser.parse_args()
    signal.signal(signal.SIGTERM, exit_now)

    def watch_stdin():
        while sys.stdin.buffer.read(65536):
            pass
        exit_now()

    def watch_parent():
        while True:
            try:
                os.kill(arguments.parent_pid, 0)
            except ProcessLookupError:
                exit_now()
            except PermissionError:
                pass
            time.sleep(0.5)

    threading.Thread(target=watch_stdin, daemon=True).start()
    if arguments.parent_pid:
        threading.Thread(target=watch_parent, daemon=True).start()
    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    print(f"listening http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


main()
