"""A page image's layout: paper and ink, skew, ruling lines, table frames, lines of text.

Everything here is measured on the image in units of its own text height, so a 100 dpi scan and a
300 dpi one, or a pasted picture of a table alone, are handled by the same rules. Red ink (seals,
signatures in red) is dropped first: the brightest of the three channels is the grey value, so a
red stroke reads as paper while black ink under it stays black.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_MAX_SKEW = 2.0  # degrees tried either way: scans are put on the glass by hand, never far off


@dataclass
class Frame:
    """A ruled table on the straightened page: row and column boundaries in pixels (top to bottom,
    left to right) and the merged-cell id of each elementary cell."""

    ys: list[float]
    xs: list[float]
    ids: list[list[int]]


@dataclass
class Page:
    grey: np.ndarray  # straightened, red dropped, paper white
    ink: np.ndarray  # bool: dark pixels of `grey`
    red: np.ndarray  # bool: red ink dropped from `grey`
    text_height: float  # height of a character, pixels
    skew: float  # degrees the scan was turned


def grey_without_red(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The brightest channel of a colour image, where red ink is paper, and the mask of the red
    ink (a cell under a seal that reads as nothing was not blank); a grey image as it is."""
    if image.ndim == 2:
        return image, np.zeros(image.shape, bool)
    channels = image.astype(np.int16)
    red = channels[:, :, 2] - np.maximum(channels[:, :, 0], channels[:, :, 1]) > 40
    grey = image.max(axis=2)
    grey[red] = 255  # a seal's ink hides what lies under it: reading it as paper adds no strokes
    return grey, red


def _ink(grey: np.ndarray) -> np.ndarray:
    """Dark pixels, by Otsu's threshold over the page (tinted paper and grey ink both separate)."""
    import cv2

    threshold, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return grey < min(threshold, 200)


def _rotate(grey: np.ndarray, degrees: float, fill: int) -> np.ndarray:
    import cv2

    h, w = grey.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(grey, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def _skew(ink: np.ndarray) -> float:
    """The rotation that makes the rows of ink sharpest: text lines and rulings are horizontal
    when the row profile varies most. Coarse steps on a half-size image, then fine ones."""
    import cv2

    small = cv2.resize(ink.astype(np.uint8) * 255, (ink.shape[1] // 2, ink.shape[0] // 2),
                       interpolation=cv2.INTER_AREA)

    def sharpness(angle: float) -> float:
        profile = _rotate(small, angle, 0).sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, 0.25), key=sharpness)
    return float(max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05), key=sharpness))


def _text_height(ink: np.ndarray) -> float:
    """Height of a character: the upper quartile of the heights of the ink's connected parts of
    character size (not dots, not rulings). Not the median: a Chinese character is often several
    parts (radicals, the strokes of 三), each lower than the character."""
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    sized = heights[(heights >= 4) & (heights <= 120) & (widths <= 3 * heights)]
    return float(np.percentile(sized, 75)) if len(sized) else 20.0


def prepare(image: np.ndarray) -> Page:
    """The page straightened, its red ink dropped, its paper levelled to white."""
    grey, red = grey_without_red(image)
    paper = int(np.percentile(grey, 90))
    grey = np.clip(grey.astype(np.float32) * (255.0 / max(paper, 1)), 0, 255).astype(np.uint8)
    skew = _skew(_ink(grey))
    if abs(skew) >= 0.05:
        grey = _rotate(grey, skew, 255)
        red = _rotate(red.astype(np.uint8), skew, 0) > 0
    ink = _ink(grey)
    height = _text_height(ink)
    return Page(grey, _without_specks(ink, height), red, height, skew)


def _without_specks(ink: np.ndarray, text_height: float) -> np.ndarray:
    """Ink without the specks JPEG noise and a dropped seal's fringe leave: parts smaller than
    a full stop."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < max(3, 0.008 * text_height ** 2)
    small[0] = False
    return ink & ~small[labels]


def _segments(mask: np.ndarray, horizontal: bool, text_height: float) -> list[tuple[float, float, float]]:
    """Connected strokes of a line mask as (position across, start, end along): the thin ones
    (a bold character stroke run together with its neighbours is thick)."""
    import cv2

    count, _, stats, centres = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    out = []
    thin = max(3.0, 0.3 * text_height)
    for (x, y, w, h, area), (cx, cy) in zip(stats[1:], centres[1:]):
        if horizontal and area <= thin * w:  # mean thickness: a ring touching it widens the box, not the line
            out.append((float(cy), float(x), float(x + w)))
        elif not horizontal and area <= thin * h:
            out.append((float(cx), float(y), float(y + h)))
    return out


def _lines(mask: np.ndarray, red: np.ndarray) -> np.ndarray:
    """The straight strokes of `mask` that are mostly not red: a seal's ring is straight for a
    short stretch where it is tangent to a ruling's direction, and that stretch is no ruling."""
    import cv2

    count, labels = cv2.connectedComponents(mask, connectivity=8)
    red_share = np.bincount(labels.ravel(), weights=red.ravel(), minlength=count) / np.maximum(
        np.bincount(labels.ravel(), minlength=count), 1)
    keep = red_share < 0.5
    keep[0] = False
    return keep[labels].astype(np.uint8)


def _snap(values: list[float], tolerance: float) -> dict[float, float]:
    """Each value mapped to the mean of its cluster (values within `tolerance` of the previous)."""
    mapping: dict[float, float] = {}
    cluster: list[float] = []

    def close() -> None:
        mean = sum(cluster) / len(cluster)
        mapping.update((v, mean) for v in cluster)

    for value in sorted(set(values)):
        if cluster and value - cluster[-1] > tolerance:
            close()
            cluster = []
        cluster.append(value)
    if cluster:
        close()
    return mapping


def _nearest(value: float, targets: list[float], tolerance: float) -> float:
    best = min(targets, key=lambda t: abs(t - value), default=value)
    return best if abs(best - value) <= tolerance else value


def frames(page: Page) -> list[Frame]:
    """The ruled tables of the page, whose rulings are then erased from it. Strokes longer than
    any character's that cross other such strokes are rulings; their positions are snapped to
    shared lines and their ends to the crossing lines, so the grid logic of the PDF reader
    (`pdf._ruled_tables`) applies as it does to drawn PDF rulings."""
    import cv2

    from pipeline.extract.pdf import _Page, _ruled_tables

    h = page.text_height
    ink = (page.ink | page.red).astype(np.uint8)  # a ruling runs on under a seal
    horizontal = _lines(cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, int(h * 2.5)), np.uint8)), page.red)
    vertical = _lines(cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((int(h * 1.3), 1), np.uint8)), page.red)
    hs = _segments(horizontal, True, h)
    vs = _segments(vertical, False, h)
    tolerance = max(3.0, 0.35 * h)
    hs += _open_edges(hs, vs, tolerance, h)
    y_of = _snap([s[0] for s in hs], tolerance)
    x_of = _snap([s[0] for s in vs], tolerance)
    hs = _bridged([(y_of[y], x0, x1) for y, x0, x1 in hs], h, page.red)
    vs = _bridged([(x_of[x], y0, y1) for x, y0, y1 in vs], h, page.red.T)
    vs = _trimmed(vs, hs, tolerance)
    hs = _trimmed(hs, vs, tolerance)
    y_of, x_of = {y: y for y, _, _ in hs}, {x: x for x, _, _ in vs}
    ys, xs = sorted(set(y_of.values())), sorted(set(x_of.values()))
    _erase(page, horizontal | vertical, hs, vs, tolerance)
    height = float(page.grey.shape[0])
    pdf_page = _Page()  # PDF coordinates: y grows upwards
    for y, x0, x1 in hs:
        pdf_page.horizontal.append((height - y_of[y], _nearest(x0, xs, tolerance), _nearest(x1, xs, tolerance)))
    for x, y0, y1 in vs:
        pdf_page.vertical.append((x_of[x], height - _nearest(y1, ys, tolerance), height - _nearest(y0, ys, tolerance)))
    return [Frame([height - y for y in table.ys], table.xs, table.ids) for table in _ruled_tables(pdf_page)]


def _erase(page: Page, strokes: np.ndarray, hs: list[tuple[float, float, float]],
           vs: list[tuple[float, float, float]], tolerance: float) -> None:
    """The table rulings erased from the page (a digit set against a border must not read as
    "|0"): the long strokes along the rulings kept, not those of a large character."""
    import cv2

    along = np.zeros(strokes.shape, np.uint8)
    width = int(2 * tolerance) + 1
    for y, x0, x1 in hs:
        cv2.line(along, (int(x0), int(y)), (int(x1), int(y)), 1, width)
    for x, y0, y1 in vs:
        cv2.line(along, (int(x), int(y0)), (int(x), int(y1)), 1, width)
    rulings = cv2.dilate(strokes & along, np.ones((3, 3), np.uint8)) > 0
    page.ink = page.ink & ~rulings
    page.grey = np.where(rulings, np.uint8(255), page.grey)


def _bridged(segments: list[tuple[float, float, float]], text_height: float,
             red: np.ndarray) -> list[tuple[float, float, float]]:
    """Pieces of one ruling joined across small breaks (a faint scan) and across breaks a seal
    covers (its ink was dropped, and the ruling with it). `red` is indexed [across, along]."""
    out: list[tuple[float, float, float]] = []
    reach = int(text_height / 4) + 1
    for at, start, end in sorted(segments):
        if out and out[-1][0] == at and start > out[-1][2]:
            gap = red[max(0, int(at) - reach):int(at) + reach + 1, int(out[-1][2]):int(start) + 1].any(axis=0)
            covered = gap.mean() >= 0.5 and start - out[-1][2] <= 6 * text_height
        else:
            covered = False
        if out and out[-1][0] == at and (start <= out[-1][2] + 0.5 * text_height or covered):
            out[-1] = (at, out[-1][1], max(out[-1][2], end))
        else:
            out.append((at, start, end))
    return out


def _trimmed(segments: list[tuple[float, float, float]], crossing: list[tuple[float, float, float]],
             tolerance: float) -> list[tuple[float, float, float]]:
    """Each ruling cut back to the outermost rulings crossing it, and those crossed by none
    dropped: a table's ruling runs between the rulings across it, and what runs on past them is
    another stroke touching it (a seal's ring, an underline)."""
    out = []
    for at, start, end in segments:
        hits = [c for c, c0, c1 in crossing if c0 - tolerance <= at <= c1 + tolerance and start - tolerance <= c <= end + tolerance]
        if len(hits) >= 2:
            out.append((at, max(start, min(hits)), min(end, max(hits))))
        elif hits:
            out.append((at, start, end))
    return out


def _open_edges(hs: list[tuple[float, float, float]], vs: list[tuple[float, float, float]],
                tolerance: float, text_height: float) -> list[tuple[float, float, float]]:
    """Rulings closing a table cut open by a page break: where vertical rulings end together at
    no horizontal ruling (the browser or the scan cut the page there), a line joining their ends."""
    ends = [(y, x) for x, y0, y1 in vs if y1 - y0 >= 2 * text_height for y in (y0, y1)
            if not any(abs(hy - y) <= tolerance and hx0 - tolerance <= x <= hx1 + tolerance for hy, hx0, hx1 in hs)]
    out = []
    for y, group in _snap_groups(ends, tolerance):
        if len(group) >= 3:
            out.append((y, min(group), max(group)))
    return out


def _snap_groups(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, list[float]]]:
    """(y, x) points grouped by y within `tolerance`: each group's mean y and its xs."""
    groups: list[tuple[float, list[float]]] = []
    ys: list[float] = []
    for y, x in sorted(points):
        if ys and y - ys[-1] > tolerance:
            groups.append((sum(ys) / len(ys), xs))
            ys = []
        if not ys:
            xs: list[float] = []
        ys.append(y)
        xs.append(x)
    if ys:
        groups.append((sum(ys) / len(ys), xs))
    return groups


def bands(ink: np.ndarray, text_height: float) -> list[tuple[int, int]]:
    """Rows of text in a block of ink, as (top, bottom) pixel rows: runs of inked rows, a run
    joined to the one above while together they stay within one character's height (the strokes
    of 三 or 二 are apart, lines of text are not that close), or when only a sliver of paper
    parts them and together they stay within a heading's height (a title set larger than the
    page's text)."""
    rows = np.flatnonzero(ink.any(axis=1))
    if not len(rows):
        return []
    breaks = np.flatnonzero(np.diff(rows) > 1)
    runs = list(zip(rows[np.r_[0, breaks + 1]], rows[np.r_[breaks, len(rows) - 1]] + 1))
    out: list[tuple[int, int]] = []
    for top, bottom in runs:
        if out and (bottom - out[-1][0] <= 1.25 * text_height
                    or (top - out[-1][1] <= 0.25 * text_height and bottom - out[-1][0] <= 2.2 * text_height)):
            out[-1] = (out[-1][0], bottom)
        else:
            out.append((int(top), int(bottom)))
    return out


def pieces(ink: np.ndarray, text_height: float) -> list[tuple[int, int]]:
    """Column ranges of one row of text split at gaps wider than two characters: the cells of an
    unruled table, or words far apart on one line."""
    cols = np.flatnonzero(ink.any(axis=0))
    if not len(cols):
        return []
    breaks = np.flatnonzero(np.diff(cols) > 2 * text_height)
    return [(int(a), int(b) + 1) for a, b in zip(cols[np.r_[0, breaks + 1]], cols[np.r_[breaks, len(cols) - 1]])]
