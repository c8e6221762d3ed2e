"""pytest collection: the JAX runtime module is importable only where JAX is installed (an optional extra)."""
import importlib.util

collect_ignore = [] if importlib.util.find_spec("jax") else ["symnet/codegen/numeric_jax.py"]
