"""Property: any valid report (consistent totals, counts >= 1,000, blank cells, either template),
rendered in any layout with any portal quirk, parses back to exactly the values rendered; in a
layout that loses blank cells (LOSSY_LAYOUTS: text dumps), exactly or with nulls and findings,
never a wrong number."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.contract import (
    APPLICANTS,
    PROACTIVE_2019_LABELS,
    PROACTIVE_2021_LABELS,
    PROACTIVE_ROW_ALIASES,
    DECIMAL_PROACTIVE_FIELDS,
    ITEMS,
    ITEMS_2019_ONLY,
    ITEMS_2021_ONLY,
    OUTCOMES,
    PROACTIVE_2019,
    PROACTIVE_2021,
    REVIEW_GROUPS,
)
from pipeline.errors import ExtractError
from pipeline.extract import read_document
from pipeline.parse import parse_bytes
from pipeline.record import Report
from pipeline.render import EXTENSIONS, LAYOUTS, LOSSY_LAYOUTS, RenderOptions, render_report
from pipeline.render.html import BLANK_CELLS

AGENCIES = ("汝州市钟楼街道办事处", "宽城满族自治县人民政府办公室", "金塔工业集中区管理委员会", "北京市海淀区人民政府",
            "上海市浦东新区教育局", "广州市天河区公安分局", "樟树市洋湖乡人民政府", "酒泉市生态环境局")
FIXED = ("new_received", "carried_over", "total_processed", "carried_forward")
BLANK_TOKENS = (None, "—", "/", "无")
SAMPLE = {"agency": "汝州市钟楼街道办事处", "year": 2023, "template": "2021", "published_on": "2024-01-20",
          "proactive": {field: 1 for field in PROACTIVE_2021},
          "applications": {item: [1, 0, 0, 0, 0, 0, 1] for item in ITEMS if item not in ITEMS_2019_ONLY},
          "review_litigation": {group: [0, 0, 0, 0, 0] for group in REVIEW_GROUPS}}
counts = st.one_of(st.integers(0, 9), st.integers(10, 999), st.integers(1000, 250_000))


@st.composite
def report_values(draw) -> dict:
    template = draw(st.sampled_from(("2021", "2019")))
    results = [item for item in ITEMS if item not in FIXED
               and item not in (ITEMS_2019_ONLY if template == "2021" else ITEMS_2021_ONLY)]
    columns: dict[str, list[int]] = {item: [] for item in (*FIXED, *results)}
    for _ in APPLICANTS[:-1]:
        result_counts = {item: draw(st.one_of(st.just(0), counts)) for item in results}
        processed = sum(result_counts.values())
        forward = draw(st.one_of(st.just(0), counts))
        over = draw(st.integers(0, processed + forward))
        for item, count in {**result_counts, "total_processed": processed, "carried_forward": forward,
                            "carried_over": over, "new_received": processed + forward - over}.items():
            columns[item].append(count)
    applications = {item: [*row, sum(row)] for item, row in columns.items()}
    applications = {item: applications[item] for item in ITEMS if item in applications}
    review = {}
    for group in REVIEW_GROUPS:
        outcomes = [draw(st.one_of(st.just(0), counts)) for _ in OUTCOMES[:-1]]
        review[group] = [*outcomes, sum(outcomes)]
    fields = PROACTIVE_2021 if template == "2021" else PROACTIVE_2019
    proactive = {}
    for field in fields:
        if field in DECIMAL_PROACTIVE_FIELDS:
            proactive[field] = draw(st.integers(0, 10**7)) / 100
        elif field.endswith("_change"):
            proactive[field] = draw(st.integers(-50, 50))
        else:
            proactive[field] = draw(counts)
    values = {"agency": draw(st.sampled_from(AGENCIES)), "year": draw(st.integers(2019, 2025)),
              "template": template, "proactive": proactive, "applications": applications,
              "review_litigation": review, "raw_tokens": {}}
    year = values["year"] + 1
    values["published_on"] = draw(st.one_of(st.none(), st.dates().map(lambda d: f"{year}-{d.month:02d}-{d.day:02d}")
                                            .filter(lambda s: not s.endswith("02-29") or year % 4 == 0)))
    # Blank cells: the report leaves some counts empty or writes a dash; the parser keeps them null.
    for _ in range(draw(st.integers(0, 3))):
        item = draw(st.sampled_from(sorted(applications)))
        column = draw(st.integers(0, len(APPLICANTS) - 1))
        applications[item][column] = None
        token = draw(st.sampled_from(BLANK_TOKENS))
        if token:
            values["raw_tokens"][f"{item}.{APPLICANTS[column]}"] = token
    return values


options = st.builds(RenderOptions, split_headers=st.booleans(), fullwidth_digits=st.booleans(),
                    thousands=st.sampled_from(("", ",", "，")), auto_numbering=st.booleans(),
                    unnumbered_rows=st.booleans(), html_blank=st.sampled_from(sorted(BLANK_CELLS)),
                    html_paragraphs=st.booleans(), label_nbsp=st.booleans(), vertical_labels=st.booleans(),
                    dump_runs=st.booleans(), dump_glued=st.booleans(), dump_odd_spaces=st.booleans(),
                    dump_crawler=st.booleans())


def _row_of(table: str, key: str) -> str:
    """The row a finding names for a cell: a section-二 field's row label, section 四 as one row."""
    if table == "proactive":
        return {**PROACTIVE_2019_LABELS, **PROACTIVE_2021_LABELS}[key][0]
    return "review_litigation" if table == "review_litigation" else key


def assert_exact_or_flagged(report: Report, values: dict) -> None:
    """Every cell is the value rendered, or null where its row has a finding; a blank stays null."""
    flagged = {finding.item for finding in report.findings}
    flagged |= {PROACTIVE_ROW_ALIASES[item] for item in flagged if item in PROACTIVE_ROW_ALIASES}
    for table in ("proactive", "applications", "review_litigation"):
        got, rendered = getattr(report, table), values[table]
        assert set(got) <= set(rendered), table
        for key, expected in rendered.items():
            wants = expected if isinstance(expected, list) else [expected]
            actual = got.get(key)
            haves = actual if isinstance(actual, list) else [actual] * len(wants)
            for column, (want, have) in enumerate(zip(wants, haves)):
                if have is not None or want is None:
                    assert have == want, (table, key, column)
                else:
                    assert _row_of(table, key) in flagged, (table, key, column, "null without a finding")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=report_values(), layout=st.sampled_from(LAYOUTS), render_options=options)
def test_rendered_reports_parse_back_exactly(values, layout, render_options):
    data = render_report(values, layout, render_options)
    report = parse_bytes(data, source=f"http://demo.example.gov.cn/ndbg/r{EXTENSIONS[layout]}")
    assert report.agency == values["agency"]
    assert report.year == values["year"]
    assert report.template == values["template"]
    assert report.published_on == values["published_on"]
    if layout in LOSSY_LAYOUTS:
        assert_exact_or_flagged(report, values)
        return
    assert report.proactive == values["proactive"]
    assert report.applications == values["applications"]
    assert report.review_litigation == values["review_litigation"]
    for key, token in values["raw_tokens"].items():
        assert report.raw_tokens.get(key) == token, key


@st.composite
def sparse_report_values(draw) -> dict:
    """`report_values` with many blank counts, as portal pages print a row of zeros as blanks."""
    values = draw(report_values())
    applications = values["applications"]
    for _ in range(draw(st.integers(4, 30))):
        item = draw(st.sampled_from(sorted(applications)))
        applications[item][draw(st.integers(0, len(APPLICANTS) - 1))] = None
    return values


html_options = st.builds(RenderOptions, split_headers=st.booleans(), html_blank=st.sampled_from(sorted(BLANK_CELLS)),
                         html_paragraphs=st.booleans(), label_nbsp=st.booleans(), vertical_labels=st.booleans())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=sparse_report_values(), layout=st.sampled_from(("html", "html_gbk")), render_options=html_options)
def test_html_blank_cells_in_every_editor_markup_read_null_in_their_column(values, layout, render_options):
    """A blank count, however the page's editor writes it (`BLANK_CELLS`), is a null in its own
    column: the row keeps its other counts, nothing shifts into the blank's place."""
    data = render_report(values, layout, render_options)
    report = parse_bytes(data, source=f"http://demo.example.gov.cn/ndbg/r{EXTENSIONS[layout]}")
    assert report.applications == values["applications"]
    assert report.proactive == values["proactive"] and report.review_litigation == values["review_litigation"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=st.sampled_from(LAYOUTS), cut=st.floats(0.0, 1.0),
       damage=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=8))
def test_damaged_files_give_a_document_or_an_extract_error(layout, cut, damage):
    """Truncated or byte-flipped renderings never escape as anything but ExtractError."""
    data = bytearray(render_report(SAMPLE, layout))
    for position, byte in damage:
        data[int(position * (len(data) - 1))] = byte
    data = bytes(data[: max(1, int(cut * len(data)))])
    try:
        document = read_document(data, f"http://demo.example.gov.cn/ndbg/r{EXTENSIONS[layout]}")
    except ExtractError as error:
        assert error.reason and "\n" not in error.message
    else:
        assert isinstance(document.text, str)
