from .commands import cli, entry_point, main

__all__ = ["cli", "entry_point", "main"]
