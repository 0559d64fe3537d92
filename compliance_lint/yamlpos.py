"""YAML loading that remembers line numbers, for errors that say where.

``yaml.safe_load`` forgets positions; we compose the node tree (safe loader,
C-accelerated when available) and build dict/list subclasses that keep the
line of every key and item. Anchors and aliases are refused outright: rule
packs do not need them and alias expansion is how "billion laughs" bombs work.
"""

from __future__ import annotations

from typing import Any

import yaml

from compliance_lint.errors import RulePackError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_BYTES = 5_000_000


class LocDict(dict):
    """A mapping that knows the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocList(list):
    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def load_yaml(path: str, text: str | None = None) -> Any:
    """Load one YAML file; ``RulePackError`` with file and line on any problem."""
    if text is None:
        try:
            with open(path, "rb") as fh:
                raw = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise RulePackError(path, None, "file", f"cannot read ({exc.strerror})") from None
        if len(raw) > MAX_BYTES:
            raise RulePackError(path, None, "file", f"larger than {MAX_BYTES} bytes")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise RulePackError(path, line, "file", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the file as UTF-8") from None
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1
                raise RulePackError(path, line, "yaml", "anchors and aliases are not allowed (they are how YAML alias bombs work): write the value out")
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise RulePackError(path, line, "yaml", f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise RulePackError(path, None, "yaml", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise RulePackError(path, None, "yaml", "invalid YAML: nested too deeply") from None
    if node is None:
        return None
    return _build(node, path)


# Tags plain YAML resolves to; an explicit tag (``!!python/object``, ``!foo``) is refused.
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary", "merge"))


def _build(node: yaml.Node, path: str) -> Any:
    line = node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        raise RulePackError(path, line, "yaml", f"tag {node.tag!r} is not allowed: plain YAML values only")
    if isinstance(node, yaml.MappingNode):
        out = LocDict()
        out.line = line
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = _build(key_node, path)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                raise RulePackError(path, key_node.start_mark.line + 1, key, "duplicate key")
            out[key] = _build(value_node, path)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = LocList(_build(item, path) for item in node.value)
        seq.line = line
        seq.item_lines = [item.start_mark.line + 1 for item in node.value]
        return seq
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    value = node.value
    if tag.endswith(":str") or node.style in ("'", '"', "|", ">"):
        return value
    if tag.endswith(":bool"):
        return value.lower() in ("true", "yes", "on", "y")
    if tag.endswith(":null"):
        return None
    if tag.endswith(":int"):
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag.endswith(":float"):
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    return value


def line_of(obj: Any, key: Any = None) -> int:
    if isinstance(obj, LocDict) and isinstance(key, str):
        return obj.line_of(key)
    if isinstance(obj, LocList) and isinstance(key, int):
        return obj.line_of(key)
    return getattr(obj, "line", 0) or 0
