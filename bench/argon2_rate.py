"""The ceiling for logins: argon2id verifications per second with the parameters Ayni hashes with
(`ayni.auth.passwords.hasher()`), one thread, for SECONDS. Prints the rate and the CPU seconds per
verification.

    python bench/argon2_rate.py SECONDS
"""

from __future__ import annotations

import sys
import time


def main() -> int:
    from ayni.auth.passwords import hasher

    seconds = float(sys.argv[1])
    ph = hasher()
    password = "bench password, not a common one"  # noqa: S105 - a benchmark input
    stored = ph.hash(password)
    ph.verify(stored, password)  # warm: allocator, code paths
    count = 0
    cpu = time.process_time()
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        ph.verify(stored, password)
        count += 1
    print(f"{count / elapsed:.3f} {(time.process_time() - cpu) / count:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
