"""The worker's prefork pool, with queue locks that a killed child cannot leave locked.

Why this exists (the "futex hang"): with a transport that has no event loop (the embedded filesystem broker),
Celery runs billiard's *blocking* pool. Its children share one job pipe guarded by a process-shared semaphore
(`SimpleQueue._rlock`), and an idle child waits for the next job *inside* that lock
(`with self._rlock: self._reader.recv_bytes()`). `kill -9` of that child (or the SIGKILL billiard sends after a
hard time limit, or the OOM killer) never releases a semaphore: every other child and every replacement the
parent forks then waits on the futex forever, nothing runs, and the parent looks healthy. (With Redis, Celery uses
the asynchronous pool, one pipe per child, and is not affected.)

The fix keeps billiard and Celery as they are and swaps the four queue locks for POSIX record locks
(`fcntl.lockf`) on an unlinked temporary file: the kernel releases a record lock when its process dies, however
it dies. Record locks belong to a process, so each child forked from the parent contends with the others through
the inherited file descriptor; a thread lock on top keeps threads of one process apart. Hand-written because no
maintained library offers a death-safe lock for billiard's queues (reported as billiard issue #104 in 2014).
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import threading
import time

from billiard.pool import Pool as BlockingPool
from celery.concurrency.prefork import TaskPool as PreforkTaskPool


class ProcessDeathSafeLock:
    """A lock shared by forked processes that is released by the kernel when the process holding it dies."""

    def __init__(self) -> None:
        fd, path = tempfile.mkstemp(prefix="handson-pool-lock-")
        os.unlink(path)  # only the descriptor is needed; nothing is left on disk
        self._fd = fd
        self._thread_lock = threading.Lock()

    def acquire(self, block: bool = True, timeout: float | None = None) -> bool:
        if not self._thread_lock.acquire(block, -1 if timeout is None else timeout):
            return False
        try:
            if block and timeout is None:
                fcntl.lockf(self._fd, fcntl.LOCK_EX)
                return True
            deadline = time.monotonic() + (timeout or 0)
            while True:
                try:
                    fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except (BlockingIOError, PermissionError):
                    if not block or time.monotonic() >= deadline:
                        self._thread_lock.release()
                        return False
                    time.sleep(0.01)
        except BaseException:
            self._thread_lock.release()
            raise

    def release(self) -> None:
        fcntl.lockf(self._fd, fcntl.LOCK_UN)
        self._thread_lock.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()


class DeathSafeBlockingPool(BlockingPool):
    """billiard's blocking pool whose job and result queues use `ProcessDeathSafeLock`."""

    def _setup_queues(self) -> None:
        super()._setup_queues()
        for queue in (self._inqueue, self._outqueue):
            queue._rlock = ProcessDeathSafeLock()
            queue._wlock = ProcessDeathSafeLock()


class TaskPool(PreforkTaskPool):
    """Celery's prefork pool (`worker_pool`, see config/celery.py); only its blocking variant differs."""

    BlockingPool = DeathSafeBlockingPool
