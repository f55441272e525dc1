"""Real processes for the operations tests: the site under gunicorn, on a database of our choice."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def database_url(settings_dict: dict, name: str | None = None, host: str | None = None) -> str:
    """A DATABASE_URL for a database on the server of a Django connection's settings."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict["PASSWORD"] else ""
    if host is None:
        host = quote(settings_dict["HOST"] or "localhost", safe="")
        host += f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgresql://{user}{password}@{host}/{name or settings_dict['NAME']}"


def socket_target(settings_dict: dict) -> tuple[str, int | None]:
    """Where the server listens: a host and port, or the path of its Unix socket."""
    host, port = settings_dict["HOST"] or "localhost", int(settings_dict["PORT"] or 5432)
    if host.startswith("/"):
        return f"{host}/.s.PGSQL.{port}", None
    return host, port


def manage(*args: str, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str
    seconds: float


def get(url: str, timeout: float = 60) -> Response:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 - our own server
            status, headers, body = r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read()
    return Response(status, headers, body.decode(), time.monotonic() - started)


@contextlib.contextmanager
def gunicorn(database: str, log: Path, **env: str) -> Iterator[str]:
    """The site with test settings under gunicorn (one sync worker, as in production) on the
    given DATABASE_URL; yields its address."""
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "ersi_practices.wsgi:application",
             f"--bind=127.0.0.1:{port}", "--workers=1", "--timeout=60"],
            cwd=BASE_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "ersi_practices.settings.test",
                 "DATABASE_URL": database, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
