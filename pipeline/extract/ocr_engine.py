"""Text recognition of single-line image crops with the PP-OCRv4 model that rapidocr ships.

Only the recogniser is used, never the text detector: the caller finds the lines itself (cells
from ruling lines, lines from the ink profile), which is faster and, unlike whole-page detection,
does not miss a lone "0" in a wide cell. The model's own score is the mean over characters, which
hides one doubtful digit among sure ones, so this decoder keeps each character's probability and
callers judge a reading by its least sure character.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_HEIGHT = 48  # the model's input height
_MIN_RATIO = 320 / 48  # the model's default input shape: narrower crops are padded to it
_BATCH = 8
_lock = threading.Lock()
_recogniser: Any = None


@dataclass(frozen=True)
class Reading:
    text: str
    confidences: tuple[float, ...]  # one per character of `text`

    @property
    def confidence(self) -> float:
        """The least sure character's probability (0 for an empty reading)."""
        return min(self.confidences, default=0.0)


def _model() -> Any:
    """The recogniser, loaded once per process (the ONNX session takes about a second). One
    thread per session: the parse worker pool already runs one document per core."""
    global _recogniser
    with _lock:
        if _recogniser is None:
            import rapidocr_onnxruntime
            from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer

            models = Path(rapidocr_onnxruntime.__file__).parent / "models"
            _recogniser = TextRecognizer({
                "model_path": str(models / "ch_PP-OCRv4_rec_infer.onnx"), "use_cuda": False, "use_dml": False,
                "intra_op_num_threads": 1, "inter_op_num_threads": 1,
                "rec_batch_num": _BATCH, "rec_img_shape": [3, _HEIGHT, 320],
            })
        return _recogniser


def _input(crop: np.ndarray, width: int) -> np.ndarray:
    """A grey crop scaled to the model's height, normalised to [-1, 1] and padded on the right."""
    import cv2

    h, w = crop.shape[:2]
    scaled = min(width, max(1, int(np.ceil(_HEIGHT * w / h))))
    resized = cv2.resize(crop, (scaled, _HEIGHT)).astype(np.float32) / 127.5 - 1.0
    out = np.zeros((3, _HEIGHT, width), dtype=np.float32)
    out[:, :, :scaled] = resized
    return out


def _decode(indices: np.ndarray, probabilities: np.ndarray, characters: list[str]) -> Reading:
    """CTC greedy decoding: repeated indices collapse, the blank (0) separates; each character's
    probability is the highest over the time steps it spans."""
    text: list[str] = []
    confidences: list[float] = []
    previous = 0
    for index, probability in zip(indices.tolist(), probabilities.tolist()):
        if index != 0 and index == previous and text:
            confidences[-1] = max(confidences[-1], probability)
        elif index != 0 and index < len(characters):
            text.append(characters[index])
            confidences.append(probability)
        previous = index
    return Reading("".join(text), tuple(confidences))


def _batches(order: list[int], ratios: list[float]) -> list[list[int]]:
    """Crops in batches of similar width: a crop padded far past its own width reads worse (a
    title batched with the page's longest line gained stray characters)."""
    batches: list[list[int]] = []
    for i in order:
        if batches and len(batches[-1]) < _BATCH and ratios[i] <= 1.25 * max(_MIN_RATIO, ratios[batches[-1][0]]):
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def recognise(crops: list[np.ndarray]) -> list[Reading]:
    """The reading of each grey single-line crop, in order."""
    if not crops:
        return []
    model = _model()
    characters = model.postprocess_op.character
    ratios = [crop.shape[1] / crop.shape[0] for crop in crops]
    out: list[Reading | None] = [None] * len(crops)
    for batch in _batches(sorted(range(len(crops)), key=ratios.__getitem__), ratios):
        ratio = max(_MIN_RATIO, ratios[batch[-1]])
        width = int(np.ceil(_HEIGHT * ratio))
        tensor = np.stack([_input(crops[i], width) for i in batch])
        predictions = model.session(tensor)[0]
        for i, indices, probabilities in zip(batch, predictions.argmax(axis=2), predictions.max(axis=2)):
            out[i] = _decode(indices, probabilities, characters)
    return out  # type: ignore[return-value]
