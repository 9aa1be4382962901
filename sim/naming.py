"""File-name-safe labels, shared by the commands, the scenarios, the page and the reports."""

from __future__ import annotations

# File names are limited to 255 bytes; a label of at most 80 bytes leaves room for the
# timestamp, the unfinished prefix, a counter and a suffix such as `.yaml`.
MAX_LABEL_BYTES = 80


def safe_name(label: str, max_bytes: int = MAX_LABEL_BYTES) -> str:
    """A file-name-safe version of a label: letters and digits of any script, `-` and `_`,
    at most `max_bytes` bytes in UTF-8, never a path that could leave its folder."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in label)
    cleaned = "-".join(part for part in cleaned.split("-") if part) or "run"
    while len(cleaned.encode("utf-8")) > max_bytes:
        cleaned = cleaned[:-1]
    return cleaned.strip("-_") or "run"
