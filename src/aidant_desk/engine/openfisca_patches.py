"""Speed fixes to openfisca-france that change no result.

- bail_reel_solidaire_zones_menage re-reads a 35,000-line CSV for every household
  (about 0.18 s each: 3 minutes for a batch of 1,000). The file never changes during a
  run, so its parsed content is kept after the first read.
- The legislation at a date (`parameters(period)`) is built by openfisca-core for the
  whole tree of some 4,700 nodes, at each of the ~80 dates a simulation reads: about
  4 s of a dossier's first simulation, for the few hundred parameters its formulas
  read. Here a node at a date builds a child when it is first read, with openfisca's
  own code, and keeps it.
"""
from __future__ import annotations

from functools import lru_cache

from openfisca_core.parameters import ParameterNode, ParameterNodeAtInstant

ZONES_READER = "bail_reel_solidaire_zones_elligibles"


def apply_speed_patches(tbs, lazy_legislation: bool = True) -> None:
    _cache_zones_reader(tbs)
    if not lazy_legislation:
        return
    root = tbs.parameters
    # An instance attribute: this system only, others built in the process stay openfisca's.
    root._get_at_instant = lambda instant: LazyNodeAtInstant(root.name, root, instant)


def _cache_zones_reader(tbs) -> None:
    variable = tbs.variables.get("bail_reel_solidaire_zones_menage")
    if variable is None:
        return
    for formula in variable.formulas.values():
        # openfisca loads each model file as its own module: patch the one the formula reads.
        module_globals = formula.__globals__
        reader = module_globals.get(ZONES_READER)
        if reader is not None and not hasattr(reader, "cache_info"):
            module_globals[ZONES_READER] = lru_cache(maxsize=1)(reader)


_ABSENT = object()


class LazyNodeAtInstant(ParameterNodeAtInstant):
    """openfisca-core's node at a date, its children built on first read. A child that
    has no value at that date is absent, as in openfisca-core (ParameterNotFoundError)."""

    def __init__(self, name, node, instant_str) -> None:  # not super().__init__: it builds every child
        self._name, self._instant_str, self._node = name, instant_str, node

    def _child(self, key):
        """The child at this date (kept as an attribute, as openfisca-core does), or None."""
        value = self.__dict__.get(key, _ABSENT)
        if value is not _ABSENT:
            return value
        child = self._node.children.get(key) if isinstance(key, str) else None
        if child is None:
            return None
        if isinstance(child, ParameterNode):
            value = LazyNodeAtInstant(child.name, child, self._instant_str)
        else:
            value = child._get_at_instant(self._instant_str)
        if value is not None:
            self.__dict__[key] = value
        return value

    def __getattr__(self, key):  # only for what is not built yet
        if key == "_children":  # iterating, vectorial indexing, repr: every child now
            children = {}
            for name in self._node.children:
                value = self._child(name)
                if value is not None:
                    children[name] = value
            self.__dict__["_children"] = children
            return children
        if key.startswith("__") or key in ("_name", "_instant_str", "_node"):
            raise AttributeError(key)  # copy and pickle probe dunders before __init__ ran
        value = self._child(key)
        if value is None:
            return super().__getattr__(key)  # openfisca's ParameterNotFoundError
        return value

    def __getitem__(self, key):
        if isinstance(key, str):
            value = self._child(key)
            if value is not None:
                return value
        return super().__getitem__(key)  # arrays (vectorial), and openfisca's error
