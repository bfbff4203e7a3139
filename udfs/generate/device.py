"""Where a model runs and in which precision: the one resolution of ``device`` and ``dtype`` settings.

A Spark task uses the GPU Spark assigned it (``TaskContext.resources()["gpu"]``), else the only
GPU, else the CPU, with its share of the cores. ``auto`` precision is bfloat16 on a GPU and
float32 on the CPU.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lakerefine.udfs.lake.worker import spark_gpu_addresses, task_cpus

if TYPE_CHECKING:
    import torch


def resolve_device(preference: str = "auto", setting: str = "device") -> str:
    """``cuda:N`` for the GPU Spark assigned this task, else ``cuda:0`` when torch sees one, else
    ``cpu``. ``cpu`` forces the CPU; ``cuda`` fails (naming ``setting``) when torch sees no GPU."""
    if preference == "cpu":
        return "cpu"
    import torch

    if not torch.cuda.is_available():
        if preference == "cuda":
            raise RuntimeError(f"{setting} is cuda but torch sees no GPU here")
        return "cpu"
    addresses = spark_gpu_addresses()
    return f"cuda:{addresses[0]}" if addresses else "cuda:0"


def engine_device(engine: str, preference: str, setting: str) -> str:
    """Where an engine's model goes: ``hf`` as ``resolve_device`` says; ``vllm`` on the assigned
    GPU without asking torch (vLLM's engine process picks the GPU itself); anything else (rules,
    an HTTP server) needs no device."""
    if engine == "hf":
        return resolve_device(preference, setting)
    if engine == "vllm":
        addresses = spark_gpu_addresses()
        return f"cuda:{addresses[0]}" if addresses else "cuda"
    return "cpu"


def engine_loader(stage: str, settings: Any, engine: str, preference: str, setting: str,
                  create: Callable[[Any, str], Any]) -> dict[str, Callable[[], Any]]:
    """``load`` and ``key`` for ``lake.batch_udf.map_batches``: ``create(settings, device)`` made
    once per worker and task device (the device is resolved on the worker, inside the task)."""
    def device() -> str:
        return engine_device(engine, preference, setting)

    return {"load": lambda: create(settings, device()), "key": lambda: (stage, settings.model_dump_json(), device())}


def resolve_dtype(name: str, device: str) -> torch.dtype:
    """``auto``: bfloat16 on a GPU, float32 on the CPU; else the named torch dtype."""
    import torch

    if name == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    return getattr(torch, name)


def use_task_cores(device: str) -> None:
    """On the CPU inside a Spark task, use the task's share of the cores, not all of them."""
    if device == "cpu" and task_cpus():
        import torch

        torch.set_num_threads(task_cpus())


def training_device(preference: str = "auto", setting: str = "device") -> str:
    """Where the driver trains a model: its GPU (``cuda:0``) when it has one, else the CPU."""
    return resolve_device(preference, setting)
