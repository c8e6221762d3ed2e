"""symnet: derive, compile and check the mathematics of neural networks.

The whole pipeline:

>>> import symnet
>>> g = symnet.mlp((2, 3, 1), activation="tanh", loss="mse", l2=0.01)
>>> grads = symnet.derive(g)
>>> f = symnet.compile_graph(g, grads)
>>> report = symnet.check_grads(f, seed=0)
>>> report.passed
True
"""
__version__ = "0.1.0"  # before the imports, so that any stage may read it while the package loads

from .algebra.derive import Gradients, derive
from .algebra.graph import Assignment, Graph, GraphBuilder
from .checking.gradients import CheckReport, check_grads
from .codegen.compile import CompiledGraph, compile_graph
from .errors import GradientMismatch, GraphError, NoRuleError, SymnetError
from .models.network import from_function, network
from .models.scalar_blocks import dense, linear_regression, mlp, neuron
from .rendering import display as _display  # noqa: F401  the reprs and notebook views register themselves
from .training.loop import train

__all__ = [
    "Assignment", "CheckReport", "CompiledGraph", "Graph", "GraphBuilder", "Gradients", "GradientMismatch", "GraphError", "NoRuleError",
    "SymnetError", "check_grads", "compile_graph", "derive", "dense", "from_function", "linear_regression", "mlp",
    "network", "neuron", "train",
]
