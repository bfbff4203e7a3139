import hashlib

import numpy as np
import pytest

from lakerefine.udfs.classifier.model import LineModel
from lakerefine.udfs.classifier.program import deletion_program
from lakerefine.udfs.program.executor import execute
from tests.support.monotone import lowered_keep_probabilities

SHIPPED = "line_model.json"
PAGE = ("Home | News | Sport | Weather\nSign in\n\nStorm closes coastal roads\n\n"
        "Heavy rain and strong winds closed several coastal roads on Monday, officials said, "
        "and more rain is expected later in the week.\n\nShare on Facebook\nShare on Twitter\n"
        "Copyright 2024 Example News. All rights reserved.\n")


def _shipped_path():
    from importlib.resources import files

    return files("lakerefine.udfs.classifier") / "models" / SHIPPED


def test_the_shipped_model_loads_with_its_file_hash_and_refines_a_page():
    path = _shipped_path()
    model = LineModel.load(path)
    assert model.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert 0 < model.threshold < 1 and 0 < model.page_floor < 1
    keep = model.keep_probabilities([PAGE], [None])[0]
    assert keep.shape == (PAGE.count("\n"),) and np.isfinite(keep).all()
    program = model.programs([PAGE], [None])[0]
    assert program == deletion_program(PAGE, keep, model.threshold, [4, 2, 0, 4, 0, 22, 0, 3, 3, 7], model.page_floor)
    refined = execute(PAGE, program).text
    assert "Heavy rain and strong winds" in refined


def test_the_shipped_context_stage_is_monotone_in_the_probabilities_it_reads():
    model = LineModel.load(_shipped_path())
    assert model.training["params"]["context_monotone"] is True
    assert all(lowered_keep_probabilities(model, [PAGE], step) == 0 for step in (0.05, 0.3, 1.0))


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="not a lakerefine-line-model/2 file"):
        LineModel.load(path)
