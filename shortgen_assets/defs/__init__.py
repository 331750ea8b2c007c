"""Dagster wiring: assets, checks, sensors, schedules, jobs and resources.

The first import of this package in a process imports Dagster and then freezes the garbage
collector's view of the heap (`gc.freeze()`). Dagster's import leaves about 110,000 objects that
live as long as the process; without the freeze, each full collection triggered by the imports that
follow (the definitions, the instance's storage) rescans all of them: two or three collections,
0.2-0.5 s of CPU, more than those imports cost otherwise. Frozen objects are never scanned again;
the price is that garbage among them is never freed by the cycle collector, and there is next to
none (a collection right after importing Dagster finds nothing). Commands that open the instance
import this package first for the same reason.
"""

import gc

import dagster  # noqa: F401

gc.freeze()
