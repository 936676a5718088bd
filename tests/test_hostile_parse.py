"""The parser half of the standing hostile-input campaign: damaged copies of real renderings and
hand-made hostile files each give a report or a reasoned failure, never a traceback, a hang, or a
report whose numbers changed without a finding. (`benchmarks/campaign.py` runs a larger sample.)"""

from __future__ import annotations

import collections

from pipeline.render.hostile import DEFECTS, campaign_documents, hostile_files, run_campaign
from tests.seeds import SEED_PATHS, expected

SEEDS = [expected(path) for path in SEED_PATHS]


def test_damaged_and_hostile_documents_never_crash_hang_or_mislead(tmp_path):
    outcomes = run_campaign(campaign_documents(SEEDS, per_layout=8), tmp_path, timeout=60, workers=2)
    defects = [o for o in outcomes if o.verdict in DEFECTS]
    assert defects == [], "\n".join(f"{o.verdict}: {o.name}: {o.detail}" for o in defects)
    verdicts = collections.Counter(o.verdict for o in outcomes)
    assert verdicts["report"] + verdicts["flagged"] > len(outcomes) // 4  # damage mostly costs cells, not reports


def test_each_hostile_file_has_its_own_reason(tmp_path):
    documents = [d for d in campaign_documents(SEEDS[2:3], per_layout=0) if d[3] is None]
    outcomes = {o.name: o for o in run_campaign(documents, tmp_path, timeout=60, workers=2)}
    assert len(outcomes) == len(hostile_files("")) and not [o for o in outcomes.values() if o.verdict in DEFECTS]
    reasons = {name: o.detail.split(":")[0] for name, o in outcomes.items() if o.verdict == "failure"}
    assert reasons["html nested 1,000 deep"] == "corrupt_html"
    assert reasons["mhtml nested 3,000 deep"] == "corrupt_mhtml"
    assert reasons["a byte-order mark alone"] == "empty"
    assert outcomes["a count of 23 digits"].verdict == "report"
