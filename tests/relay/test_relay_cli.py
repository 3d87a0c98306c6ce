"""``lcoai-notebook relay``: the token from the environment only; prints what the host needs."""

from __future__ import annotations

import csv

import pytest

import lcoai_notebook as lco
from lcoai_notebook import cli
from tests.relay.conftest import CountingEmulator


def _parse(argv: list[str]):
    import argparse

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    cli._add_relay_args(sub.add_parser("relay"))
    return parser.parse_args(["relay", *argv])


def test_help_names_the_environment_variable_and_takes_no_token(capsys):
    with pytest.raises(SystemExit):
        cli.main(["relay", "--help"])
    text = capsys.readouterr().out
    assert "LCOAI_API_TOKEN" in text and "--seats" in text and "--per-seat-usd" in text
    assert "--token" not in text and "--api-token" not in text
    with pytest.raises(SystemExit):
        cli.main(["relay", "--api-token", "at_x"])


def test_without_a_token_the_relay_says_where_to_put_it(tmp_path, capsys):
    assert cli.main(["relay", "--db", str(tmp_path / "r.sqlite"), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "LCOAI_API_TOKEN" in err and "command line" in err


def test_relay_command_prints_urls_codes_and_writes_the_csv(tmp_path, capsys, monkeypatch):
    up = CountingEmulator("lowcodeapi")
    up.emu.start()
    try:
        monkeypatch.setenv("LCOAI_API_TOKEN", up.token)
        db = tmp_path / "class.sqlite"
        ns = _parse(["--seats", "4", "--per-seat-usd", "0.25", "--budget-usd", "1", "--db",
                     str(db), "--upstream", up.url, "--port", "0"])
        used: dict[str, object] = {}

        def session() -> None:
            # What a learner does while the relay runs: the first printed code works.
            out = capsys.readouterr().out
            used["out"] = out
            url = out.split("lco.connect(relay='")[1].split("'")[0]
            code = out.split("seat-01  ")[1].split()[0]
            with lco.connect(relay=url, seat=code) as client:
                used["models"] = len(client.models.list())
            used["log"] = capsys.readouterr().out

        assert cli.run_relay_args(ns, wait=session) == 0
    finally:
        up.emu.stop()
    out = str(used["out"])
    assert used["models"] and "Admin page: http://127.0.0.1:" in out and "/admin#key=" in out
    # The host sees each request on the console, without the token.
    assert "seat-01 GET /models -> 200" in str(used["log"])
    assert up.token not in out + str(used["log"]) + capsys.readouterr().out
    rows = list(csv.DictReader((tmp_path / "class-seats.csv").read_text().splitlines()))
    assert [r["seat"] for r in rows] == ["seat-01", "seat-02", "seat-03", "seat-04"]
    assert all(r["code"].startswith("seat_") and r["code"] in out for r in rows)
    assert up.token not in (tmp_path / "class-seats.csv").read_text()
