"""Chinese place-name and body-name rules: how divisions are shortened and how bodies are named.

These are facts about place names, not about the report contract, so they live here rather than
in `pipeline/contract.py`. Everything else in `pipeline.regions` works on the outputs below.
"""

from __future__ import annotations

import re
from typing import Final

# The 56 recognised ethnic groups, without 族: autonomous units are named "<place><groups>自治<type>".
ETHNIC_GROUPS: Final[tuple[str, ...]] = (
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家",
    "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
    "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
    "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)
_ETHNIC_TAIL = re.compile("(?:" + "|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True)) + ")族$")
_AUTONOMOUS = re.compile(r"自治(县|旗|州|区)$")
# Type suffixes, longest first; 新区 before 区 so 浦东新区 shortens to 浦东.
_TYPE_SUFFIXES: Final[tuple[str, ...]] = (
    "特别行政区", "联合旗", "地区", "新区", "林区", "特区", "省", "市", "县", "区", "旗", "盟", "州",
)
MUNICIPALITY_CODES: Final[frozenset[str]] = frozenset({"110000", "120000", "310000", "500000"})


def short_name(name: str) -> str | None:
    """The name without its type and ethnic suffixes (宽城满族自治县 → 宽城), None if nothing is left
    worth matching (a one-character stem like 城 of 城区 is a common word, not a name)."""
    stem = name
    autonomous = _AUTONOMOUS.search(stem)
    if autonomous:
        stem = stem[: autonomous.start()]
        while ethnic := _ETHNIC_TAIL.search(stem):
            if ethnic.start() == 0:  # named for its people alone: 鄂温克族自治旗 → 鄂温克
                stem = stem[:-1]
                break
            stem = stem[: ethnic.start()]
        if autonomous.group(1) == "区":  # 广西壮族自治区 is named for its people: keep 广西, 宁夏 …
            return stem if len(stem) >= 2 else None
    else:
        for suffix in _TYPE_SUFFIXES:
            if stem.endswith(suffix) and len(stem) > len(suffix):
                stem = stem[: -len(suffix)]
                break
    return stem if len(stem) >= 2 and stem != name else None


def typed_short_names(name: str) -> tuple[str, ...]:
    """Everyday full forms of autonomous units: 宽城满族自治县 → 宽城县, 鄂温克族自治旗 → 鄂温克旗."""
    autonomous = _AUTONOMOUS.search(name)
    stem = short_name(name)
    if not autonomous or stem is None or autonomous.group(1) == "区":
        return ()
    return (stem + autonomous.group(1),)


def township_aliases(name: str) -> tuple[str, ...]:
    """Other names a township-level unit goes by: a 区 that is a street-level unit (嘉峪关's 雄关区)
    signs its reports as a 街道 (雄关街道)."""
    if name.endswith("区") and len(name) > 2:
        return (name[:-1] + "街道",)
    return ()


def is_common_word(name: str) -> bool:
    """Two-character district names with a one-character stem (城区, 郊区, 矿区, 东区) are everyday
    words; they name a place only right after their city (阳泉市城区)."""
    return len(name) == 2 and name.endswith("区")


# What follows the place names in an agency string decides the body's kind.
ZONE_WORDS: Final[tuple[str, ...]] = (
    "开发区", "园区", "实验区", "试验区", "集中区", "示范区", "高新区", "保税区", "合作区", "新区",
    "管理区", "产业区", "工业区", "经济区", "旅游区", "风景区", "名胜区", "管委会",
)
# A zone's bodies, by the words after the zone's name (`zone_body`): its governing committee
# (平潭综合实验区管委会, 苏州工业园区管理委员会), which is the zone itself, and that committee's
# general office (…管委会办公室), which serves it as 人民政府办公室 serves a government. Any other body
# (行政审批局, 苏平片区管理局, 公安局高新区分局) is a department of the zone or of its government.
ZONE_COMMITTEE: Final = re.compile(r"^(?:党工委|工委)?(?:管委会|管理委员会|管委|管理局|管理处)?$")
ZONE_OFFICE: Final = re.compile(r"^(?:党工委|工委)?(?:管委会|管理委员会|管委|管理局)?(?:党政办公室|党政办|办公室|办公厅|办)$")
ZONE_NAME_REACH: Final = 12  # a zone word this close after a stem belongs to the zone's name
# Any of ZONE_WORDS, in one regex search: several per resolution, and far cheaper than a loop of
# substring tests on the short strings it is given (agency names and their pieces).
ZONE_WORD: Final = re.compile("|".join(map(re.escape, ZONE_WORDS)))
GOVERNMENT_BODY: Final = re.compile(r"^(?:人民政府|政府|行政公署|街道办事处|办事处)?(?:办公厅|办公室|政府办|办)?$")
# A township body whose name the township list may not know: <name>镇人民政府, <name>街道办事处.
TOWNSHIP_BODY: Final = re.compile(
    r"^(?:人民政府|政府)?(?P<name>[\u4e00-\u9fff]{0,10}?(?:街道|镇|乡|苏木))"
    r"(?:人民政府|政府|办事处|办|党政办公室|党政综合办公室|党政办)?(?:办公室)?$"
)
# A county-level government the map does not know (a name from another year, a typo): the body
# after the known places starts with one, so the agency sits below them, not at their level.
UNKNOWN_DIVISION_GOVERNMENT: Final = re.compile(
    r"^(?:人民政府)?(?P<name>[\u4e00-\u9fff]{1,8}?(?P<suffix>自治县|自治旗|新区|林区|特区|县|区|市|旗))(?:人民政府|政府)"
)
# The suffixes that say a government's level by themselves (a 市 may be a prefecture or a county-level
# city, a 区 a district or a 地区): a 县 or 旗 government is county-level even where its name is unknown.
COUNTY_SUFFIXES: Final[tuple[str, ...]] = ("自治县", "自治旗", "县", "旗")
GOVERNMENT_ANCHORS: Final[tuple[str, ...]] = ("人民政府", "政府")
# A portal footer's credits (主办单位：福建省平潭综合实验区管理委员会办公室) name the site's sponsor,
# not the body signing the report: a page printed to PDF ends with them, after the signature.
SITE_CREDITS: Final[tuple[str, ...]] = ("主办单位", "主办：", "承办单位", "主管单位", "版权所有", "技术支持", "网站标识码")
# 《甘肃省政府信息公开规定》 names a regulation, not a government the body works under.
REGULATION_AFTER_PLACE: Final[tuple[str, ...]] = ("政府信息公开",)
# Where a report title stops naming its agency, and a year phrase some titles open with. (Every
# alternative of the first opens with a literal, so the regex engine skips ahead to 1, 2, 政 or 年.)
TITLE_AGENCY_END: Final = re.compile(r"19\d\d|20\d\d|政府信息公开|年度报告|政务公开")
TITLE_YEAR_LEAD: Final = re.compile(r"^(?:19|20)\d\d年度?")
ASIDE: Final = re.compile(r"[（(][^）)]*[）)]")  # 樟树市人民政府办公室（樟树市外事办公室）: a second name


def unspaced(text: str) -> str:
    r"""The text without whitespace (\u3000 and \xa0 included). `str.split()` cuts at exactly the
    characters a regex `\s` matches, several times faster than a regex substitution."""
    return "".join(text.split())


def bare(name: str) -> str:
    """An agency-like string as it is read: no spacing, no second name in brackets."""
    name = unspaced(name)
    return ASIDE.sub("", name) if "(" in name or "（" in name else name


def is_zone_name(name: str) -> bool:
    return ZONE_WORD.search(name) is not None


def zone_body(words: str) -> str:
    """The words after the last zone word (平潭综合实验区管委会办公室 → 办公室, 综合实验区行政审批局 →
    行政审批局): the body of the zone that the name ends with; `words` itself when it has no zone word."""
    last = None
    for last in ZONE_WORD.finditer(words):
        pass
    return words[last.end() :] if last is not None else words
