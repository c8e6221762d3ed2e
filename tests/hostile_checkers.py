"""Stand-in checkers for the runner's negative controls: each misbehaves on a marked formula in a way the soft
time limit cannot stop (SIGALRM ignored, or the process killed), and hands every other formula to the real
judge. Loaded in worker processes by ``run_files(..., judge_path="tests.hostile_checkers:misbehave")``."""
import os
import signal
import time

import sympy as sp


def misbehave(formula, state, budget):
    from symnet.notes.judge import definitions
    from symnet.notes.verify import note as verify

    text = formula.text
    if "SLEEP" in text or "SPIN" in text or "DEFINE" in text:
        signal.signal(signal.SIGALRM, signal.SIG_IGN)  # no soft limit can stop what follows
        if "DEFINE" in text:  # start defining c (as a definition would: through definitions._defining), then hang
            from symnet.notes.latex import parse
            from symnet.notes.read.meaning import Meaning
            rel = parse("c = s + 5")
            definitions._defining("=", rel.args[1][0], rel.args[1][1], Meaning(state.context), state, 1, budget)
        if "SPIN" in text:
            while True:
                pass
        time.sleep(3600)
    if "ALLOC" in text:  # grows (doubling, untouched pages: fast) until the address-space cap refuses
        import numpy as np
        chunks, size = [], 1 << 20
        while True:
            chunks.append(np.empty(size, dtype=np.uint8))
            size *= 2
    if "CRASH" in text:  # dies the way a failed allocation in C code does
        os.kill(os.getpid(), signal.SIGSEGV)
    return verify.verdict_for(formula, state, budget)


def burn(formula, state, budget):
    """A fixed amount of pure-Python work per formula (for measuring the runner's parallelism)."""
    from symnet.notes.verify import note as verify

    s = 0
    for i in range(2_000_000):
        s += i
    return verify._undecided(formula, "burnt")
