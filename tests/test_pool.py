"""Batches shared among forked worker processes: each batch's own answers, in order,
a refusal sent back whole, and a worker that dies costs no batch."""
import os
import sys

import pytest

from aidant_desk.engine import pool
from aidant_desk.validation import InvalidData, Problem

forks = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")


class Doubling:
    """An engine stand-in: each 'dossier' is a number, its 'result' twice it, and the
    process that computed it."""

    def batch(self, chunk):
        if any(n < 0 for n in chunk):
            raise InvalidData([Problem("month", "openfisca-france ne sait pas simuler « 2014-12 »")], "lot")
        return [(2 * n, os.getpid()) for n in chunk]


class DyingInWorkers(Doubling):
    """Dies whenever it runs anywhere but in the process that made it."""

    def __init__(self):
        self.home = os.getpid()

    def batch(self, chunk):
        if os.getpid() != self.home:
            os._exit(1)
        return super().batch(chunk)


@forks
def test_batches_come_back_in_order_each_with_its_own_answers_from_other_processes():
    chunks = [[i, i + 1] for i in range(0, 20, 2)]
    outcomes = list(pool.batches(Doubling().batch, chunks, workers=2))
    assert [[value for value, _ in outcome] for outcome in outcomes] == [[2 * n for n in chunk] for chunk in chunks]
    assert os.getpid() not in {pid for outcome in outcomes for _, pid in outcome}


@forks
def test_a_refused_batch_comes_back_with_its_problems_and_the_others_are_computed():
    first, refused, last = pool.batches(Doubling().batch, [[1], [-1], [3]], workers=2)
    assert isinstance(refused, InvalidData) and refused.source == "lot"
    assert [p.field for p in refused.problems] == ["month"] and "2014-12" in refused.describe()
    assert [v for v, _ in first] == [2] and [v for v, _ in last] == [6]


@forks
def test_when_a_worker_dies_the_batches_left_are_computed_here(caplog):
    outcomes = list(pool.batches(DyingInWorkers().batch, [[1], [2], [3]], workers=2))
    assert outcomes == [[(2, os.getpid())], [(4, os.getpid())], [(6, os.getpid())]]
    assert "les 3 lots restants sont calculés ici" in caplog.text


def test_one_batch_or_one_worker_is_computed_here():
    assert list(pool.batches(Doubling().batch, [[1, 2]])) == [[(2, os.getpid()), (4, os.getpid())]]
    assert list(pool.batches(Doubling().batch, [[1], [2]], workers=1)) == [[(2, os.getpid())], [(4, os.getpid())]]
