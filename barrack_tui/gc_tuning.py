"""Garbage-collector settings for a console that runs for hours over a big fleet.

CPython's default thresholds (700, 10, 10) suit short scripts. The console
holds a few hundred thousand long-lived objects (imported modules, Textual's
widget tree and styles, the cached fleet, the table's rows) and each poll
replaces one model per instance. With the defaults a 10,000-instance poll
ran ~40 young collections and a full collection every poll or two, each full
one walking every long-lived object: in a profile of the first load, the
collector's pauses were charged to whatever allocated next (Textual's
``Strip``) and made up a quarter of the time.

From the start (the entry point, before the console's modules load) the
young generation is allowed to grow larger, so the same garbage is collected
in far fewer passes (and no full collection lands in the middle of the
imports or the first load); once the first instances are on screen, what
start-up built is moved to the permanent generation, which no collection
walks again. Reference cycles are still collected; they just wait longer.
"""

from __future__ import annotations

import gc

#: Allocations (net of frees) between two young collections.
YOUNG_THRESHOLD = 10_000
#: Young collections per middle one, and middle ones per full one.
OLDER_THRESHOLDS = (20, 50)


def collect_less_often() -> None:
    """Grow the young generation from the start (cheap: no collection now).

    Only entry points call this (``cli.main``, the benchmarks), and only the
    console's ``Launch(tune_gc=True)`` calls ``settle_after_startup``: inside a
    test process either would change every later test's memory behaviour.
    """
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)


def settle_after_startup() -> None:
    """Collect once, then freeze what start-up built (modules, the UI, the first fleet)."""
    gc.collect()
    gc.freeze()
