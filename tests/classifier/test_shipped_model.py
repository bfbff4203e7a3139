import hashlib

import numpy as np
import pytest

from lakerefine.udfs.classifier.model import LineModel
from lakerefine.udfs.classifier.program import deletion_program
from lakerefine.udfs.program.executor import execute

SHIPPED = "line_model.json"


def _shipped_path():
    from importlib.resources import files

    return files("lakerefine.udfs.classifier") / "models" / SHIPPED


def test_the_shipped_model_loads_with_its_file_hash_and_refines_a_page():
    path = _shipped_path()
    model = LineModel.load(path)
    assert model.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert 0 < model.threshold < 1 and 0 < model.page_floor < 1
    page = ("Home | News | Sport | Weather\nSign in\n\nStorm closes coastal roads\n\n"
            "Heavy rain and strong winds closed several coastal roads on Monday, officials said, "
            "and more rain is expected later in the week.\n\nShare on Facebook\nShare on Twitter\n"
            "Copyright 2024 Example News. All rights reserved.\n")
    keep = model.keep_probabilities([page], [None])[0]
    assert keep.shape == (page.count("\n"),) and np.isfinite(keep).all()
    program = model.programs([page], [None])[0]
    assert program == deletion_program(page, keep, model.threshold, [4, 2, 0, 4, 0, 22, 0, 3, 3, 7], model.page_floor)
    refined = execute(page, program).text
    assert "Heavy rain and strong winds" in refined


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="not a lakerefine-line-model/2 file"):
        LineModel.load(path)
