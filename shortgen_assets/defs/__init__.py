"""Dagster wiring: assets, checks, sensors, schedules, jobs and resources.

The first import of this package in a process imports Dagster with the garbage collector paused,
then freezes the collector's view of the heap (`gc.freeze()`). Dagster's import leaves about 110,000
objects that live as long as the process and no garbage (a collection right after it finds
nothing), yet with the collector running, its import and the imports that follow (the definitions,
the instance's storage) trigger full collections that rescan all of them: 0.3-0.6 s of CPU, more
than those imports cost otherwise. Frozen objects are never scanned again. Commands that open the
instance import this package first for the same reason.
"""

import gc


def _import_dagster_out_of_gc_scans() -> None:
    collecting = gc.isenabled()
    gc.disable()
    try:
        import dagster  # noqa: F401
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


_import_dagster_out_of_gc_scans()
