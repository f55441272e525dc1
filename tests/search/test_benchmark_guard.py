import pytest

from django.core.management import CommandError, call_command


@pytest.mark.parametrize("command", ["bench_search", "bench_export"])
def test_benchmarks_refuse_a_database_not_named_for_benchmarks(db, command):
    with pytest.raises(CommandError, match="Refusing to run on database 'test_ersi_practices"):
        call_command(command, n=1)
