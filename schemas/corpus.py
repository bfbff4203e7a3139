"""``corpus``: the documents to refine.

Contract: ``doc_id STRING NOT NULL``, unique; ``text STRING`` (non-empty after ingest);
any other columns of the source are carried through unchanged.
"""
from pyspark.sql.types import StringType, StructField, StructType

DOC_ID = "doc_id"
TEXT = "text"

CORPUS_REQUIRED = StructType([
    StructField(DOC_ID, StringType(), False),
    StructField(TEXT, StringType(), True),
])


def check_corpus_schema(schema: StructType) -> None:
    """Fail with a clear message when a table cannot be read as a corpus."""
    fields = {f.name: f.dataType for f in schema.fields}
    for required in CORPUS_REQUIRED.fields:
        if required.name not in fields:
            raise ValueError(f"corpus table has no '{required.name}' column (columns: {sorted(fields)})")
        if fields[required.name] != StringType():
            raise ValueError(f"corpus column '{required.name}' must be STRING, "
                             f"is {fields[required.name].simpleString()}")
