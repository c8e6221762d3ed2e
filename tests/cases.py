"""Every built-in block, as data: (id, builder, kwargs). Shared by the oracle, check and CLI tests."""
from symnet.models import scalar_blocks as blocks

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "gelu", "softmax"]
#: Activations composed from the ones above (SiLU/Swish, ELU, softplus, Mish).
COMPOSED_ACTIVATIONS = ["silu", "elu", "softplus", "mish"]

BLOCKS = [
    ("neuron-identity-mse", blocks.neuron, dict(inputs=2)),
    ("neuron-sigmoid-bce", blocks.neuron, dict(inputs=3, activation="sigmoid", loss="bce")),
    ("neuron-tanh-mae", blocks.neuron, dict(inputs=2, activation="tanh", loss="mae")),
    ("linear-regression", blocks.linear_regression, dict()),
    ("linear-regression-l1-l2", blocks.linear_regression, dict(l1=0.1, l2=0.05)),
    ("dense-2-3-softmax-ce", blocks.dense, dict(inputs=2, outputs=3, loss="cross_entropy")),
    ("dense-3-2-relu-mse", blocks.dense, dict(inputs=3, outputs=2, activation="relu")),
    *[(f"mlp-2-3-1-{a}-mse", blocks.mlp, dict(sizes=(2, 3, 1), activation=a, loss="mse")) for a in ACTIVATIONS],
    ("mlp-2-3-2-tanh-ce", blocks.mlp, dict(sizes=(2, 3, 2), activation="tanh", loss="cross_entropy")),
    ("mlp-2-2-2-sigmoid-bce", blocks.mlp, dict(sizes=(2, 2, 2), activation="sigmoid", loss="bce")),
    ("mlp-2-2-1-gelu-mae", blocks.mlp, dict(sizes=(2, 2, 1), activation="gelu", loss="mae")),
    ("mlp-2-2-1-tanh-l2", blocks.mlp, dict(sizes=(2, 2, 1), activation="tanh", l2=0.01)),
    ("mlp-2-2-1-sigmoid-l1-all", blocks.mlp, dict(sizes=(2, 2, 1), activation="sigmoid", l1=0.1, penalize="all")),
    ("mlp-2-2-2-1-leaky-l1-l2", blocks.mlp, dict(sizes=(2, 2, 2, 1), activation="leaky_relu", alpha=0.2,
                                                 l1=0.01, l2=0.02)),
    ("mlp-2-2-2-softmax-output-mse", blocks.mlp, dict(sizes=(2, 2, 2), activation="tanh",
                                                      output_activation="softmax", loss="mse")),
    *[(f"mlp-2-3-1-{a}-mse", blocks.mlp, dict(sizes=(2, 3, 1), activation=a, loss="mse")) for a in COMPOSED_ACTIVATIONS],
]


def build(case):
    _, builder, kwargs = case
    return builder(**kwargs)
