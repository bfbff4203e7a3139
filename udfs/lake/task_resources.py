"""What Spark gave the task a Python worker is running: its GPU and its cores.

Outside a Spark task (the driver, a plain script) there is no assignment, and a
model goes on the only GPU or the CPU.
"""
from __future__ import annotations


def spark_gpu_addresses() -> list[str]:
    """The GPU addresses Spark assigned this task (``TaskContext.resources()["gpu"]``)."""
    try:
        from pyspark import TaskContext
    except ImportError:
        return []
    context = TaskContext.get()
    if context is None:
        return []
    gpu = context.resources().get("gpu")
    return list(gpu.addresses) if gpu is not None else []


def task_cpus() -> int | None:
    """How many cores Spark gave this task (``spark.task.cpus``), when inside a task."""
    try:
        from pyspark import TaskContext
    except ImportError:
        return None
    context = TaskContext.get()
    return context.cpus() if context is not None else None


def task_device(preference: str = "auto", setting: str = "device") -> str:
    """``cuda:N`` for the GPU Spark assigned this task, else the only GPU, else ``cpu``.

    ``preference`` ``cpu`` forces the CPU; ``cuda`` fails (naming ``setting``) when torch sees no GPU.
    """
    if preference == "cpu":
        return "cpu"
    import torch

    if not torch.cuda.is_available():
        if preference == "cuda":
            raise RuntimeError(f"{setting} is cuda but torch sees no GPU on this executor")
        return "cpu"
    addresses = spark_gpu_addresses()
    return f"cuda:{addresses[0]}" if addresses else "cuda:0"


def backend_device(backend: str, hf_preference: str, setting: str) -> str:
    """Where a backend's model goes: ``hf`` as ``task_device`` says; ``vllm`` on the assigned GPU
    (no torch.cuda call: vLLM's engine process picks the GPU itself); anything else (rules, an
    HTTP API) needs no device."""
    if backend == "hf":
        return task_device(hf_preference, setting)
    if backend == "vllm":
        addresses = spark_gpu_addresses()
        return f"cuda:{addresses[0]}" if addresses else "cuda"
    return "cpu"
