"""What our own fixtures keep through an import, element by element.

Each of our fixtures (tests/fixtures) is imported as an operator would
(``import_articles --status published``) and every element its source holds is checked
against what the source says: headline, date, status, bylines, section, tags, body text
and layout, photos and captions, dateline and old addresses. An element a format or a
fixture does not carry (a plain-text story has no section or tags, an agency item no old
address, an item without a date no date) is not counted. The expected values below are
read off the fixture files; ``status`` is what the import rule makes of the source's own
state with ``--status published`` (a draft, private or withheld item stays unpublished).

``pytest tests/test_import_preservation.py -s`` prints the table of elements checked
and preserved per format.
"""

import re
from pathlib import Path

import lxml.html
import pytest

from articles.models import Article
from photos.models import Photo
from tests.conftest import run_import

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHAPES = FIXTURES / "wire" / "shapes"
ELEMENTS = [
    "headline",
    "date",
    "status",
    "bylines",
    "section",
    "tags",
    "body",
    "photos",
    "dateline",
    "redirects",
]

# Per article (by its source id): what the source holds. body: the top-level blocks of the
# body in order, then the start of its first and last paragraph; photos: the start of each
# caption, the lead photo's first (None: no lead photo), then the figures in the body.

PLAINTEXT = [
    {
        "id": "choir-ferry",
        "headline": "Harbour Choir Sings on the Night Ferry",
        "date": "2025-11-02T12:00:00+00:00",
        "status": "published",
        "bylines": ["Zoë Østergaard", "Joaquín Ibarra"],
        "body": [
            ["p", "p", "p"],
            "The forty singers of the harbour choir boarded the",
            "“Nobody asked for a refund,” he said.",
        ],
    },
    {
        "id": "ferry-timetable-utf16",
        "headline": "Ferry Timetable Printed in Four Languages",
        "date": "2025-11-04T12:00:00+00:00",
        "status": "published",
        "bylines": ["Mara Lindqvist", "Joel Ekberg"],
        "body": [
            ["p", "p"],
            "The winter timetable of the Kestrel Bay ferry is p",
            "“Everyone should be able to read when the boat lea",
        ],
    },
    {
        "id": "glassworks-furnace",
        "headline": "Glassworks in the Old Mill Lights Its Furnace Again",
        "date": "2026-03-07T12:00:00+00:00",
        "status": "published",
        "bylines": ["Nguyễn Thị Mai", "Benedikt Schrøder"],
        "body": [
            ["p", "p", "h2", "p", "figure", "p", "figure", "p"],
            "MILLBROOK — For the first time since 1987, there i",
            "The town has promised to repair the mill’s footbri",
        ],
        "photos": [
            "Apprentice Ottilie Brandvold gathers mol",
            "Bowls rest in the annealing oven, where ",
            "Workers outside the east hall of the pap",
        ],
    },
    {
        "id": "lantern-boats-teaser",
        "headline": "Lantern Boats Return to the Canal",
        "status": "published",
        "body": [
            ["p", "p"],
            "Forty paper boats with candles drifted down the Li",
            "Organisers hope to double the number of boats next",
        ],
    },
    {
        "id": "quay-market-no-date",
        "headline": "Quay Market Moves Indoors for the Winter",
        "status": "published",
        "bylines": ["Ilse Navarro"],
        "body": [
            ["p", "p"],
            "The Saturday market on the quay will move into the",
            "Stallholders will pay the same rent as outside.",
        ],
    },
    {
        "id": "tidewater-library",
        "headline": "Tidewater Library Reopens After Two-Year Restoration",
        "date": "2025-09-14T12:00:00+00:00",
        "status": "published",
        "bylines": ["Zoë Østergaard", "Łukasz Wąs", "Nguyễn Thị Mai"],
        "body": [
            ["p", "p", "p", "h2", "p", "figure", "p", "h2", "p"],
            "TIDEWATER — The Harbour Street library opened its ",
            "The library will stay open late on Thursdays from ",
        ],
        "photos": [
            "Readers queue outside the restored libra",
            "Volunteers return the last crates of loc",
        ],
    },
]

WORDPRESS = [
    {
        "id": "https://valleypost.example/?p=200",
        "headline": "Otters Return to the Ambler After Forty Years",
        "date": "2025-03-21T09:15:00+00:00",
        "status": "published",
        "bylines": ["Nguyễn Thị Mai"],
        "section": "Environment",
        "tags": ["otters", "rivers"],
        "body": [
            ["p", "p", "h3", "p", "figure", "p", "ul", "blockquote", "h3", "p"],
            "Volunteers counting birds on the Ambler found some",
            "The trust will lead a dawn walk from Hartsford bri",
        ],
        "photos": [None, "Otter tracks below Hartsford weir in Feb"],
        "redirects": ["/2025/03/21/otters-return-to-the-ambler/", "/?p=200"],
    },
    {
        "id": "https://tidewater.example/?p=300",
        "headline": "Dredging the Carrow Channel: Who Pays & Who Gains",
        "date": "2025-06-14T07:30:00+00:00",
        "status": "published",
        "bylines": ["Odile Marchetti", "渡辺 健二", "Tomás Ferreira"],
        "section": "Estuary",
        "tags": ["Secrets & Lies", "λιμάνι", "порт", "נמל", "ميناء", "浚渫", "港"],
        "body": [
            [
                "p",
                "h2",
                "p",
                "h2",
                "h4",
                "table",
                "figure",
                "ol",
                "blockquote",
                "figure",
                "figure",
                "p",
                "hr",
                "p",
                "p",
                "h5",
                "p",
                "p",
                "h6",
                "p",
                "p",
                "p",
                "p",
                "ol",
            ],
            "The estuary board will vote in July on dredging th",
            "Should the channel be dredged?",
        ],
        "photos": [
            None,
            "Mudflats at low water below Carrow Point",
            "A heron waits on the old channel marker.",
            "The last dredger to work the channel, in",
        ],
        "redirects": ["/2025/06/14/dredging-the-carrow-channel/", "/?p=300"],
    },
    {
        "id": "https://tidewater.example/?p=320",
        "headline": "港の朝市、再開へ",
        "date": "2025-06-15T00:30:00+00:00",
        "status": "published",
        "bylines": ["渡辺 健二", "יעל כהן", "Александра Петрова"],
        "section": "地域",
        "tags": ["朝市", "港"],
        "body": [
            ["p"],
            "港の朝市が来月、三年ぶりに再開される。",
            "港の朝市が来月、三年ぶりに再開される。",
        ],
        "redirects": ["/2025/06/15/港の朝市/", "/?p=320"],
    },
    {
        "id": "https://tidewater.example/?p=330",
        "headline": "Board minutes (members only)",
        "date": "2025-06-16T09:00:00+00:00",
        "status": "draft",
        "bylines": ["Odile Marchetti"],
        "section": "Estuary",
        "body": [["p"], "Minutes of the closed session.", "Minutes of the closed session."],
        "redirects": ["/2025/06/16/board-minutes/", "/?p=330"],
    },
    {
        "id": "https://tidewater.example/?p=331",
        "headline": "Staff rota for July",
        "date": "2025-06-16T10:00:00+00:00",
        "status": "draft",
        "bylines": ["Odile Marchetti"],
        "section": "News",
        "body": [["p"], "Who is on the night desk.", "Who is on the night desk."],
        "redirects": ["/?p=331"],
    },
    {
        "id": "https://tidewater.example/?p=332",
        "headline": "Regatta preview (unfinished)",
        "status": "draft",
        "bylines": ["Odile Marchetti"],
        "section": "News",
        "body": [["p"], "Twelve crews have entered.", "Twelve crews have entered."],
        "redirects": ["/?p=332"],
    },
    {
        "id": "https://tidewater.example/?p=333",
        "headline": "Lifeboat crew honoured",
        "date": "2025-06-17T09:00:00+00:00",
        "status": "review",
        "bylines": ["Odile Marchetti"],
        "section": "News",
        "body": [
            ["p"],
            "The crew of the Carrow lifeboat received the bronz",
            "The crew of the Carrow lifeboat received the bronz",
        ],
        "redirects": ["/?p=333"],
    },
    {
        "id": "https://harbourlight.example/?p=10",
        "headline": "The Last Keeper of Skarvik Light",
        "date": "2024-05-18T07:30:00+00:00",
        "status": "published",
        "bylines": ["Zoë Østergaard"],
        "section": "Coast & Harbour",
        "tags": ["History", "Skarvik", "lighthouses"],
        "body": [
            ["p", "figure", "h2", "p", "p", "p"],
            "For thirty-five years Henrikke Vall has climbed th",
            "The harbour board says a solar-powered lantern wil",
        ],
        "photos": [
            "Henrikke Vall on the gallery of Skarvik ",
            "The keeper climbs 212 steps to the lamp ",
        ],
        "redirects": ["/2024/05/18/the-last-keeper-of-skarvik-light/", "/?p=10"],
    },
    {
        "id": "https://harbourlight.example/?p=12",
        "headline": "Folk Dancers Fill the Fish Market",
        "date": "2024-05-26T18:05:00+00:00",
        "status": "published",
        "bylines": ["Nguyễn Thị Mai"],
        "section": "Culture",
        "tags": ["folk dance"],
        "body": [
            ["p", "figure", "p", "p"],
            "Three hundred dancers from six coastal villages to",
            "Next year's gathering will be held in Mossvik.",
        ],
        "photos": [None, "Dancers from Østby in the long hall of t"],
        "redirects": ["/2024/05/26/folk-dancers-fill-the-fish-market/", "/?p=12"],
    },
    {
        "id": "https://harbourlight.example/?p=14",
        "headline": "Ferry Timetable Changes for the Summer",
        "date": "2024-05-30T11:00:00+00:00",
        "status": "draft",
        "bylines": ["Łukasz Wąs"],
        "section": "Coast & Harbour",
        "body": [
            ["p", "p"],
            "The first summer ferry will leave Skarvik at 06:10",
            "Details still to confirm with the harbour office.",
        ],
        "redirects": ["/?p=14"],
    },
    {
        "id": "https://harbourlight.example/?p=15",
        "headline": "Council Weighs a Second Breakwater",
        "date": "2024-05-31T16:45:00+00:00",
        "status": "review",
        "bylines": ["Łukasz Wąs"],
        "section": "Coast & Harbour",
        "body": [
            ["p"],
            "Engineers presented three designs for a second bre",
            "Engineers presented three designs for a second bre",
        ],
        "redirects": ["/?p=15"],
    },
    {
        "id": "https://marshgazette.example/?p=123",
        "headline": "Allotment Show Results",
        "date": "2013-01-11T18:00:00+00:00",
        "status": "published",
        "bylines": ["Priya Cole"],
        "section": "Community",
        "body": [
            ["h2", "p", "p", "table", "p", "ul", "h5", "dl", "h6", "address", "p"],
            "The judges walked the marquee twice before decidin",
            "Thanks to all who took part.",
        ],
        "redirects": ["/2013/01/11/allotment-show-results/", "/?p=123"],
    },
    {
        "id": "https://brindlebay.example/?p=40",
        "headline": "Gig rowers launch the boat they built over the winter",
        "date": "2025-04-12T09:30:00+00:00",
        "status": "published",
        "bylines": ["Maren Tulloch"],
        "section": "Harbour",
        "tags": ["boatbuilding"],
        "body": [
            ["p", "p", "figure", "figure", "p"],
            "The Brindle Bay gig club launched Kittiwake on Sat",
            "She will race for the first time at the county reg",
        ],
        "photos": [
            None,
            "Kittiwake slides down the North Quay sli",
            "The first crew: six rowers and a cox, al",
        ],
        "redirects": ["/2025/04/12/gig-rowers-launch/", "/?p=40"],
    },
    {
        "id": "https://brindlebay.example/?p=41",
        "headline": "Fog keeps the ferry in port for a third day",
        "date": "2025-05-03T07:00:00+00:00",
        "status": "published",
        "bylines": ["Maren Tulloch"],
        "section": "Harbour",
        "body": [
            ["p", "figure", "figure", "p"],
            "Sea fog kept the island ferry tied up at the North",
            "The harbour office expects the fog to lift on Sund",
        ],
        "photos": [
            None,
            "The North Quay at nine in the morning.",
            "The ferry at its berth, engines off.",
        ],
        "redirects": ["/2025/05/03/fog-keeps-the-ferry-in-port/", "/?p=41"],
    },
    {
        "id": "guid:https://northbank.example/?p=7",
        "headline": "North Quay Reopens",
        "date": "2019-03-02T10:00:00+00:00",
        "status": "published",
        "bylines": ["editor"],
        "section": "News",
        "body": [
            ["p"],
            "The north quay reopened after repairs.",
            "The north quay reopened after repairs.",
        ],
        "redirects": ["/2019/03/02/north-quay-reopens/", "/?p=7"],
    },
    {
        "id": "guid:https://southshore.example/?p=7",
        "headline": "South Beach Clean-up Draws Hundreds",
        "date": "2019-04-06T10:00:00+00:00",
        "status": "published",
        "bylines": ["editor"],
        "section": "News",
        "body": [
            ["p"],
            "Volunteers filled two skips with plastic.",
            "Volunteers filled two skips with plastic.",
        ],
        "redirects": ["/2019/04/06/beach-clean-up/"],
    },
    {
        "id": "file:merged-export.xml?p=9",
        "headline": "Harbour Dues Rise",
        "date": "2019-02-01T10:00:00+00:00",
        "status": "published",
        "bylines": ["editor"],
        "section": "News",
        "body": [
            ["p"],
            "Dues rise by four per cent in April.",
            "Dues rise by four per cent in April.",
        ],
    },
    {
        "id": "file:merged-export.xml?p=9#2",
        "headline": "Pier Lights Repaired",
        "date": "2019-02-08T10:00:00+00:00",
        "status": "published",
        "bylines": ["editor"],
        "section": "News",
        "body": [["p"], "All forty lamps work again.", "All forty lamps work again."],
    },
]

NITF = [
    {
        "id": "NW-20250412-0087",
        "headline": "Fishermen and wind farm reach deal over Skarvik Bank",
        "date": "2025-04-12T08:15:00+00:00",
        "status": "published",
        "bylines": ["Łukasz Wąs", "Ingrid Solhaug"],
        "tags": ["Fishing industry", "Renewable energy", "Skarvik Bank", "offshore wind"],
        "body": [
            ["p", "p", "h2", "p", "blockquote", "p"],
            "Fishing crews and the company building a wind farm",
            "The first turbines are due to turn next spring.",
        ],
        "dateline": "SKARVIK, Norway",
    },
    {
        "id": "NW-20251104-0311",
        "headline": "Kestrel Bay ferry to run through the winter",
        "date": "2025-11-04T09:15:00+00:00",
        "status": "published",
        "bylines": ["Mara Lindqvist", "Joel Ekberg"],
        "tags": ["transport"],
        "body": [
            ["p", "figure", "p"],
            "The island ferry at Kestrel Bay will keep its time",
            "An ice-class hull bought from a Finnish operator w",
        ],
        "photos": [None, "The ferry Tärnan leaves Kestrel Bay in m"],
        "dateline": "KESTREL BAY, Sweden",
    },
]

NEWSML = [
    {
        "id": "urn:newsml:nordwire.example:20250602:ambler-flood-defences",
        "headline": "Hartsford to raise flood walls after spring surge",
        "date": "2025-06-02T09:05:00+00:00",
        "status": "published",
        "bylines": ["Nguyễn Thị Mai", "Tomasz Grabowski"],
        "tags": ["Ambler river", "environment", "flood"],
        "body": [
            ["p", "p", "h2", "p", "p", "p"],
            "Hartsford will raise its river walls by 80 centime",
            "Work on the first section of wall, along Mill Lane",
        ],
        "dateline": "HARTSFORD, June 2",
    },
    {
        "id": "urn:newsml:nordwire.example:20251201:harbour-lights",
        "headline": "Vellmouth lights its harbour for the winter festival",
        "date": "2025-12-01T09:30:00+00:00",
        "status": "published",
        "bylines": ["Anja Petrov"],
        "tags": ["arts, culture and entertainment"],
        "body": [
            ["p", "p", "figure"],
            "Two hundred paper lanterns were hung along the qua",
            "By the end of the week, organisers expect ten thou",
        ],
        "photos": [
            "Lanterns are hung on the north quay of V",
            "Children carry lanterns along Quay Stree",
        ],
        "dateline": "VELLMOUTH",
    },
    {
        "id": "urn:newsml:nordwire.example:20250814:lakeside-concert",
        "headline": "Rock & roll returns to the Lakeside stage",
        "date": "2025-08-14T06:30:00+00:00",
        "status": "published",
        "bylines": ["Aino Lehtonen"],
        "tags": ["Musiikki &amp; konsertit"],
        "body": [
            ["p", "p", "p"],
            "The band's singer said the harbour was “the best s",
            "Gates open at 18 < 19, the organisers joked.",
        ],
        "dateline": "KUOPIO",
    },
    {
        "id": "urn:newsml:nordwire.example:20250814:lakeside-tickets",
        "headline": "Lakeside tickets: prices &amp; sales",
        "date": "2025-08-14T06:50:00+00:00",
        "status": "published",
        "bylines": ["Aino Lehtonen"],
        "body": [["p", "p"], "Tickets cost €25 & children go free.", "Sales open on Friday at 10."],
    },
    {
        "id": "urn:newsml:nordwire.example:20250814:lakeside-buses",
        "headline": "Extra buses for the Lakeside concert",
        "date": "2025-08-14T06:55:00+00:00",
        "status": "published",
        "body": [
            ["p", "p"],
            "Buses run every ten minutes from the market square",
            'The timetable says &amp; where it means "and".',
        ],
    },
    {
        "id": "urn:newsml:nordwire.example:20251130:rowing-results",
        "headline": "Results of the Tidewatch coastal rowing regatta on Sunday.",
        "date": "2025-11-30T16:05:00+00:00",
        "status": "published",
        "body": [
            ["p", "pre", "p"],
            "Results of the Tidewatch regatta, with <p> marks a",
            "Next regatta: January 11.",
        ],
    },
]

NINJS = [
    {
        "id": "nordwire-20250719-gdansk-crane",
        "headline": "Gdańsk shipyard crane to become a viewing platform",
        "date": "2025-07-19T06:30:00+00:00",
        "status": "published",
        "bylines": ["Łukasz Wąs", "Zoë Østergaard"],
        "tags": ["Gdańsk", "architecture", "arts, culture and entertainment", "shipyards"],
        "body": [
            ["p", "p", "h3", "p", "p"],
            "One of the tall yellow cranes that still stand ove",
            "Tickets will go on sale in the spring.",
        ],
        "photos": ["The crane above the former slipway at du"],
        "dateline": "GDAŃSK, Poland",
    },
    {
        "id": "nordwire-20250901-canal-festival",
        "headline": "Canal festival draws record crowd to Lindby",
        "date": "2025-09-01T18:00:00+00:00",
        "status": "published",
        "bylines": ["Sanna Virtanen"],
        "body": [
            ["p"],
            "More than forty thousand people came to the Lindby",
            "More than forty thousand people came to the Lindby",
        ],
        "photos": ["Decorated boats pass under the Lindby br"],
        "dateline": "LINDBY, Finland",
    },
    {
        "id": "nordwire-20250901-withheld",
        "headline": "Boat capsizes at canal festival",
        "status": "draft",
        "body": [["p"], "Two people were taken to hospital.", "Two people were taken to hospital."],
    },
    {
        "id": "nordwire-20250901-regatta-results",
        "headline": "Canal regatta results",
        "status": "published",
        "body": [["pre"], "", ""],
    },
    {
        "id": "https://nordwire.example/items/20251020-moorland-fires",
        "headline": "Moorland fires burn for a third day above Hallam Vale",
        "date": "2025-10-20T07:45:00+00:00",
        "status": "published",
        "bylines": ["Ilse Navarro", "Ravi Chaudhry", "Wen Okafor"],
        "tags": ["environment"],
        "body": [
            ["p", "p"],
            "Fires on the moors above Hallam Vale burned for a ",
            "No homes have been evacuated.",
        ],
        "photos": ["Smoke rises over the heather above Halla"],
        "dateline": "Hallam Vale",
    },
    {
        "id": "nordwire-20251004-saltmarsh-text",
        "headline": "Breach in the Ørby dike lets the sea back onto old farmland",
        "date": "2025-10-04T07:15:00+00:00",
        "status": "published",
        "bylines": ["Mette Kjærgaard", "Jonas Holm"],
        "tags": ["coastal management", "environment"],
        "body": [
            ["p", "p", "figure"],
            "Diggers opened a forty-metre gap in the Ørby sea d",
            "The water board expects samphire and sea lavender ",
        ],
        "photos": [
            "Sea water pours through the new gap in t",
            "Avocets feed on the flooded field a day ",
        ],
        "dateline": "ØRBY, Denmark",
    },
    {
        "id": "nordwire-20251005-ferry-composite",
        "headline": "Ørby ferry gets an electric sister ship",
        "date": "2025-10-05T09:00:00+00:00",
        "status": "published",
        "bylines": ["Jonas Holm"],
        "body": [
            ["p", "p"],
            "The island's second ferry will run on batteries ch",
            "It enters service in May.",
        ],
        "photos": ["The electric ferry Ørby II at the yard i"],
    },
]

# Items our fixtures hold to show that a malformed item fails alone.
MEANT_TO_FAIL = ["nordwire-20250901-broken"]

FORMATS = {
    "plaintext": (
        lambda: sorted(
            p for p in (FIXTURES / "plaintext").glob("*.txt") if p.name != "malformed-date.txt"
        ),
        PLAINTEXT,
    ),
    "wordpress": (lambda: sorted((FIXTURES / "wordpress").glob("*.xml")), WORDPRESS),
    "nitf": (
        lambda: [
            FIXTURES / "wire" / "nordwire-wind-farm.nitf.xml",
            SHAPES / "kestrel-ferry-v1.nitf.xml",
        ],
        NITF,
    ),
    "newsml": (
        lambda: [
            FIXTURES / "wire" / "valley-flood-defences.newsml.xml",
            *sorted(SHAPES.glob("*.newsml.xml")),
        ],
        NEWSML,
    ),
    "ninjs": (
        lambda: [
            FIXTURES / "wire" / "gdansk-shipyard-crane.ninjs.json",
            *sorted(SHAPES.glob("*.ninjs*.json")),
        ],
        NINJS,
    ),
}


def one_line(text):
    return " ".join(text.split())


def body_of(article):
    root = lxml.html.fragment_fromstring(article.body or "<div></div>", create_parent="div")
    paragraphs = [one_line(child.text_content()) for child in root if child.tag == "p"]
    return [child.tag for child in root], paragraphs


def captions(article):
    """The lead photo's caption (None without one), then each figure's in the body."""
    ids = [int(pk) for pk in re.findall(r'data-photo="(\d+)"', article.body)]
    photos = Photo.objects.in_bulk(ids)
    lead = article.lead_photo.caption if article.lead_photo else None
    return [lead, *(photos[pk].caption if pk in photos else "" for pk in ids)]


def old_addresses_answer(client, article, paths):
    """Every old address is recorded and answers as the rule says: 301 to the live
    article, or nothing (404) while the article is not public."""
    recorded = set(article.redirects.values_list("old_path", flat=True))
    for path in paths:
        if path not in recorded:
            return False
        response = client.get(path)
        if article.is_public:
            if response.status_code != 301 or response["Location"] != article.get_absolute_url():
                return False
        elif response.status_code != 404:
            return False
    return True


def kept(client, article, element, expected):
    if element == "headline":
        return article.headline == expected
    if element == "date":
        return article.published_at is not None and article.published_at.isoformat() == expected
    if element == "status":
        return article.status == expected
    if element == "bylines":
        return [b.author.name for b in article.ordered_bylines] == expected
    if element == "section":
        return article.section.name == expected
    if element == "tags":
        return sorted(article.tags.values_list("name", flat=True)) == expected
    if element == "body":
        blocks, first, last = expected
        tags, paragraphs = body_of(article)
        return (
            tags == blocks
            and (paragraphs[:1] or [""])[0].startswith(first)
            and (paragraphs[-1:] or [""])[0].startswith(last)
            and not re.search(r"<!--|\[/?(?:caption|gallery)\b", article.body)
        )
    if element == "photos":
        found = captions(article)
        return len(found) == len(expected) and all(
            (f is None and e is None) or (f is not None and e is not None and f.startswith(e))
            for f, e in zip(found, expected, strict=True)
        )
    if element == "dateline":
        return article.dateline == expected
    if element == "redirects":
        return old_addresses_answer(client, article, expected)
    raise ValueError(element)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_element_of_our_fixtures_is_preserved(client, fmt):
    files, expected = FORMATS[fmt]
    problems = []
    for path in files():
        _out, err, _failed = run_import(path, status="published")
        # Only the items written to fail (an association list where a mapping belongs).
        problems += [
            line
            for line in err.splitlines()
            if line.startswith("failed") and not any(i in line for i in MEANT_TO_FAIL)
        ]
    articles = {a.external_id: a for a in Article.objects.select_related("section", "lead_photo")}
    # Every article the fixtures make is described above, and nothing else is made.
    problems += [f"not described: {i}" for i in set(articles) - {s["id"] for s in expected}]
    checked = dict.fromkeys(ELEMENTS, 0)
    preserved = dict.fromkeys(ELEMENTS, 0)
    for spec in expected:
        article = articles.get(spec["id"])  # an article not made keeps nothing
        for element in ELEMENTS:
            if element not in spec:
                continue
            checked[element] += 1
            if article is not None and kept(client, article, element, spec[element]):
                preserved[element] += 1
            else:
                problems.append(f"{spec['id']}: {element} lost")
    cells = " | ".join(f"{preserved[e]}/{checked[e]}" if checked[e] else "–" for e in ELEMENTS)
    total = f"{sum(preserved.values())}/{sum(checked.values())}"
    print(f"\n| {fmt} | {len(expected)} | {cells} | {total} |")
    assert not problems, problems
