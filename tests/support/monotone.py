"""The context stage's promise (context.py): raising a first-stage probability it reads never lowers a keep
probability."""
import numpy as np

from lakerefine.udfs.classifier.context import CONTEXT_FEATURE_NAMES, context_features
from lakerefine.udfs.classifier.features import BLANK, line_words
from lakerefine.udfs.classifier.model import LineModel

PROBABILITY_COLUMNS = [i for i, name in enumerate(CONTEXT_FEATURE_NAMES) if name.startswith("probability")]


def lowered_keep_probabilities(model: LineModel, texts: list[str], raise_by: float) -> int:
    """How many (line, raised column set) pairs get a lower keep probability when one probability column, or
    all of them at once, is raised by ``raise_by`` (up to 1; missing values stay missing)."""
    features, lengths = model.feature_matrix(texts)
    text = features[:, BLANK] == 0
    first = np.zeros(features.shape[0])
    first[text] = model.booster.predict(features[text])
    context = context_features(first, text, line_words(features), np.asarray(lengths))[text]
    before = model.context_booster.predict(context)
    lowered = 0
    for columns in [[column] for column in PROBABILITY_COLUMNS] + [PROBABILITY_COLUMNS]:
        raised = context.copy()
        raised[:, columns] = np.minimum(raised[:, columns] + raise_by, 1.0)  # NaN + x stays NaN
        lowered += int((model.context_booster.predict(raised) < before - 1e-12).sum())
    return lowered
