"""train fits every sequence model it lists, on small tasks made on the spot."""
import json

import numpy as np
import pytest

from symnet.models.registry import SEQUENCE_MODELS
from symnet.training.sequence_tasks import make_task


@pytest.mark.parametrize("model", sorted(SEQUENCE_MODELS))
def test_every_sequence_model_trains(run, model):
    code, out, err = run("train", model, "--epochs", "20", "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert len(result["history"]) == 20 and 0 <= result["accuracy"] <= 1
    assert result["history"][-1] < result["history"][0]  # it learned something


@pytest.mark.parametrize("model,task", [("encoder", "reverse"), ("conv1d", "ngram"), ("rnn", "next-token")])
def test_closed_form_gradients_reach_full_training_accuracy(run, model, task):
    code, out, err = run("train", model, "--data", task, "--epochs", "300", "--lr", "0.03", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["accuracy"] == 1.0
    # the negative control: one epoch from the initial parameters is far from it
    code, out, _ = run("train", model, "--data", task, "--epochs", "1", "--lr", "0.03", "--format", "json")
    assert json.loads(out)["accuracy"] < 0.9


def test_the_tasks_mean_what_they_say():
    task = make_task("reverse", width=8, seed=1)
    tokens = np.argmax(task.arrays["X"][..., :4], axis=-1)
    wanted = np.argmax(task.arrays["Y"][..., :4], axis=-1)
    assert np.array_equal(wanted, tokens[:, ::-1])
    ngram = make_task("ngram", seed=1, model="conv1d")
    tokens = np.argmax(ngram.arrays["X"], axis=-1)
    has = [any(t[i] == 1 and t[i + 1] == 2 for i in range(len(t) - 1)) for t in tokens]
    assert has == list(np.argmax(ngram.arrays["Y"][:, 0], axis=-1) == 1)


def test_a_task_that_does_not_fit_the_model_is_one_line(run):
    code, out, err = run("train", "conv1d", "--data", "reverse")
    assert code == 2 and "does not train on 'reverse'" in err and err.count("\n") == 1
    code, out, err = run("train", "encoder", "--data", "xor")
    assert code == 2 and "trains on a sequence task" in err
