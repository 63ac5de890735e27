"""Running one piece of work in several threads at once, the way several gunicorn workers would."""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection
from django.test import Client

T = TypeVar("T")

# Generous, so a slow CI machine never fails a test here; a hung thread still ends the test.
START_TIMEOUT = 10
FINISH_TIMEOUT = 60


def run_in_threads(work: Callable[[int], T], n: int) -> list[T]:
    """Call work(0) ... work(n - 1), each in its own thread, all released at the same moment;
    return their results in that order.

    Each thread gets its own database connection and closes it when done, as a request does.
    The first exception a thread raised is raised here, so it fails the test instead of dying
    with the thread. Callers commit for real: mark the test `django_db(transaction=True)`.
    """
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list[BaseException | None] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=START_TIMEOUT)
            results[i] = work(i)
        except BaseException as error:  # Raised again below, in the test's own thread.
            errors[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), name=f"worker-{i}") for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=FINISH_TIMEOUT)
    hung = [thread.name for thread in threads if thread.is_alive()]
    assert not hung, f"still running after {FINISH_TIMEOUT} s: {', '.join(hung)}"
    raised = [error for error in errors if error is not None]
    if raised:
        first = raised[0]
        if len(raised) > 1:
            first.add_note(f"{len(raised) - 1} other thread(s) raised too: {raised[1:]!r}")
        raise first
    return results


def logged_in_clients(user, n: int) -> list[Client]:
    """n browsers logged in as the user, one per thread, as each keeps state between requests."""
    clients = [Client() for _ in range(n)]
    for client in clients:
        client.force_login(user)
    return clients
