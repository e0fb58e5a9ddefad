"""A model's validation errors as a clerk reads them: in Chinese (or English), each at the column
it is about, with a stable reason code, and never quoting personal data.

pydantic words its errors in English for developers (``Input should be 'lixiu' or 'tuixiu'``);
its error *types* are stable, so each common type gets its own bilingual wording here, the way
pydantic's documentation suggests for custom messages. A cadre whose fields contradict each
other raises one error holding every :class:`~cadrecore.models.cadres.Inconsistency`, and each
becomes a problem of its own, at the first field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import BilingualValueError, Location, Problem
from ..i18n import Text
from ..models.cadres import INCONSISTENT, Inconsistency
from ..models.common import LabelledEnum, sensitive_fields
from ..models.fields import field_shapes
from ..models.labels import zh_label
from .dates import FORMS, short

#: pydantic's error types, worded for a clerk: (code, Chinese, English); ``{label}`` is the
#: column, ``{expected}`` what the field takes.
WORDING: dict[str, tuple[str, str, str]] = {
    "missing": ("required.missing", "缺少必填项：{label}", "missing a required value: {label}"),
    "string_too_short": ("required.missing", "{label}不能为空", "{label} may not be empty"),
    "string_too_long": (
        "value.too_long",
        "{label}过长（最多 {max_length} 个字）",
        "{label} is too long (at most {max_length} characters)",
    ),
    "string_pattern_mismatch": (
        "value.invalid",
        "{label}的格式不对",
        "{label} is not in the form it must have",
    ),
    "enum": ("value.not_understood", "{label}应为 {expected}", "{label} must be {expected}"),
    "literal_error": (
        "value.not_understood",
        "{label}应为 {expected}",
        "{label} must be {expected}",
    ),
    "date_parsing": (
        "date.unreadable",
        f"{{label}}不是日期：请写作 {FORMS}",
        "{label} is not a date: write 1950-03-01 or 1950.03",
    ),
    "date_from_datetime_parsing": (
        "date.unreadable",
        f"{{label}}不是日期：请写作 {FORMS}",
        "{label} is not a date: write 1950-03-01 or 1950.03",
    ),
    "date_type": (
        "date.unreadable",
        f"{{label}}不是日期：请写作 {FORMS}",
        "{label} is not a date: write 1950-03-01 or 1950.03",
    ),
    "int_parsing": ("value.invalid", "{label}应为整数", "{label} must be a whole number"),
    "int_from_float": ("value.invalid", "{label}应为整数", "{label} must be a whole number"),
    "decimal_parsing": ("value.invalid", "{label}应为数字", "{label} must be a number"),
    "bool_parsing": ("value.invalid", "{label}应为 是 或 否", "{label} must be yes or no"),
    "greater_than_equal": (
        "value.out_of_range",
        "{label}不能小于 {ge}",
        "{label} must be at least {ge}",
    ),
    "less_than_equal": (
        "value.out_of_range",
        "{label}不能大于 {le}",
        "{label} must be at most {le}",
    ),
    "float_parsing": ("value.invalid", "{label}应为数字", "{label} must be a number"),
    "float_type": ("value.invalid", "{label}应为数字", "{label} must be a number"),
    "int_type": ("value.invalid", "{label}应为整数", "{label} must be a whole number"),
    "bool_type": ("value.invalid", "{label}应为 是 或 否", "{label} must be yes or no"),
    "string_type": ("value.invalid", "{label}应为文字", "{label} must be text"),
    "dict_type": (
        "value.invalid",
        "{label}应为一组键和值",
        "{label} must be a mapping of keys to values",
    ),
    "list_type": ("value.invalid", "{label}应为列表", "{label} must be a list"),
    "tuple_type": ("value.invalid", "{label}应为列表", "{label} must be a list"),
    "model_type": ("value.invalid", "{label}应为一组字段", "{label} must be a mapping of fields"),
    "model_attributes_type": (
        "value.invalid",
        "{label}应为一组字段",
        "{label} must be a mapping of fields",
    ),
    "extra_forbidden": ("field.unknown", "不认识的字段：{label}", "unknown field: {label}"),
    "greater_than": ("value.out_of_range", "{label}应大于 {gt}", "{label} must be above {gt}"),
    "less_than": ("value.out_of_range", "{label}应小于 {lt}", "{label} must be below {lt}"),
}


def _enum_expected(model: type[BaseModel], name: str) -> tuple[str, str] | None:
    shape = next((s for s in field_shapes(model) if s.name == name), None)
    enum: type[Enum] | None = shape.enum if shape is not None else None
    if enum is None:
        return None
    keys = [str(m.value) for m in enum]
    if issubclass(enum, LabelledEnum):
        zh = "、".join(enum(k).zh for k in keys)
        en = [enum(k).en for k in keys]
        return zh, " or ".join(
            label if k in label else f"{label} ({k})" for k, label in zip(keys, en, strict=True)
        )
    return "、".join(keys), " or ".join(keys)


def _shown(value: Any) -> str | None:
    """A short piece of a value a message may quote (None for none: an empty value, a
    structure, or a number too long to write)."""
    if not isinstance(value, str | int | float) or value == "" or isinstance(value, bool):
        return None
    try:
        return short(value)
    except ValueError:  # an integer of more digits than Python will write
        return None


def validation_problems(
    exc: ValidationError,
    model: type[BaseModel],
    locate: Callable[[str | None], Location],
    skip: Callable[[str | None], bool] = lambda loc: False,
    prefix: str = "",
) -> list[Problem]:
    """Each error of ``exc`` (raised validating ``model``) as a problem at its column.

    ``locate`` turns a field name into a location; ``skip`` says which errors were already
    reported from the cell itself; ``prefix`` is put before the field names (``details.``).
    """
    problems: list[Problem] = []
    sensitive = sensitive_fields(model)
    for err in exc.errors(include_url=False):
        loc = prefix + ".".join(str(p) for p in err["loc"]) if err["loc"] else None
        if skip(loc):
            continue
        context: dict[str, Any] = dict(err.get("ctx") or {})
        if err["type"] == INCONSISTENT:
            for found in context.get("problems", ()):
                assert isinstance(found, Inconsistency)
                problems.append(Problem(locate(found.fields[0]), found.message, code=found.code))
            continue
        name = str(err["loc"][-1]) if err["loc"] else ""
        label = zh_label(name, person="birth_date" in model.model_fields) or name
        wording = WORDING.get(err["type"])
        if wording is not None:
            code, zh, en = wording
            if err["type"] in ("enum", "literal_error"):
                expected = _enum_expected(model, name)
                zh_expected, en_expected = expected or (context.get("expected", ""),) * 2
                context["expected"] = zh_expected
                text = Text(
                    zh.format(label=label, **context),
                    en.format(label=name or label, **{**context, "expected": en_expected}),
                )
            else:
                text = Text(
                    zh.format(label=label, **context), en.format(label=name or label, **context)
                )
        elif isinstance(context.get("error"), BilingualValueError):
            said: BilingualValueError = context["error"]
            code = said.code
            text = (
                Text(f"{label}：{said.message.zh}", f"{name or label}: {said.message.en}")
                if name
                else said.message
            )
        else:
            # a type no wording covers: pydantic's English words stay out of the Chinese
            message = str(err["msg"]).removeprefix("Value error, ")
            code = "value.invalid"
            text = Text(
                f"{label}的值不符合要求" if name else "取值不符合要求",
                f"{name}: {message}" if name else message,
            )
        value = err.get("input")
        shown = _shown(value) if name not in sensitive and err["type"] != "missing" else None
        if shown is not None:
            text = Text(f"{text.zh}（值：{shown}）", f"{text.en} (got {shown!r})")
        problems.append(Problem(locate(loc), text, code=code))
    return problems


__all__ = ["WORDING", "validation_problems"]
