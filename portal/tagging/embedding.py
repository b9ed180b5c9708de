"""The shipped static embedding model: loaded once per process, offline, and used to encode."""

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from model2vec import StaticModel

MODEL_DIR = Path(__file__).resolve().parent / "model"
_lock = threading.Lock()
_model: StaticModel | None = None


def load_model() -> StaticModel:
    """The shipped model at portal/tagging/model, cached process-wide; never touches the hub."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                # The model ships with the code; a hub lookup would only slow start-up or fail.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                _model = StaticModel.from_pretrained(str(MODEL_DIR))
    return _model


# The last few batches encoded: a patient's answer is coded under three codebooks in a row,
# with polarity look-ups in between, so it is encoded once.
_recent: "OrderedDict[tuple[str, ...], np.ndarray]" = OrderedDict()
_RECENT_MAX = 8
_recent_lock = threading.Lock()


def encode(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 rows, one per text; empty texts give zero rows."""
    if not texts:
        return np.zeros((0, load_model().dim), dtype=np.float32)
    key = tuple(texts)
    with _recent_lock:
        hit = _recent.get(key)
    if hit is not None:
        return hit
    # Forking worker processes costs more than it saves for the batch sizes the portal sends.
    vectors = load_model().encode(list(texts), use_multiprocessing=False).astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.maximum(norms, 1e-9)
    vectors.flags.writeable = False  # shared with the next identical calls
    with _recent_lock:
        _recent[key] = vectors
        while len(_recent) > _RECENT_MAX:
            _recent.popitem(last=False)
    return vectors
