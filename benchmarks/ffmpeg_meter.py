"""ffmpeg run through a meter, for `benchmarks/demo.py --breakdown`.

Runs the real ffmpeg ($SHORTGEN_REAL_FFMPEG) with the same arguments and appends one JSON line to
$SHORTGEN_FFMPEG_METER: its CPU time (from `wait4`), this meter's own CPU time (so the benchmark
can take it out again) and the output path (the last argument), which says what the call made.
"""

import json
import os
import resource
import subprocess
import sys


def main() -> None:
    proc = subprocess.Popen([os.environ["SHORTGEN_REAL_FFMPEG"], *sys.argv[1:]])
    _, status, usage = os.wait4(proc.pid, 0)
    own = resource.getrusage(resource.RUSAGE_SELF)
    record = {
        "cpu": usage.ru_utime + usage.ru_stime,
        "meter_cpu": own.ru_utime + own.ru_stime,
        "output": sys.argv[-1],
    }
    with open(os.environ["SHORTGEN_FFMPEG_METER"], "a") as log:
        log.write(json.dumps(record) + "\n")
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
