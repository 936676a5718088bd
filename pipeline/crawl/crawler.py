"""The crawl: a bounded, prioritised walk from a portal's start pages to its annual reports.

Workers take the most promising URL first (attachments of found reports, then next pages of a
list, report pages, sections named like 信息公开年报, and only near the start page anything else),
so a page budget is spent on reports rather than news. Every fetch (and every redirect hop) goes
through robots.txt, the allowed origins and the per-host throttle, and is logged; every body is
stored. A URL that does not parse, or a body that breaks a reader, is that URL's recorded failure:
the crawl goes on, and a resumed crawl does not trip over it again.

Resuming: a crawl that did not finish (killed, interrupted, or stopped by the page budget) is
continued by the next crawl of the same portal under the same crawl id. URLs that crawl already
fetched are replayed from the store, not refetched, so the walk reaches exactly where it stopped.
A finished crawl is followed by a new one that sends conditional requests instead.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pipeline.contract import SOURCE_FORMATS
from pipeline.crawl.config import PortalConfig, host_of
from pipeline.crawl.discover import (
    FILE_SUFFIXES,
    Link,
    extract_links,
    is_followable,
    is_report_title,
    json_links,
    link_preference,
    looks_like_section,
    page_chain,
    parse_json,
    report_links,
)
from pipeline.crawl.fetch import Fetcher, Response, make_client
from pipeline.crawl.offsite import url_problem
from pipeline.crawl.robots import MAX_BYTES as ROBOTS_MAX_BYTES
from pipeline.crawl.robots import Robots, robots_url
from pipeline.crawl.store import FetchRecord, RawStore
from pipeline.crawl.throttle import HostThrottle
from pipeline.errors import DocumentError
from pipeline.extract import detect_format
from pipeline.extract.decode import decode_html
from pipeline.extract.html import page_facts, page_tree

# Links that are neither reports nor named like a disclosure section are followed only from
# pages this close to the start page, and only to sections: enough to get from a home page into
# its sections without reading its news.
EXPLORE_DEPTH = 1
READABLE_FORMATS = frozenset(SOURCE_FORMATS)

# Queue priorities: lower is taken first.
_ATTACHMENT, _LIST_PAGE, _REPORT, _SECTION, _OTHER = 0, 1, 2, 3, 50


@dataclass(frozen=True)
class CrawlEvent:
    kind: str  # fetched | unchanged | reused | failed | report | attachment | robots_disallowed | offsite
    url: str
    detail: str | None = None


@dataclass
class CrawlSummary:
    pages_fetched: int = 0  # requests sent (robots.txt not counted), including 304s and failures
    reports_found: int = 0
    attachments: int = 0
    unchanged: int = 0  # answered 304 Not Modified
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason code)
    robots_disallowed: int = 0
    offsite_refused: int = 0
    unsupported: list[tuple[str, str]] = field(default_factory=list)  # (url, kind e.g. ".xls"): kept, unreadable
    robots_unreadable: list[tuple[str, str]] = field(default_factory=list)  # (robots.txt URL, reason): host skipped
    parked: list[tuple[str, str]] = field(default_factory=list)  # (host, why): nothing more sent to it this crawl
    delay_capped: list[tuple[str, float, float]] = field(default_factory=list)  # (host, Crawl-delay asked, applied)
    reused: int = 0  # taken from the interrupted crawl being resumed, not refetched
    resumed: bool = False
    budget_exhausted: bool = False
    crawl_id: str = ""


@dataclass(frozen=True)
class _Task:
    url: str
    role: str  # page | json | report | attachment
    depth: int
    parent: str | None = None
    title: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class _Body:
    record: FetchRecord
    data: bytes


class _Crawl:
    def __init__(self, config: PortalConfig, store: RawStore, fetcher: Fetcher, crawl_id: str,
                 budget: int, progress: Callable[[CrawlEvent], None] | None, summary: CrawlSummary) -> None:
        self.config, self.store, self.fetcher, self.crawl_id = config, store, fetcher, crawl_id
        self.budget, self.progress, self.summary = budget, progress, summary
        self.queue: list[tuple[int, int, _Task]] = []
        self.counter = itertools.count()
        self.seen: set[str] = set()
        self.answers: dict[str, frozenset[str]] = {}  # the links of the last answer of each paged chain
        self.refused: set[str] = set()
        self.robots: dict[str, asyncio.Future[Robots]] = {}
        self.wakeup = asyncio.Condition()
        self.active = 0
        self.done = store.logged(crawl_id) if summary.resumed else {}
        self.validators = store.validators()

    # -- queue -----------------------------------------------------------------------------------
    def push(self, task: _Task, priority: int) -> None:
        if task.url in self.seen:
            return
        problem = url_problem(task.url)
        if problem is not None:  # a link that does not parse is its own failure, never the crawl's
            self.seen.add(task.url)
            self.fail(task.url, problem)
            self.store.log_fetch(self.crawl_id, FetchRecord(url=task.url, error=problem, attempts=0))
            return
        if not self.fetcher.origins.allows(task.url):
            if task.url not in self.refused:
                self.refused.add(task.url)
                self.summary.offsite_refused += 1
                self.emit("offsite", task.url)
            return
        self.seen.add(task.url)
        heapq.heappush(self.queue, (priority, next(self.counter), task))

    async def run(self, workers: int) -> None:
        await asyncio.gather(*(self.worker() for _ in range(workers)))

    async def worker(self) -> None:
        while True:
            async with self.wakeup:
                await self.wakeup.wait_for(lambda: self.queue or self.active == 0)
                if not self.queue:
                    self.wakeup.notify_all()
                    return
                _, _, task = heapq.heappop(self.queue)
                self.active += 1
            try:
                await self.visit(task)
            finally:
                async with self.wakeup:
                    self.active -= 1
                    self.wakeup.notify_all()

    def fail(self, url: str, reason: str) -> None:
        self.summary.failed.append((url, reason))
        self.emit("failed", url, reason)

    def emit(self, kind: str, url: str, detail: str | None = None) -> None:
        if self.progress is not None:
            self.progress(CrawlEvent(kind, url, detail))

    # -- fetching ------------------------------------------------------------------------------
    async def get(self, url: str) -> _Body | None:
        """The body of `url`: this crawl's earlier fetch when resuming, else a (conditional) GET."""
        prior = self.done.get(url)
        if prior is not None and self.store.has(prior.sha256):
            self.summary.reused += 1
            self.emit("reused", url)
            return _Body(prior, self.store.get(prior.sha256))
        if self.summary.pages_fetched >= self.budget:
            self.summary.budget_exhausted = True
            return None
        if not await self.robots_allow(url):
            self.summary.robots_disallowed += 1
            self.emit("robots_disallowed", url)
            return None
        if host_of(url) in self.fetcher.throttle.parked:
            self.fail(url, "host_parked")
            self.store.log_fetch(self.crawl_id, FetchRecord(url=url, error="host_parked", attempts=0))
            return None
        self.summary.pages_fetched += 1
        validators = self.validators.get(url)
        if validators is not None and not self.store.has(validators.sha256):
            validators = None
        response = await self.fetcher.fetch(url, validators, hop_check=self.hop_check)
        if response.status == 304 and validators is not None and response.error is None:
            record = replace(
                _record(response, validators.sha256),
                etag=response.headers.get("etag") or validators.etag,
                last_modified=response.headers.get("last-modified") or validators.last_modified,
                content_type=response.content_type or validators.content_type,
                charset=response.charset or validators.charset)
            data = self.store.get(validators.sha256)
            self.summary.unchanged += 1
            self.emit("unchanged", url)
        else:
            sha = self.store.put(response.body) if response.status is not None else None
            record, data = _record(response, sha), response.body
            self.emit("fetched" if response.ok else "failed", url, response.error)
        self.store.log_fetch(self.crawl_id, record)
        if record.error is not None:
            self.summary.failed.append((url, record.error))
            return None
        return _Body(record, data)

    async def hop_check(self, url: str) -> str | None:
        """Every redirect hop obeys robots.txt, not only the URL first asked for."""
        return None if await self.robots_allow(url) else "redirect_robots_disallowed"

    async def robots_allow(self, url: str) -> bool:
        host = host_of(url)
        if host not in self.robots:
            self.robots[host] = asyncio.ensure_future(self.fetch_robots(robots_url(url)))
        robots = await self.robots[host]
        return robots.can_fetch(self.config.user_agent, url)

    async def fetch_robots(self, url: str) -> Robots:
        prior = self.done.get(url)
        if prior is not None and self.store.has(prior.sha256):
            response = Response(url, url, prior.status, self.store.get(prior.sha256))
        else:
            response = await self.fetcher.fetch(url, keep_first=ROBOTS_MAX_BYTES)
            sha = self.store.put(response.body) if response.status is not None else None
            self.store.log_fetch(self.crawl_id, _record(response, sha))
        robots = Robots.from_fetch(response.status, response.body.decode("utf-8", "replace"))
        if robots.disallow_all:
            self.summary.robots_unreadable.append((url, response.error or f"http_{response.status}"))
        delay = robots.crawl_delay(self.config.user_agent)
        if delay:
            applied = self.fetcher.throttle.set_host_delay(host_of(url), delay)
            if applied < delay:
                self.summary.delay_capped.append((host_of(url), delay, applied))
        return robots

    # -- what each page means ------------------------------------------------------------------
    async def visit(self, task: _Task) -> None:
        body = await self.get(task.url)
        if body is None:
            return
        try:
            self.interpret(task, body)
        except (OSError, sqlite3.Error):  # the store's own trouble (a full disk) stops the crawl, as it should
            raise
        except Exception as exc:  # noqa: BLE001 - one hostile body is that URL's failure, not the crawl's
            self.fail(task.url, f"unreadable_body:{type(exc).__name__}")

    def interpret(self, task: _Task, body: _Body) -> None:
        """What the body means for the crawl: a report or attachment to record, or links to follow."""
        where = body.record.final_url or task.url  # relative links resolve against where a redirect ended
        fmt = detect_format(body.data, where, body.record.content_type)
        if task.role == "attachment" or (task.role == "report" and fmt != "html"):
            self.record(task, body, fmt, "attachment" if task.role == "attachment" else "report_page")
        elif task.role == "report":
            self.report_page(task, body, where)
        elif task.role == "json" or body.record.content_type == "application/json":
            data = parse_json(body.data)
            if data is None and task.role == "json":
                self.fail(task.url, "unreadable_json")
                return
            self.follow(json_links(data, where, self.config.json_endpoint), task)
        elif fmt == "html":
            self.list_page(task, body, where)

    def list_page(self, task: _Task, body: _Body, where: str) -> None:
        try:
            text, _ = decode_html(body.data, body.record.charset)
        except DocumentError as exc:
            self.fail(task.url, exc.reason)
            return
        found = extract_links(text, where, link_selector=self.config.list_link_selector,
                              pagination_selector=self.config.pagination_selector)
        for url in found.pagination:
            self.push(_Task(url, "page", task.depth, task.url), _LIST_PAGE)
        for url in found.json_endpoints:
            self.push(_Task(url, "json", task.depth, task.url), _LIST_PAGE)
        for url in found.continuations:  # only paged proxy answers have one
            answer = frozenset(link.url for link in found.links)
            chain = page_chain(url)
            if self.answers.get(chain) != answer:  # the same answer again: the page number is ignored
                self.answers[chain] = answer
                self.push(_Task(url, "page", task.depth, task.url), _LIST_PAGE)
        for url in found.forwards:
            if is_followable(url):
                self.push(_Task(url, "page", task.depth, task.url), _LIST_PAGE)
        self.follow(found.links, task)

    def follow(self, links: list[Link], task: _Task) -> None:
        depth = task.depth + 1
        for link in links:
            if is_report_title(link.text):
                self.push_report(link, task)
                continue
            if depth > self.config.max_depth or not is_followable(link.url) or FILE_SUFFIXES.search(link.url):
                continue
            preference = link_preference(link.text)
            if preference is not None:
                self.push(_Task(link.url, "page", depth, task.url), _SECTION + preference)
            elif task.depth < EXPLORE_DEPTH and looks_like_section(link.url):
                self.push(_Task(link.url, "page", depth, task.url), _OTHER)

    def report_page(self, task: _Task, body: _Body, where: str) -> None:
        try:
            text, encoding = decode_html(body.data, body.record.charset)
        except DocumentError:  # kept and recorded all the same; parsing reports the problem per document
            self.record(task, body, "html", "report_page")
            return
        tree = page_tree(text, body.data, encoding)  # one DOM for the page's facts and its links
        facts = page_facts(tree, where)
        self.record(task, body, "html", "report_page", title=facts.title, published_on=facts.published_on,
                    charset=encoding)
        for attachment in facts.attachments:
            self.push(_Task(attachment.url, "attachment", task.depth + 1, task.url, attachment.text or None),
                      _ATTACHMENT)
        # Report pages link other reports (上一篇/下一篇, a year's column of agencies' reports): follow those only.
        if task.depth < self.config.max_depth:
            for link in report_links(tree, where):
                self.push_report(link, task)

    def push_report(self, link: Link, task: _Task) -> None:
        """A link titled as a report: its page, or the report file itself when a list links the PDF/DOCX."""
        self.push(_Task(link.url, "report", task.depth + 1, task.url, link.text, link.date), _REPORT)

    def record(self, task: _Task, body: _Body, fmt: str, kind: str, *, title: str | None = None,
               published_on: str | None = None, charset: str | None = None) -> None:
        source_format = fmt if fmt in READABLE_FORMATS else "unsupported"
        if source_format == "unsupported":
            self.summary.unsupported.append((task.url, fmt))
        self.store.record_document(
            url=task.url, final_url=body.record.final_url, portal=self.config.name,
            region_code=self.config.region_code, kind=kind, parent_url=task.parent,
            title=title or task.title, published_on=published_on or task.date, sha256=body.record.sha256,
            content_type=body.record.content_type, charset=charset, source_format=source_format)
        if kind == "attachment":
            self.summary.attachments += 1
        else:
            self.summary.reports_found += 1
        self.emit("attachment" if kind == "attachment" else "report", task.url, source_format)


def _record(response: Response, sha: str | None) -> FetchRecord:
    return FetchRecord(
        url=response.url, final_url=response.final_url, status=response.status,
        content_type=response.content_type, charset=response.charset, etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"), sha256=sha,
        bytes=len(response.body) if response.status is not None else None,
        error=response.error, attempts=response.attempts)


async def crawl(config: PortalConfig, store: RawStore, *, max_pages: int | None = None,
                progress: Callable[[CrawlEvent], None] | None = None) -> CrawlSummary:
    """Crawl one portal into `store`; `max_pages` (else the portal's `max_pages`) caps the requests sent."""
    crawl_id, resumed = store.begin_crawl(config.name)
    summary = CrawlSummary(resumed=resumed, crawl_id=crawl_id)
    budget = max_pages if max_pages is not None else config.max_pages
    throttle = HostThrottle(config.rate.concurrency, config.rate.min_delay, config.rate.max_crawl_delay)
    async with make_client(config) as client:
        run = _Crawl(config, store, Fetcher(config, throttle, client), crawl_id, budget, progress, summary)
        for url in config.start_urls:
            run.push(_Task(url, "page", 0), _SECTION)
        if config.json_endpoint is not None:
            run.push(_Task(config.json_endpoint["url"], "json", 1), _LIST_PAGE)
        await run.run(workers=max(4, 2 * config.rate.concurrency * len(config.allowed_domains)))
    summary.parked = sorted(throttle.parked.items())
    if not summary.budget_exhausted:
        store.finish_crawl(crawl_id)
    return summary


def crawl_sync(config: PortalConfig, store: RawStore, *, max_pages: int | None = None,
               progress: Callable[[CrawlEvent], None] | None = None) -> CrawlSummary:
    """`crawl` for callers without an event loop (the CLI, Dagster assets)."""
    return asyncio.run(crawl(config, store, max_pages=max_pages, progress=progress))
