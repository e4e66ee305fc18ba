"""Micro-benchmark: the worker's CPU for a learner's first check in a process (a never-seen sandbox account).

The sandbox runs in a subprocess, so this process's CPU is the worker side only: AssumeRole, the account's session
and clients, the step's snapshot calls (real HTTP + SigV4 to the sandbox) and the checks. Each account is checked
once (cold: new credentials, new session, new clients), then the same accounts again (warm). `--profile FILE`
writes a cProfile of the cold loop; `--no-freeze` skips the worker's gc.freeze() after start (config/celery.py).
The load average is printed: CPU ms per account is the figure to compare.

    .venv/bin/python benchmarks/new_accounts.py --accounts 100
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SERVE = (
    "import logging, sys\n"
    "logging.getLogger('werkzeug').setLevel(logging.ERROR)\n"
    "from provisioning.sandbox.server import SandboxServer\n"
    "s = SandboxServer('127.0.0.1', 0, 0).start()\n"
    "print(s.url, s.dataplane_url, flush=True)\n"
    "sys.stdin.read()\n"
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--profile", default="")
    parser.add_argument(
        "--no-freeze", action="store_true", help="do not gc.freeze() after the warm-up (as a worker did before)"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    sandbox = subprocess.Popen(
        [sys.executable, "-c", SERVE], cwd=BASE_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        url, dataplane = sandbox.stdout.readline().split()
        import django

        django.setup()
        from django.conf import settings

        settings.SANDBOX_URL, settings.SANDBOX_DATAPLANE_URL = url, dataplane
        from provisioning.sandbox import new_account_id, spec_for
        from provisioning.verify import verify_step

        print(f"LOAD AVERAGE at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        specs = [spec_for(new_account_id(), "ap-northeast-1") for _ in range(args.accounts)]

        def check(spec):
            return verify_step(spec, tutorial="aws-hands-on", step="load-balancer", probes=False, max_workers=1)

        check(spec_for(new_account_id(), "ap-northeast-1"))  # imports, models, the sandbox's first account
        if not args.no_freeze:  # what a started worker does (config/celery.py)
            import gc

            gc.collect()
            gc.freeze()
        for label, profile in (("COLD (new account in this process)", args.profile), ("WARM (same accounts)", "")):
            profiler = None
            if profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            cpu, wall = time.process_time(), time.perf_counter()
            statuses = [tuple(r.status for r in check(spec).results) for spec in specs]
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(profile)
            print(
                f"{label}: {args.accounts} accounts, CPU {cpu * 1000 / args.accounts:.1f} ms per account, "
                f"wall {wall * 1000 / args.accounts:.1f} ms; results {sorted(set(statuses))[:2]}"
            )
        print(f"LOAD AVERAGE at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        sandbox.stdin.close()
        sandbox.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
