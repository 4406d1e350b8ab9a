"""The few-shot prompt of `gdprep synth` and the parser that reads a generation back into a record.

The template is versioned and hashed (`TEMPLATE_SHA256`, recorded with every synthetic record): a change to
its wording is a new template, and records generated under it say so. A record is laid out as labelled
lines (`Text:`, or `Prompt:` and `Completion:`, or one `role:` line per chat message) under a `### Example`
heading; the prompt ends with a new heading and the first label, so the model writes one record and the
parser stops at the next heading."""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

Shape = Literal["text", "pair", "chat"]

#: what a bad record's error in --from or --against tells the user (synth has no --on-error)
FIX_AND_RERUN: Final = "Fix the record (synth reads every record of --from and --against) and run gdprep synth again"

TEMPLATE_ID: Final = "gdprep.synth/1"
HEADER: Final = ('Examples of records labelled "{label}". Write one new record of the same kind, different '
                 "from every example.\n")
HEADING: Final = "\n### Example\n"
_MARKERS: Final[dict[str, tuple[str, ...]]] = {"text": ("Text:",), "pair": ("Prompt:", "Completion:"),
                                               "chat": ("{role}:",)}
TEMPLATE_SHA256: Final = hashlib.sha256(json.dumps(
    {"id": TEMPLATE_ID, "header": HEADER, "heading": HEADING, "markers": _MARKERS},
    sort_keys=True).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a record's text lives (the curation config's field names) and its shape."""

    shape: Shape
    text_field: str = "text"
    prompt_field: str = "prompt"
    completion_field: str = "completion"
    messages_field: str = "messages"
    role_key: str = "role"
    content_key: str = "content"


@dataclass(frozen=True, slots=True)
class Parsed:
    """A generation read back: the record's text fields, or None and the problem (a stable code)."""

    fields: dict[str, Any] | None
    problem: str | None = None


def render(layout: Layout, record: Mapping[str, Any]) -> str:
    """One example's body, as the template lays it out."""
    if layout.shape == "text":
        return f"Text: {_one_line_heading(str(record.get(layout.text_field) or ''))}"
    if layout.shape == "pair":
        return (f"Prompt: {_one_line_heading(str(record.get(layout.prompt_field) or ''))}\n"
                f"Completion: {_one_line_heading(str(record.get(layout.completion_field) or ''))}")
    lines = []
    for message in record.get(layout.messages_field) or []:
        if isinstance(message, Mapping):
            content = _one_line_heading(str(message.get(layout.content_key) or ""))
            lines.append(f"{message.get(layout.role_key, '')}: {content}")
    return "\n".join(lines)


def _one_line_heading(text: str) -> str:
    # a value that holds the heading itself would end the example early when read back
    return text.replace("###", "#").strip()


def opening(layout: Layout, examples: Sequence[Mapping[str, Any]]) -> str:
    """What the prompt ends with after the last heading: the label the model continues from."""
    if layout.shape == "text":
        return "Text:"
    if layout.shape == "pair":
        return "Prompt:"
    first = next((m for e in examples for m in e.get(layout.messages_field) or [] if isinstance(m, Mapping)), {})
    return f"{first.get(layout.role_key, 'user')}:"


def build_prompt(layout: Layout, label: str, examples: Sequence[Mapping[str, Any]]) -> str:
    body = "".join(HEADING + render(layout, e) + "\n" for e in examples)
    return HEADER.format(label=label) + body + HEADING + opening(layout, examples)


def pick_examples(pool: Sequence[Mapping[str, Any]], k: int, seed: int, index: int) -> list[Mapping[str, Any]]:
    """The k few-shot examples of generation `index`: a seeded sample of the pool, independent of the others."""
    rng = random.Random(f"gdprep-synth:{seed}:{index}")
    return rng.sample(list(pool), min(k, len(pool)))


def chat_roles(layout: Layout, pool: Sequence[Mapping[str, Any]]) -> list[str]:
    """The roles the pool's chat records use (what a generated chat may use), in first-seen order."""
    roles: dict[str, None] = {}
    for record in pool:
        for message in record.get(layout.messages_field) or []:
            if isinstance(message, Mapping) and message.get(layout.role_key):
                roles.setdefault(str(message[layout.role_key]), None)
    return list(roles)


def parse(layout: Layout, start: str, generated: str, *, roles: Sequence[str] = ()) -> Parsed:
    """The record a generation describes. `start` is the label the prompt ended with (the generation continues
    it); the record ends at the next heading or at the end of the generation."""
    body = (start + generated).split("###", 1)[0].strip()
    if layout.shape == "text":
        text = body.removeprefix("Text:").strip()
        if re.search(r"^Text:", text, flags=re.MULTILINE):
            return Parsed(None, "repeated_marker")
        return Parsed({layout.text_field: text}) if text else Parsed(None, "empty_field")
    if layout.shape == "pair":
        match = re.fullmatch(r"Prompt:(.*?)\nCompletion:(.*)", body, flags=re.DOTALL)
        if match is None:
            return Parsed(None, "missing_completion")
        if re.search(r"^(Prompt|Completion):", match.group(2), flags=re.MULTILINE):
            return Parsed(None, "repeated_marker")  # two records run together: neither is one example
        prompt, completion = match.group(1).strip(), match.group(2).strip()
        if not prompt or not completion:
            return Parsed(None, "empty_field")
        return Parsed({layout.prompt_field: prompt, layout.completion_field: completion})
    return _parse_chat(layout, body, roles)


def _parse_chat(layout: Layout, body: str, roles: Sequence[str]) -> Parsed:
    pattern = re.compile(r"^(" + "|".join(re.escape(r) for r in roles) + r"):(.*)$") if roles else None
    messages: list[dict[str, str]] = []
    for line in body.splitlines():
        match = pattern.match(line) if pattern is not None else None
        if match is not None:
            messages.append({layout.role_key: match.group(1), layout.content_key: match.group(2).strip()})
        elif messages:
            messages[-1][layout.content_key] = (messages[-1][layout.content_key] + "\n" + line).strip()
        elif line.strip():
            return Parsed(None, "unknown_role")
    if not messages or any(not m[layout.content_key] for m in messages):
        return Parsed(None, "empty_field")
    if len({m[layout.role_key] for m in messages}) < 2:
        return Parsed(None, "one_sided_chat")
    return Parsed({layout.messages_field: messages})
