"""Shared test helpers."""
import pytest

from symnet.cli import main


@pytest.fixture
def run(capsys):
    """Run the CLI in-process: (exit code, stdout, stderr)."""
    def invoke(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err
    return invoke
