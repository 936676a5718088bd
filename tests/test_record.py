from pipeline.contract import APPLICANTS, ITEMS, RESULT_ITEMS
from pipeline.record import normalize_source, report_id_for


def test_report_id_ignores_host_case_and_fragment():
    a = report_id_for("HTTP://WWW.Example.gov.cn/xxgk/2024/report.html#top")
    b = report_id_for("http://www.example.gov.cn/xxgk/2024/report.html")
    assert a == b and len(a) == 16 and int(a, 16) >= 0


def test_report_id_differs_by_path():
    assert report_id_for("reports/a.txt") != report_id_for("reports/b.txt")
    assert normalize_source("reports/./a.txt") == "reports/a.txt"


def test_result_items_span_granted_to_other():
    assert RESULT_ITEMS[0] == "granted" and RESULT_ITEMS[-1] == "other_processed"
    assert "total_processed" not in RESULT_ITEMS and len(ITEMS) == 26 and len(APPLICANTS) == 7
