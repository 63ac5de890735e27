"""The helper the concurrency tests run their threads with: an error in a thread fails the test."""

import threading

import pytest

from tests.threads import run_in_threads


def test_results_come_back_in_the_order_of_the_threads():
    assert run_in_threads(lambda i: i * i, 4) == [0, 1, 4, 9]


def test_all_threads_run_at_the_same_time():
    running = threading.Barrier(4)

    # Each waits for the other three; run one after another, the first would time out.
    assert run_in_threads(lambda i: running.wait(timeout=5) is not None, 4) == [True] * 4


def test_an_error_in_one_thread_is_raised_in_the_test():
    def work(i: int) -> int:
        if i == 2:
            raise ValueError("thread 2 broke")
        return i

    with pytest.raises(ValueError, match="thread 2 broke"):
        run_in_threads(work, 4)


def test_when_several_threads_fail_the_first_is_raised_and_names_the_others():
    def work(i: int) -> None:
        raise KeyError(i)

    with pytest.raises(KeyError) as raised:
        run_in_threads(work, 3)

    assert raised.value.args == (0,)
    assert raised.value.__notes__ == ["2 other thread(s) raised too: [KeyError(1), KeyError(2)]"]
