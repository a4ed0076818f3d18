"""Many concurrent failing calls, each with its own message: every error must
carry the message of its own call. ciclo_last_error_message is per OS thread;
the binding reads it inside the call that failed, so neither Python threads
(one OS thread each, switching whenever ctypes releases the GIL) nor asyncio
tasks (many on one OS thread, switching at each await) can mix them up."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import List

import ciclo
from ciclo import CicloError, Engine, Status

CALLS = 1000


def _fail(engine: Engine, i: int) -> bool:
    """One failing call; True when its error names its own customer."""
    customer = f"missing-{i}"
    try:
        engine.customer(customer)
    except CicloError as e:
        return e.status == Status.NOT_FOUND and e.message == f"customer `{customer}` not found"
    return False


def test_threads_each_get_their_own_message() -> None:
    with Engine() as engine, ThreadPoolExecutor(max_workers=16) as pool:
        right = list(pool.map(lambda i: _fail(engine, i), range(CALLS)))
    assert right.count(False) == 0, f"{right.count(False)} of {CALLS} calls got another call's message"


def test_asyncio_tasks_each_get_their_own_message() -> None:
    async def task(engine: Engine, i: int) -> bool:
        await asyncio.sleep(0)  # every task interleaves with the others
        right = _fail(engine, i)
        await asyncio.sleep(0)
        return right

    async def main() -> List[bool]:
        with Engine() as engine:
            return list(await asyncio.gather(*(task(engine, i) for i in range(CALLS))))

    right = asyncio.run(main())
    assert right.count(False) == 0, f"{right.count(False)} of {CALLS} calls got another call's message"


def test_standardisation_errors_from_threads() -> None:
    # Stateless functions too: each invalid phone's message quotes its own reason.
    def fail(i: int) -> bool:
        region = f"Z{i % 10}"  # not a region: the message names it
        try:
            ciclo.phone_normalize("612301815", region)
        except CicloError as e:
            return e.status == Status.INVALID_ARGUMENT and region in e.message
        return False

    with ThreadPoolExecutor(max_workers=8) as pool:
        right = list(pool.map(fail, range(CALLS)))
    assert all(right)


def test_control_reading_the_message_after_an_await_mixes_them_up() -> None:
    # The hazard the binding avoids, shown on raw calls: the failed call, then
    # an await, then the message. Every task but the last to run reads another
    # task's message (this is what hand-written code did).
    import ctypes

    from ciclo._native import lib

    async def naive(engine: Engine, i: int) -> bool:
        customer = f"missing-{i}"
        out = ctypes.c_void_p()
        status = lib.ciclo_engine_customer_json(engine._h(), customer.encode(), ctypes.byref(out))
        await asyncio.sleep(0)
        message = lib.ciclo_last_error_message().decode()
        return bool(status == Status.NOT_FOUND and message == f"customer `{customer}` not found")

    async def main() -> List[bool]:
        with Engine() as engine:
            return list(await asyncio.gather(*(naive(engine, i) for i in range(CALLS))))

    right = asyncio.run(main())
    assert right.count(False) == CALLS - 1
