import json
import os
import subprocess
import sys

import pytest

from ersi_practices import database


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_settings(missing):
    env = {
        **os.environ,
        "SECRET_KEY": "x",
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "postgres://u:p@localhost/db",
    }
    del env[missing]
    result = subprocess.run(
        [sys.executable, "-c", "import ersi_practices.settings.production"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert f"Production settings need the {missing} environment variable." in result.stderr


def test_database_url_from_the_environment_wins(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://someone@elsewhere/db")
    assert database.database_url() == "postgres://someone@elsewhere/db"


def test_dead_handles_are_forgotten(tmp_path):
    handles = tmp_path / ".handle_pids.json"
    handles.write_text(json.dumps([os.getpid(), 2**22 + 12345]))
    database._forget_dead_handles(handles)
    assert json.loads(handles.read_text()) == [os.getpid()]
