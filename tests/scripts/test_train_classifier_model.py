import pytest

from lakerefine.udfs.classifier.training import TrainingParams
from tests.support.bench import load_script

training_params = load_script("train_classifier_model").training_params


def test_params_are_parsed_as_their_fields_types():
    params = training_params(["seed=2", "learning_rate=0.05", "line_weight=words", "context_monotone=false",
                              "threshold=0.3"])
    assert (params.seed, params.learning_rate, params.line_weight, params.context_monotone, params.threshold) == (
        2, 0.05, "words", False, 0.3)
    assert training_params([]) == TrainingParams()
    assert training_params(["context_monotone=True"]).context_monotone is True


@pytest.mark.parametrize("override", ["context_monotone=0", "context_monotone=no", "trees=many", "depth=3"])
def test_a_bad_override_stops_with_a_message(override):
    with pytest.raises((SystemExit, ValueError)):
        training_params([override])
