"""Benchmark: one full Step 5 verification with 100 ms of latency injected into every AWS call.

Starts a moto server in its own process on 127.0.0.1 (as AWS is another machine, moto's work must not share this
process's GIL), builds the complete Step 5 state, then runs `verify_step` with probes off: with parallel collection
(the default) and with the same calls one after another (max_workers=1), a few times each. Prints the number of AWS
API calls and the median wall time. Not a test: figures go in reports, never in assertions.

    .venv/bin/python benchmarks/verify_step5.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
for key, value in {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "ap-northeast-1",
}.items():
    os.environ[key] = value  # never touch a real account
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_SESSION_TOKEN", None)

import statistics  # noqa: E402
import subprocess  # noqa: E402

import boto3  # noqa: E402

from provisioning import verify  # noqa: E402
from provisioning.tests.builders import build_step5_state  # noqa: E402
from provisioning.types import ConnectionSpec  # noqa: E402
from tests.processes import NotReady, free_port, http_answers, wait_until  # noqa: E402

LATENCY = 0.1
_injected = {"latency": 0.0}


def _with_latency(session_for):
    def build(spec, **kw):
        session = session_for(spec, **kw)
        session.events.register("before-call", lambda **_: time.sleep(_injected["latency"]))
        return session

    return build


def _measure(spec: ConnectionSpec, workers: int) -> tuple[int, float, int]:
    started = time.perf_counter()
    report = verify.verify_step(spec, tutorial="aws-hands-on", step="load-balancer", probes=False, max_workers=workers)
    wall = (time.perf_counter() - started) * 1000
    return report.aws_api_calls, wall, sum(r.status == "pass" for r in report.results)


REPEATS = 5


def _start_moto() -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: http_answers(url + "/moto-api/", timeout=1), "the moto server", timeout=10, interval=0.1)
    except NotReady:
        proc.kill()
        raise SystemExit("moto server did not start") from None
    return proc, url


def main() -> None:
    proc, url = _start_moto()
    os.environ["AWS_ENDPOINT_URL"] = url  # every client, the builder's and the engine's, goes to the moto server
    try:
        build_step5_state(boto3.Session(region_name="ap-northeast-1"))
        verify.session_for = _with_latency(verify.session_for)
        spec = ConnectionSpec(kind="ambient")
        verify.verify_step(
            spec, tutorial="aws-hands-on", step="load-balancer", probes=False
        )  # warm-up: imports and the model cache
        print(f"Step 5 verification, probes off (moto server in its own process), median of {REPEATS} runs")
        for latency in (0.0, LATENCY):
            _injected["latency"] = latency
            print(f" {int(latency * 1000)} ms injected per AWS call:")
            for label, workers in (("parallel", 4), ("sequential", 1)):
                runs = [_measure(spec, workers) for _ in range(REPEATS)]
                calls, passed = runs[0][0], runs[0][2]
                wall = statistics.median(r[1] for r in runs)
                print(f"  {label:<10}  aws_api_calls={calls}  wall={wall:7.1f} ms  (passed {passed}/15)")
        print(f"  budget: <= 8 calls; parallel target < {3 * int(LATENCY * 1000)} ms plus probes")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
