"""A scripted OpenAI Batch API for tests: real HTTP on loopback, ``/v1/files`` and ``/v1/batches``.

Files are uploaded as multipart forms and their content served back; each batch runs
the next entry of the script once it has been asked about twice (``validating``, then
``in_progress``, then its end):

``completed``  every request line gets the line ``respond`` writes for it
``expired``    like ``completed``, but requests ``respond`` gives nothing for go to the
               error file with the code ``batch_expired``, as the API does
``failed``     validation failed: no output, an error naming line 1

``respond(custom_id, body)`` returns a results-file line (the tests build them by
hand), or ``None`` for no answer. A string in ``extra_lines`` is appended to the next
output file as it is (a malformed line), one in ``extra_errors`` to the next error file.
Faults: ``create_delays`` holds seconds to wait
before answering each batch creation in turn (the batch exists meanwhile), and
``trickle`` seconds between the bytes of every status answer. Nothing here is a
recording.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .fault_server import send_trickled

__all__ = ["BatchServer"]

Respond = Callable[[str, dict[str, Any]], str | None]


class BatchServer:
    """Start with ``with BatchServer(["completed"], respond) as server: ... server.url``."""

    def __init__(self, script: list[str], respond: Respond) -> None:
        self.script = list(script)
        self.respond = respond
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.extra_lines: list[str] = []
        self.extra_errors: list[str] = []
        #: ``(method, path)`` of every request, in order.
        self.calls: list[tuple[str, str]] = []
        self.authorization: list[str] = []
        self.create_delays: list[float] = []
        self.trickle = 0.0
        self._polls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> BatchServer:
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _store(self, content: bytes, name: str, purpose: str) -> dict[str, Any]:
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = content
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": 0,
            "filename": name,
            "purpose": purpose,
            "status": "processed",
        }

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        batch_id = f"batch_{len(self.batches) + 1}"
        batch = {
            "id": batch_id,
            "object": "batch",
            "endpoint": body["endpoint"],
            "input_file_id": body["input_file_id"],
            "completion_window": body["completion_window"],
            "metadata": body.get("metadata"),
            "created_at": 0,
            "status": "validating",
            "output_file_id": None,
            "error_file_id": None,
            "errors": None,
            "request_counts": {"total": 0, "completed": 0, "failed": 0},
            "_end": self.script.pop(0) if len(self.script) > 1 else self.script[0],
        }
        self.batches[batch_id] = batch
        self._polls[batch_id] = 0
        return batch

    def _advance(self, batch: dict[str, Any]) -> None:
        self._polls[batch["id"]] += 1
        polls = self._polls[batch["id"]]
        if batch["status"] in ("completed", "failed", "expired") or polls < 2:
            return
        if polls == 2:
            batch["status"] = "in_progress"
            return
        end = batch["_end"]
        requests = [json.loads(line) for line in self.files[batch["input_file_id"]].splitlines()]
        if end == "failed":
            batch["status"] = "failed"
            batch["errors"] = {
                "object": "list",
                "data": [{"code": "invalid_request", "line": 1, "message": "scripted failure"}],
            }
            return
        out, errors = [], []
        for request in requests:
            line = self.respond(request["custom_id"], request["body"])
            if line is not None:
                out.append(line)
            elif end == "expired":
                errors.append(
                    json.dumps(
                        {
                            "id": "r",
                            "custom_id": request["custom_id"],
                            "response": None,
                            "error": {"code": "batch_expired", "message": "not run in time"},
                        }
                    )
                )
        out += self.extra_lines
        self.extra_lines = []
        errors += self.extra_errors
        self.extra_errors = []
        failed = sum(1 for line in out if '"status_code": 200' not in line) + len(errors)
        batch["status"] = end
        batch["output_file_id"] = self._store("\n".join(out).encode(), "out", "batch_output")["id"]
        if errors:
            batch["error_file_id"] = self._store("\n".join(errors).encode(), "err", "batch_output")[
                "id"
            ]
        batch["request_counts"] = {
            "total": len(requests),
            "completed": len(requests) - failed,
            "failed": failed,
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: Any, raw: bytes | None = None) -> None:
                data = raw if raw is not None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _public(self, batch: dict[str, Any]) -> dict[str, Any]:
                return {k: v for k, v in batch.items() if not k.startswith("_")}

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                data = self.rfile.read(length)
                with server._lock:
                    server.calls.append(("POST", self.path))
                    server.authorization.append(self.headers.get("Authorization", ""))
                    if self.path == "/v1/files":
                        head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
                        form = BytesParser(policy=HTTP).parsebytes(head + data)
                        parts = {
                            p.get_param("name", header="content-disposition"): p
                            for p in form.iter_parts()
                        }
                        upload = parts["file"]
                        purpose = parts["purpose"].get_content().strip()
                        content = upload.get_payload(decode=True)
                        name = upload.get_filename() or "upload"
                        self._send(200, server._store(content, name, purpose))
                    elif self.path == "/v1/batches":
                        batch = server._create(json.loads(data))
                        delay = server.create_delays.pop(0) if server.create_delays else 0.0
                    else:
                        self._send(404, {"error": {"message": f"no route {self.path}"}})
                        return
                if self.path == "/v1/batches":
                    time.sleep(delay)  # the lock released: the batch can be listed meanwhile
                    self._send(200, self._public(batch))

            def do_GET(self) -> None:
                trickled: dict[str, Any] | None = None
                with server._lock:
                    server.calls.append(("GET", self.path))
                    path = self.path.split("?", 1)[0]
                    parts = path.strip("/").split("/")
                    if path == "/v1/batches":
                        listed = [self._public(b) for b in reversed(server.batches.values())]
                        self._send(200, {"object": "list", "data": listed, "has_more": False})
                    elif parts[:2] == ["v1", "batches"] and parts[2] in server.batches:
                        batch = server.batches[parts[2]]
                        server._advance(batch)
                        if server.trickle:
                            trickled = self._public(batch)
                        else:
                            self._send(200, self._public(batch))
                    elif parts[:2] == ["v1", "files"] and parts[-1] == "content":
                        self._send(200, None, raw=server.files[parts[2]])
                    else:
                        self._send(404, {"error": {"message": f"no route {self.path}"}})
                if trickled is not None:
                    # The lock released: slow for this client alone.
                    send_trickled(self, json.dumps(trickled).encode(), server.trickle)

        return Handler
