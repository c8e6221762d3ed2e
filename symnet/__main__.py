"""``python -m symnet …``: the same command as ``symnet …``."""
from .cli import entry_point

if __name__ == "__main__":
    entry_point()
