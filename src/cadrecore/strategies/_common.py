"""The strategies' building blocks: text, ids and dates, and the helpers every other module of
:mod:`cadrecore.strategies` draws with.

The alphabets of names and free text and the first and last days drawn; :func:`names`,
:func:`texts`, :func:`record_ids`, :func:`national_ids`, :func:`month_days`; the private helpers
(``_dates``, ``_after``, ``_or``, ``_optional``, ``_pick``, ``_maybe``...), whose strategy objects
are built once for each argument and reused; and the registry a strategy draws vocabulary keys
from (``_registry``, ``_keys``, ``_validate``).

Layer: ``strategies``, the bottom of the package: it imports the models, the registry and (for
the registry in force, when none is given) ``cadrecore.plugins``; it never imports the package's
``__init__`` or its other modules (they all import this one), ``cadrecore.testing`` or the CLI.
"""

from __future__ import annotations

import operator
import string
from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..models import MonthDay, Record
from ..models.cadres import national_id_check_char
from ..registry import Registry

R = TypeVar("R", bound=Record)
T = TypeVar("T")


# =============================================================================================
# Text, ids, dates
# =============================================================================================

#: A small set of CJK characters seen in ledgers, so that names exercise non-ASCII text.
CJK = (
    "老干部局工委支党政府人大协社区农村流动团队网宣忻州市县区代岢岚原平张王李赵刘陈杨郑文翰"
    "建华俊明连生书法绘画家庭医生药箱关爱行动走访慰问学习人乐龄计划"
)
NAME_ALPHABET = CJK + string.ascii_letters + string.digits
"""Characters of names and tags: CJK and ASCII letters and digits, no separators or spaces."""
TEXT_ALPHABET = NAME_ALPHABET + " \u3000\t\r\n,，。、;；:：\"'-#()（）"
"""Characters of free text (notes, addresses, answers): also spaces (the full-width one too),
punctuation, tabs and line breaks, what CSV quoting and YAML escaping must get right."""

FIRST_DAY = date(1990, 1, 1)
"""The first day drawn unless a record needs others (a 离休 cadre's birth, say)."""
LAST_DAY = date(2035, 12, 31)
"""The last day drawn unless a record needs others."""

# Strategy objects are built once per argument tuple and reused: hypothesis validates each
# strategy object on its first draw, which costs more than drawing from it.


@cache
def _text(alphabet: str, min_size: int, max_size: int) -> SearchStrategy[str]:
    return st.text(alphabet, min_size=min_size, max_size=max_size)


def names(max_size: int = 10) -> SearchStrategy[str]:
    """A non-empty name of CJK and ASCII letters and digits (a person, a unit, a branch)."""
    return _text(NAME_ALPHABET, 1, max_size)


@cache
def texts(max_size: int = 24) -> SearchStrategy[str]:
    """Free text, possibly empty, as a record keeps it (without surrounding whitespace)."""
    return _text(TEXT_ALPHABET, 0, max_size).map(str.strip)


@cache
def nonempty_texts(max_size: int = 24) -> SearchStrategy[str]:
    """Free text that is not empty (an opinion's content, an answer, a reason)."""
    return st.builds(operator.add, st.sampled_from(NAME_ALPHABET), texts(max_size - 1))


def tags() -> SearchStrategy[str]:
    """A short tag such as an interest (书法): no list separators, so a cell can hold several."""
    return names(max_size=6)


_ID_FIRST = string.ascii_letters + string.digits
_ID_REST = _ID_FIRST + "_.:-"


@cache
def record_ids(max_size: int = 16) -> SearchStrategy[str]:
    """A ``RecordId``: letters, digits and ``_ . : -``, starting with a letter or a digit."""
    return st.builds(operator.add, st.sampled_from(_ID_FIRST), _text(_ID_REST, 0, max_size - 1))


@cache
def _dates(first: date = FIRST_DAY, last: date = LAST_DAY) -> SearchStrategy[date]:
    return st.dates(min_value=first, max_value=last)


@cache
def _integers(low: int, high: int) -> SearchStrategy[int]:
    return st.integers(low, high)


def _after(day: date, max_days: int, min_days: int = 0) -> SearchStrategy[date]:
    """A date ``min_days`` to ``max_days`` days after ``day``."""
    return _integers(min_days, max_days).map(lambda days: day + timedelta(days=days))


def _years(first: int = 1990, last: int = 2035) -> SearchStrategy[int]:
    return _integers(first, last)


def _or(given: SearchStrategy[T] | None, default: SearchStrategy[T]) -> SearchStrategy[T]:
    """The strategy a caller passed, else the default."""
    return default if given is None else given


def _optional(strategy: SearchStrategy[T]) -> SearchStrategy[T | None]:
    return _optional_cached(strategy)


@lru_cache(maxsize=4096)
def _optional_cached(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return st.none() | strategy


def _pick(values: Sequence[T]) -> SearchStrategy[T]:
    """One of ``values`` (none at all when it is empty)."""
    return _sampled(tuple(values))


@lru_cache(maxsize=4096)
def _sampled(values: tuple[Any, ...]) -> SearchStrategy[Any]:
    return st.sampled_from(values) if values else st.nothing()


def _maybe(values: Sequence[T]) -> SearchStrategy[T | None]:
    """One of ``values`` or None."""
    return _optional(_pick(values)) if values else st.none()


_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_days() -> SearchStrategy[MonthDay]:
    """A valid day of the year (29 February included)."""
    return _integers(1, 12).flatmap(
        lambda month: _integers(1, _DAYS_IN_MONTH[month]).map(lambda day: MonthDay(month, day))
    )


def national_ids(birth_date: date, gender: str = "") -> SearchStrategy[str]:
    """An 18-digit resident ID of someone born on ``birth_date``, with a correct check character;
    its 17th digit odd for ``gender`` 男, even for 女 (either for ``""``)."""

    def build(area: int, sequence: int) -> str:
        if gender:
            sequence = sequence - sequence % 2 + (1 if gender == "男" else 0)
        first17 = f"{area:06d}{birth_date:%Y%m%d}{sequence:03d}"
        return first17 + national_id_check_char(first17)

    return st.builds(build, _integers(110000, 829999), _integers(0, 998))


def _registry(registry: Registry | None) -> Registry:
    if registry is not None:
        return registry
    from ..plugins import get_registry

    return get_registry()


def _keys(registry: Registry, vocabulary: str) -> tuple[str, ...]:
    return tuple(sorted(entry.key for entry in registry.vocabulary(vocabulary)))


def _validate(model: type[R], registry: Registry, **data: Any) -> R:
    """``model`` from ``data``, its vocabulary keys checked against ``registry``."""
    return model.model_validate(data, context={"registry": registry})
