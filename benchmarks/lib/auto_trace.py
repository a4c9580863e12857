#!/usr/bin/env python3
"""Prints how `--parallel auto` moved during one `hoist upload --json` run.

usage: auto_trace.py CONTEXT RUN LOG

Reads the JSON lines of LOG (one `progress` event a second at most) and prints one CSV line per
event: CONTEXT,RUN,ELAPSED_S,IN_FLIGHT,MB_PER_S, where IN_FLIGHT is the parts the upload had in
flight at that moment (the tuner's level, except in the upload's last parts) and MB_PER_S its
recent rate. benchmarks/run appends these to DATE-auto.csv; report.py plots them.
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
        print(f"{context},{run},{event['elapsed_seconds']},{event['in_flight']},"
              f"{event['bytes_per_second'] / 1e6:.1f}")


if __name__ == "__main__":
    main()
