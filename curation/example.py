"""One input record as the curation stages see it: its id, kind, training-relevant text parts, label
and group. Built once per record while reading; stages never touch the record's other fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from gdprep.errors import InputError

Kind = Literal["text", "pair", "chat", "preference"]
Turns = tuple[tuple[str, str], ...]

#: chat roles whose turns count as the prompt side; every other role is the completion side
PROMPT_ROLES = frozenset({"system", "user", "human", "prompter"})


@dataclass(frozen=True, slots=True)
class Example:
    """`parts` maps "text" (plain records) or "prompt" and "completion" (pairs and chats: user and
    system turns are the prompt side, assistant turns the completion side) to their text. `turns`
    keeps a chat's (role, content) pairs in order for exact comparison. Preference pairs have "prompt",
    "chosen" and "rejected" parts (message contents joined by newlines) and, in `sides`, each side's
    (role, content) turns: a string prompt is one user turn, a string answer one assistant turn, so the
    string and message forms of the same pair compare equal."""

    index: int
    id: str
    kind: Kind
    parts: dict[str, str]
    label: str | None = None
    group: str | None = None
    turns: Turns = field(default=())
    sides: dict[str, Turns] = field(default_factory=dict)

    @property
    def prompt(self) -> str:
        return self.parts.get("prompt", "")

    @property
    def completion(self) -> str:
        """The answer trained towards: the completion, a plain record's text, or a preference pair's chosen."""
        if self.kind == "preference":
            return self.parts["chosen"]
        return self.parts.get("completion", self.parts.get("text", ""))


def example_from_record(index: int, record_id: str, data: Mapping[str, Any], *, text_field: str = "text",
                        prompt_field: str = "prompt", completion_field: str = "completion",
                        messages_field: str = "messages", content_key: str = "content", role_key: str = "role",
                        label_field: str | None = None, group_field: str | None = None,
                        chosen_field: str = "chosen", rejected_field: str = "rejected") -> Example:
    """Classify a record (preference pair, chat, prompt/completion or plain text) and pull out what curation
    compares. A record with all of prompt, chosen and rejected is a preference pair. Raises
    InputError(reason=...) for a record that is none of these."""
    label = _optional_str(data, label_field)
    group = _optional_str(data, group_field)
    if prompt_field in data and chosen_field in data and rejected_field in data:
        sides = {name: _side(data, field_name, content_key, role_key, default_role)
                 for name, field_name, default_role in (("prompt", prompt_field, "user"),
                                                        ("chosen", chosen_field, "assistant"),
                                                        ("rejected", rejected_field, "assistant"))}
        parts = {name: "\n".join(content for _, content in turns) for name, turns in sides.items()}
        return Example(index, record_id, "preference", parts, label, group, sides=sides)
    if (chosen_field in data or rejected_field in data) and not (completion_field in data or messages_field in data):
        raise InputError(f"record has {chosen_field!r}/{rejected_field!r} but not all of {prompt_field!r}, "
                         f"{chosen_field!r} and {rejected_field!r}; a preference pair needs all three (the "
                         "implicit-prompt form, with the prompt inside both answers, is not read: move the shared "
                         f"turns into {prompt_field!r})", reason="missing_text")
    messages = data.get(messages_field)
    if messages is not None:
        turns = _turns(messages, messages_field, content_key, role_key)
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


def _turns(messages: Any, name: str, content_key: str, role_key: str) -> list[tuple[str, str]]:
    """The (role, content) turns of a list of chat messages; a missing content is an empty turn."""
    if not isinstance(messages, list):
        raise InputError(f"field {name!r} must be a list of messages", reason="bad_messages")
    turns: list[tuple[str, str]] = []
    for i, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise InputError(f"{name}[{i}] must be an object", reason="bad_messages")
        content = message.get(content_key)
        if content is None:
            content = ""
        if not isinstance(content, str):
            raise InputError(f"{name}[{i}].{content_key} is {type(content).__name__}, "
                             "expected a string", reason="non_string_field")
        turns.append((str(message.get(role_key, "")), content))
    return turns


def _side(data: Mapping[str, Any], name: str, content_key: str, role_key: str, default_role: str) -> Turns:
    """One side of a preference pair (TRL's formats): a string, or a list of chat messages."""
    value = data.get(name)
    if isinstance(value, list):
        return tuple(_turns(value, name, content_key, role_key))
    return ((default_role, _string(data, name)),)


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
