"""What a thread handoff and a system call cost on this machine, on one core: the unit costs that Ayni's job path
pays many times per job (an HTTP request handed to a thread to enqueue, the worker's consumer handing a message
to a worker thread, a worker thread handing its job to the event loop and back) and the bare Dramatiq ceiling
few times. Prints the CPU microseconds of one handoff round trip (two threads through `queue.Queue`, as
Dramatiq's and anyio's hand work over) and of one system call (`os.getppid`, with Python's call around it).

    python bench/handoff.py ROUNDS
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time


def handoff_us(rounds: int) -> float:
    there: queue.Queue[int] = queue.Queue()
    back: queue.Queue[int] = queue.Queue()

    def echo() -> None:
        while (value := there.get()) >= 0:
            back.put(value)

    thread = threading.Thread(target=echo)
    thread.start()
    cpu = time.process_time()
    for n in range(rounds):
        there.put(n)
        back.get()
    used = time.process_time() - cpu
    there.put(-1)
    thread.join()
    return used / rounds * 1e6


def syscall_us(calls: int) -> float:
    cpu = time.process_time()
    for _ in range(calls):
        os.getppid()
    return (time.process_time() - cpu) / calls * 1e6


def main() -> int:
    rounds = int(sys.argv[1])
    handoff_us(rounds // 10)  # warm
    print(f"{handoff_us(rounds):.2f} {syscall_us(rounds * 10):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
