"""One input record as the curation stages see it: its id, kind, training-relevant text parts, label
and group. Built once per record while reading; stages never touch the record's other fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from gdprep.errors import InputError

Kind = Literal["text", "pair", "chat"]

#: chat roles whose turns count as the prompt side; every other role is the completion side
PROMPT_ROLES = frozenset({"system", "user", "human", "prompter"})


@dataclass(frozen=True, slots=True)
class Example:
    """`parts` maps "text" (plain records) or "prompt" and "completion" (pairs and chats: user and
    system turns are the prompt side, assistant turns the completion side) to their text. `turns`
    keeps a chat's (role, content) pairs in order for exact comparison."""

    index: int
    id: str
    kind: Kind
    parts: dict[str, str]
    label: str | None = None
    group: str | None = None
    turns: tuple[tuple[str, str], ...] = field(default=())

    @property
    def prompt(self) -> str:
        return self.parts.get("prompt", "")

    @property
    def completion(self) -> str:
        return self.parts.get("completion", self.parts.get("text", ""))


def example_from_record(index: int, record_id: str, data: Mapping[str, Any], *, text_field: str = "text",
                        prompt_field: str = "prompt", completion_field: str = "completion",
                        messages_field: str = "messages", content_key: str = "content", role_key: str = "role",
                        label_field: str | None = None, group_field: str | None = None) -> Example:
    """Classify a record (chat, prompt/completion or plain text) and pull out what curation compares.
    Raises InputError(reason=...) for a record that is none of the three."""
    label = _optional_str(data, label_field)
    group = _optional_str(data, group_field)
    messages = data.get(messages_field)
    if messages is not None:
        if not isinstance(messages, list):
            raise InputError(f"field {messages_field!r} must be a list of messages", reason="bad_messages")
        turns: list[tuple[str, str]] = []
        for i, message in enumerate(messages):
            if not isinstance(message, Mapping):
                raise InputError(f"{messages_field}[{i}] must be an object", reason="bad_messages")
            content = message.get(content_key)
            if content is None:
                content = ""
            if not isinstance(content, str):
                raise InputError(f"{messages_field}[{i}].{content_key} is {type(content).__name__}, "
                                 "expected a string", reason="non_string_field")
            turns.append((str(message.get(role_key, "")), content))
        prompt = "\n".join(c for r, c in turns if r.lower() in PROMPT_ROLES)
        completion = "\n".join(c for r, c in turns if r.lower() not in PROMPT_ROLES)
        return Example(index, record_id, "chat", {"prompt": prompt, "completion": completion}, label, group,
                       tuple(turns))
    if prompt_field in data or completion_field in data:
        parts = {"prompt": _string(data, prompt_field), "completion": _string(data, completion_field)}
        return Example(index, record_id, "pair", parts, label, group)
    if text_field in data:
        return Example(index, record_id, "text", {"text": _string(data, text_field)}, label, group)
    raise InputError(f"record has none of {text_field!r}, {prompt_field!r}/{completion_field!r} or "
                     f"{messages_field!r}; set the field names in the curation config", reason="missing_text")


def _string(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"field {name!r} is {type(value).__name__}, expected a string", reason="non_string_field")
    return value


def _optional_str(data: Mapping[str, Any], name: str | None) -> str | None:
    if name is None:
        return None
    value = data.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list)):
        raise InputError(f"field {name!r} must be a scalar (a label or group key), got {type(value).__name__}",
                         reason="bad_label")
    return str(value)
