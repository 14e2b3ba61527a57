"""Batches of dossiers computed on every core of the desk.

A vectorised batch runs on one core (numpy and openfisca are single-threaded here).
Many batches, as a re-check of every kept dossier makes, are shared among worker
processes forked from the one whose engine is loaded: each starts with openfisca-france
and the catalogue already in memory, instead of the seconds a fresh process takes to
load them. Where fork is not the way processes start (Windows, macOS), or for one
batch, the batches run here, one after the other; the answers are the same.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterator

from ..dossier import InvalidData
from .results import SimulationResult

log = logging.getLogger(__name__)

Outcome = list[SimulationResult] | InvalidData  # one batch's results, or why openfisca refused it
Compute = Callable[[list], list[SimulationResult]]  # a batch's results (an engine's batch, or a call of it)

_compute = None  # what a forked worker inherited from the process whose engine is loaded


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def batches(compute: Compute, chunks: list[list], workers: int | None = None) -> Iterator[Outcome]:
    """compute(chunk) for each chunk, in the chunks' order, as soon as it and those before
    it are done; a chunk openfisca refuses gives its InvalidData."""
    workers = min(workers or cores(), len(chunks))
    if workers < 2 or not _forks():
        yield from (_outcome(compute, chunk) for chunk in chunks)
        return
    done = 0
    # Fork passes `compute` (and the engine it holds) as memory, never pickled.
    workers_pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                       initializer=_adopt, initargs=(compute,))
    try:
        for outcome in workers_pool.map(_in_worker, chunks):
            yield outcome
            done += 1
    except BrokenProcessPool:  # a worker killed (memory, a signal): the rest is computed here
        log.warning("Un processus de calcul s'est arrêté : les %d lots restants sont calculés ici.", len(chunks) - done)
        yield from (_outcome(compute, chunk) for chunk in chunks[done:])
    finally:  # also when the caller stops early: the batches not started are dropped
        workers_pool.shutdown(cancel_futures=True)


def _forks() -> bool:
    # Fork copies only the calling thread; on Linux that is safe for openfisca and numpy.
    # macOS system libraries are not fork-safe, and Windows has no fork.
    return sys.platform.startswith("linux")


def _adopt(compute: Compute) -> None:
    global _compute
    _compute = compute


def _in_worker(chunk: list) -> Outcome:
    return _outcome(_compute, chunk)


def _outcome(compute: Compute, chunk: list) -> Outcome:
    try:
        return compute(chunk)
    except InvalidData as error:
        return error
