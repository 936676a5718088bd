"""The three steps `xxgk run` runs, as jobs named after them, so the UI's run list says which
step a run was: ingest (crawl, parse, fetch_log, parse_failures), load (the fact tables, by
statistics year) and model (SQL models and exports)."""

import dagster as dg

from assets import facts, models

INGEST_KEYS = [dg.AssetKey(k) for k in ("raw_documents", "parsed_reports", "fetch_log", "parse_failures")]
LOAD_KEYS = [dg.AssetKey(t) for t in facts.FACT_TABLES]
MODEL_KEYS = [models.model_key(m.qualified) for m in models.MODELS] + [dg.AssetKey("dashboard_exports"),
                                                                      dg.AssetKey("dashboard")]

STEPS = {"ingest": INGEST_KEYS, "load": LOAD_KEYS, "model": MODEL_KEYS}
DESCRIPTIONS = {"ingest": "Crawl the portals, parse and stage every document, replace fetch_log and parse_failures.",
                "load": "Replace the selected statistics years of the fact tables, one report counted once.",
                "model": "Build the SQL models, write the dashboard exports and build the dashboard."}

step_jobs = [dg.define_asset_job(name, selection=dg.AssetSelection.assets(*keys), description=DESCRIPTIONS[name])
             for name, keys in STEPS.items()]
