"""WordPress post content as WordPress itself reads it: block markup and classic text.

Since 5.0 WordPress stores a post as *blocks*: HTML between comment delimiters,
``<!-- wp:name {"json":"attributes"} -->`` … ``<!-- /wp:name -->``, or one self-closing
``<!-- wp:name {...} /-->`` for a block drawn by the server (latest posts, archives).
A name without a namespace is a core block (``wp:paragraph`` is ``core/paragraph``).
:func:`parse_blocks` reads that grammar into a tree; text outside any block is a
"freeform" block, the classic editor's content, which WordPress paragraphs with
:func:`autop` (its ``wpautop``), never applied to block content.

Plain functions on strings, no Django: ``formats/wordpress.py`` turns the tree into our
body, photos and notes.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any

# <!-- wp:name {attrs} --> or <!-- /wp:name --> or <!-- wp:name {attrs} /-->
DELIMITER_RE = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+"
    r"(?P<attrs>\{(?:(?!-->).)*?\}\s+)?(?P<void>/)?-->",
    re.DOTALL,
)


@dataclass
class Block:
    """One block: ``name`` with its namespace ("core/paragraph"; "" for freeform text),
    its attributes, its own HTML (``parts``: strings, and inner blocks where they sit)."""

    name: str
    attrs: dict[str, Any] = field(default_factory=dict)
    parts: list["str | Block"] = field(default_factory=list)

    @property
    def inner_blocks(self) -> list["Block"]:
        return [p for p in self.parts if isinstance(p, Block)]

    @property
    def short_name(self) -> str:
        return self.name.removeprefix("core/")


def has_blocks(content: str) -> bool:
    """Whether ``content`` was written by the block editor (as WordPress's has_blocks())."""
    return "<!-- wp:" in content


def parse_blocks(content: str) -> list[Block]:
    """The top-level blocks of ``content``; text between them becomes freeform blocks.

    Like WordPress's parser it never fails: a closer without an opener is ignored, and
    an opener never closed takes what follows it to the end.
    """
    root = Block("#root")
    stack = [root]
    position = 0
    for match in DELIMITER_RE.finditer(content):
        _add_text(stack[-1], content[position : match.start()])
        position = match.end()
        name = match.group("name")
        name = name if "/" in name else f"core/{name}"
        if match.group("closer"):
            # Close the innermost open block of that name (and any left open inside it).
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].name == name:
                    del stack[depth:]
                    break
            continue
        try:
            attrs = json.loads(match.group("attrs") or "{}")
        except ValueError:
            attrs = {}
        block = Block(name, attrs if isinstance(attrs, dict) else {})
        stack[-1].parts.append(block)
        if not match.group("void"):
            stack.append(block)
    _add_text(stack[-1], content[position:])
    # Freeform text at the top level between blocks is a block of its own.
    out: list[Block] = []
    for part in root.parts:
        if isinstance(part, Block):
            out.append(part)
        elif part.strip():
            out.append(Block("", parts=[part]))
    return out


def _add_text(block: Block, text: str) -> None:
    if text:
        block.parts.append(text)


# The elements wpautop treats as blocks: never wrapped in <p>, never followed by <br>.
ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section"
    r"|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
OPEN_BLOCK_RE = re.compile(rf"(<{ALL_BLOCKS}[\s/>])", re.I)
CLOSE_BLOCK_RE = re.compile(rf"(</{ALL_BLOCKS}>)", re.I)
VOID_BLOCK_RE = re.compile(r"(<hr\b[^>]*>)", re.I)
P_BEFORE_BLOCK_RE = re.compile(rf"<p>\s*(</?{ALL_BLOCKS}[\s/>][^>]*>|</?{ALL_BLOCKS}>)", re.I)
P_AFTER_BLOCK_RE = re.compile(rf"(</?{ALL_BLOCKS}(?:\s[^>]*)?/?>)\s*</p>", re.I)
BR_AFTER_BLOCK_RE = re.compile(rf"(</?{ALL_BLOCKS}(?:\s[^>]*)?/?>)\s*<br>", re.I)
BR_BEFORE_BLOCK_RE = re.compile(r"<br>(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[\s/>])", re.I)
# Kept whole: preformatted text, and photo figures (a figure's caption is one piece).
PRE_RE = re.compile(r"<pre\b.*?</pre>|<figure\b[^>]*>.*?</figure>", re.DOTALL | re.I)
# Elements whose text WordPress leaves as it is (no <br> for their newlines).
RAW_RE = re.compile(r"<(script|style|svg|math|textarea|select)\b.*?</\1>", re.DOTALL | re.I)


def autop(text: str) -> str:
    """WordPress's paragraph rules (wpautop) for classic content.

    Text separated by a blank line becomes a ``<p>``; a single newline inside a paragraph
    a ``<br>``. Block elements (tables, lists, quotes, headings, ``dl``, ``address``,
    figures) are structure: never wrapped in ``<p>``, never given a ``<br>`` before or
    inside them between their parts; runs of empty lines are one break; ``<pre>`` and
    raw elements keep their lines.
    """
    if not text.strip():
        return ""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\n\n<pre>\x00{len(kept) - 1}\x00</pre>\n\n"

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = PRE_RE.sub(keep, text)

    def keep_raw(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x01{len(kept) - 1}\x01"

    text = RAW_RE.sub(keep_raw, text)
    # Two line breaks in a row are a paragraph break, as a blank line is.
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.I)
    text = OPEN_BLOCK_RE.sub(r"\n\n\1", text)
    text = CLOSE_BLOCK_RE.sub(r"\1\n\n", text)
    text = VOID_BLOCK_RE.sub(r"\1\n\n", text)
    # Newlines inside a list or table's own markup are layout, not text.
    text = re.sub(r"[ \t]+\n", "\n", text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    text = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    # A quote's text is paragraphs inside the quote, not a paragraph around it.
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = re.sub(r"</blockquote></p>", "</p></blockquote>", text, flags=re.I)
    text = P_BEFORE_BLOCK_RE.sub(r"\1", text)
    text = P_AFTER_BLOCK_RE.sub(r"\1", text)
    text = re.sub(r"<p>\s*</p>", "", text)
    # A lone newline left inside a paragraph is a line break.
    text = re.sub(r"(?<!<br>)\s*\n(?!$)", "<br>\n", text)
    text = re.sub(r"<br>\n(?=<p>|</?(?:ul|ol|table|blockquote|dl|figure)\b)", "\n", text)
    text = BR_AFTER_BLOCK_RE.sub(r"\1", text)
    text = BR_BEFORE_BLOCK_RE.sub(r"\1", text)
    text = re.sub(r"\n+", "\n", text).strip()
    text = re.sub(r"\x01(\d+)\x01", lambda m: kept[int(m.group(1))], text)
    return re.sub(r"<pre>\x00(\d+)\x00</pre>", lambda m: kept[int(m.group(1))], text)
