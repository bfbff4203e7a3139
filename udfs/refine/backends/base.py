"""What every program backend provides, and the device a task's model goes on.

A backend turns a document into prompts (the whole document for ``rules``;
numbered chunks inside the refiner prompt for language models) and prompts into
programs. Line numbers in every program are global to the document, so one
document's programs are joined into one program.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Prompt:
    text: str                  # what the backend reads
    source: str | None = None  # the document's kind hint (mail, wiki, ...), if the corpus has one
    first_line: int = 1        # the document line number of the prompt's first line


class ProgramBackend(Protocol):
    name: str           # rules | hf | vllm
    model: str | None   # what wrote the programs: a model path, or the rules config's hash

    def prompts(self, text: str, source: str | None) -> list[Prompt]:
        """The prompts one document needs (at least one for a non-empty text)."""
        ...

    def generate(self, prompts: list[Prompt]) -> list[str]:
        """One program per prompt, in order; raises if the batch cannot be generated."""
        ...


def task_device(preference: str = "auto") -> str:
    """``cuda:N`` for the GPU Spark assigned this task, else the only GPU, else ``cpu``.

    ``preference`` ``cpu`` forces the CPU; ``cuda`` fails when no GPU is visible.
    """
    if preference == "cpu":
        return "cpu"
    import torch

    if not torch.cuda.is_available():
        if preference == "cuda":
            raise RuntimeError("refine.hf.device is cuda but torch sees no GPU")
        return "cpu"
    addresses = spark_gpu_addresses()
    return f"cuda:{addresses[0]}" if addresses else "cuda:0"


def task_cpus() -> int | None:
    """How many cores Spark gave this task (``spark.task.cpus``), when inside a task."""
    try:
        from pyspark import TaskContext
    except ImportError:
        return None
    context = TaskContext.get()
    return context.cpus() if context is not None else None


def spark_gpu_addresses() -> list[str]:
    try:
        from pyspark import TaskContext
    except ImportError:
        return []
    context = TaskContext.get()
    if context is None:
        return []
    gpu = context.resources().get("gpu")
    return list(gpu.addresses) if gpu is not None else []
