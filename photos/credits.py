"""Photo credit lines, read into structured credits.

The verbatim line is what readers see; the structured credits serve search, filtering
by organisation, and image-licence markup. Reading a free-text line is a best guess,
so editors can correct the result beside the photo in the admin.

A line is a sequence of parties separated by " / ", " – " or "- "; inside a party,
commas separate a person, an organisation, a licence and a platform. A person opens
a new credit; an organisation, licence or platform joins the credit before it.
"""

import re

PARTY_SEPARATOR = re.compile(r"\s*/\s*|\s+[–—-]\s+|(?<=\w)[–—-]\s+")
# Whole words only: "Viacom" is a name, not the prefix "Via" before "com".
PREFIX = re.compile(
    r"^(?:photo(?:graph)?s?(?:\s+by\b|\s*:)|foto\s*:|credit\s*:|image\s*:|via\b"
    r"|courtesy(?:\s+of)?\b)\s*",
    re.IGNORECASE,
)
CC = re.compile(
    r"^CC[\s-]*(?P<kind>0|BY(?:[\s-]+(?:SA|NC|ND))*)(?:\s+(?P<version>\d\.\d))?"
    r"(?:\s+(?:International|Generic|Unported|[A-Z]{2,3}))?$",
    re.IGNORECASE,
)
PUBLIC_DOMAIN = re.compile(r"^public\s+domain$", re.IGNORECASE)
DEFAULT_CC_VERSION = "4.0"
PLATFORMS = {
    "wikimedia": "Wikimedia",
    "wikimedia commons": "Wikimedia Commons",
    "wikipedia": "Wikipedia",
    "flickr": "Flickr",
    "unsplash": "Unsplash",
    "instagram": "Instagram",
    "twitter": "Twitter",
    "x": "X",
    "facebook": "Facebook",
    "youtube": "YouTube",
    "pexels": "Pexels",
    "pixabay": "Pixabay",
}
# Words that mark a name as an organisation rather than a person.
ORGANISATION_WORDS = {
    "agency",
    "press",
    "news",
    "newspaper",
    "images",
    "image",
    "photo",
    "photos",
    "pictures",
    "presidency",
    "president",
    "ministry",
    "government",
    "house",
    "office",
    "department",
    "university",
    "museum",
    "library",
    "archive",
    "archives",
    "foundation",
    "institute",
    "service",
    "services",
    "police",
    "army",
    "navy",
    "embassy",
    "council",
    "inc",
    "inc.",
    "ltd",
    "ltd.",
    "llc",
    "gmbh",
    "s.a.",
    "corp",
    "company",
    "group",
    "media",
    "studio",
    "studios",
    "tv",
    "radio",
    "times",
    "post",
    "ledger",
    "herald",
    "journal",
    "tribune",
    "gazette",
    "daily",
    "weekly",
    "network",
    "committee",
    "party",
    "senate",
    "congress",
    "parliament",
    "commission",
    "union",
    "nations",
    "center",
    "centre",
    "pool",
    "handout",
    "staff",
    "file",
    "collection",
    "associated",
}
AGENCIES = {
    "afp",
    "ap",
    "reuters",
    "efe",
    "getty",
    "getty images",
    "xinhua",
    "ansa",
    "dpa",
    "epa",
    "bloomberg",
    "shutterstock",
    "alamy",
    "tass",
    "kyodo",
    "upi",
    "sipa",
    "anadolu",
    "europa press",
    "colprensa",
    "notimex",
    "telam",
    "agencia brasil",
    "associated press",
}
NAME_PARTICLES = {
    "de",
    "da",
    "das",
    "do",
    "dos",
    "del",
    "della",
    "di",
    "du",
    "la",
    "le",
    "van",
    "von",
    "der",
    "den",
    "ter",
    "bin",
    "ibn",
    "al",
    "y",
    "e",
}


def licence_url(licence: str) -> str:
    """The Creative Commons deed for ``licence`` ("CC BY 2.0"), or "" for anything else."""
    match = CC.match(licence.strip())
    if not match:
        return ""
    kind = "-".join(match.group("kind").lower().split()).replace("--", "-")
    if kind == "0":
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    version = match.group("version") or DEFAULT_CC_VERSION
    return f"https://creativecommons.org/licenses/{kind}/{version}/"


def _kind(piece):
    lowered = piece.lower()
    if CC.match(piece) or PUBLIC_DOMAIN.match(piece):
        return "licence"
    if lowered in PLATFORMS:
        return "platform"
    words = piece.split()
    if lowered in AGENCIES or lowered.startswith("the ") or len(words) == 1:
        return "organisation"
    if any(w.lower().strip(",.") in ORGANISATION_WORDS for w in words):
        return "organisation"
    if any(ch.isdigit() for ch in piece) or len(words) > 4:
        return "organisation"
    if all(w[0].isupper() or w.lower() in NAME_PARTICLES for w in words):
        return "person"
    return "organisation"


def _blank():
    return {"creator": "", "organisation": "", "licence": "", "licence_url": "", "platform": ""}


def parse_credit_line(line: str | None) -> list[dict[str, str]]:
    """Split a credit line into an ordered list of credit dicts.

    Each dict has the keys creator, organisation, licence, licence_url and platform
    (blank when the line does not say).
    """
    credits: list[dict[str, str]] = []
    for party in PARTY_SEPARATOR.split((line or "").strip().rstrip(".")):
        for piece in party.split(","):
            piece = PREFIX.sub("", piece.strip()).strip()
            if not piece:
                continue
            kind = _kind(piece)
            current = credits[-1] if credits else None
            if kind == "person":
                credits.append({**_blank(), "creator": piece})
            elif kind == "organisation":
                if (
                    current
                    and current["creator"]
                    and not current["organisation"]
                    and not current["licence"]
                    and not current["platform"]
                ):
                    current["organisation"] = piece
                else:
                    credits.append({**_blank(), "organisation": piece})
            elif kind == "licence":
                if current is None or current["licence"]:
                    credits.append(current := _blank())
                current["licence"] = piece
                current["licence_url"] = licence_url(piece)
            else:  # platform
                if current is None or current["platform"]:
                    credits.append(current := _blank())
                current["platform"] = PLATFORMS[piece.lower()]
    return credits
