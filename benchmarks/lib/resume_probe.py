#!/usr/bin/env python3
"""Kill an uploader with SIGKILL halfway, restart it, and measure the resume at the emulator.

usage: resume_probe.py ADMIN_BASE_URL SIZE_BYTES LOG -- COMMAND...

Resets the emulator's counters, starts COMMAND, and polls GET /_hoist/admin/counters until the
emulator has received SIZE/2 UploadPart body bytes; then kill -9 and the same COMMAND again.
Everything is counted by the emulator, not by the client:
  first_part_s  restart -> the emulator sees the head of the first UploadPart after it
                (polled every 2 ms, so good to a few ms)
  resent_bytes  UploadPart body bytes received over both runs, minus the file's size
                (parts that were in flight at the kill, and whatever the client repeats)
  in_flight     the most UploadParts the emulator had in progress at once during the first
                run: the parts in flight the client really used (for `auto`, the level its tuner
                had reached), so in_flight x part size bounds what a kill may cost
Prints one line: RESENT_BYTES FIRST_PART_S IN_FLIGHT. Exits non-zero (and prints nothing) if a
run fails.
"""
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse


class Counters:
    def __init__(self, base):
        url = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)

    def call(self, method, path):
        self.conn.request(method, "/_hoist/admin/counters" + path)
        response = self.conn.getresponse()
        body = response.read()
        return json.loads(body) if body and method == "GET" else None

    def get(self):
        c = self.call("GET", "")
        return c["requests"].get("UploadPart", 0), c["bodyBytesByOperation"].get("UploadPart", 0)

    def peak_in_flight(self):
        return self.call("GET", "")["peakInProgress"].get("UploadPart", 0)


def main():
    base, size, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    command = sys.argv[sys.argv.index("--") + 1:]
    counters = Counters(base)
    counters.call("POST", "/reset")
    with open(log, "ab") as out:
        # A session of its own, so the kill reaches the client's whole process tree.
        first = subprocess.Popen(command, stdout=out, stderr=out, start_new_session=True)
        while counters.get()[1] < size // 2:
            if first.poll() is not None:
                sys.exit(f"the first run ended (exit {first.returncode}) before half the file was sent; see {log}")
            time.sleep(0.002)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed_requests, _ = counters.get()
        in_flight = counters.peak_in_flight()
        restart = time.monotonic()
        second = subprocess.Popen(command, stdout=out, stderr=out, start_new_session=True)
        first_part = None
        while first_part is None:
            if counters.get()[0] > killed_requests:
                first_part = time.monotonic() - restart
            elif second.poll() is not None:
                break
            else:
                time.sleep(0.002)
        status = second.wait()
    if status != 0:
        sys.exit(f"the restarted run failed (exit {status}); see {log}")
    _, total = counters.get()
    if first_part is None:
        sys.exit(f"the restarted run sent no UploadPart; see {log}")
    print(max(0, total - size), f"{first_part:.3f}", in_flight)


if __name__ == "__main__":
    main()
