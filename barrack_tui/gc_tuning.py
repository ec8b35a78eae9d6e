"""Garbage-collector settings for a console that runs for hours over a big fleet.

CPython's default thresholds (700, 10, 10) suit short scripts. The console
holds a few hundred thousand long-lived objects (imported modules, Textual's
widget tree and styles, the cached fleet, the table's rows) and each poll
replaces one model per instance. With the defaults a 10,000-instance poll
ran ~40 young collections and a full collection every poll or two, each full
one walking every long-lived object: in a profile of the first load, the
collector's pauses were charged to whatever allocated next (Textual's
``Strip``) and made up a quarter of the time.

Once the UI is up, its objects are moved to the permanent generation, which
no collection walks again, and the young generation is allowed to grow
larger, so the same garbage is collected in far fewer passes. Reference
cycles are still collected; they just wait a little longer.
"""

from __future__ import annotations

import gc

#: Allocations (net of frees) between two young collections.
YOUNG_THRESHOLD = 10_000
#: Young collections per middle one, and middle ones per full one.
OLDER_THRESHOLDS = (20, 50)


def settle_after_startup() -> None:
    """Collect once, freeze what the start-up built, and collect less often from now on.

    Only entry points call this (the console's ``run_*``, the benchmarks):
    freezing inside a test process would keep every earlier test's garbage.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
