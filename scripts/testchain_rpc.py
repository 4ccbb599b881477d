"""testchain_rpc: the HTTP and JSON-RPC 2.0 plumbing the test chains share (scripts/evm-test-chain.py,
scripts/solana-test-chain.py).

TEST SUPPORT. One single-threaded HTTP/1.0 server on 127.0.0.1 that answers POSTed JSON-RPC 2.0 requests and batches
by calling the chain object's method of the same name; what a chain serves, and how it words its errors, is the
chain script's business (a `Dialect`).

Lifetime, for every chain: the process exits when its standard input reaches end of file (the parent closed the pipe
or died), on SIGTERM, SIGINT or SIGHUP, and, with --parent-pid, when that process is gone. The first stdout line is
"listening http://127.0.0.1:PORT" (with --port 0, the port the system picked).
"""

import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

MAX_REQUEST_BYTES = 4 * 1024 * 1024


class RPCError(Exception):
    """A JSON-RPC error object to send: code, message and optional data."""

    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


class Dialect:
    """How one chain words the errors the shared plumbing sends.

    name: the log prefix and server name ("evm-test-chain");
    invalid_params(message) -> RPCError: for params that are not an array or the wrong number of arguments;
    unexpected_error(error) -> (code, message): for an exception other than RPCError raised by a method;
    the other arguments are messages.
    """

    def __init__(self, name, methods, invalid_params, unexpected_error, *, invalid_request, method_not_found,
                 parse_error):
        self.name = name
        self.methods = frozenset(methods)
        self.invalid_params = invalid_params
        self.unexpected_error = unexpected_error
        self.invalid_request = invalid_request
        self.method_not_found = method_not_found
        self.parse_error = parse_error


def error_response(code, message):
    return {"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}}


def handle_one(dialect, chain, request):
    """Answers one JSON-RPC 2.0 request object; returns None for a notification."""
    if not isinstance(request, dict) or request.get("jsonrpc") != "2.0" or not isinstance(request.get("method"), str):
        return error_response(-32600, dialect.invalid_request)
    request_id = request.get("id")
    is_notification = "id" not in request
    method = request["method"]
    params = request.get("params", [])
    try:
        if not isinstance(params, list):
            raise dialect.invalid_params("params must be an array")
        if method not in dialect.methods:
            raise RPCError(-32601, dialect.method_not_found(method))
        function = getattr(chain, method)
        try:
            result = function(*params)
        except TypeError as error:
            if "positional argument" in str(error):
                raise dialect.invalid_params(f"wrong number of arguments for {method}") from None
            raise
        response = {"jsonrpc": "2.0", "id": request_id, "result": result}
    except RPCError as error:
        body = {"code": error.code, "message": error.message}
        if error.data is not None:
            body["data"] = error.data
        response = {"jsonrpc": "2.0", "id": request_id, "error": body}
    except Exception as error:  # a failure of the chain library the method did not turn into an RPCError
        code, message = dialect.unexpected_error(error)
        response = {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}
    return None if is_notification else response


class Handler(BaseHTTPRequestHandler):
    """POST only; one request per connection. `dialect`, `chain` and `verbose` are set by `serve` on a subclass."""

    protocol_version = "HTTP/1.0"  # one request per connection: a single-threaded server cannot be held by a client
    timeout = 10
    dialect = None
    chain = None
    verbose = False

    def log_message(self, format, *args):
        if self.verbose:
            sys.stderr.write(f"{self.dialect.name}: " + (format % args) + "\n")

    def reply(self, status, body):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.reply(405, error_response(-32600, "use POST"))

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.reply(411, error_response(-32600, "length required"))
            return
        if length < 0 or length > MAX_REQUEST_BYTES:
            self.reply(413, error_response(-32600, "request too large"))
            return
        body = self.rfile.read(length)
        try:
            request = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            self.reply(200, error_response(-32700, self.dialect.parse_error))
            return
        if isinstance(request, list):
            if not request:
                self.reply(200, error_response(-32600, "empty batch"))
                return
            responses = [r for r in (handle_one(self.dialect, self.chain, item) for item in request) if r is not None]
            self.reply(200, responses or None)
        else:
            self.reply(200, handle_one(self.dialect, self.chain, request))
        if self.verbose and isinstance(request, dict):
            sys.stderr.write(f"{self.dialect.name}: {request.get('method')}\n")


def exit_now(*_):
    # os._exit: the server thread may be inside a request; nothing here needs flushing or cleanup.
    os._exit(0)


def watch_stdin():
    try:
        while sys.stdin.buffer.read(65536):
            pass
    except (OSError, ValueError):
        pass
    exit_now()


def watch_parent(pid):
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            exit_now()
        except PermissionError:
            pass
        time.sleep(0.5)


def add_server_arguments(parser, default_port):
    """Adds --port, --ignore-stdin, --parent-pid and --verbose to an argparse parser."""
    parser.add_argument("--port", type=int, default=default_port, help="TCP port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--ignore-stdin", action="store_true", help="do not exit when stdin reaches end of file")
    parser.add_argument("--parent-pid", type=int, help="exit when this process no longer exists")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")


def install_exit_watchers(arguments):
    """Exits on SIGTERM/SIGINT/SIGHUP, at stdin's end of file (unless --ignore-stdin), and when --parent-pid is gone.

    Call it before building the chain, so that a parent that goes away during a slow start still ends the process.
    """
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, exit_now)
    if not arguments.ignore_stdin:
        threading.Thread(target=watch_stdin, daemon=True).start()
    if arguments.parent_pid:
        threading.Thread(target=watch_parent, args=(arguments.parent_pid,), daemon=True).start()


def serve(dialect, chain, arguments):
    """Listens on 127.0.0.1:arguments.port, prints "listening http://127.0.0.1:PORT" and serves until exit."""
    handler = type("Handler", (Handler,), {
        "server_version": f"{dialect.name}/1", "dialect": dialect, "chain": chain, "verbose": arguments.verbose,
    })
    HTTPServer.request_queue_size = 128
    HTTPServer.allow_reuse_address = True
    server = HTTPServer(("127.0.0.1", arguments.port), handler)
    print(f"listening http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
