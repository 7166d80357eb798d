"""A misbehaving OpenAI-compatible server for tests: real HTTP on loopback, scripted.

Each request to ``/v1/chat/completions`` takes the next action from the script (the
last action repeats once the script runs out):

``ok``           a well-formed completion whose content is the scripted answer
``ok:S``         the same, sent after S seconds
``status:N``     HTTP N with an OpenAI-style error body (``Retry-After`` for 429)
``hang``         no answer for ``hang_seconds`` (past the client's timeout)
``reset``        headers and half a body, then the connection is reset
``malformed``    a completion whose content is not JSON
``invalid``      a completion whose content is JSON that violates the schema
``length``       a completion cut off by the token limit (``finish_reason: length``)
``no_choices``   a completion with an empty ``choices`` list
``no_message``   a completion whose one choice has no ``message``
``html``         HTTP 200 with an HTML page, as a web server at a wrong base URL gives
``not_json``     HTTP 200 that says it is JSON, with a body that is not
``not_completion``  HTTP 200 with JSON that is no chat completion (``{"status": "ok"}``)
``trickle``      a completion sent one byte every ``trickle_seconds``: each read is quick,
                 the whole answer takes minutes
``echo_auth``    HTTP 400 whose error message repeats the request's ``Authorization``
``echo_key_parts``  HTTP 400 whose error message repeats the second half of the bearer key,
                 and the whole key base64-encoded
``kill_client``  no answer: the process at the other end of the connection is killed
                 (SIGKILL), as a crash would end it
``echo_key:FORM``  HTTP 400 whose error message repeats the bearer key in one disguise (see
                 ``disguised``): ``percent``, ``query``, ``hex`` or ``zero_width``

A ``route`` instead picks the action and the answer from each request's body (the
prompt it carries), for tests whose requests run concurrently in no fixed order.

Nothing here is a recording: it is a test double for failure paths, and the answers
it gives are written by the tests that script it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = ["FaultServer", "disguised"]

#: Characters that render as nothing, put between a key's characters to hide it.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def disguised(key: str, form: str) -> str:
    """``key`` as a hostile or careless server may echo it, in ``form`` (``query``: every
    byte percent-encoded, as a URL's query string carries it)."""
    if form == "percent":
        return key.replace("-", "%2D")
    if form == "query":
        return "".join(f"%{b:02x}" for b in key.encode())
    if form == "hex":
        return "0x" + key.encode().hex()
    if form == "zero_width":
        return "".join(c + ZERO_WIDTH[i % len(ZERO_WIDTH)] for i, c in enumerate(key))
    raise ValueError(f"unknown disguise {form!r}")


class FaultServer:
    """Start with ``with FaultServer(script, answer) as server: ... server.url``."""

    def __init__(
        self,
        script: list[str],
        answer: dict[str, Any] | None = None,
        *,
        hang_seconds: float = 3.0,
        delay: float = 0.0,
        retry_after: str = "1",
        trickle_seconds: float = 0.2,
        route: Callable[[dict[str, Any]], tuple[str, dict[str, Any]]] | None = None,
    ) -> None:
        self.script = list(script)
        self.route = route
        self.answer = answer or {}
        self.hang_seconds = hang_seconds
        self.delay = delay
        self.retry_after = retry_after
        self.trickle_seconds = trickle_seconds
        self.requests: list[dict[str, Any]] = []
        #: ``time.monotonic()`` when each request arrived.
        self.times: list[float] = []
        self.headers: list[dict[str, str]] = []
        #: The path (with its query string) of each request.
        self.paths: list[str] = []
        #: Requests being answered now, and the most there ever were at once.
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[str, dict[str, Any]]:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            self.times.append(time.monotonic())
            if self.route is not None:
                return self.route(body)
            return (self.script.pop(0) if len(self.script) > 1 else self.script[0]), self.answer

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                self._send(200, {"object": "list", "data": [{"id": "fault-model"}]})

            def do_POST(self) -> None:
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._answer()
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _answer(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.paths.append(self.path)
                action, answer = server._next(body, {k.lower(): v for k, v in self.headers.items()})
                if server.delay:
                    time.sleep(server.delay)
                if action == "ok":
                    self._send(200, _completion(json.dumps(answer)))
                elif action.startswith("ok:"):
                    time.sleep(float(action.split(":", 1)[1]))
                    self._send(200, _completion(json.dumps(answer)))
                elif action.startswith("status:"):
                    code = int(action.split(":", 1)[1])
                    extra = {"Retry-After": server.retry_after} if code == 429 else {}
                    error = {"error": {"message": f"scripted failure {code}", "type": "fault"}}
                    self._send(code, error, extra)
                elif action == "hang":
                    time.sleep(server.hang_seconds)
                    self._send(200, _completion(json.dumps(answer)))
                elif action == "reset":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "4000")
                    self.end_headers()
                    self.wfile.write(b'{"id": "chatcmpl-x", "choices": [{"mess')
                    self.wfile.flush()
                    # SO_LINGER 0: close with a TCP reset, not an orderly shutdown.
                    linger = struct.pack("ii", 1, 0)
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    self.connection.close()
                    self.close_connection = True
                elif action == "malformed":
                    self._send(200, _completion("{'headline': this is not JSON"))
                elif action == "invalid":
                    self._send(200, _completion(json.dumps({"headline": 42, "actors": "none"})))
                elif action == "length":
                    cut = json.dumps(answer)[:-40]
                    self._send(200, _completion(cut, finish_reason="length"))
                elif action == "no_choices":
                    completion = _completion("")
                    completion["choices"] = []
                    self._send(200, completion)
                elif action == "no_message":
                    completion = _completion("")
                    del completion["choices"][0]["message"]
                    self._send(200, completion)
                elif action == "not_json":
                    self._send_bytes(200, b"this is not json", "application/json")
                elif action == "not_completion":
                    self._send(200, {"status": "ok"})
                elif action == "html":
                    page = b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>"
                    self._send_bytes(200, page, "text/html; charset=utf-8")
                elif action == "trickle":
                    data = json.dumps(_completion(json.dumps(answer))).encode()
                    send_trickled(self, data, server.trickle_seconds)
                elif action == "echo_key_parts":
                    key = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    encoded = base64.b64encode(key.encode()).decode()
                    message = f"key ending {key[len(key) // 2 :]!r} (base64 {encoded}) is invalid"
                    self._send(400, {"error": {"message": message, "type": "fault"}})
                elif action == "kill_client":
                    os.kill(_peer_pid(self.client_address[1], self.server.server_address[1]), 9)
                elif action.startswith("echo_key:"):
                    key = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    form = action.split(":", 1)[1]
                    shown = disguised(key, form)
                    if form == "query":
                        shown = f"https://auth.invalid/login?next={shown}"
                    self._send(400, {"error": {"message": f"bad key {shown}", "type": "fault"}})
                elif action == "echo_auth":
                    sent = self.headers.get("Authorization", "")
                    message = f"invalid request from client with header Authorization: {sent}"
                    self._send(400, {"error": {"message": message, "type": "fault"}})
                else:
                    raise ValueError(f"unknown scripted action {action!r}")

            def _send_bytes(self, code: int, data: bytes, content_type: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _send(
                self, code: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        return Handler


def send_trickled(handler: BaseHTTPRequestHandler, data: bytes, seconds: float) -> None:
    """Answer 200 with the JSON ``data`` one byte every ``seconds``: each read is quick, the
    whole answer slow. A client that gives up just closes the connection."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    try:
        for i in range(len(data)):
            handler.wfile.write(data[i : i + 1])
            handler.wfile.flush()
            time.sleep(seconds)
    except (BrokenPipeError, ConnectionResetError):
        handler.close_connection = True


def _peer_pid(port: int, server_port: int) -> int:
    """The process that holds the client end (local ``port``) of a connection to
    ``server_port`` on this machine: its socket's inode, then the process with it open."""
    inode = ""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text(encoding="ascii").splitlines()[1:]:
            fields = line.split()
            local, remote = (int(f.rsplit(":", 1)[1], 16) for f in fields[1:3])
            if (local, remote) == (port, server_port):
                inode = fields[9]
    wanted = f"socket:[{inode}]"
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if any(os.readlink(fd) == wanted for fd in (entry / "fd").iterdir()):
                return int(entry.name)
    raise LookupError(f"no process holds the connection from port {port}")


def _completion(content: str, *, finish_reason: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": 0,
        "model": "fault-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
    }
