"""The load benchmark's parts that need no server: the mix, the wrk script and its report, and
the per-kind figures from gunicorn's access log (make bench-load runs them for real)."""

from collections import Counter

from ersi_practices import loadtest
from tests.factories import PracticePageFactory


def test_the_mix_follows_its_shares_and_names_real_addresses(client, partners):
    for n in range(5):
        PracticePageFactory(
            parent=partners["brzeziny"], title=f"Canteen {n}"
        ).save_revision().publish()
    targets = loadtest.request_mix()
    assert len(targets) == 10_000
    shares = Counter(t.kind for t in targets)
    assert {kind: shares[kind] // 100 for kind in loadtest.MIX} == loadtest.MIX
    assert all(loadtest.kind_of(t.path) == t.kind for t in targets)
    # Every address answers (a later page only where there are enough practices for it).
    for path in {t.path for t in targets if "page=" not in t.path}:
        assert client.get(path).status_code == 200, path
    assert {t.path.split("/search/")[0] for t in targets if t.kind == "search page"} <= {
        "", "/pl", "/es", "/hu",
    }  # fmt: skip


def test_the_script_lists_every_address_once_per_entry(partners):
    targets = [loadtest.Target("map data", '/map/data.json?theme="x"'),
               loadtest.Target("search page", "/search/?q=older+people")]  # fmt: skip
    script = loadtest.lua_script(targets)
    assert '"/map/data.json?theme=\\"x\\"",\n"/search/?q=older+people"' in script
    assert "latency:percentile(95)" in script and "%d" in script and "%%" not in script


def test_the_report_of_wrk_is_read():
    output = (
        "Running 1m test @ http://127.0.0.1:8000\n"
        '{"requests": 1200, "duration_us": 60000000, "connect": 0, '
        '"read": 0, "write": 0, "status": 3, "timeout": 2, "p50_us": 120000, '
        '"p95_us": 480000, "p99_us": 900000, "max_us": 1500000}\n'
    )
    result = loadtest.parse_wrk(output)
    assert result.rate == 20.0
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (120.0, 480.0, 900.0)
    assert result.errors == 5 and result.error_kinds == {"status": 3, "timeout": 2}


def test_the_access_log_gives_each_kinds_count_and_times(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(
        "/search/ 200 100000\n/pl/search/ 200 300000\n/api/search/ 200 50000\n"
        "/partners/lodz/canteens/ 200 200000\n/map/data.json 200 8000\n/api/search/ 429 1000\n"
    )
    rows = {row.kind: row for row in loadtest.access_log_rows(log)}
    assert rows["search page"].count == 2 and rows["search page"].p50_ms == 200.0
    assert rows["search API"].statuses == {"200": 1, "429": 1}
    assert rows["practice page"].p95_ms == 200.0 and rows["map data"].count == 1
