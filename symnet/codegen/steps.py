"""The fused optimiser steps of a buffer-owning program (:mod:`symnet.codegen.buffers`): SGD, momentum and
Adam updates written in place into the parameter arrays, in the same generated function as the gradients.

    θ ← θ − α g                                        (SGD)
    v ← μ v + g;  θ ← θ − α v                          (momentum)
    m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  θ ← θ − α m̂ / (√v̂ + ε)   (Adam, bias-corrected)
"""
from __future__ import annotations

from typing import Sequence

#: An SGD step's own program: its body's lines and the gradient buffer of each parameter it does not update in
#: the body (the others are updated where their gradient's product is computed, see schedule.py).
FusedSGD = tuple[list[str], dict[str, str]]

#: β₁, β₂, ε of Adam and the momentum coefficient, as :mod:`symnet.training.optimizers` uses them.
ADAM = (0.9, 0.999, 1e-8)
MOMENTUM = 0.9


def optimiser_steps(args: str, loss: str, parameters: Sequence[str], sgd: FusedSGD | None = None) -> list[str]:
    """Source lines (indented for ``make_program``) of ``sgd_step``, ``momentum_step`` and ``adam_step``: each
    calls ``loss_and_gradient(args)`` and updates the parameters in place through the ``step_<p>`` buffers;
    with ``sgd``, ``sgd_step`` runs that program instead and updates the rest of the parameters after it."""
    out: list[str] = []
    updates = {
        "sgd_step": ("learning_rate", lambda p, g: [
            f"numpy.multiply({g}, learning_rate, out=step_{p})",
            f"numpy.subtract({p}, step_{p}, out={p})"]),
        "momentum_step": ("learning_rate, velocities", lambda p, g: [
            f"numpy.multiply(velocity_{p}, {MOMENTUM}, out=velocity_{p})",
            f"numpy.add(velocity_{p}, {g}, out=velocity_{p})",
            f"numpy.multiply(velocity_{p}, learning_rate, out=step_{p})",
            f"numpy.subtract({p}, step_{p}, out={p})"]),
        "adam_step": ("learning_rate, moments, t", lambda p, g: [
            f"numpy.multiply(first_{p}, {ADAM[0]}, out=first_{p})          # m ← β₁ m + (1 − β₁) g",
            f"numpy.multiply({g}, {1 - ADAM[0]:.12g}, out=step_{p})",
            f"numpy.add(first_{p}, step_{p}, out=first_{p})",
            f"numpy.multiply(second_{p}, {ADAM[1]}, out=second_{p})        # v ← β₂ v + (1 − β₂) g²",
            f"numpy.multiply({g}, {g}, out=step_{p})",
            f"numpy.multiply(step_{p}, {1 - ADAM[1]:.12g}, out=step_{p})",
            f"numpy.add(second_{p}, step_{p}, out=second_{p})",
            f"numpy.multiply(second_{p}, second_scale, out=step_{p})      # θ ← θ − α m̂ / (√v̂ + ε)",
            f"numpy.sqrt(step_{p}, out=step_{p})",
            f"numpy.add(step_{p}, {ADAM[2]}, out=step_{p})",
            f"numpy.divide(first_{p}, step_{p}, out=step_{p})",
            f"numpy.multiply(step_{p}, first_scale, out=step_{p})",
            f"numpy.subtract({p}, step_{p}, out={p})"]),
    }
    for fname, (extra, update) in updates.items():
        out += [f"    def {fname}({args}, {extra}):",
                f'        """One {fname.split("_")[0]} step on the parameters, in place; returns the loss."""']
        if fname == "sgd_step" and sgd is not None:
            body, rest = sgd
            out += [f"        {line}" for line in body]
            for p, g in rest.items():
                out += [f"        # {p} update"] + [f"        {line}" for line in update(p, g)]
            out += [f"        return {loss}", ""]
            continue
        out.append(f"        {loss}, ({', '.join(f'g_{p}' for p in parameters)},) = loss_and_gradient({args})")
        if fname == "momentum_step":
            out.append(f"        {', '.join(f'velocity_{p}' for p in parameters)}, = velocities")
        if fname == "adam_step":
            out += [f"        {', '.join(f'first_{p}, second_{p}' for p in parameters)}, = moments",
                    f"        first_scale = learning_rate/(1 - {ADAM[0]}**t)",
                    f"        second_scale = 1/(1 - {ADAM[1]}**t)"]
        for p in parameters:
            out += [f"        # {p} update"] + [f"        {line}" for line in update(p, f"g_{p}")]
        out += [f"        return {loss}", ""]
    return out
