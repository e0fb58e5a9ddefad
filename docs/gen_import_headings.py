"""Write the generated tables of docs/import.md and docs/zh/import.md from the importer itself:
the headings accepted for each field of a cadre (the glossary ``cadrecore.models.labels`` and
``cadrecore.io.headings.SYNONYMS``), the sub-headings and date parts of two-level headings
(``SUB_HEADINGS``, ``DATE_PARTS``), and the words read for 政治面貌, 离退休类型 and 性别
(``cadrecore.io.roster.VOCABULARIES``).

Run from the repository root after changing any of those:

    python docs/gen_import_headings.py

Each table sits between two HTML comments on the page (``<!-- generated: NAME ... -->`` and
``<!-- end generated: NAME -->``); the rest of the page is left as it is.
tests/test_docs_import.py regenerates the tables in memory and fails when a page differs, so
the pages cannot drift from the importer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"en": ROOT / "docs" / "import.md", "zh": ROOT / "docs" / "zh" / "import.md"}
BLOCK = re.compile(
    r"(<!-- generated: (?P<name>[\w-]+) [^\n]*-->\n)(?P<body>.*?)(<!-- end generated: (?P=name) -->)",
    re.S,
)

#: Why a field in ``DERIVED`` with nothing to be derived from needs no column.
NO_COLUMN: dict[str, dict[str, str]] = {
    "id": {
        "en": "no: a row is matched to the ledger's cadre with the same ID number (else the same "
        "name and birth date), or given a new id",
        "zh": "不需要：按身份证号（没有时按姓名和出生日期）对应账册中已有的老干部，否则新编一个",
    },
    "county_id": {
        "en": "no: `--unit`, else the 填报单位 line or the title, else each row's 原工作单位 says",
        "zh": "不需要：由 `--unit` 确定；没有时看填报单位或标题，再没有时看各行的原工作单位",
    },
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _join(words: list[str], lang: str) -> str:
    """Headings or words as code (a heading may hold 、 itself: 县(市、区)), listed."""
    return ("、" if lang == "zh" else ", ").join(f"`{w}`" for w in words)


def cadre_headings() -> list[tuple[str, list[str]]]:
    """Each field of a cadre, in the model's order, with the headings it is accepted under as
    written in the code: its glossary names, the synonyms, then its own English name."""
    from cadrecore.io.headings import SYNONYMS
    from cadrecore.models import Cadre
    from cadrecore.models.labels import zh_aliases

    rows = []
    for name in Cadre.model_fields:
        headings = [*zh_aliases(name), *(h for h, f in SYNONYMS.items() if f == name), name]
        rows.append((name, list(dict.fromkeys(headings))))
    return rows


def _required(name: str, lang: str) -> str:
    from cadrecore.io.headings import DERIVED
    from cadrecore.models import Cadre
    from cadrecore.models.labels import zh_label

    if not Cadre.model_fields[name].is_required():
        return "可无" if lang == "zh" else "no"
    if name not in DERIVED:
        return "必填" if lang == "zh" else "yes"
    alternatives = DERIVED[name]
    if not alternatives:
        if name not in NO_COLUMN:
            raise SystemExit(f"say in NO_COLUMN why a roster needs no {name} column")
        return NO_COLUMN[name][lang]
    if lang == "zh":
        labels = "或".join(f"“{zh_label(a) or a}”" for a in alternatives)
        return f"必填；有{labels}列时可以没有"
    labels = " or ".join(f"`{a}` ({zh_label(a) or a})" for a in alternatives)
    return f"yes, unless there is a column of {labels}"


def headings_table(lang: str) -> list[str]:
    if lang == "zh":
        lines = ["| 字段 | 是否必须有此列 | 认得的表头 |", "|---|---|---|"]
    else:
        lines = ["| field | column required | headings accepted |", "|---|---|---|"]
    for name, headings in cadre_headings():
        lines.append(
            f"| `{name}` | {_cell(_required(name, lang))} | {_cell(_join(headings, lang))} |"
        )
    return lines


def parts_table(lang: str) -> list[str]:
    from cadrecore.io.headings import DATE_PARTS, SUB_HEADINGS

    by_meaning: dict[str, list[str]] = {}
    for written, meaning in SUB_HEADINGS.items():
        by_meaning.setdefault(meaning, []).append(written)
    parts: dict[tuple[str, str], list[str]] = {}
    for heading, (field, part) in DATE_PARTS.items():
        parts.setdefault((field, part), []).append(heading)
    if lang == "zh":
        lines = ["| 父表头下的子表头 | 按此理解 |", "|---|---|"]
        lines += [f"| {_cell(_join(w, lang))} | {m} |" for m, w in by_meaning.items()]
        part_zh = {"year": "年", "month": "月", "day": "日"}
        lines += ["", "| 表头（父子合起来） | 读作 |", "|---|---|"]
        lines += [
            f"| {_cell(_join(h, lang))} | `{f}` 的{part_zh[p]} |" for (f, p), h in parts.items()
        ]
    else:
        lines = ["| sub-heading under a parent | read as |", "|---|---|"]
        lines += [f"| {_cell(_join(w, lang))} | {m} |" for m, w in by_meaning.items()]
        lines += ["", "| heading (parent and child together) | gives |", "|---|---|"]
        lines += [f"| {_cell(_join(h, lang))} | the {p} of `{f}` |" for (f, p), h in parts.items()]
    return lines


def _meaning(values: dict[str, Any], lang: str) -> str:
    """What a word stands for, said for a clerk (zh) or a developer (en)."""
    zh = lang == "zh"
    if "party_status" in values:
        status, other = values["party_status"], values.get("other_party", "")
        if status == "full":
            return "中共党员（正式党员）" if zh else "CPC member: `party_status` full"
        if status == "probationary":
            return "中共预备党员" if zh else "CPC probationary member: `party_status` probationary"
        if status is None and not other:
            return "非中共党员（群众）" if zh else "not a CPC member: `party_status` empty"
        if status is None:
            return (
                f"非中共党员，“民主党派”一项记为 {other}"
                if zh
                else f"not a CPC member, `other_party` {other}"
            )
    if set(values) == {"retirement_kind"}:
        kind = values["retirement_kind"]
        label = {"lixiu": "离休", "tuixiu": "退休"}[kind]
        return label if zh else f"{label}: `retirement_kind` {kind}"
    if set(values) == {"gender"}:
        return str(values["gender"])
    raise SystemExit(f"say in _meaning what {values} means")


def words_table(lang: str) -> list[str]:
    from cadrecore.io.roster import VOCABULARIES

    if lang == "zh":
        lines = ["| 列（字段） | 可以写 | 记为 |", "|---|---|---|"]
    else:
        lines = ["| column | words read | as |", "|---|---|---|"]
    for field, vocabulary in VOCABULARIES.items():
        groups: dict[str, list[str]] = {}
        for word, values in vocabulary.words.items():
            groups.setdefault(_meaning(values, lang), []).append(word)
        heading = (
            f"{vocabulary.heading.zh}（`{field}`）"
            if lang == "zh"
            else f"`{field}` ({vocabulary.heading.zh})"
        )
        for meaning, words in groups.items():
            lines.append(f"| {heading} | {_cell(_join(words, lang))} | {_cell(meaning)} |")
    return lines


TABLES: dict[str, Callable[[str], list[str]]] = {
    "headings": headings_table,
    "parts": parts_table,
    "words": words_table,
}


def render(text: str, lang: str) -> str:
    """``text`` (a page) with each generated table written afresh."""
    seen: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in TABLES:
            raise SystemExit(f"no generated table {name!r} (known: {', '.join(TABLES)})")
        seen.add(name)
        body = "\n".join(TABLES[name](lang)) + "\n"
        return f"{match[1]}{body}{match[4]}"

    out = BLOCK.sub(replace, text)
    missing = set(TABLES) - seen
    if missing:
        raise SystemExit(f"the page lacks the generated table(s) {', '.join(sorted(missing))}")
    return out


def pages() -> dict[Path, str]:
    """Each page as it must be, tables generated now."""
    return {path: render(path.read_text(encoding="utf-8"), lang) for lang, path in PAGES.items()}


def main() -> None:
    for path, text in pages().items():
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
