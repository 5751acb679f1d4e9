"""Property tests (Hypothesis) for the parsers that read text people typed.

The plain-text article parser must never fail with anything but ParseError, and must give
back what a well-formed article says. Credit-line parsing must never lose a word of the
verbatim line, nor invent one.
"""

import os
import re
from collections import Counter
from datetime import date
from html import unescape

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.importers.formats.plaintext import decode, parse_text
from articles.importers.parsed import ParseError
from photos.credits import parse_credit_line

# Moderate example counts keep CI quick; FUZZ_EXAMPLES=5000 for a long local run. No
# deadline: a shared CI machine has slow moments that are not the parser's fault.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# --- anything at all -------------------------------------------------------------------

# Lines that steer the parser into its branches, mixed with arbitrary text.
TRICKY_LINES = st.sampled_from(
    [
        "",
        " ",
        "Written on 01/02/2024",
        "Written on 02/30/2024",
        "Written on 13/01/2024",
        "Written on 1/1/0000",
        "Written on 12/31/9999",
        "written ON 3/4/2020  ",
        "Jane Roe and John Doe",
        ", and ,",
        " & ",
        "A caption. Credit: X / Y.",
        "Credit:",
        "Credit: Credit: twice.",
        "A subhead",
        "x" * 400,
        "\t\f",
        "\ufeff",
    ]
)
ANY_TEXT = st.lists(st.one_of(st.text(), TRICKY_LINES), max_size=30).map("\n".join)


@FUZZ
@given(ANY_TEXT)
def test_parser_never_fails_except_with_parse_error(text):
    try:
        parsed = parse_text(text, name="fuzz")
    except ParseError as exc:
        assert exc.reason  # says why
    else:
        assert parsed.headline.strip()  # a missing date or byline is a note, not an error


@FUZZ
@given(st.binary(max_size=2000))
def test_decoding_any_bytes_gives_text_or_parse_error(data):
    try:
        text = decode(data)
    except ParseError as exc:
        assert exc.reason
    else:
        assert "\r" not in text


# --- well-formed articles round-trip ---------------------------------------------------

# Printable text on one line: no control characters or line separators, no "Credit:".
LINE_CHARS = st.characters(
    blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"
)


def line(min_size=1, max_size=60):
    return (
        st.text(LINE_CHARS, min_size=min_size, max_size=max_size)
        .map(str.strip)
        .filter(bool)
        .filter(lambda s: not re.search(r"\bCredit:", s))
    )


SENTENCE = line().map(lambda s: s.rstrip('.!?:;…"”’)') + ".").filter(lambda s: s != ".")
# A subhead: short, no closing punctuation.
SUBHEAD = line(max_size=80).map(lambda s: s.rstrip('.!?:;…"”’)')).filter(bool)
NAME = st.from_regex(r"[A-Z][a-z]{1,10}( [A-Z][a-z'\-]{1,12}){0,2}", fullmatch=True).filter(
    lambda n: not re.search(r"\band\b", n)
)
CREDIT = st.from_regex(
    r"[A-Z][a-z]{1,10} [A-Z][a-z]{1,10} / [A-Z][A-Za-z ]{1,20}[a-z]", fullmatch=True
)
PHOTO = st.fixed_dictionaries(
    {
        "alt": st.one_of(st.just(""), line(max_size=100).filter(lambda s: not s.endswith("."))),
        "caption": SENTENCE,
        "credit": CREDIT,
    }
)
BLOCK = st.one_of(
    st.tuples(st.just("p"), SENTENCE),
    st.tuples(st.just("h2"), SUBHEAD),
    st.tuples(st.just("figure"), PHOTO),
)


def byline(names):
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def photo_block(photo):
    caption_line = f"{photo['caption']} Credit: {photo['credit']}."
    return f"{photo['alt']}\n{caption_line}" if photo["alt"] else caption_line


@st.composite
def articles(draw):
    article = {
        "headline": draw(line(max_size=100).filter(lambda s: not s.startswith("Written on"))),
        "date": draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))),
        "authors": draw(st.lists(NAME, min_size=1, max_size=4)),
        "lead": draw(st.one_of(st.none(), PHOTO)),
        "blocks": draw(st.lists(BLOCK, min_size=1, max_size=8)),
    }
    # The first body block is the lead photo when there is one; an inline photo there
    # would read as the lead.
    if article["lead"] is None and article["blocks"][0][0] == "figure":
        article["blocks"][0] = ("p", "First paragraph.")
    parts = [
        f"{article['headline']}\nWritten on {article['date']:%m/%d/%Y}\n"
        f"{byline(article['authors'])}"
    ]
    if article["lead"]:
        parts.append(photo_block(article["lead"]))
    for kind, value in article["blocks"]:
        parts.append(photo_block(value) if kind == "figure" else value)
    article["text"] = "\n\n".join(parts) + "\n"
    return article


def body_blocks(html):
    """The parsed body as (kind, text-or-photo-index) pairs."""
    found = []
    for match in re.finditer(r'<(p|h2)>(.*?)</\1>|<figure data-photo-ref="(\d+)"></figure>', html):
        if match.group(3) is not None:
            found.append(("figure", int(match.group(3))))
        else:
            found.append((match.group(1), unescape(match.group(2))))
    return found


def same_photo(parsed, photo):
    return (parsed.caption, parsed.credit_line, parsed.alt_text, parsed.title) == (
        photo["caption"],
        photo["credit"],
        photo["alt"].rstrip("."),
        photo["alt"],
    )


@FUZZ
@given(articles())
def test_well_formed_articles_round_trip(article):
    parsed = parse_text(article["text"], name="roundtrip")
    assert parsed.headline == article["headline"]
    assert timezone.localtime(parsed.published_at).date() == article["date"]
    assert [a.name for a in parsed.authors] == article["authors"]
    if article["lead"]:
        assert same_photo(parsed.lead_photo, article["lead"])
    else:
        assert parsed.lead_photo is None

    expected, photos = [], []
    for kind, value in article["blocks"]:
        if kind == "figure":
            expected.append(("figure", len(photos)))
            photos.append(value)
        else:
            expected.append((kind, value))
    assert body_blocks(parsed.body) == expected
    assert len(parsed.photos) == len(photos)
    for got, photo in zip(parsed.photos, photos, strict=True):
        assert same_photo(got, photo)


# --- credit lines ----------------------------------------------------------------------

# Words the parser drops on purpose: the "Photo by", "Credit:", "Via", "Courtesy of"
# prefixes. Everything else typed in the line must survive.
PREFIX_WORDS = {
    "photo",
    "photos",
    "photograph",
    "photographs",
    "by",
    "foto",
    "credit",
    "image",
    "via",
    "courtesy",
    "of",
}
FIELDS = ("creator", "organisation", "licence", "platform")


def words(text):
    return Counter(w.casefold() for w in re.findall(r"\w+", text))


CREDIT_PIECES = st.one_of(
    NAME,
    st.sampled_from(
        [
            "AP",
            "Reuters",
            "Getty Images",
            "The Daily Ledger",
            "CC BY-SA 4.0",
            "CC0",
            "Public domain",
            "Wikimedia Commons",
            "Flickr",
            "Photo by",
            "Courtesy of",
            "Via",
            "Credit:",
            "Foto:",
            "Ministry of Culture",
            "Viacom",
            "Photoby",
            "Courtesyof",
        ]
    ),
    st.text(LINE_CHARS, max_size=20),
)
SEPARATORS = st.sampled_from([" / ", "/", " – ", " — ", " - ", "- ", ", ", ",", " "])


@st.composite
def credit_lines(draw):
    pieces = draw(st.lists(CREDIT_PIECES, min_size=1, max_size=6))
    line = pieces[0]
    for piece in pieces[1:]:
        line += draw(SEPARATORS) + piece
    return line + draw(st.sampled_from(["", ".", " "]))


@FUZZ
@given(credit_lines())
def test_credit_parsing_keeps_every_word_of_the_line(line):
    credits = parse_credit_line(line)
    kept = words(" ".join(c[f] for c in credits for f in FIELDS))
    lost = {w: n for w, n in (words(line) - kept).items() if w not in PREFIX_WORDS}
    assert lost == {}, f"{line!r} -> {credits}"


@FUZZ
@given(credit_lines())
def test_credit_parsing_invents_nothing(line):
    for credit in parse_credit_line(line):
        for field in ("creator", "organisation", "licence"):
            assert credit[field] in line
        # Platforms are given their usual spelling ("flickr" -> "Flickr").
        assert credit["platform"].casefold() in line.casefold()
