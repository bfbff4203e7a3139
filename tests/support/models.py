"""Test models: tiny random-weight Llamas that share SmolLM2's tokenizer (a different model of
the same vocabulary that loads in a blink), next to the real SmolLM2 the package prepares."""
from __future__ import annotations

from pathlib import Path

import torch
from transformers import LlamaConfig, LlamaForCausalLM

from lakerefine.udfs.generate.assets import (
    SMOLLM2_DIR_NAME,
    build_once,
    default_models_dir,
    ensure_smollm2_hf_dir,
    load_tokenizer,
)

TINY_LLAMA_SIZE = {
    "num_hidden_layers": 2,
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
}


def build_tiny_llama(dest: Path, tokenizer_dir: Path, seed: int = 0, **size: int) -> Path:
    """A tiny random-weight ``LlamaForCausalLM`` with the tokenizer of ``tokenizer_dir``.

    ``size`` overrides ``TINY_LLAMA_SIZE`` (e.g. ``num_hidden_layers=3``).
    Idempotent and atomic like ``ensure_smollm2_hf_dir``: an existing ``dest``
    is returned unchanged, so put the seed and size in its name.
    """
    def write(tmp: Path) -> None:
        tokenizer = load_tokenizer(tokenizer_dir)
        config = LlamaConfig(
            vocab_size=len(tokenizer),
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
            tie_word_embeddings=True,
            max_position_embeddings=8192,
            **{**TINY_LLAMA_SIZE, **size},
        )
        torch.manual_seed(seed)
        LlamaForCausalLM(config).save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)

    return build_once(Path(dest), write)


def prepare_test_models(tiny_dir: Path) -> dict[str, Path]:
    """SmolLM2 (in the models folder setup.sh fills) and two tiny Llamas (seeds 0 and 1) in ``tiny_dir``."""
    smollm2 = ensure_smollm2_hf_dir(default_models_dir() / SMOLLM2_DIR_NAME)
    tiny_dir = Path(tiny_dir)
    return {"smollm2": smollm2,
            "tiny0": build_tiny_llama(tiny_dir / "tiny-llama-seed0", smollm2, seed=0),
            "tiny1": build_tiny_llama(tiny_dir / "tiny-llama-seed1", smollm2, seed=1)}
