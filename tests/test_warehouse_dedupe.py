"""One report per agency, statistics year and content: real reports published at several URLs are
staged from a real raw store, loaded into a real DuckDB file and counted once in the marts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from pipeline.crawl.store import RawStore
from pipeline.warehouse.dedupe import one_report_each
from pipeline.warehouse.ingest import stage
from pipeline.warehouse.load import replace_years
from pipeline.warehouse.models import run_models
from tests.seeds import SEEDS_DIR

SEED = next(SEEDS_DIR.glob("002_*.txt")).read_bytes()  # 宽城满族自治县人民政府办公室, 2023, published 2024-01-26
OTHER = next(SEEDS_DIR.glob("001_*.txt")).read_bytes()


def _staged(tmp_path: Path, documents: dict[str, bytes]) -> dict[str, pl.DataFrame]:
    with RawStore(tmp_path / "raw") as raw:
        raw.begin_crawl("test")
        for url, data in documents.items():
            raw.record_document(url=url, final_url=url, portal="test", region_code="130827", kind="report_page",
                                parent_url=None, title=None, published_on=None, sha256=raw.put(data),
                                content_type="text/plain; charset=utf-8", charset="utf-8", source_format="text")
        return stage(raw, tmp_path / "frames", workers=1).frames


def _corrected(data: bytes) -> bytes:
    """The report republished later with one figure corrected (new natural-person applications)."""
    return data.replace(b"2024-01-26", b"2024-03-01").replace(b"\n35\n", b"\n36\n", 1)


def _loaded(tmp_path: Path, frames: dict[str, pl.DataFrame]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    replace_years(con, frames, sorted(set(frames["reports"]["year"])))
    run_models(con)
    return con


def test_copies_at_several_urls_count_once_and_every_copy_is_kept_for_provenance(tmp_path) -> None:
    urls = ["http://www.county.test/ndbg/2023.txt", "https://www.county.test/ndbg/2023.txt",
            "http://mirror.test/repost/44.txt"]
    staged = _staged(tmp_path, {**dict.fromkeys(urls, SEED), "http://www.county.test/ndbg/other.txt": OTHER})
    assert staged["reports"].height == 4  # three ids for one report before this step
    frames = one_report_each(staged)
    reports = frames["reports"]
    assert reports.height == 2
    (kept,) = reports.filter(pl.col("source_url").is_in(urls)).iter_rows(named=True)
    assert kept["source_url"] == "http://mirror.test/repost/44.txt"  # same date: the first URL in order
    sources = frames["reports_sources"].filter(pl.col("report_id") == kept["report_id"])
    assert sorted(sources["source_url"]) == sorted(urls)
    assert sorted(sources["status"]) == ["duplicate", "duplicate", "kept"]
    (finding,) = frames["findings"].filter(pl.col("rule") == "duplicate_report").iter_rows(named=True)
    assert finding["report_id"] == kept["report_id"]
    assert all(url in finding["message"] for url in urls if url != kept["source_url"])
    for table in ("applications", "proactive", "review_litigation", "findings"):
        assert set(frames[table]["report_id"]) <= set(reports["report_id"]), table

    in_county = reports.filter((pl.col("county_code") == "130827") & (pl.col("year") == 2023))["report_id"]
    expected = frames["applications"].filter(pl.col("report_id").is_in(in_county.to_list())
                                             & (pl.col("item") == "new_received") & (pl.col("applicant") == "total"))
    with _loaded(tmp_path, frames) as con:
        county = con.execute("SELECT reports, new_received_count FROM marts.applications_by_region "
                             "WHERE cut = 'county' AND unit_code = '130827' AND year = 2023").fetchall()
        copies = con.execute("SELECT count(*) FROM reports_sources WHERE year = 2023").fetchone()[0]
    assert kept["report_id"] in in_county.to_list()
    assert county == [(len(in_county), expected["count"].sum())]  # 35 once, not 105
    assert copies == 4


def test_a_corrected_report_republished_later_replaces_the_earlier_one_and_says_so(tmp_path) -> None:
    first, corrected = "http://www.county.test/ndbg/2023.txt", "http://www.county.test/ndbg/2023-corrected.txt"
    frames = one_report_each(_staged(tmp_path, {first: SEED, corrected: _corrected(SEED)}))
    (kept,) = frames["reports"].iter_rows(named=True)
    assert kept["source_url"] == corrected and str(kept["published_on"]) == "2024-03-01"
    (finding,) = frames["findings"].filter(pl.col("rule") == "superseded_report").iter_rows(named=True)
    assert first in finding["message"] and finding["report_id"] == kept["report_id"]
    statuses = dict(frames["reports_sources"].select("source_url", "status").iter_rows())
    assert statuses == {first: "superseded", corrected: "kept"}
    assert set(frames["reports_sources"]["report_id"]) == {kept["report_id"]}
    new = frames["applications"].filter((pl.col("item") == "new_received") & (pl.col("applicant") == "natural_person"))
    assert new["count"].to_list() == [36]


def test_reports_with_other_figures_that_no_date_orders_are_both_kept_with_a_finding(tmp_path) -> None:
    undated = _corrected(SEED).replace(b"2024-03-01", b"2024-01-26")
    urls = ["http://www.county.test/a.txt", "http://www.county.test/b.txt"]
    frames = one_report_each(_staged(tmp_path, {urls[0]: SEED, urls[1]: undated}))
    assert sorted(frames["reports"]["source_url"]) == urls
    conflicts = frames["findings"].filter(pl.col("rule") == "conflicting_report")
    assert conflicts.height == 2 and set(conflicts["report_id"]) == set(frames["reports"]["report_id"])
