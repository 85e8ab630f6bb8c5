"""Lock stores that let several Sanic workers or servers answer one set of conversations.

`SQLiteLockStore` (what `make run` uses: its workers share one machine) keeps Rasa's ticket
locks in a SQLite file, each change in one write transaction, so it needs no server.

`AtomicRedisLockStore` (production, several machines) is Rasa's Redis lock store, with each
change of a conversation's lock made in one atomic step.

Rasa's RedisLockStore changes a lock by reading it, changing it in Python and writing it
back: seven Redis round trips a message on a blocking client, during which the worker's event
loop serves nobody (a fifth of a message's time under load, measured). Between the read and the
write another server can change the same lock, so two servers can be handed the same ticket
and answer one conversation at once. Here each change is one Lua script that Redis runs
atomically: a message costs two round trips, and tickets stay unique across servers.

The locks are stored exactly as Rasa stores them (same keys, same JSON), with the same ticket
order, lifetimes and waiting, so servers with Rasa's own lock store can share them.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# Both scripts: KEYS[1] the lock's key; ARGV[1] the conversation id, ARGV[2] the time now (the
# servers' clock, as Rasa uses it). Tickets are kept as Rasa keeps them: a JSON list of JSON
# strings, in the order they were issued, an expired one (now > expires) counting as gone.
_READ_AND_WRITE = """
local function live_tickets(now, except_number)
  local raw = redis.call('GET', KEYS[1])
  local tickets = {}
  if raw then
    for _, text in ipairs(cjson.decode(raw).tickets or {}) do
      local ticket = cjson.decode(text)
      if not (now > ticket.expires) and ticket.number ~= except_number then
        table.insert(tickets, ticket)
      end
    end
  end
  return tickets
end
local function save(tickets)
  local texts = {}
  for i, ticket in ipairs(tickets) do
    texts[i] = cjson.encode(cjson.encode({number = ticket.number, expires = ticket.expires}))
  end
  local lock = '{"conversation_id": ' .. cjson.encode(ARGV[1]) .. ', "tickets": ['
    .. table.concat(texts, ', ') .. ']}'
  redis.call('SET', KEYS[1], lock)
  return lock
end
"""

# ARGV[3] the lifetime. Returns the new ticket's number, the number now served and the lock.
ISSUE = _READ_AND_WRITE + """
local now = tonumber(ARGV[2])
local tickets = live_tickets(now, nil)
local number = 0
if #tickets > 0 then number = tickets[#tickets].number + 1 end
table.insert(tickets, {number = number, expires = now + tonumber(ARGV[3])})
local lock = save(tickets)
return {number, tickets[1].number, lock}
"""

# ARGV[3] the ticket to remove (-1: none), ARGV[4] '1' to delete a lock that no one waits for.
# Returns how many tickets are left.
RELEASE = _READ_AND_WRITE + """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local tickets = live_tickets(tonumber(ARGV[2]), tonumber(ARGV[3]))
if #tickets == 0 and ARGV[4] == '1' then
  redis.call('DEL', KEYS[1])
else
  save(tickets)
end
return #tickets
"""

NO_TICKET = -1


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket changes are atomic scripts; named in endpoints.yml as
    `type: bot.lock_store.AtomicRedisLockStore`, with the settings of Rasa's `redis` type."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs,
                      **kwargs}
        super().__init__(**kwargs)
        self._issue = self.red.register_script(ISSUE)
        self._release = self.red.register_script(RELEASE)

    def _issue_ticket(self, conversation_id: str, lock_lifetime: float) -> tuple[int, int, str]:
        try:
            number, serving, lock = self._issue(
                keys=[self.key_prefix + conversation_id],
                args=[conversation_id, repr(time.time()), repr(float(lock_lifetime))],
            )
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return int(number), int(serving), lock

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        return self._issue_ticket(conversation_id, lock_lifetime)[0]

    def _release_ticket(self, conversation_id: str, ticket: int, delete_if_unused: bool) -> None:
        self._release(keys=[self.key_prefix + conversation_id],
                      args=[conversation_id, repr(time.time()), ticket,
                            "1" if delete_if_unused else "0"])

    def update_lock(self, conversation_id: str) -> None:
        """Removes the expired tickets, as Rasa's does, in one step."""
        self._release_ticket(conversation_id, NO_TICKET, delete_if_unused=False)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._release_ticket(conversation_id, ticket_number, delete_if_unused=False)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes the ticket, and the lock when no one else holds a ticket, in one step."""
        self._release_ticket(conversation_id, ticket_number, delete_if_unused=True)

    async def _wait_for_turn(self, conversation_id: str, ticket: int,
                             wait_time_in_seconds: float) -> TicketLock:
        """Waits, as Rasa's lock store does, until the tickets before this one are served."""
        while True:
            lock = self.get_lock(conversation_id)
            if lock is None:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self.update_lock(conversation_id)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        """Rasa's lock, with one round trip when the conversation is free (the usual case)."""
        ticket, serving, lock = self._issue_ticket(conversation_id, lock_lifetime)
        try:
            if ticket == serving:
                yield TicketLock.from_dict(json.loads(lock))
            else:
                yield await self._wait_for_turn(conversation_id, ticket, wait_time_in_seconds)
        finally:
            self.cleanup(conversation_id, ticket)


class SQLiteLockStore(LockStore):
    """Rasa's ticket locks (same JSON, order, lifetimes and waiting) in a SQLite file that the
    workers of one machine share; named in endpoints.yml as `type: bot.lock_store.
    SQLiteLockStore` with `db:` the file. Each change of a lock is one IMMEDIATE transaction,
    so two workers are never handed the same ticket. The file holds only locks that are in
    use; a crash leaves tickets that expire with their lifetime, as in Rasa's stores."""

    # How long a worker waits for another's write before giving up (a write takes well under
    # a millisecond; the wait blocks its event loop, so it is short).
    BUSY_TIMEOUT_S = 2.0

    def __init__(self, endpoint_config: Any = None, db: str = "var/locks.db",
                 **_: Any) -> None:
        if endpoint_config is not None:
            db = endpoint_config.kwargs.get("db", db)
        self.path = Path(db)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        with self._transaction() as connection:
            connection.execute("CREATE TABLE IF NOT EXISTS conversation_locks "
                               "(conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        """This process's connection (Sanic forks its workers after the store is built, and a
        SQLite connection must not cross a fork)."""
        if self._connection is None or self._pid != os.getpid():
            connection = sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT_S,
                                         isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    @staticmethod
    def _read(connection: sqlite3.Connection, conversation_id: str) -> TicketLock | None:
        row = connection.execute("SELECT lock FROM conversation_locks WHERE conversation_id = ?",
                                 (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    @staticmethod
    def _write(connection: sqlite3.Connection, lock: TicketLock) -> None:
        connection.execute("INSERT OR REPLACE INTO conversation_locks VALUES (?, ?)",
                           (lock.conversation_id, lock.dumps()))

    def _change(self, conversation_id: str, change: Callable[[TicketLock], Any],
                create: bool = False, delete_if_unused: bool = False) -> Any:
        """Applies `change` to the conversation's lock in one transaction; returns its result."""
        with self._transaction() as connection:
            lock = self._read(connection, conversation_id)
            if lock is None:
                if not create:
                    return None
                lock = self.create_lock(conversation_id)
            result = change(lock)
            if delete_if_unused and not lock.is_someone_waiting():
                connection.execute("DELETE FROM conversation_locks WHERE conversation_id = ?",
                                   (conversation_id,))
            else:
                self._write(connection, lock)
            return result

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return self._read(self._connect(), conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        with self._transaction() as connection:
            connection.execute("DELETE FROM conversation_locks WHERE conversation_id = ?",
                               (conversation_id,))

    def save_lock(self, lock: TicketLock) -> None:
        with self._transaction() as connection:
            self._write(connection, lock)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime),
                            create=True)

    def update_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, TicketLock.remove_expired_tickets)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes the ticket, and the lock when no one else holds a ticket, in one step."""
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number),
                     delete_if_unused=True)
