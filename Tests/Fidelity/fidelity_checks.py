"""The check registry and runner shared by the SDK fidelity scripts.

Each script registers its checks with `@check` and ends with `sys.exit(run_checks())`. Every
check runs even after a failure, so one run shows every way the emulator disagrees with an SDK,
and the exit status tells the Swift test whether any did.
"""
import sys
import traceback

CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def run_checks():
    passed = failed = 0
    for fn in CHECKS:
        try:
            fn()
            passed += 1
            print(f"ok   {fn.__name__}", flush=True)
        except Exception as e:  # noqa: BLE001 - report every check, then fail
            failed += 1
            print(f"FAIL {fn.__name__}: {type(e).__name__}: {e}", flush=True)
            traceback.print_exc(file=sys.stdout)
    print(f"fidelity: {passed} passed, {failed} failed")
    return 1 if failed else 0
