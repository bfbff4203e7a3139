"""token-clean --dry-run: both models on a sample, the masked fraction and the estimate, no table written."""
from __future__ import annotations

import os
import re

from tests.support.tokenclean import ingest_sft, short_samples, token_lake


def files_under(root) -> dict[str, float]:
    return {os.path.join(d, f): os.path.getmtime(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs}


def test_dry_run_scores_a_sample_and_writes_nothing(spark, lake_root, token_models, capsys):
    lake = token_lake(lake_root, "token_clean.scoring.max_length=96")
    samples = short_samples(8)
    ingest_sft(lake, samples)
    capsys.readouterr()
    before = files_under(lake.root)
    code = lake.run("token-clean", "--base", token_models["tiny0"], "--ref", token_models["tiny1"],
                    "--keep", "0.6", "--dry-run", "--sample", "5")
    out = capsys.readouterr().out
    assert code == 0, out
    assert files_under(lake.root) == before, "the dry run wrote or changed a file"
    head = re.search(r"dry run \(mode global, keep 0.6, on cpu; no table written\): 5 of (\d+) samples", out)
    assert head and int(head.group(1)) == len(samples), out
    scored = re.search(r"sample: ([\d,]+) tokens, ([\d,]+) response tokens scored, ([\d,]+) masked \(([\d.]+)%\)", out)
    assert scored, out
    response, masked = int(scored.group(2).replace(",", "")), int(scored.group(3).replace(",", ""))
    # global mode keeps the int(0.6 M) best of the sample's M scores (ties can keep a few more)
    assert 0 < masked <= response - int(0.6 * response)
    assert re.search(r"measured: [\d,]+ tokens/s per core", out)
    assert re.search(r"whole input: about [\d,]+ tokens, [\d.e+-]+ core-hours", out)
    assert "[[" in out  # a response with its masked tokens marked


def test_dry_run_refuses_self_evolving_before_spark(spark, lake_root, token_models, capsys):
    lake = token_lake(lake_root)
    code = lake.run("token-clean", "--base", token_models["tiny0"], "--mode", "self_evolving", "--dry-run")
    assert code == 2 and "--dry-run scores with a given reference model" in capsys.readouterr().err
