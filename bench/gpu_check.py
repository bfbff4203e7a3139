"""The GPU paths, measured on one GPU (run by bench/gpu_check.sh, which installs the vllm extra first).

1. LoRA reference training (train_lora on data/sample/sft.jsonl, SmolLM2-135M): optimizer steps/s,
   from two runs of different lengths (so model loading, merging and saving cancel out).
2. Token cleaning: the same samples scored by SmolLM2 (base) against the reference just trained,
   bfloat16 on the GPU and float32 on the CPU: max |score difference| and how often the two keep
   masks (global top-``keep``) agree.
3. Refine on the built-in sample corpus with the ``hf`` and the ``vllm`` backends (SmolLM2 as the
   refiner, greedy): input and output tokens/s (counted with the model's tokenizer, the same way for
   both), documents/s, status counts, and GPU memory (this process's torch peak; nvidia-smi's used).
   vLLM's engine start is timed apart (it is paid once per Python worker).

Exits with status 3, and says so, when torch sees no GPU. Writes bench/results/gpu_check.json.

    python bench/gpu_check.py [--docs 64] [--samples 64]
"""
from __future__ import annotations

import argparse
import gc
import gzip
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

NO_GPU_EXIT = 3
REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "sample" / "corpus.jsonl.gz"
SFT = REPO / "data" / "sample" / "sft.jsonl"
RESULTS = REPO / "bench" / "results" / "gpu_check.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=64, help="corpus documents refined per backend")
    parser.add_argument("--samples", type=int, default=64, help="SFT samples scored and trained on")
    parser.add_argument("--keep", type=float, default=0.6)
    parser.add_argument("--max-batch-tokens", type=int, default=16384, help="token scoring's padded-token budget")
    parser.add_argument("--backends", default="hf,vllm")
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda",
                        help="cpu: a small run of the script itself without a GPU (with --backends hf, "
                             "--max-batch-tokens 1024)")
    args = parser.parse_args()
    import torch

    if args.device == "cuda" and not torch.cuda.is_available():
        print("gpu_check: torch sees no GPU here: nothing measured (run it on a machine with an NVIDIA GPU)",
              file=sys.stderr)
        return NO_GPU_EXIT
    from lakerefine.udfs.generate.assets import ensure_smollm2_hf_dir

    model = str(ensure_smollm2_hf_dir())
    gpu = torch.cuda.get_device_name(0) if args.device == "cuda" else "none (CPU run of the script)"
    report: dict = {"gpu": gpu, "torch": torch.__version__,
                    "date": time.strftime("%Y-%m-%d", time.gmtime()), "model": model}
    with tempfile.TemporaryDirectory() as tmp:
        samples = sft_samples(model, args.samples)
        report["lora"], reference = lora_step_rate(model, samples, Path(tmp), args.device)
        report["token_clean"] = token_clean_agreement(model, reference, samples, args.keep, args.device,
                                                      args.max_batch_tokens)
    documents = corpus_documents(args.docs)
    report["refine"] = {name: refine_throughput(name, model, documents, args.device)
                        for name in args.backends.split(",")}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print_table(report)
    return 0


def sft_samples(model: str, limit: int):
    from lakerefine.udfs.generate.assets import load_tokenizer
    from lakerefine.udfs.tokenclean.formatting import format_sample

    rows = [json.loads(line) for line in SFT.read_text().splitlines() if line.strip()]
    step = max(1, len(rows) // limit)   # spread over the file: it is grouped by source
    tokenizer = load_tokenizer(model)
    return [format_sample(row, tokenizer, "chat_template", 1024) for row in rows[::step][:limit]]


def lora_step_rate(model: str, samples, tmp: Path, device: str) -> tuple[dict, Path]:
    from lakerefine.conf.settings import TrainReferenceSettings
    from lakerefine.udfs.train.examples import Example
    from lakerefine.udfs.train.lora import train_lora

    examples = [Example(s.input_ids, s.labels) for s in samples]
    runs = {}
    for steps in (5, 25):
        settings = TrainReferenceSettings(device=device, max_steps=steps, epochs=50, batch_size=8)
        start = time.perf_counter()
        report = train_lora(model, examples, tmp / f"ref{steps}", settings)
        runs[steps] = (time.perf_counter() - start, report)
    (short, _), (long, last) = runs[5], runs[25]
    return ({"steps_per_s": round(20 / (long - short), 2), "batch_size": 8, "dtype": last.dtype,
             "first_loss": round(last.first_loss, 4), "last_loss": round(last.last_loss, 4)}, tmp / "ref25")


def token_clean_agreement(base_path: str, ref_path: Path, samples, keep: float, device: str,
                          max_batch_tokens: int) -> dict:
    import numpy as np
    import torch

    from lakerefine.udfs.generate.assets import load_causal_lm, load_tokenizer
    from lakerefine.udfs.tokenclean.formatting import padding_token_id
    from lakerefine.udfs.tokenclean.scoring import TokenScorer
    from lakerefine.udfs.tokenclean.selection import global_threshold, kept_by_threshold

    pad = padding_token_id(load_tokenizer(base_path))
    ids, labels = [s.input_ids for s in samples], [s.labels for s in samples]
    scores, seconds = {}, {}
    for name, where, dtype in (("bf16", device, torch.bfloat16), ("fp32", "cpu", torch.float32)):
        scorer = TokenScorer(load_causal_lm(base_path, where, dtype), load_causal_lm(ref_path, where, dtype),
                             pad_token_id=pad, max_batch_tokens=max_batch_tokens)
        start = time.perf_counter()
        scores[name] = np.concatenate(scorer.score_samples(ids, labels))
        seconds[name] = time.perf_counter() - start
        del scorer
        free_gpu()
    gpu, cpu = scores["bf16"], scores["fp32"]
    scored = ~np.isnan(cpu)
    masks = [kept_by_threshold(s, global_threshold(s, keep)) for s in (gpu, cpu)]
    return {"scored_tokens": int(scored.sum()), "max_abs_diff": float(np.nanmax(np.abs(gpu - cpu))),
            "mean_abs_diff": float(np.nanmean(np.abs(gpu - cpu))), "keep": keep,
            "mask_agreement": float((masks[0][scored] == masks[1][scored]).mean()),
            "gpu_bf16_s": round(seconds["bf16"], 3), "cpu_fp32_s": round(seconds["fp32"], 3)}


def corpus_documents(limit: int):
    from lakerefine.udfs.refine.documents import Document

    with gzip.open(CORPUS, "rt") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    step = max(1, len(rows) // limit)
    return [Document(row["id"], row.get("text"), row.get("source")) for row in rows[::step][:limit]]


def refine_throughput(backend_name: str, model: str, documents, device: str) -> dict:
    import torch

    from lakerefine.conf.loader import load_settings
    from lakerefine.udfs.refine.backends import create_backend
    from lakerefine.udfs.refine.documents import DocumentLimits, refine_documents

    settings = load_settings("local", [f"refine.backend={backend_name}", f"refine.{backend_name}.model_path={model}",
                                       f"refine.hf.device={device}", "refine.hf.dtype=bfloat16",
                                       "refine.vllm.max_model_len=8192", "refine.vllm.gpu_memory_utilization=0.5",
                                       ]).refine
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    backend = create_backend(settings, "cuda:0" if device == "cuda" else "cpu")
    if backend_name == "vllm":
        backend.engine.generate(["warm-up"])   # starts the engine: paid once per Python worker
    started = time.perf_counter() - start
    seen: dict[str, list[str]] = {"prompts": [], "outputs": []}
    generate = backend.generate

    def counted(prompts):
        outputs = generate(prompts)
        seen["prompts"] += [p.text for p in prompts]
        seen["outputs"] += outputs
        return outputs

    backend.generate = counted
    start = time.perf_counter()
    outcomes = refine_documents(documents, backend, DocumentLimits.of(settings))
    seconds = time.perf_counter() - start
    tokenizer = backend.engine.tokenizer
    tokens_in = sum(len(tokenizer(p, add_special_tokens=False)["input_ids"]) for p in seen["prompts"])
    tokens_out = sum(len(tokenizer(o, add_special_tokens=False)["input_ids"]) for o in seen["outputs"])
    result = {"documents": len(documents), "prompts": len(seen["prompts"]), "seconds": round(seconds, 2),
              "engine_start_s": round(started, 2), "input_tokens_per_s": round(tokens_in / seconds, 1),
              "output_tokens_per_s": round(tokens_out / seconds, 1),
              "documents_per_s": round(len(documents) / seconds, 2),
              "statuses": dict(Counter(o.status for o in outcomes)),
              "torch_peak_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if device == "cuda" else None,
              "nvidia_smi_used_gib": nvidia_smi_used_gib()}
    del backend
    free_gpu()
    return result


def free_gpu() -> None:
    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def nvidia_smi_used_gib() -> float | None:
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return round(int(out.split()[0]) / 1024, 2)


def print_table(report: dict) -> None:
    print(f"\nGPU check: {report['gpu']}, torch {report['torch']}, {report['date']}\n")
    print("| refine backend | docs | prompts | input tok/s | output tok/s | docs/s | engine start s "
          "| statuses | torch peak GiB | nvidia-smi used GiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in report["refine"].items():
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(r["statuses"].items()))
        print(f"| {name} | {r['documents']} | {r['prompts']} | {r['input_tokens_per_s']} | "
              f"{r['output_tokens_per_s']} | {r['documents_per_s']} | {r['engine_start_s']} | {statuses} | "
              f"{r['torch_peak_gib']} | {r['nvidia_smi_used_gib']} |")
    t = report["token_clean"]
    print(f"\ntoken-clean bf16 GPU vs fp32 CPU ({t['scored_tokens']} scored tokens): max |diff| "
          f"{t['max_abs_diff']:.4f}, mean |diff| {t['mean_abs_diff']:.5f}, keep-mask agreement "
          f"{t['mask_agreement']:.4f} at keep {t['keep']} (GPU {t['gpu_bf16_s']} s, CPU {t['cpu_fp32_s']} s)")
    lora = report["lora"]
    print(f"LoRA reference training: {lora['steps_per_s']} steps/s (batch {lora['batch_size']}, {lora['dtype']}; "
          f"loss {lora['first_loss']} -> {lora['last_loss']})")
    print(f"\nwritten: {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    sys.exit(main())
