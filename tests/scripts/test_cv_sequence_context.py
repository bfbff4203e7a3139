import torch

from lakerefine.udfs.classifier.features import BLANK
from lakerefine.udfs.classifier.training import (
    TrainingPage,
    TrainingParams,
    label_pages,
    out_of_fold_probabilities,
    page_folds,
)
from tests.support.bench import load_script

script = load_script("cv_sequence_context")
PAGES = [TrainingPage(f"Menu\nHome\n\nStory {i} begins here and goes on.\nIt ends well for {i}.\nShare\n",
                      f"Story {i} begins here and goes on.\nIt ends well for {i}.", group=f"site{i % 4}")
         for i in range(16)]


def test_the_mlp_control_reads_each_line_alone_and_the_gru_reads_the_order():
    torch.manual_seed(0)
    rows = torch.randn(1, 6, 5)
    reversed_rows = rows.flip(1)
    lengths = torch.tensor([6])
    for arch, order_free in (("mlp", True), ("gru", False)):
        network = script.ContextNetwork(5, 4, arch)
        with torch.no_grad():
            forward, backward = network(rows, lengths), network(reversed_rows, lengths).flip(1)
        assert torch.allclose(forward, backward) is order_free


def test_every_text_line_gets_a_probability_out_of_fold_and_blank_lines_none():
    params = TrainingParams(trees=5, context_trees=5, min_data_in_leaf=2)
    data = label_pages(PAGES, params)
    out_of_fold = out_of_fold_probabilities(data, params)
    sequences = script.PageSequences(out_of_fold.context, data)
    probability = script.network_probabilities(sequences, page_folds(data.groups, params.folds), "gru", 0, 4, 2)
    text = data.features[:, BLANK] == 0
    assert probability.shape == data.labels.shape
    assert ((probability[text] > 0) & (probability[text] < 1)).all() and (probability[~text] == 0).all()
    assert sum(len(rows) for rows in sequences.rows) == text.sum()
