"""Every setting of lakerefine, as typed, validated data.

A YAML file in conf/ (plus ``--set key=value`` overrides and a job's own flags) is
validated into ``Settings``; an unknown key, a wrong type or a missing value fails here,
before any Spark work, with a message that names the key (see loader.py). Each job reads
the section named after it (``ingest_sft`` for ``lakerefine ingest-sft``); ``spark``,
``tables`` and the types below are shared.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lakerefine.conf.identifiers import check_column_name, check_table_name
from lakerefine.conf.rules import RulesConfig

# Where a model runs: the GPU Spark assigned the task (or the only one), the CPU, or a GPU required.
Device = Literal["auto", "cpu", "cuda"]
# auto: bfloat16 on a GPU, float32 on the CPU.
Dtype = Literal["auto", "float32", "bfloat16", "float16"]
TrainDtype = Literal["auto", "float32", "bfloat16"]
DEFAULT_MODEL = "models/smollm2-135m-instruct"   # python -m lakerefine.udfs.generate.assets


class Section(BaseModel):
    """Base of every config section: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def section_defaults(**defaults: dict[str, Any]):
    """A before-validator: the sub-sections named here start from these values (their own
    defaults for this use, e.g. the expert's sampling), under whatever the config sets."""

    def fill(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            for name, values in defaults.items():
                if data.get(name) is None or isinstance(data[name], dict):
                    data[name] = {**values, **(data.get(name) or {})}
        return data

    return model_validator(mode="before")(fill)


class GpuSettings(Section):
    """GPU scheduling for executors (Spark resource scheduling)."""

    executor_amount: int = Field(1, ge=1)
    task_amount: float = Field(1.0, gt=0, le=1.0)
    discovery_script: str | None = None


class SparkSettings(Section):
    master: str | None = "local[2]"
    app_name: str = "lakerefine"
    # Where Delta's jars come from: a local folder filled by `scripts/setup.sh`
    # ("local_jars"), Maven resolution at session start ("packages"), or the
    # platform itself ("provided": Databricks, EMR with Delta enabled).
    delta_jars: Literal["local_jars", "packages", "provided"] = "local_jars"
    jars_dir: str = "jars"
    delta_package: str = "io.delta:delta-spark_2.13:4.0.1"
    warehouse_dir: str | None = "lakehouse/_warehouse"
    driver_memory: str | None = "4g"
    arrow_max_records_per_batch: int = Field(256, ge=1)
    # A batch also ends at this many bytes: a few huge documents (50 MB in one line) among small
    # ones never make a batch that Arrow's 2 GB string offsets or a Python worker cannot hold.
    arrow_max_bytes_per_batch: int = Field(64_000_000, ge=1, lt=2**31 - 1)
    python_worker_reuse: bool = True
    # Input bytes per shuffle partition: jobs that read a large input (ingest, refine) set
    # spark.sql.shuffle.partitions from its size (udfs/lake/shuffles.py).
    shuffle_partition_bytes: int = Field(128_000_000, ge=1)
    gpu: GpuSettings | None = None
    # Any other Spark setting, passed through as strings.
    conf: dict[str, str] = Field(default_factory=dict)

    @field_validator("conf", mode="before")
    @classmethod
    def _as_strings(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in value.items()}
        return value


class ProgressSettings(Section):
    """Progress of a job's Spark work on stderr (tasks done, rate, ETA of the active stages)."""

    # auto: a live line on a terminal; a log line every interval_s when not a terminal and spark.master
    # is not local (cluster mode); else none. --quiet turns it off.
    mode: Literal["auto", "tty", "log", "off"] = "auto"
    interval_s: float = Field(10.0, gt=0)


class TableSettings(Section):
    # A bare table name (``corpus``) is a path under ``base_path`` when it is set,
    # else a catalog name (``main.lake.corpus`` on Unity Catalog).
    base_path: str | None = "lakehouse"
    runs: str = "runs"
    corpus_quarantine: str = "corpus_quarantine"
    sft_quarantine: str = "sft_quarantine"

    @field_validator("runs", "corpus_quarantine", "sft_quarantine")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        return check_table_name(value)


class RecordChecks(Section):
    """How an ingest job finds a record's id and what it keeps of a bad record."""

    # The field holding a record's id; null: the table's own id field (doc_id, sample_id),
    # else id, else a content hash.
    id_column: str | None = None
    # What a record without an id gets: a content hash, or quarantine.
    missing_id: Literal["hash", "quarantine"] = "hash"
    max_record_chars_in_quarantine: int = Field(10_000, ge=100)


class IngestSettings(RecordChecks):
    """ingest: source files -> the ``corpus`` table."""

    text_column: str = "text"


class IngestSftSettings(RecordChecks):
    """ingest-sft: JSONL of ``messages`` (or ``prompt`` + ``response``) -> the ``sft`` table."""


class SamplingSettings(Section):
    """How a language model samples its answer (any engine)."""

    max_new_tokens: int = Field(512, ge=1)
    temperature: float = Field(0.0, ge=0.0)     # 0: greedy
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    top_k: int | None = Field(None, ge=1)       # null: no top-k cut
    seed: int = 0
    # Generation stops at any of these strings (they are cut from the output).
    stop: list[str] = Field(default_factory=list)


class HfGenerationSettings(SamplingSettings):
    """transformers, on the task's GPU, else the CPU."""

    model_path: str = DEFAULT_MODEL     # a local directory holding a causal LM and its tokenizer
    device: Device = "auto"
    dtype: Dtype = "auto"
    batch_size: int = Field(8, ge=1)


class VllmGenerationSettings(SamplingSettings):
    """vLLM offline inference, one engine per Python worker (GPU executors only)."""

    model_path: str = DEFAULT_MODEL
    max_model_len: int = Field(16384, ge=256)
    tensor_parallel_size: int = Field(1, ge=1)
    gpu_memory_utilization: float = Field(0.85, gt=0.0, le=1.0)
    dtype: str = "auto"
    enforce_eager: bool = False
    # Prompts per LLM.generate call are bounded by characters, not rows (a failed call is halved and retried).
    max_batch_chars: int = Field(200_000, ge=1)
    # Any other keyword argument of vllm.LLM(...).
    engine_args: dict[str, str | int | float | bool] = Field(default_factory=dict)


class OpenAISettings(SamplingSettings):
    """A model served elsewhere behind an OpenAI-compatible /v1/chat/completions."""

    base_url: str = "http://localhost:8000/v1"
    model: str = "Qwen/Qwen2.5-72B-Instruct"
    # The NAME of the environment variable holding the API key (where requests are sent from);
    # null: no key. The key itself is never part of the config, the logs or any table.
    api_key_env: str | None = "LAKEREFINE_EXPERT_API_KEY"
    timeout_s: float = Field(300.0, gt=0)       # per socket operation (connect, each read)
    # Retries after a timeout, a lost connection, a 429 or a 5xx; waits backoff_s * 2**k (with
    # jitter), or the server's Retry-After, at most max_backoff_s.
    max_retries: int = Field(5, ge=0)
    backoff_s: float = Field(2.0, ge=0.0)
    max_backoff_s: float = Field(60.0, ge=0.0)
    # Requests in flight at once per Spark task (the server sees this times the running tasks).
    concurrency: int = Field(8, ge=1)
    # Extra fields of the request body (e.g. {"repetition_penalty": 1.05}).
    extra_body: dict[str, str | int | float | bool] = Field(default_factory=dict)

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not value.replace("_", "").isalnum():
            raise ValueError("must be the name of an environment variable (letters, digits, _), not a key")
        return value


class SiteSettings(Section):
    """Which documents are one site, for the site-share feature (udfs/refine/site_shares.py)."""

    # The column naming a document's site (e.g. a domain column); null: the host of url_column.
    site_column: str | None = None
    # Where the URL is when site_column is null; a table without it, or a row with no host, has no site.
    url_column: str = "url"

    @field_validator("site_column", "url_column")
    @classmethod
    def _valid_column(cls, value: str | None) -> str | None:
        return None if value is None else check_column_name(value)


class ClassifierSettings(SiteSettings):
    """The ``classifier`` backend: a line classifier (udfs/classifier/) writes the deletion programs."""

    # A model file written by `lakerefine train-classifier`; null: the model shipped in the
    # package (udfs/classifier/models/*.json).
    model_path: str | None = None
    # The model's own decision settings, overridden for this run (null: the model file's): a line goes when its
    # keep probability is under ``threshold`` (lower keeps more: recall; higher removes more: precision), and a
    # document whose kept lines would hold less than ``page_floor`` of its words is kept whole.
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    page_floor: float | None = Field(None, ge=0.0, le=1.0)
    # Compute the site shares (one extra Spark pass); false: every line's share is missing.
    site_shares: bool = True


class ReplaySettings(Section):
    """The ``replay`` backend: each document's program is the one a table recorded for its doc_id."""

    # A table with doc_id, program and run_id columns: a past run's refine_edits, or one made by hand.
    table: str = "refine_edits"
    run_id: str | None = None   # whose programs are served; required with refine.backend: replay

    @field_validator("table")
    @classmethod
    def _valid_table(cls, value: str) -> str:
        return check_table_name(value)


class RefineSettings(Section):
    """refine: corpus -> refine_edits (audit) -> refined."""

    backend: Literal["classifier", "rules", "hf", "vllm", "replay"] = "rules"
    edits_table: str = "refine_edits"
    # The corpus column whose value tells the rules backend the kind of document (mail, wiki, ...).
    source_column: str | None = "source"
    # A program with more rejected calls than this (or over half its calls rejected) is rejected whole.
    max_rejected_calls: int = Field(10, ge=0)
    # Lines longer than this are shown cut to the backend; remove_str may only touch the shown part.
    max_line_chars: int = Field(4000, ge=1)
    # Documents longer than this are cut into chunks of whole lines ("chunk": the rules backend
    # reads chunks of chunk_chars; LM backends always read chunks) or not refined ("skip":
    # status skipped_too_large, kept unchanged).
    max_doc_chars: int = Field(1_000_000, ge=1)
    oversize: Literal["chunk", "skip"] = "chunk"
    chunk_chars: int = Field(200_000, ge=1000)
    # Leave emptied documents out of the refined table (they stay in the audit).
    drop_emptied: bool = False
    # After publishing, compact the run's refine_edits partition (Delta OPTIMIZE of run_id = the run):
    # every slice appends at least one small file per task, which adds up over many runs.
    compact_audit: bool = True
    # Documents are refined in slices of about this many; each slice's audit rows are one
    # Delta commit, so a killed run loses at most one slice of work.
    slice_docs: int = Field(200_000, ge=1)
    # Spark tasks per slice (null: sized from the input, so each task reads at most task_text_bytes
    # of text, and at least twice the default parallelism, so every core or GPU is busy).
    tasks_per_slice: int | None = Field(None, ge=1)
    task_text_bytes: int = Field(32_000_000, ge=1)
    # What language models read: conf/prompts/<prompt>.txt (or a .txt path) with "{document}"
    # where a numbered chunk of at most chunk_tokens tokens goes.
    prompt: str = "refiner"
    chunk_tokens: int = Field(2048, ge=64)
    rules: RulesConfig = Field(default_factory=RulesConfig)
    classifier: ClassifierSettings = Field(default_factory=ClassifierSettings)
    hf: HfGenerationSettings = Field(default_factory=HfGenerationSettings)
    vllm: VllmGenerationSettings = Field(default_factory=VllmGenerationSettings)
    replay: ReplaySettings = Field(default_factory=ReplaySettings)

    @field_validator("edits_table")
    @classmethod
    def _valid_table(cls, value: str) -> str:
        return check_table_name(value)

    @field_validator("source_column")
    @classmethod
    def _valid_column(cls, value: str | None) -> str | None:
        return None if value is None else check_column_name(value)

    @model_validator(mode="after")
    def _fits(self) -> RefineSettings:
        """A chunk and its program fit vLLM's context; the rules cut lines where every backend does."""
        if self.backend == "vllm" and self.chunk_tokens + self.vllm.max_new_tokens > self.vllm.max_model_len:
            raise ValueError(f"refine.chunk_tokens ({self.chunk_tokens}) + refine.vllm.max_new_tokens "
                             f"({self.vllm.max_new_tokens}) must fit refine.vllm.max_model_len "
                             f"({self.vllm.max_model_len})")
        if self.backend == "replay" and not self.replay.run_id:
            raise ValueError("refine.backend: replay needs refine.replay.run_id (whose programs to serve)")
        if "max_line_chars" in self.rules.model_fields_set and self.rules.max_line_chars != self.max_line_chars:
            raise ValueError("set refine.max_line_chars, not refine.rules.max_line_chars")
        if self.rules.max_line_chars != self.max_line_chars:
            object.__setattr__(self, "rules", self.rules.model_copy(update={"max_line_chars": self.max_line_chars}))
        return self


# RefineX's expert samples with top-p 0.8, top-k 20, and repeats the whole kept document.
EXPERT_SAMPLING = {"max_new_tokens": 4096, "temperature": 0.7, "top_p": 0.8, "top_k": 20}


class GoldExpertSettings(Section):
    """The ``gold`` expert: a column of the corpus already holds each document's main content."""

    column: str = "gold"

    @field_validator("column")
    @classmethod
    def _valid_column(cls, value: str) -> str:
        return check_column_name(value)


class HtmlExpertSettings(Section):
    """The ``html`` expert: trafilatura extracts each document's main content from its HTML column."""

    column: str = "html"
    favor: Literal["balanced", "precision", "recall"] = "balanced"
    include_comments: bool = False
    include_tables: bool = True

    @field_validator("column")
    @classmethod
    def _valid_column(cls, value: str) -> str:
        return check_column_name(value)


class ExpertSettings(Section):
    """expert: a sample of the corpus -> expert_pairs (raw, expert's deletion-only rewrite)."""

    # hf | vllm | openai: an LM answers the prompt. gold | html: no LM; the refined text comes from
    # a column of the corpus (its gold main content, or its HTML through trafilatura), aligned on
    # the raw text's words and kept as the raw lines it covers.
    backend: Literal["hf", "vllm", "openai", "gold", "html"] = "hf"
    # conf/prompts/<prompt>.txt, or a path to a .txt file; "{document}" marks where the raw text goes.
    prompt: str = "expert"
    sample_size: int = Field(1000, ge=1)
    # Sample within the groups of this corpus column (null: one group), with quotas
    # proportional to the group sizes or equal across groups; fixed by seed and the input version.
    stratify_column: str | None = "source"
    allocation: Literal["proportional", "equal"] = "proportional"
    seed: int = 0
    # Longer documents are not sent to the expert (status skipped, reason too_long).
    max_doc_chars: int = Field(30_000, ge=1)
    # An answer with an inserted or replaced span this long is rejected (rewrite_too_long):
    # the distiller's rewrite check.
    max_rewrite_chars: int = Field(20, ge=1)
    # Accept an empty [doc][/doc] (the expert deletes the whole document).
    allow_empty: bool = False
    # A rejected answer is kept in the table for audit, cut to this many characters.
    max_answer_chars: int = Field(20_000, ge=0)
    # gold and html experts: reject (unaligned) a document whose expert text has less than this share
    # of its words found, in order, in the raw lines kept.
    min_aligned_fraction: float = Field(0.9, ge=0.0, le=1.0)
    # The sample is sent in slices of about this many documents; each slice is one Delta commit.
    slice_docs: int = Field(5000, ge=1)
    # Spark tasks per slice (null: twice the default parallelism).
    tasks_per_slice: int | None = Field(None, ge=1)
    hf: HfGenerationSettings = Field(default_factory=HfGenerationSettings)
    vllm: VllmGenerationSettings = Field(default_factory=VllmGenerationSettings)
    openai: OpenAISettings = Field(default_factory=OpenAISettings)
    gold: GoldExpertSettings = Field(default_factory=GoldExpertSettings)
    html: HtmlExpertSettings = Field(default_factory=HtmlExpertSettings)

    engine_defaults = section_defaults(
        hf={**EXPERT_SAMPLING, "batch_size": 4},
        vllm={**EXPERT_SAMPLING, "model_path": "models/qwen2.5-72b-instruct", "max_model_len": 32768,
              "gpu_memory_utilization": 0.9},
        openai=EXPERT_SAMPLING)

    @field_validator("stratify_column")
    @classmethod
    def _valid_column(cls, value: str | None) -> str | None:
        return None if value is None else check_column_name(value)


class DistillSettings(Section):
    """distill: expert_pairs -> refiner_sft (refiner prompt, target program)."""

    # Training prompts are rendered exactly as the refine job renders them at inference
    # (refine.prompt, refine.chunk_tokens, refine.max_line_chars); a target program longer than
    # refine.<render_as>.max_new_tokens is rejected (program_too_long).
    render_as: Literal["hf", "vllm"] = "hf"
    # Tokenizer (and chat template) of the model to be trained; null: train_refiner.base_model.
    tokenizer_path: str | None = None
    # The distiller's rules (RefineX): discard a pair with an insertion/replacement this long,
    # fewer deleted characters than this, or a program expressing less than this fraction.
    max_rewrite_chars: int = Field(20, ge=1)
    min_deleted_chars: int = Field(10, ge=0)
    min_expressed_fraction: float = Field(0.5, ge=0.0, le=1.0)
    allow_empty_expert: bool = False


class LoraSettings(Section):
    """LoRA adapters (peft) on the attention and MLP projections, merged into the saved model."""

    r: int = Field(16, ge=1)
    alpha: int = Field(32, ge=1)
    dropout: float = Field(0.05, ge=0.0, lt=1.0)
    target_modules: list[str] = Field(default_factory=lambda: [
        "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])


class TrainRefinerSettings(Section):
    """train-refiner: SFT of a causal LM on accepted refiner_sft rows (on the driver)."""

    base_model: str = DEFAULT_MODEL
    # Each run writes <output_root>/<run_id>/{checkpoints/, model/}; model/ is what
    # refine.hf.model_path (or refine.vllm.model_path) points at.
    output_root: str = "models/refiners"
    method: Literal["full", "lora"] = "full"     # lora: adapters merged into the saved model
    lora: LoraSettings = Field(default_factory=LoraSettings)
    learning_rate: float = Field(1e-5, gt=0)
    lr_scheduler: Literal["linear", "cosine", "constant", "constant_with_warmup"] = "cosine"
    warmup_ratio: float = Field(0.03, ge=0.0, lt=1.0)
    weight_decay: float = Field(0.0, ge=0.0)
    epochs: float = Field(1.0, gt=0)
    max_steps: int | None = Field(None, ge=1)    # set: overrides epochs
    batch_size: int = Field(8, ge=1)
    gradient_accumulation_steps: int = Field(1, ge=1)
    # Examples with more tokens (prompt + program + end token) are skipped and counted.
    max_seq_tokens: int = Field(4096, ge=16)
    save_steps: int = Field(500, ge=1)
    save_total_limit: int = Field(2, ge=1)
    logging_steps: int = Field(10, ge=1)
    gradient_checkpointing: bool = False
    device: Device = "auto"
    # auto: bfloat16 mixed precision on a GPU that supports it, float32 on the CPU.
    dtype: TrainDtype = "auto"
    seed: int = 0


class TrainClassifierSettings(SiteSettings):
    """train-classifier: (raw, expert) pairs in a Delta table -> a line classifier model directory."""

    # The pairs' columns: the expert job's expert_pairs (raw, expert), an ingested table with a
    # gold column (text, gold), or html + an extractor's output column.
    raw_column: str = "raw"
    expert_column: str = "expert"
    # When the table has a `status` column, only rows with this status train (null: every row).
    status: str | None = "accepted"
    # At most this many pages are collected to the driver to train on (a seeded sample).
    max_pages: int = Field(5000, ge=1)
    seed: int = 0
    # Also train on every page hard-wrapped (udfs/classifier/wrapping.py), read line by line: for hard-wrapped text
    # the refine job does not read a paragraph a line (udfs/classifier/unwrap.py: widths outside 60-100 columns);
    # it costs a little on text with a paragraph per line (MODEL_CARD.md).
    wrapped_copies: bool = False
    # Each run writes <output_root>/<run_id>.json (the model file refine.classifier.model_path takes).
    output_root: str = "models/classifiers"

    @field_validator("raw_column", "expert_column")
    @classmethod
    def _valid_pair_column(cls, value: str) -> str:
        return check_column_name(value)


class TrainReferenceSettings(Section):
    """train-reference (and each round of token-clean's self-evolving mode): LoRA fine-tuning, merged.

    Defaults are Token Cleaning's reference model: LoRA r 64, alpha 16, dropout 0.1 on the
    attention and MLP projections, lr 1e-4, linear schedule with 3% warm-up, one epoch.
    """

    lora: LoraSettings = Field(default_factory=LoraSettings)
    learning_rate: float = Field(1e-4, gt=0.0)
    warmup_ratio: float = Field(0.03, ge=0.0, le=1.0)
    epochs: int = Field(1, ge=1)
    batch_size: int = Field(8, ge=1)
    max_steps: int | None = Field(None, ge=1)   # stop earlier than the epochs say (quick runs)
    seed: int = 0
    device: Device = "auto"
    dtype: TrainDtype = "auto"

    lora_defaults = section_defaults(lora={"r": 64, "alpha": 16, "dropout": 0.1})


class TokenScoringSettings(Section):
    """How SFT samples become tokens and how the two models score them (on executors)."""

    # tulu_reference and prompt_completion label tokens as the method authors' code does
    # (udfs/tokenclean/formatting.py; README, "Token cleaning").
    chat_format: Literal["chat_template", "tulu", "tulu_reference", "prompt_completion"] = "chat_template"
    max_length: int = Field(2048, ge=2)         # longer samples are cut; ``truncated`` says so
    device: Device = "auto"
    dtype: Dtype = "auto"
    max_batch_tokens: int = Field(4096, ge=1)   # padded tokens per forward pass (batch size x its longest)
    # What one more forward pass costs, in tokens of work: batches are formed to minimise padded
    # tokens + this per batch (null: the device's default, udfs/tokenclean/batching.py).
    forward_overhead_tokens: int | None = Field(None, ge=0)
    tasks: int | None = Field(None, ge=1)       # Spark tasks that score (null: twice the default parallelism)


class SelfEvolvingSettings(Section):
    rounds: int = Field(5, ge=1)
    # Each run keeps its round models and round masks under <run_root>/<run_id>/round-<t>/;
    # executors load the round models from there, so on a cluster it must be shared storage.
    run_root: str = "lakehouse/_token_clean_runs"


class TokenCleanSettings(Section):
    """token-clean: sft -> token_masks (labels -100 where a token is cleaned away)."""

    base_model: str = DEFAULT_MODEL
    ref_model: str | None = None
    mode: Literal["global", "per_sample", "self_evolving"] = "global"
    keep: float = Field(0.6, gt=0.0, le=1.0)    # fraction of scored tokens kept
    # global threshold: exact (two histogram passes) or Spark's percentile_approx
    # (rank error at most M / approx_accuracy over M scored tokens).
    selection: Literal["exact", "approx"] = "exact"
    approx_accuracy: int = Field(10_000, ge=1)
    scoring: TokenScoringSettings = Field(default_factory=TokenScoringSettings)
    self_evolving: SelfEvolvingSettings = Field(default_factory=SelfEvolvingSettings)


class ExportSettings(Section):
    """export: token_masks -> trainer files."""

    # Samples left with no kept token are dropped unless true (training on them adds nothing but cost).
    include_no_token_kept: bool = False


class Settings(Section):
    env: str = "local"
    spark: SparkSettings = Field(default_factory=SparkSettings)
    progress: ProgressSettings = Field(default_factory=ProgressSettings)
    tables: TableSettings = Field(default_factory=TableSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    ingest_sft: IngestSftSettings = Field(default_factory=IngestSftSettings)
    refine: RefineSettings = Field(default_factory=RefineSettings)
    expert: ExpertSettings = Field(default_factory=ExpertSettings)
    distill: DistillSettings = Field(default_factory=DistillSettings)
    train_refiner: TrainRefinerSettings = Field(default_factory=TrainRefinerSettings)
    train_classifier: TrainClassifierSettings = Field(default_factory=TrainClassifierSettings)
    token_clean: TokenCleanSettings = Field(default_factory=TokenCleanSettings)
    train_reference: TrainReferenceSettings = Field(default_factory=TrainReferenceSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)
