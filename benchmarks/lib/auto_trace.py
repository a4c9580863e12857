#!/usr/bin/env python3
"""Prints how `--parallel auto` moved during one `hoist upload --json` run.

usage: auto_trace.py CONTEXT RUN LOG

Reads the JSON lines of LOG (one `progress` event a second at most) and prints one CSV line per
event: CONTEXT,RUN,ELAPSED_S,IN_FLIGHT,MB_PER_S, where IN_FLIGHT is the parts in flight the
budget allowed at that moment (`in_flight_limit`: the tuner's level; older builds lack it, and
then the parts really in flight are taken) and MB_PER_S the upload's recent rate. benchmarks/run appends these to DATE-auto.csv; report.py plots them.
"""
import json
import sys


def main():
    context, run, path = sys.argv[1:4]
    for line in open(path, errors="replace"):
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("event") != "progress" or "elapsed_seconds" not in event:
            continue
        level = event.get("in_flight_limit") or event["in_flight"]
        print(f"{context},{run},{event['elapsed_seconds']},{level},"
              f"{event['bytes_per_second'] / 1e6:.1f}")


if __name__ == "__main__":
    main()
