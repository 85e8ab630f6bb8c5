"""The atomic Redis lock store against a real Redis, and the SQLite one on a real file: Rasa's
ticket semantics and storage format, and unique tickets when servers or workers race."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.utils import number_of_sanic_workers
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import AtomicRedisLockStore, SQLiteLockStore
from tools.stack import running_redis

PREFIX = "clinic"


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with running_redis(Path(tmp_path_factory.mktemp("redis"))) as port:
        yield port


@pytest.fixture()
def client(redis_port: int) -> redis.Redis:
    client = redis.Redis(host="127.0.0.1", port=redis_port, db=1)
    client.flushdb()
    return client


@pytest.fixture()
def ours(redis_port: int, client: redis.Redis) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(host="127.0.0.1", port=redis_port, db=1, key_prefix=PREFIX)


@pytest.fixture()
def rasas(redis_port: int, client: redis.Redis) -> RedisLockStore:
    return RedisLockStore(host="127.0.0.1", port=redis_port, db=1, key_prefix=PREFIX)


def test_created_from_endpoints_yml_and_allows_several_workers(
    redis_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = EndpointConfig(url="127.0.0.1", type="bot.lock_store.AtomicRedisLockStore",
                            port=redis_port, db=1, key_prefix=PREFIX)
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore)
    assert store.key_prefix == f"{PREFIX}:lock:"
    monkeypatch.setenv("SANIC_WORKERS", "2")
    assert number_of_sanic_workers(config) == 2


def test_tickets_are_stored_as_rasa_stores_them(
    ours: AtomicRedisLockStore, rasas: RedisLockStore
) -> None:
    first = ours.issue_ticket("patient-1", lock_lifetime=30)
    second = rasas.issue_ticket("patient-1", lock_lifetime=30)
    third = ours.issue_ticket("patient-1", lock_lifetime=30)
    assert (first, second, third) == (0, 1, 2)
    lock = rasas.get_lock("patient-1")
    assert lock.conversation_id == "patient-1"
    assert [t.number for t in lock.tickets] == [0, 1, 2]
    assert all(time.time() + 25 < t.expires <= time.time() + 30 for t in lock.tickets)
    assert lock.now_serving == 0


def test_cleanup_removes_the_lock_only_when_no_one_waits(
    ours: AtomicRedisLockStore, rasas: RedisLockStore, client: redis.Redis
) -> None:
    first, second = ours.issue_ticket("p"), ours.issue_ticket("p")
    ours.cleanup("p", first)
    assert [t.number for t in rasas.get_lock("p").tickets] == [second]
    assert rasas.get_lock("p").now_serving == second
    ours.cleanup("p", second)
    assert rasas.get_lock("p") is None and not client.keys("*")
    ours.cleanup("p", second)  # a lock already gone stays gone
    assert not client.keys("*")


def test_expired_tickets_no_longer_hold_the_conversation(
    ours: AtomicRedisLockStore, rasas: RedisLockStore
) -> None:
    ours.issue_ticket("p", lock_lifetime=0.05)
    time.sleep(0.1)
    assert ours.issue_ticket("p", lock_lifetime=30) == 0
    assert [t.number for t in rasas.get_lock("p").tickets] == [0]
    ours.issue_ticket("q", lock_lifetime=0.05)
    time.sleep(0.1)
    ours.update_lock("q")
    assert rasas.get_lock("q").tickets == type(rasas.get_lock("q").tickets)()


def test_messages_of_one_conversation_are_handled_one_after_another(
    ours: AtomicRedisLockStore,
) -> None:
    order: list[str] = []

    async def handle(name: str, conversation: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with ours.lock(conversation, wait_time_in_seconds=0.01):
            order.append(f"{name} in")
            await asyncio.sleep(0.1)
            order.append(f"{name} out")

    async def three_messages() -> None:
        await asyncio.gather(handle("first", "p", 0), handle("second", "p", 0.01),
                             handle("other", "q", 0.02))

    asyncio.run(three_messages())
    assert order.index("first out") < order.index("second in")
    assert order.index("other in") < order.index("first out")


def test_a_free_conversation_costs_two_round_trips(
    ours: AtomicRedisLockStore, client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def one_message() -> None:
        async with ours.lock("p"):
            pass

    asyncio.run(one_message())  # loads the scripts into Redis
    sent: list[str] = []
    send = ours.red.execute_command
    monkeypatch.setattr(ours.red, "execute_command",
                        lambda *args, **options: sent.append(args[0]) or send(*args, **options))
    asyncio.run(one_message())
    assert sent == ["EVALSHA", "EVALSHA"]
    assert not client.keys("*")


def test_racing_servers_never_get_the_same_ticket(
    redis_port: int, client: redis.Redis
) -> None:
    stores = [AtomicRedisLockStore(host="127.0.0.1", port=redis_port, db=1) for _ in range(8)]

    def issue(index: int) -> list[int]:
        return [stores[index].issue_ticket("busy", lock_lifetime=60) for _ in range(25)]

    with ThreadPoolExecutor(len(stores)) as pool:
        tickets = [t for batch in pool.map(issue, range(len(stores))) for t in batch]
    assert sorted(tickets) == list(range(len(stores) * 25))


# The SQLite lock store of `make run`: Rasa's ticket semantics, shared by processes.

@pytest.fixture()
def sqlite_store(tmp_path: Path) -> SQLiteLockStore:
    return SQLiteLockStore(db=str(tmp_path / "trackers.db"))


def test_the_sqlite_store_is_created_from_endpoints_yml_and_allows_several_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = EndpointConfig(type="bot.lock_store.SQLiteLockStore", db=str(tmp_path / "t.db"))
    store = LockStore.create(config)
    assert isinstance(store, SQLiteLockStore) and store.path == tmp_path / "t.db"
    monkeypatch.setenv("SANIC_WORKERS", "2")
    assert number_of_sanic_workers(config) == 2


def test_sqlite_tickets_follow_rasas_in_memory_store(sqlite_store: SQLiteLockStore) -> None:
    rasas = InMemoryLockStore()
    for store in (sqlite_store, rasas):
        assert [store.issue_ticket("c"), store.issue_ticket("c")] == [0, 1]
        assert not store.get_lock("c").is_locked(0) and store.get_lock("c").is_locked(1)
        store.cleanup("c", 0)
        assert store.get_lock("c").now_serving == 1
        store.cleanup("c", 1)
        assert store.get_lock("c") is None


def test_sqlite_expired_tickets_no_longer_hold_the_conversation(
        sqlite_store: SQLiteLockStore) -> None:
    sqlite_store.issue_ticket("c", lock_lifetime=0.05)
    time.sleep(0.1)
    ticket = sqlite_store.issue_ticket("c")
    assert not sqlite_store.get_lock("c").is_locked(ticket)


def test_sqlite_messages_of_one_conversation_are_handled_one_after_another(
        sqlite_store: SQLiteLockStore) -> None:
    order: list[str] = []

    async def handle(name: str) -> None:
        async with sqlite_store.lock("c", wait_time_in_seconds=0.01):
            order.append(f"{name} in")
            await asyncio.sleep(0.05)
            order.append(f"{name} out")

    async def both() -> None:
        await asyncio.gather(handle("first"), handle("second"))

    asyncio.run(both())
    assert order == ["first in", "first out", "second in", "second out"]
    assert sqlite_store.get_lock("c") is None


def _issue_many(path: str, count: int) -> list[int]:
    store = SQLiteLockStore(db=path)
    return [store.issue_ticket("shared") for _ in range(count)]


def test_racing_processes_never_get_the_same_sqlite_ticket(tmp_path: Path) -> None:
    path = str(tmp_path / "trackers.db")
    SQLiteLockStore(db=path)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        tickets = [t for batch in pool.starmap(_issue_many, [(path, 50)] * 4) for t in batch]
    assert sorted(tickets) == list(range(200))
