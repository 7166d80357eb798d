"""An on-disk cache of records, so that no article is paid for twice.

SQLite, one row per record, keyed by a digest of everything that shapes the answer:
the article text and metadata, the model, the endpoint, the backend and mode, the
prompt version, the record schema version and every other setting, but those that
cannot change a record (``config.NOT_IN_RECORD``: the timeout, the cache folder...).
A hit costs no request. The default location is the user cache folder
(``platformdirs``); ``--cache-dir`` or ``Cache(path)`` puts it elsewhere.

The cache is an optimisation, never a reason to lose an answer: once opened, a
database error on reading or writing (locked, corrupt, read-only, disk full) is
logged once as a warning and the cache is left alone for the rest of the run.
``open_cache`` does the same for a cache that cannot be opened at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigurationError
from .record import ArticleSummary

__all__ = [
    "LOCK_WAIT",
    "Cache",
    "CacheInfo",
    "cache_key",
    "open_cache",
]

_log = logging.getLogger("summarizer")
#: Seconds to wait for another process's lock on the database before giving up on it.
LOCK_WAIT = 5.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    key TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    answer TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def _default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("summarizer"))


def cache_key(parts: Mapping[str, Any]) -> str:
    """A stable digest of ``parts`` (any JSON-serialisable mapping)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class CacheInfo:
    """What the cache holds."""

    path: Path
    records: int
    bytes: int


class Cache:
    """A SQLite file of records by key; safe to share between threads of one process."""

    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory or _default_cache_dir()) / "records.sqlite3"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=LOCK_WAIT, check_same_thread=False, isolation_level=None
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigurationError(f"cannot open the cache at {self.path}: {exc}") from exc
        self._lock = threading.Lock()
        self._failed = False

    def get(self, key: str) -> ArticleSummary | None:
        """The record kept under ``key``; ``None`` on a miss or once the database failed."""
        raw = self._fetch("SELECT record FROM records WHERE key = ?", key)
        if raw is None:
            return None
        try:
            return ArticleSummary.model_validate_json(raw)
        except ValueError:  # written by an incompatible version: treat as a miss
            return None

    def put(self, key: str, record: ArticleSummary) -> None:
        """Keep ``record`` under ``key``; nothing once the database failed."""
        self._store(
            "INSERT OR REPLACE INTO records VALUES (?, ?, ?)", key, record.model_dump_json()
        )

    def get_answer(self, key: str) -> str | None:
        """The answer to one part of a long article kept under ``key``, as JSON text.

        A long article is read in several requests; each answer is kept as it comes,
        so that a rerun after a failure or a crash sends only the requests not answered.
        """
        return self._fetch("SELECT answer FROM answers WHERE key = ?", key)

    def put_answer(self, key: str, answer: str) -> None:
        """Keep one part's answer (JSON text) under ``key``; nothing once the database failed."""
        self._store("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)", key, answer)

    def _fetch(self, query: str, key: str) -> str | None:
        with self._lock:
            if self._failed:
                return None
            try:
                row = self._db.execute(query, (key,)).fetchone()
            except sqlite3.Error as exc:
                self._give_up(exc)
                return None
        return None if row is None else str(row[0])

    def _store(self, query: str, key: str, value: str) -> None:
        with self._lock:
            if self._failed:
                return
            try:
                self._db.execute(query, (key, value, time.time()))
            except sqlite3.Error as exc:
                self._give_up(exc)

    def _give_up(self, exc: sqlite3.Error) -> None:
        self._failed = True
        _log.warning("the record cache at %s failed (%s); going on without it", self.path, exc)

    def info(self) -> CacheInfo:
        """Where the cache is, how many records it holds and its size.

        Raises:
            ConfigurationError: The database cannot be read (locked, corrupt).
        """
        with self._lock, self._errors("read"):
            (count,) = self._db.execute("SELECT COUNT(*) FROM records").fetchone()
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))
        return CacheInfo(self.path, int(count), size)

    def clear(self) -> int:
        """Delete every record; return how many there were.

        Raises:
            ConfigurationError: The database cannot be emptied (locked, read-only, corrupt).
        """
        with self._lock, self._errors("empty"):
            (count,) = self._db.execute("SELECT COUNT(*) FROM records").fetchone()
            self._db.execute("DELETE FROM records")
            self._db.execute("DELETE FROM answers")
            self._db.execute("VACUUM")
        return int(count)

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise ConfigurationError(f"cannot {doing} the cache at {self.path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_cache(directory: Path | None = None) -> Cache | None:
    """A ``Cache``, or ``None`` with a warning when it cannot be opened: runs go on without it."""
    try:
        return Cache(directory)
    except ConfigurationError as exc:
        _log.warning("%s; going on without the cache", exc)
        return None
