"""CI-size fuzzing of verify with hostile notes (the 10,000-case run is benchmarks/fuzz_verify.py)."""
import importlib.util
from pathlib import Path

SPEC = importlib.util.spec_from_file_location(
    "fuzz_verify", Path(__file__).resolve().parents[1] / "benchmarks" / "fuzz_verify.py")
fuzz_verify = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(fuzz_verify)


def test_hostile_fuzz_no_crash_no_hang():
    result = fuzz_verify.fuzz(cases=100, seed=2026, budget=0.1, jobs=2)
    assert result["reported"]  # every case has a report
    assert result["crashes"] == []
    assert result["hangs"] == []
    assert result["stats"]["peak_memory"] < 1 << 30
    # the generators do reach the limits (otherwise this fuzzing proves little)
    assert result["limits"]["time limit"] > 0 and result["limits"]["size limits"] > 0


def test_generator_is_seeded():
    import random
    a = [fuzz_verify.note(random.Random(7)) for _ in range(3)]
    b = [fuzz_verify.note(random.Random(7)) for _ in range(3)]
    assert a == b and len({kind for _, kind in (fuzz_verify.note(random.Random(s)) for s in range(200))}) == \
        len(fuzz_verify.GENERATORS)
