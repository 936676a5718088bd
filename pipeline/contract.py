"""The data contract's English names beside the template's Chinese labels.

This is the one place where Chinese labels live (see `shared/contract/annual-report-tables.md`).
Every other module uses the English names; parsers match labels through the tables below so a
new spelling seen in the wild is added here once and every layout benefits.
"""

from __future__ import annotations

from typing import Final

# Section 三 applicant columns, in template order.
APPLICANTS: Final[tuple[str, ...]] = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
APPLICANT_LABELS: Final[dict[str, str]] = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "social_welfare_org": "社会公益组织",
    "legal_service_org": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
ORGANISATION_APPLICANTS: Final[tuple[str, ...]] = APPLICANTS[1:6]
# The header cell over the five organisation columns (it contains "其他" without being that column).
ORGANISATION_GROUP_LABEL: Final[str] = "法人或其他组织"

# Section 三 rows, in template order, with the label as the template prints it.
ITEM_LABELS: Final[dict[str, str]] = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开",
    "denied_state_secret": "1.属于国家秘密",
    "denied_law_prohibited": "2.其他法律行政法规禁止公开",
    "denied_three_safeties": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_admin_query": "8.属于行政查询事项",
    "unable_no_info": "1.本机关不掌握相关政府信息",
    "unable_need_creation": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "not_processed_petition": "1.信访举报投诉类申请",
    "not_processed_duplicate": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_excessive": "4.无正当理由大量反复申请",
    "not_processed_confirm": "5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "other_processed": "（六）其他处理",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
ITEMS: Final[tuple[str, ...]] = tuple(ITEM_LABELS)

# Group headings under 三、本年度办理结果 that own the numbered sub-rows above.
ITEM_GROUP_LABELS: Final[dict[str, str]] = {
    "denied": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}

# Result rows summed by consistency rule 2 (everything between granted and total_processed).
RESULT_ITEMS: Final[tuple[str, ...]] = ITEMS[ITEMS.index("granted") : ITEMS.index("total_processed")]
ITEMS_2021_ONLY: Final[tuple[str, ...]] = ("other_no_correction", "other_unpaid_fee", "other_other")
ITEMS_2019_ONLY: Final[tuple[str, ...]] = ("other_processed",)

# Section 四: three groups x five outcomes.
REVIEW_GROUPS: Final[tuple[str, ...]] = ("review", "litigation_direct", "litigation_after_review")
REVIEW_GROUP_LABELS: Final[dict[str, str]] = {
    "review": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after_review": "复议后起诉",
}
OUTCOMES: Final[tuple[str, ...]] = ("upheld", "corrected", "other", "pending", "total")
OUTCOME_LABELS: Final[dict[str, str]] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

# Section 二, 2021 template: field -> (row label, column label).
PROACTIVE_2021_LABELS: Final[dict[str, tuple[str, str]]] = {
    "rules_issued": ("规章", "本年制发件数"),
    "rules_repealed": ("规章", "本年废止件数"),
    "rules_in_force": ("规章", "现行有效件数"),
    "normative_issued": ("行政规范性文件", "本年制发件数"),
    "normative_repealed": ("行政规范性文件", "本年废止件数"),
    "normative_in_force": ("行政规范性文件", "现行有效件数"),
    "licensing_decisions": ("行政许可", "本年处理决定数量"),
    "penalty_decisions": ("行政处罚", "本年处理决定数量"),
    "compulsion_decisions": ("行政强制", "本年处理决定数量"),
    "fees_10k_yuan": ("行政事业性收费", "本年收费金额（单位：万元）"),
}
PROACTIVE_2021: Final[tuple[str, ...]] = tuple(PROACTIVE_2021_LABELS)

# Section 二, 2019 template: field -> (row label, column label).
PROACTIVE_2019_LABELS: Final[dict[str, tuple[str, str]]] = {
    "rules_new_made": ("规章", "本年新制作数量"),
    "rules_new_published": ("规章", "本年新公开数量"),
    "rules_total_published": ("规章", "对外公开总数量"),
    "normative_new_made": ("规范性文件", "本年新制作数量"),
    "normative_new_published": ("规范性文件", "本年新公开数量"),
    "normative_total_published": ("规范性文件", "对外公开总数量"),
    "licensing_prev_items": ("行政许可", "上一年项目数量"),
    "licensing_change": ("行政许可", "本年增/减"),
    "licensing_decisions": ("行政许可", "处理决定数量"),
    "other_services_prev_items": ("其他对外管理服务事项", "上一年项目数量"),
    "other_services_change": ("其他对外管理服务事项", "本年增/减"),
    "other_services_decisions": ("其他对外管理服务事项", "处理决定数量"),
    "penalty_prev_items": ("行政处罚", "上一年项目数量"),
    "penalty_change": ("行政处罚", "本年增/减"),
    "penalty_decisions": ("行政处罚", "处理决定数量"),
    "compulsion_prev_items": ("行政强制", "上一年项目数量"),
    "compulsion_change": ("行政强制", "本年增/减"),
    "compulsion_decisions": ("行政强制", "处理决定数量"),
    "fees_prev_items": ("行政事业性收费", "上一年项目数量"),
    "fees_change": ("行政事业性收费", "本年增/减"),
    "procurement_items": ("政府集中采购", "采购项目数量"),
    "procurement_amount_yuan": ("政府集中采购", "采购总金额"),
}
PROACTIVE_2019: Final[tuple[str, ...]] = tuple(PROACTIVE_2019_LABELS)

# Every section-二 field the warehouse knows, 2021 first (licensing_decisions is shared).
PROACTIVE_FIELDS: Final[tuple[str, ...]] = PROACTIVE_2021 + tuple(
    f for f in PROACTIVE_2019 if f not in PROACTIVE_2021
)
DECIMAL_PROACTIVE_FIELDS: Final[frozenset[str]] = frozenset({"fees_10k_yuan", "procurement_amount_yuan"})

TEMPLATES: Final[tuple[str, ...]] = ("2021", "2019", "unknown")
# doc: Word 97-2003 and WPS; rtf: Rich Text (both often served as .doc); "+ocr": read from page
# images (a scanned PDF, an image file) by OCR
SOURCE_FORMATS: Final[tuple[str, ...]] = ("html", "text", "docx", "doc", "rtf", "pdf", "pdf+ocr", "image+ocr")
AGENCY_LEVELS: Final[tuple[str, ...]] = ("province", "city", "county", "township")
AGENCY_KINDS: Final[tuple[str, ...]] = ("government", "department", "zone")

# Consistency rules of the contract, by the id findings carry.
RULES: Final[dict[str, str]] = {
    "rule1": "per column: new_received + carried_over = total_processed + carried_forward",
    "rule2": "per column: total_processed = sum of all result rows",
    "rule3": "per row: total = natural_person + the five organisation columns",
    "rule4": "all counts are non-negative integers",
    "rule5": "section 四: total = upheld + corrected + other + pending",
}

# Crawling: how a link's text (or title attribute) marks an annual disclosure report, a section
# worth walking towards one, or the next page of a list. Matched after removing whitespace.
REPORT_TITLE_MARKERS: Final[tuple[str, ...]] = ("年度报告", "年报", "信息公开工作报告")
DISCLOSURE_MARKERS: Final[tuple[str, ...]] = ("政府信息公开", "政务信息公开", "政务公开", "信息公开")
# Annual reports that are not disclosure reports, and pages about a report rather than the report.
NOT_REPORT_MARKERS: Final[tuple[str, ...]] = ("政府工作报告", "法治政府建设", "通知", "图解", "解读")
# A report title names its year: 2023年 / 2023年度 / 二〇二三年.
REPORT_YEAR_PATTERN: Final[str] = r"(?:19|20)\d{2}\s*年|[二][〇零○][〇零○一二三四五六七八九]{2}年"
PREFERRED_LINK_MARKERS: Final[tuple[str, ...]] = (
    "信息公开年报", "年度报告", "政府信息公开", "政务公开", "信息公开", "年报",
)
NEXT_PAGE_MARKERS: Final[tuple[str, ...]] = ("下一页", "下页", "后一页")

# Spellings the parser matches, compared after NFKC normalisation with all whitespace removed
# (so "（一）" and "(一)", "商业 企业" and "商业企业" are the same). Each section-三 row is found by a
# fragment unique to its label, because reports number sub-rows differently ("1." / "1、" / none).
ITEM_PATTERNS: Final[dict[str, str]] = {
    "new_received": r"本年新收",
    "carried_over": r"上年结转",
    "granted": r"予以公开",
    "partially_granted": r"部分公开",
    "denied_state_secret": r"国家秘密",
    "denied_law_prohibited": r"禁止公开|其他法律行政",  # also printed with 法规禁 dropped
    "denied_three_safeties": r"三安全一稳定|危及",
    "denied_third_party": r"第三方合法权益",
    "denied_internal_affairs": r"内部事务",
    "denied_process_info": r"过程性信息",
    "denied_enforcement_file": r"行政执法案卷",
    "denied_admin_query": r"行政查询事项",
    "unable_no_info": r"不掌握",
    "unable_need_creation": r"另行制作",
    "unable_unclear": r"仍不明确",
    "not_processed_petition": r"信访举报投诉",
    "not_processed_duplicate": r"重复申请",
    "not_processed_publication": r"公开出版物",
    "not_processed_excessive": r"大量反复申请",
    "not_processed_confirm": r"重新出具|确认或重新",
    "other_no_correction": r"逾期不补正",
    "other_unpaid_fee": r"缴纳费用",
    "other_other": r"^3[.、]?其[他它]$",
    "other_processed": r"^(?:\(六\)|六、|六)?其他处理$",
    "total_processed": r"^(?:\(七\)|七、|七)[总合]计$",
    "carried_forward": r"结转下年度|下年度继续办理",
}
# Rows whose label, printed without its number, says too little to name the row on its own: "其他"
# and "总计" are also applicant columns of the header. Such a bare label starts the row only right
# after one of the rows it follows in the template (and when values, not more header words, come next).
ITEM_BARE_PATTERNS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "other_other": (r"^其[他它]$", ("other_no_correction", "other_unpaid_fee")),
    "total_processed": (r"^[总合]计$", ("other_no_correction", "other_unpaid_fee", "other_other", "other_processed")),
}

# Section headings of the report body (matched at the start of a line of the raw text).
SECTION_HEADING_PATTERNS: Final[dict[str, str]] = {
    "proactive": r"[二2]\s*[、.．]?[^\n]{0,20}主动公开[^\n]{0,20}",
    "applications": r"[三3]\s*[、.．]?[^\n]{0,20}收到和处理[^\n]{0,30}",
    "review_litigation": r"[四4]\s*[、.．]?[^\n]{0,30}行政复议[^\n]{0,30}",
    # Arabic-numbered only with its words: "5.属于三类内部事务信息" is a row of table 三.
    "problems": r"(?:[五六]\s*[、.．]|[56]\s*[、.．][^\n]{0,12}(?:存在的主要问题|其他需要报告))[^\n]{0,40}",
}
# Fallback anchors when a heading is missing: a fragment that only the section's table carries.
SECTION_ANCHORS: Final[dict[str, str]] = {
    "proactive": "第二十条",
    "applications": "本年新收",
    "review_litigation": "行政复议",
}

# Section-二 column headers that tell the two templates apart.
PROACTIVE_2021_MARKERS: Final[tuple[str, ...]] = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")
PROACTIVE_2019_MARKERS: Final[tuple[str, ...]] = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量")
# Row labels written either way in the wild; mapped to the spelling of the template's table.
PROACTIVE_ROW_ALIASES: Final[dict[str, str]] = {"规范性文件": "行政规范性文件", "行政规范性文件": "规范性文件"}
TEN_THOUSAND_YUAN: Final[str] = "万元"

# Cell contents that mean "nothing to report": counted as null, the token kept as raw.
# What OCR writes for a cell it cannot read for sure: 〓 (U+3013, the geta mark Chinese type sets
# for a character it lacks). A null token, so the cell is null and the parser reports it as
# `ocr_uncertain`. Not U+FFFD, which a decoder writes for damaged bytes.
OCR_UNSURE_TOKEN: Final[str] = "\u3013"
NULL_TOKENS: Final[frozenset[str]] = frozenset({"—", "——", "-", "--", "/", "无", "–", "―", "─", "×", "空", OCR_UNSURE_TOKEN})

# The document is an annual report on government information disclosure.
REPORT_TITLE_PATTERN: Final[str] = r"政府信息公开(?:工作)?年度报告"
# Statistics-period sentence: 本报告中所列数据的统计期限自2023年1月1日起… (also "自20231月1日").
STATISTICS_PERIOD_PATTERN: Final[str] = r"统计期限(?:自|为|是)?\s*((?:19|20)\d{2})\s*年?\s*\d{1,2}\s*月"
# Page chrome that carries the publication date.
DATE_LABELS: Final[tuple[str, ...]] = ("发布日期", "发布时间", "成文日期", "日期", "时间")
# Suffixes of a contact office named in the preamble (请与…办公室联系) rather than the publishing body.
CONTACT_OFFICE_SUFFIXES: Final[tuple[str, ...]] = ("党政综合办公室", "综合办公室", "党政办公室", "党政综合部", "党政办", "办公室")
# Endings of a body's name, used to recognise the signature line above the date.
AGENCY_SUFFIXES: Final[tuple[str, ...]] = (
    "政府", "办事处", "委员会", "管委会", "办公室", "办公厅", "局", "委", "办", "厅", "中心", "院", "所", "站", "处", "队", "部", "会",
)
# Other kinds of report a portal lists next to the disclosure reports.
OTHER_REPORT_KINDS: Final[tuple[str, ...]] = ("政府工作报告", "法治政府建设", "工作总结", "工作计划", "统计公报")

# How the template prints the headings and header cells the renderers (pipeline/render) write:
# one spelling each, the national template's own; the parser matches the patterns above.
SECTION_TITLES: Final[dict[str, str]] = {
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other_matters": "六、其他需要报告的事项",
}
REPORT_TITLE_FORMAT: Final[str] = "{agency}{year}年政府信息公开工作年度报告"
# Section 二 is printed in blocks, one per article of 条例 第二十条 (by item number).
PROACTIVE_ARTICLE_LABELS: Final[dict[int, str]] = {
    1: "第二十条第（一）项", 5: "第二十条第（五）项", 6: "第二十条第（六）项", 8: "第二十条第（八）项", 9: "第二十条第（九）项",
}
PROACTIVE_CONTENT_HEADER: Final[str] = "信息内容"
# The word every rendering of the printed balance note keeps, however its brackets are set.
BALANCE_NOTE_MARKER: Final[str] = "勾稽关系"
APPLICATIONS_TABLE_LABELS: Final[dict[str, str]] = {
    "balance_note": "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "applicants": "申请人情况",
    "organisations": "法人或其他组织",
    "results": "三、本年度办理结果",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
}
REVIEW_LITIGATION_LABEL: Final[str] = "行政诉讼"
# The column names converters (PDF/OCR/LLM → markdown) invent for the small tables they cut
# section 三 into ("类别 | 数据1 … 数据6 | 总计"), for the renderer of that layout.
CONVERTED_ROW_HEADER: Final[str] = "类别"
CONVERTED_COLUMN_FORMAT: Final[str] = "数据{n}"
# Page furniture of PDF exports: "- 3 -", "第3页", "第3页 共8页", "3/8".
PAGE_NUMBER_PATTERN: Final[str] = r"^(?:[-—–\s]*\d{1,3}[-—–\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$"
# Characters OCR takes for one another (a dot or a stroke apart): a name naming no division that is
# one of these away from exactly one division is that division misread (沐阳县 for 沭阳县).
OCR_CONFUSABLE_CHARACTERS: Final[tuple[str, ...]] = (
    "沭沐", "己已巳", "未末", "土士", "日曰", "戊戌戍", "大太犬", "人入八", "干千于", "王玉主", "田由甲申",
    "贝见", "鸟乌", "汩汨", "侯候", "冶治", "柬束", "崇祟", "拔拨", "茶荼", "刺剌", "析折", "洒酒",
)
# Department names that reports give in their short form (上海市科委), with the full form the
# contract's agency field holds (上海市科学技术委员会). Only whole, well-established short names.
DEPARTMENT_SHORT_NAMES: Final[dict[str, str]] = {
    "科委": "科学技术委员会", "发改委": "发展和改革委员会", "卫健委": "卫生健康委员会", "教委": "教育委员会",
    "经信委": "经济和信息化委员会", "住建委": "住房和城乡建设委员会", "交通委": "交通委员会",
    "农委": "农业农村委员会", "民宗委": "民族宗教事务委员会", "国资委": "国有资产监督管理委员会",
    "侨办": "人民政府侨务办公室", "发改局": "发展和改革局", "住建局": "住房和城乡建设局",
    "人社局": "人力资源和社会保障局", "市监局": "市场监督管理局", "卫健局": "卫生健康局",
}
