"""Run a task in real threads released together, each with its own database
connection: what the concurrency tests (``-m concurrency``) use to race requests."""

import threading

from django.db import connection

PARALLEL = 20


def in_parallel(task, n=PARALLEL):
    """Run ``task`` in ``n`` threads released together; return results/exceptions."""
    barrier = threading.Barrier(n)
    results = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait()
            outcome = task()
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            outcome = error
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == n
    return results
