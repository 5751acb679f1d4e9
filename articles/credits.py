"""Photo credit lines, read into structured credits.

The verbatim line is what readers see; the structured credits serve search, filtering
by organisation, and image-licence markup.
"""

import re

PARTS_RE = re.compile(r"\s+/\s+")


def parse_credit_line(line):
    """Split a credit line into an ordered list of credit dicts (creator, organisation, ...)."""
    line = (line or "").strip()
    if not line:
        return []
    parts = [p.strip() for p in PARTS_RE.split(line) if p.strip()]
    if len(parts) == 1:
        return [{"organisation": parts[0]}]
    *people, organisation = parts
    return [{"creator": person, "organisation": organisation} for person in people]
