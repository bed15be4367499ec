"""One change set applied to many associations, concurrently and within a rate."""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs

from ._operations import Operations
from ._safe import ASSOCIATION, UpdatePlan, apply_update, plan_update, prepare
from ._waits import AssociationRun, not_seen, wait_for_association_run
from ._words import plural
from .errors import ServiceError, SSMKitError, WaitTimeoutError
from .models import AssociationDescription

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Mapping

    from .models import AssociationFilter

__all__ = [
    "BulkResult",
    "Rollout",
    "Stopped",
    "check_pace",
    "check_rollout",
    "error_json",
    "failed_targets",
    "paced",
    "run_all",
    "run_json",
    "update_associations",
]

log = logging.getLogger("ssmkit")

Outcome = Literal["changed", "unchanged", "failed", "planned", "not_started"]


@attrs.frozen(kw_only=True)
class BulkResult:
    """What a bulk update did to one association.

    Attributes:
        association_id: The association.
        outcome: ``"changed"``, ``"unchanged"`` (the change was already in
            place, nothing was written), ``"failed"``, with ``dry_run``
            ``"planned"``, or ``"not_started"`` when a rollout stopped before
            it (``max_failed_runs``).
        version_before: The version read before the update, when it was read.
        version_after: The version after the update, when one was written.
        error: Why it failed; for a write that landed, why its run could not
            be read to its end (the association deleted meanwhile, say).
        plan: With ``dry_run``, what would be sent.
        run: With ``wait``, the run the write started, as last read: finished,
            or still running if the wait timed out; with an empty
            ``execution_id`` if it was never seen; ``None`` if nothing was
            written.
    """

    association_id: str
    outcome: Outcome
    version_before: str | None = None
    version_after: str | None = None
    error: SSMKitError | None = None
    plan: UpdatePlan[AssociationDescription] | None = attrs.field(
        default=None, repr=False
    )
    run: AssociationRun | None = None

    @property
    def failed_targets(self) -> int:
        """Targets of its run that did not succeed; a run not seen to end counts 1."""
        return failed_targets(self.run)

    def to_json(self) -> dict[str, Any]:
        """One line of a report: plain JSON types only."""
        data: dict[str, Any] = {
            "association_id": self.association_id,
            "outcome": self.outcome,
            "version_before": self.version_before,
            "version_after": self.version_after,
            "error": error_json(self.error),
        }
        if self.run is not None:
            data["run"] = run_json(self.run)
        return data


def error_json(error: SSMKitError | None) -> dict[str, Any] | None:
    """An error as a report line holds it: its type, code and message."""
    if error is None:
        return None
    code = error.code if isinstance(error, ServiceError) else None
    return {"type": type(error).__name__, "code": code, "message": str(error)}


class Stopped(Exception):
    """The run was interrupted before this update wrote anything."""


#: The slowest pace accepted: one call every 100 seconds.
MIN_RATE = 0.01
#: The most updates at once: more threads only contend for botocore's CPU.
MAX_CONCURRENCY = 256


class _Pace:
    """At most ``rate`` calls a second across all threads, evenly spaced."""

    def __init__(self, rate: float, stop: threading.Event) -> None:
        self._interval = 1.0 / rate
        self._lock = threading.Lock()
        self._next = time.monotonic()
        self._stop = stop

    def __call__(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._interval
        # A call waiting for its turn is not under way: Ctrl-C stops it.
        if (start > now and self._stop.wait(start - now)) or self._stop.is_set():
            raise Stopped


class _Paced:
    """A boto3 client whose every API call waits for its turn first."""

    def __init__(self, client: Any, pace: Callable[[], None]) -> None:
        self._client = client
        self._pace = pace

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._client, name)
        if name == "get_paginator":
            return lambda operation: _PacedPaginator(found(operation), self._pace)
        if not callable(found):  # meta, exceptions: the client's own
            return found

        def paced(*args: Any, **kwargs: Any) -> Any:
            self._pace()
            return found(*args, **kwargs)

        return paced


class _PacedPaginator:
    """A paginator whose every page waits for its turn before it is fetched."""

    def __init__(self, paginator: Any, pace: Callable[[], None]) -> None:
        self._paginator = paginator
        self._pace = pace

    def paginate(self, **kwargs: Any) -> Iterator[Any]:
        pages = iter(self._paginator.paginate(**kwargs))
        while True:
            self._pace()
            try:
                page = next(pages)
            except StopIteration:
                return
            yield page
            # Every SSM paginator's next page is asked for with the last one's
            # NextToken: without one, there is no call left to wait a turn for.
            if not page.get("NextToken"):
                return


def paced(boto3_client: Any, max_rate: float | None, stop: threading.Event) -> Any:
    """The client itself, or with ``max_rate``, one whose calls wait their turn.

    A call still waiting when ``stop`` is set raises ``Stopped``.
    """
    if max_rate is None:
        return boto3_client
    return _Paced(boto3_client, _Pace(max_rate, stop))


def check_pace(
    concurrency: int, max_rate: float | None, boto3_client: Any = None
) -> None:
    """Refuse a concurrency or rate that cannot be run.

    Given the client the calls go through, warn (once per run, on the
    ``ssmkit`` logger) when it keeps fewer connections than the calls run at
    once: urllib3 then opens a new connection, a new TLS handshake, for each
    call beyond its pool and logs "Connection pool is full" for each.

    Raises:
        ValueError: ``concurrency`` is not a whole number from 1 to
            ``MAX_CONCURRENCY``, or ``max_rate`` is not a finite number of
            calls a second of at least ``MIN_RATE``.
    """
    if (
        isinstance(concurrency, bool)
        or not isinstance(concurrency, int)
        or not 1 <= concurrency <= MAX_CONCURRENCY
    ):
        msg = (
            f"concurrency must be a whole number from 1 to {MAX_CONCURRENCY}, "
            f"got {concurrency!r}"
        )
        raise ValueError(msg)
    if max_rate is not None and (
        isinstance(max_rate, bool)
        or not isinstance(max_rate, (int, float))
        or not math.isfinite(max_rate)
        or max_rate < MIN_RATE
    ):
        msg = (
            f"max_rate must be a number of calls a second from {MIN_RATE} up, "
            f"got {max_rate!r}"
        )
        raise ValueError(msg)
    pool = getattr(
        getattr(getattr(boto3_client, "meta", None), "config", None),
        "max_pool_connections",
        None,
    )
    if isinstance(pool, int) and concurrency > pool:
        log.warning(
            "concurrency %d is more than the boto3 client's %d pooled connections: "
            "each call beyond them opens a connection of its own; make the client "
            "with botocore.config.Config(max_pool_connections=%d)",
            concurrency,
            pool,
            concurrency,
        )


def update_associations(
    boto3_client: Any,
    *,
    association_ids: Iterable[str] | None,
    filters: list[AssociationFilter] | None,
    skip: Collection[str],
    concurrency: int,
    max_rate: float | None,
    progress: Callable[[BulkResult], object] | None,
    dry_run: bool,
    modify: Callable[[AssociationDescription], AssociationDescription] | None,
    changes: Mapping[str, Any],
    paths: Mapping[str, Any] | None,
    wait: bool,
    timeout: float,
    canary: int | None = None,
    max_failed_runs: int | None = None,
    watch: Callable[[AssociationRun], object] | None = None,
    stop: threading.Event | None = None,
    interrupted: threading.Event | None = None,
) -> list[BulkResult]:
    """Apply one safe update to every association selected.

    See ``ssmkit.Client.update_associations``. ``stop`` and ``interrupted``,
    when given, are a run's around this one (a fleet's): once ``stop`` is
    set, no update starts; once ``interrupted`` is, the waits end too.
    """
    check_rollout(wait, timeout, canary, max_failed_runs, dry_run=dry_run, watch=watch)
    if (association_ids is None) == (filters is None):
        msg = "give association_ids or filters, not both and not neither"
        raise TypeError(msg)
    if isinstance(association_ids, (str, bytes)):
        msg = "association_ids must be a collection of ids, not one string"
        raise TypeError(msg)
    check_pace(concurrency, max_rate, boto3_client)
    # Bad input fails before any call; every update then uses what was checked.
    prepared = prepare(ASSOCIATION, boto3_client, changes, paths)
    stop = stop if stop is not None else threading.Event()
    client = paced(boto3_client, max_rate, stop)
    chosen: Iterable[str | None]
    if association_ids is not None:
        chosen = association_ids
    else:
        # Listed through the paced client: its pages count against max_rate too.
        listing = Operations(boto3_client=client).list_associations(
            association_filter_list=filters
        )
        chosen = (a.association_id for a in listing)
    selected = (i for i in chosen if i and i not in skip)

    def before_write() -> None:
        if stop.is_set():
            raise Stopped

    def one(association_id: str) -> BulkResult | None:
        ids = {"AssociationId": association_id}
        try:
            if dry_run:
                plan = plan_update(
                    ASSOCIATION,
                    client,
                    ids,
                    expected_version=None,
                    modify=modify,
                    changes=changes,
                    paths=paths,
                )
                return BulkResult(
                    association_id=association_id,
                    outcome="unchanged" if plan.is_noop else "planned",
                    version_before=plan.request.get("AssociationVersion"),
                    plan=plan,
                )
            done = apply_update(
                ASSOCIATION,
                client,
                ids,
                expected_version=None,
                modify=modify,
                changes={},  # already in ``prepared``
                before_write=before_write,
                prepared=prepared,
            )
        except Stopped:
            return None
        except SSMKitError as exc:
            return BulkResult(
                association_id=association_id, outcome="failed", error=exc
            )
        result = BulkResult(
            association_id=association_id,
            outcome="changed" if done.wrote else "unchanged",
            # Read from what the service answered: no model is built for them.
            version_before=done.plan.request.get("AssociationVersion"),
            version_after=done.raw.get("AssociationVersion") if done.wrote else None,
        )
        # ApplyOnlyAtCronInterval: the write starts no run; it waits for its
        # schedule.
        if not (wait and done.wrote) or done.raw.get("ApplyOnlyAtCronInterval"):
            return result
        # The write starts a run; its version is the one just written.
        run, error = rollout.judge(client, association_id, str(result.version_after))
        return attrs.evolve(result, run=run, error=error)

    rollout = Rollout(
        stop,
        timeout=timeout,
        max_failed_runs=max_failed_runs,
        watch=watch,
        interrupted=interrupted,
    )
    return rollout.go(
        selected,
        one,
        canary=canary,
        concurrency=concurrency,
        progress=progress,
        key=lambda r: r.association_id,
        never=lambda i: BulkResult(association_id=i, outcome="not_started"),
        name=lambda i: i,
    )


class Rollout:
    """The runs of a change to many, judged as they finish.

    Failed targets are counted across the whole run; once more than
    ``max_failed_runs`` have failed, ``stop`` is set: writes not yet sent are
    not sent, and nothing new starts.
    """

    def __init__(
        self,
        stop: threading.Event,
        *,
        timeout: float,
        max_failed_runs: int | None,
        watch: Callable[[AssociationRun], object] | None = None,
        interrupted: threading.Event | None = None,
    ) -> None:
        self.stop = stop
        self.timeout = timeout
        self.max_failed_runs = max_failed_runs
        self.watch = watch
        self.failed = 0
        # Set on Ctrl-C: the waits under way end at once with what they saw.
        self.interrupted = interrupted or threading.Event()
        self._lock = threading.Lock()

    def judge(
        self, client: Any, association_id: str, version: str
    ) -> tuple[AssociationRun, SSMKitError | None]:
        """Wait for the run of ``version``; count its failed targets.

        Returns the run as last read, and why it could not be read to its
        end (deleted meanwhile, refused), if so.
        """
        error = None
        try:
            run = wait_for_association_run(
                client,
                association_id,
                version=version,
                timeout=self.timeout,
                cancelled=self.interrupted,
                seen=self.watch,
            )
        except WaitTimeoutError as exc:
            run = exc.last
        except SSMKitError as exc:
            # The write landed; its run could not be read (deleted meanwhile,
            # refused): not seen to finish, so counted as failed.
            log.warning(
                "association %s: its run could not be read: %s", association_id, exc
            )
            run = None
            error = exc
        run = run or not_seen(association_id, version)
        with self._lock:
            self.failed += failed_targets(run)
            bound = self.max_failed_runs
            if bound is not None and self.failed > bound and not self.stop.is_set():
                log.warning(
                    "%s failed, more than %d: no further write starts",
                    plural(self.failed, "target"),
                    bound,
                )
                self.stop.set()  # writes not yet sent are not sent
        return run, error

    def _run(
        self,
        items: Iterable[T],
        one: Callable[[T], R | None],
        concurrency: int,
        progress: Callable[[R], object] | None,
    ) -> list[R]:
        return run_all(
            items,
            one,
            concurrency=concurrency,
            progress=progress,
            stop=self.stop,
            interrupted=self.interrupted,
        )

    def go(
        self,
        items: Iterable[T],
        one: Callable[[T], R | None],
        *,
        canary: int | None,
        concurrency: int,
        progress: Callable[[R], object] | None,
        key: Callable[[R], Any],
        never: Callable[[T], R],
        name: Callable[[T], Any],
    ) -> list[R]:
        """``one`` on each item: as they come, or, for a rollout, in waves."""
        if canary is None and self.max_failed_runs is None:
            return self._run(items, one, concurrency, progress)
        return self.waves(
            list(items),
            one,
            canary=canary,
            concurrency=concurrency,
            progress=progress,
            key=key,
            never=never,
            name=name,
        )

    def waves(
        self,
        items: list[T],
        one: Callable[[T], R | None],
        *,
        canary: int | None,
        concurrency: int,
        progress: Callable[[R], object] | None,
        key: Callable[[R], Any],
        never: Callable[[T], R],
        name: Callable[[T], Any],
    ) -> list[R]:
        """``one`` on each item: the first ``canary``, then the rest.

        Returns one result per item, in their order: those never started
        (the rollout stopped first) made by ``never``, and passed to
        ``progress`` too, so a report names them.
        """
        results: list[R] = []
        start = 0
        # The canary: the first ``canary`` whose write started a run, however
        # many needed no write; then the rest.
        while canary and start < len(items) and not self.stop.is_set():
            ran = sum(judged(r) for r in results)
            if ran >= canary:
                break
            wave = items[start : start + canary - ran]
            start += len(wave)
            results += self._run(wave, one, concurrency, progress)
        if start < len(items) and not self.stop.is_set():
            results += self._run(items[start:], one, concurrency, progress)
        reached = {key(r) for r in results}
        by_name = {key(r): r for r in results}
        ordered = []
        for item in items:
            if name(item) in reached:
                ordered.append(by_name[name(item)])
                continue
            skipped = never(item)
            if progress is not None:
                progress(skipped)
            ordered.append(skipped)
        return ordered


def run_json(run: AssociationRun) -> dict[str, Any]:
    """A run as a report line holds it."""
    return {
        "execution_id": run.execution_id,
        "status": run.status,
        "succeeded": run.succeeded,
        "failed_targets": failed_targets(run),
    }


def judged(result: Any) -> bool:
    """Whether a result's write started a run that was waited for."""
    return getattr(result, "run", None) is not None


def failed_targets(run: AssociationRun | None) -> int:
    """Targets of a run that did not succeed; a run not seen to end counts 1."""
    if run is None:
        return 0
    failed = sum(t.status != "Success" for t in run.targets)
    if run.running:
        return max(1, failed)
    return failed if failed or run.succeeded else 1


def check_rollout(
    wait: bool,
    timeout: float,
    canary: int | None,
    max_failed_runs: int | None,
    *,
    dry_run: bool,
    watch: Callable[[AssociationRun], object] | None = None,
) -> None:
    """Refuse, before any call, a wait or a rollout that cannot be run."""
    if (canary is not None or max_failed_runs is not None) and not wait:
        msg = "canary and max_failed_runs judge the runs: give wait=True too"
        raise ValueError(msg)
    if watch is not None and not (wait and callable(watch)):
        msg = (
            "watch is called with the runs waited for: give wait=True too"
            if callable(watch)
            else f"watch must be callable, got {type(watch).__name__}"
        )
        raise (ValueError if callable(watch) else TypeError)(msg)
    if wait and dry_run:
        msg = "a dry run writes nothing, so nothing runs to wait for"
        raise ValueError(msg)
    for name, value, least in (
        ("canary", canary, 1),
        ("max_failed_runs", max_failed_runs, 0),
    ):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < least
        ):
            msg = f"{name} must be a whole number, {least} or more, got {value!r}"
            raise ValueError(msg)
    if wait and (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not timeout > 0
    ):
        msg = f"timeout must be a number of seconds more than 0, got {timeout!r}"
        raise ValueError(msg)


T = TypeVar("T")
R = TypeVar("R")

#: Seconds a bulk run waits to hear of a finished call before it looks at each.
_SWEEP_AFTER = 0.5


def _fill(future: Future[R | None], one: Callable[[T], R | None], item: T) -> None:
    """``one(item)`` into ``future``, unless it was cancelled before it began."""
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = one(item)
    except BaseException as exc:  # as the executor's own futures keep it
        future.set_exception(exc)
    else:
        future.set_result(result)


def run_all(
    items: Iterable[T],
    one: Callable[[T], R | None],
    *,
    concurrency: int,
    progress: Callable[[R], object] | None,
    stop: threading.Event,
    interrupted: threading.Event | None = None,
) -> list[R]:
    """``one`` on every item, ``concurrency`` at once; the results in item order.

    ``one`` returns ``None`` for an item it gave up because ``stop`` was set.
    On Ctrl-C, ``stop`` (and ``interrupted``, which cuts waits for runs short)
    is set, nothing new starts, and the calls under way
    finish and are reported, however often Ctrl-C is pressed meanwhile; then
    the ``KeyboardInterrupt`` goes on.
    """
    results: dict[int, R] = {}
    running: dict[Future[R | None], int] = {}
    # Each call, once finished, is put here by its future: a slot frees up
    # without polling every call under way.
    finished: queue.SimpleQueue[Future[R | None]] = queue.SimpleQueue()
    # Calls whose result a Ctrl-C cut off once already.
    again: set[Future[R | None]] = set()

    def collect(future: Future[R | None]) -> None:
        index = running.get(future)
        if index is None:  # collected already, by a sweep
            return
        try:
            result = None if future.cancelled() else future.result()
            if result is not None:
                results[index] = result
                if progress is not None:
                    progress(result)
        except KeyboardInterrupt:
            # Left under way, once: passed on again once the rest are done,
            # so no result is lost to a Ctrl-C landing between its finish and
            # its record (a progress that records must take a result once).
            if future in again:
                running.pop(future, None)
            again.add(future)
            raise
        except BaseException:
            running.pop(future, None)
            raise
        running.pop(future, None)

    def next_finished() -> None:
        """Collect a call that finished, waiting for one if need be."""
        try:
            collect(finished.get(timeout=_SWEEP_AFTER))
        except queue.Empty:
            # The news of a finish can be lost to a Ctrl-C that lands between
            # two steps of this loop; whatever is done is found here.
            for future in [f for f in running if f.done()]:
                collect(future)

    executor = ThreadPoolExecutor(
        max_workers=concurrency, thread_name_prefix="ssmkit-bulk"
    )
    try:
        for index, item in enumerate(items):
            if stop.is_set():  # a rollout stopped: nothing new starts
                break
            # Known before it can start: a Ctrl-C landing inside submit (while
            # it starts a thread, the call already under way) still waits for
            # the call and passes its result on.
            future: Future[R | None] = Future()
            running[future] = index
            future.add_done_callback(finished.put)
            executor.submit(_fill, future, one, item)
            if len(running) >= concurrency:
                next_finished()
        while running:
            next_finished()
    except KeyboardInterrupt:
        stop.set()
        if interrupted is not None:
            interrupted.set()
        log.warning(
            "interrupted: finishing the %s under way", plural(len(running), "call")
        )
        for future in running:
            future.cancel()
        while running:
            try:
                next_finished()
            except KeyboardInterrupt:
                log.warning(
                    "still finishing the %s under way", plural(len(running), "call")
                )
        raise
    except Exception:
        stop.set()  # a call gone wrong: no write not yet sent is sent
        # What finished meanwhile is still passed on; then the error goes on.
        while running:
            try:
                next_finished()
            except Exception as exc:
                log.warning("after an error, another: %s", exc)
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    return [results[index] for index in sorted(results)]
