"""The shipped static embedding model: loaded once per process, offline, and used to encode."""

import os
import threading
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


_last: tuple[tuple[str, ...], np.ndarray] | None = None


def encode(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 rows, one per text; empty texts give zero rows."""
    global _last
    if not texts:
        return np.zeros((0, load_model().dim), dtype=np.float32)
    key = tuple(texts)
    last = _last  # one read: another thread may replace it
    if last is not None and last[0] == key:
        # A patient's answer is coded under three codebooks in a row: encode it once.
        return last[1]
    # Forking worker processes costs more than it saves for the batch sizes the portal sends.
    vectors = load_model().encode(list(texts), use_multiprocessing=False).astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.maximum(norms, 1e-9)
    vectors.flags.writeable = False  # shared with the next identical call
    _last = (key, vectors)
    return vectors
