"""``sft``: supervised fine-tuning samples, one conversation per row.

Contract: ``sample_id STRING NOT NULL``, unique; ``messages`` a non-empty array of
(role, content) turns, role one of system / user / assistant, content a string,
at least one assistant turn with non-blank content. ``prompt`` + ``response``
records are stored as a user turn and an assistant turn. Any other fields of the
source are carried through as columns; ``ingest_run_id`` names the run that
wrote the row.
"""
from pyspark.sql.types import ArrayType, StringType, StructField, StructType

SAMPLE_ID = "sample_id"
MESSAGES = "messages"

MESSAGE_TYPE = StructType([
    StructField("role", StringType(), True),
    StructField("content", StringType(), True),
])
MESSAGES_TYPE = ArrayType(MESSAGE_TYPE, True)



def check_sft_schema(schema: StructType) -> None:
    """Fail with a clear message when a table cannot be read as SFT samples."""
    fields = {f.name: f.dataType for f in schema.fields}
    if SAMPLE_ID not in fields or fields[SAMPLE_ID] != StringType():
        raise ValueError(f"an sft table needs a STRING '{SAMPLE_ID}' column (columns: {sorted(fields)})")
    if MESSAGES not in fields:
        raise ValueError(f"an sft table needs a '{MESSAGES}' column (columns: {sorted(fields)})")
    messages = fields[MESSAGES]
    if not (isinstance(messages, ArrayType) and isinstance(messages.elementType, StructType)
            and {"role", "content"} <= set(messages.elementType.fieldNames())):
        raise ValueError(f"sft column '{MESSAGES}' must be ARRAY<STRUCT<role, content>>, "
                         f"is {messages.simpleString()}")
