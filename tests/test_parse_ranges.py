"""A count past the 64-bit range is null with a finding and its digits kept, never a crash or a silent NULL."""

from __future__ import annotations

import json

import polars as pl

from assets.cli import main
from tests import parse_builders as b

HUGE = 12345678901234567890123  # 23 digits: past Int64 (and what a cell of run-together rows can hold)


def _huge_report(tmp_path):
    values = b.consistent_values()
    values["applications"]["granted"][0] = HUGE
    values["review_litigation"]["review"][0] = HUGE
    values["proactive"]["licensing_decisions"] = HUGE
    path = tmp_path / "huge.txt"
    path.write_text(b.report_text(values, "tabs"), encoding="utf-8")
    return path


def test_a_huge_count_is_null_with_a_finding_and_its_digits(tmp_path, capsys):
    path = _huge_report(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text(b.report_text(b.consistent_values(), "tabs"), encoding="utf-8")
    assert main(["parse", str(path), str(good)]) == 0
    huge, other = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert huge["applications"]["granted"][0] is None
    assert huge["review_litigation"]["review"][0] is None
    assert huge["proactive"]["licensing_decisions"] is None
    found = {(f["item"], f["applicant"]) for f in huge["findings"] if f["rule"] == "count_out_of_range"}
    assert found == {("granted", "natural_person"), ("review", "upheld"), ("licensing_decisions", None)}
    assert other["source"] == str(good)


def test_frames_keep_the_digits_in_raw(tmp_path, capsys):
    target = tmp_path / "frames"
    assert main(["parse", "--frames", str(target), str(_huge_report(tmp_path))]) == 0
    apps = pl.read_parquet(target / "applications.parquet")
    cell = apps.filter((pl.col("item") == "granted") & (pl.col("applicant") == "natural_person"))
    assert cell.select("count", "raw").rows() == [(None, str(HUGE))]
    assert apps.schema["count"] == pl.Int64
