"""Fill the database named by DATABASE_URL with a newsroom-sized archive, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/generate_archive.py            # 100k articles

Writes through the project's own models with bulk_create in batches: 50 sections,
2,000 authors, about 600 tags, 20,000 photos with credits (a tenth of them with a real small
file, reused), 100,000 articles of a few hundred words with 1-3 bylines and 0-5 tags.
Most articles are published over the past eight years; some are drafts, in review,
scheduled or taken down. Text comes from word lists, seeded, so two runs give the same
archive. The database must hold no articles yet (``--force`` adds to what is there).
"""

import argparse
import itertools
import random
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from functools import cache
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import setup_django  # noqa: E402

SECTIONS = [
    "News",
    "Politics",
    "World",
    "Business",
    "Economy",
    "Markets",
    "Technology",
    "Science",
    "Health",
    "Education",
    "Environment",
    "Climate",
    "Energy",
    "Transport",
    "Housing",
    "Crime",
    "Courts",
    "City Hall",
    "Region",
    "Agriculture",
    "Labour",
    "Opinion",
    "Editorials",
    "Letters",
    "Culture",
    "Books",
    "Music",
    "Film",
    "Theatre",
    "Art",
    "Food",
    "Travel",
    "Style",
    "Property",
    "Motoring",
    "Sport",
    "Football",
    "Cricket",
    "Tennis",
    "Athletics",
    "Cycling",
    "Obituaries",
    "Religion",
    "Media",
    "Investigations",
    "Data",
    "Weather",
    "Lifestyle",
    "Family",
    "Weekend",
]
FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "James",
    "Keiko",
    "Luis",
    "Maria",
    "Nadia",
    "Omar",
    "Paula",
    "Quentin",
    "Rosa",
    "Samuel",
    "Tomas",
    "Ursula",
    "Victor",
    "Wendy",
    "Xavier",
    "Yara",
    "Zoe",
    "Amir",
    "Beatriz",
    "Chen",
    "Dara",
    "Emeka",
    "Fatima",
    "Gustavo",
    "Hana",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
    "Marco",
    "Nora",
    "Olga",
    "Pedro",
    "Rahul",
    "Sofia",
    "Tariq",
    "Valentina",
    "William",
    "Yusuf",
    "Alice",
    "Bruno",
    "Camila",
    "Diego",
    "Eva",
    "Felix",
    "Gloria",
    "Henrik",
    "Isabel",
    "Jonas",
    "Karin",
    "Leo",
]
LAST = [
    "Alvarez",
    "Brown",
    "Castro",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Martin",
    "Nguyen",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Vargas",
    "Walker",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Andersen",
    "Becker",
    "Costa",
    "Diaz",
    "Eriksen",
    "Ferreira",
    "Gomez",
    "Hoffmann",
    "Ito",
    "Jovanovic",
    "Khan",
    "Larsen",
    "Moreno",
    "Novak",
    "Ortega",
    "Park",
    "Ramos",
    "Santos",
    "Torres",
    "Usman",
    "Varga",
    "Weber",
    "Young",
    "Ziegler",
    "Mendes",
    "Navarro",
    "Oliveira",
    "Pereira",
    "Reyes",
    "Sato",
    "Thomas",
    "Vidal",
    "Wright",
    "Mensah",
]
TITLES = [
    "Staff writer",
    "Senior reporter",
    "Correspondent",
    "Political editor",
    "Business reporter",
    "Photographer",
    "Columnist",
    "Data reporter",
    "Contributor",
]
AGENCIES = [
    "Ledger Photo",
    "Harbour Press Agency",
    "City Pictures",
    "North Wire",
    "Presidency Press Office",
    "Coastal News Images",
    "Metro Photo Desk",
]
LICENCES = ["", "", "", "CC BY 2.0", "CC BY-SA 4.0"]

ACTORS = [
    "the mayor",
    "the council",
    "the minister",
    "the government",
    "the opposition",
    "the central bank",
    "police",
    "the court",
    "the union",
    "residents",
    "the company",
    "investors",
    "the university",
    "health officials",
    "the regulator",
    "farmers",
    "teachers",
    "the committee",
    "voters",
    "the president",
    "the board",
    "scientists",
]
VERBS = [
    "approves",
    "rejects",
    "delays",
    "announces",
    "questions",
    "defends",
    "expands",
    "cuts",
    "unveils",
    "reviews",
    "backs",
    "opposes",
    "launches",
    "suspends",
    "plans",
    "warns about",
    "investigates",
    "debates",
    "funds",
    "blocks",
]
THINGS = [
    "budget",
    "housing plan",
    "new tax",
    "bridge repairs",
    "school reform",
    "hospital wing",
    "rail link",
    "water rates",
    "election date",
    "trade deal",
    "energy prices",
    "port expansion",
    "climate target",
    "bus routes",
    "police funding",
    "pension reform",
    "stadium project",
    "flood defences",
    "minimum wage",
    "library hours",
    "airport noise",
    "fishing quotas",
    "broadband rollout",
    "tourism levy",
    "recycling scheme",
]
QUALIFIERS = [
    "after long debate",
    "despite protests",
    "amid rising costs",
    "in a close vote",
    "ahead of the election",
    "as talks stall",
    "for the first time in years",
    "under pressure",
    "after a review",
    "to mixed reactions",
    "",
]
WORDS = str.split(
    "government council market election police economy budget city region minister "
    "report people year week plan policy public service community hospital school "
    "water energy price cost worker family business company investment project road "
    "bridge court law vote party leader official statement meeting committee agency "
    "program funding support change growth decision proposal agreement review study "
    "data figure rate increase decline season weather storm river coast harbour port "
    "train station airport street district neighbourhood village farm crop summer "
    "winter morning evening history future question answer problem solution risk "
    "security health care patient doctor teacher student parent child resident owner "
    "tenant landlord rent housing home building construction contract tender bid "
    "deadline schedule delay target goal result record level share stock bank loan "
    "debt deficit surplus revenue tax fee charge fine penalty appeal ruling judge jury "
    "witness evidence inquiry investigation audit spokesperson interview survey poll"
)
LINKERS = str.split(
    "the a this that their its new local national several many most some other "
    "last next early late said says would could will may must also still already "
    "again however while after before during since because although despite"
)
# Planted in a few dozen articles each, so search has terms that are truly rare.
RARE_TERMS = [
    "zeppelin",
    "saxophonist",
    "okapi",
    "marzipan",
    "glockenspiel",
    "quarantine",
    "lighthouse",
    "astrolabe",
    "tapestry",
    "hovercraft",
    "sourdough",
    "meteorite",
]
COMMON_TERMS = ["government", "council", "police", "budget", "housing"]


@contextmanager
def stored_dates_kept(*fields):
    """Let bulk_create write the archive's past dates into auto_now/auto_now_add fields.

    Those fields overwrite whatever they are given on insert; an archive needs its dates.
    """
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f, _, _ in saved:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


class Writer:
    """Seeded text: headlines, deks, paragraphs, names."""

    def __init__(self, seed):
        self.rnd = random.Random(seed)
        # Paragraphs are drawn from a pool: building 100k bodies word by word would take
        # most of the run, and a pool keeps the term statistics of real prose.
        self.pool = [self._paragraph() for _ in range(6000)]

    def sentence(self, words=None):
        r = self.rnd
        n = words or r.randint(9, 22)
        parts = r.choices(WORDS, k=n)
        for i in r.sample(range(n), n // 3):
            parts[i] = r.choice(LINKERS)
        text = " ".join(parts)
        if r.random() < 0.15:
            text = f"“{text.capitalize()},” said {r.choice(FIRST)} {r.choice(LAST)}"
        return text[0].upper() + text[1:] + "."

    def _paragraph(self):
        return " ".join(self.sentence() for _ in range(self.rnd.randint(2, 4)))

    def headline(self):
        r = self.rnd
        text = f"{r.choice(ACTORS)} {r.choice(VERBS)} {r.choice(THINGS)} {r.choice(QUALIFIERS)}"
        return text.strip()[0].upper() + text.strip()[1:]

    def body(self, embed_photo_id=None, rare_term=None):
        r = self.rnd
        paragraphs = r.sample(self.pool, r.randint(5, 9))
        blocks = [f"<p>{p}</p>" for p in paragraphs]
        if rare_term:
            blocks.insert(r.randint(0, len(blocks)), f"<p>{self.sentence(8)[:-1]} {rare_term}.</p>")
        for _ in range(r.choice((0, 1, 1, 2))):
            blocks.insert(r.randint(1, len(blocks)), f"<h2>{self.headline()}</h2>")
        if r.random() < 0.2:
            blocks.insert(
                r.randint(1, len(blocks)), f"<blockquote><p>{self.sentence()}</p></blockquote>"
            )
        if embed_photo_id:
            blocks.insert(
                r.randint(1, len(blocks)),
                f'<figure data-photo="{embed_photo_id}"><figcaption>{self.sentence(10)}'
                "</figcaption></figure>",
            )
        return "\n".join(blocks)


@cache
def _cumulative_weights(count, skew):
    return list(itertools.accumulate(1 / (i + 1) ** skew for i in range(count)))


def weighted_indexes(rnd, count, k, skew):
    """``k`` indexes into ``range(count)``, a few popular and a long tail (Zipf-like)."""
    return rnd.choices(range(count), cum_weights=_cumulative_weights(count, skew), k=k)


def small_jpegs(media_root, count):
    """A handful of real small files the photo rows share (the generator writes no more)."""
    from PIL import Image

    folder = Path(media_root) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(count):
        path = folder / f"archive-{i}.jpg"
        if not path.exists():
            buffer = BytesIO()
            colour = (40 + 20 * i % 200, 90 + 13 * i % 150, 120 + 7 * i % 120)
            Image.new("RGB", (1200, 800), colour).save(buffer, "JPEG", quality=80)
            path.write_bytes(buffer.getvalue())
        names.append((f"bench/{path.name}", 1200, 800))
    return names


def generate(*, articles, authors, photos, seed, batch, log):
    from django.conf import settings
    from django.db import connection, reset_queries, transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from articles.models import Article, Author, Byline, Section, Status, Tag
    from articles.richtext import sanitize
    from photos.models import Credit, Photo

    rnd = random.Random(seed)
    writer = Writer(seed)
    now = timezone.now()
    timings = {}

    def step(name, started):
        timings[name] = time.perf_counter() - started
        log(f"  {name}: {timings[name]:.1f} s")

    t = time.perf_counter()
    sections = Section.objects.bulk_create(
        Section(name=name, slug=slugify(name), order=i) for i, name in enumerate(SECTIONS)
    )
    tag_names = sorted({f"{thing}" for thing in THINGS} | set(WORDS) | set(RARE_TERMS))
    tag_names += [f"{a} {w}" for a in ("local", "national", "global") for w in WORDS]
    tags = Tag.objects.bulk_create(
        (Tag(name=name.title(), slug=slugify(name)) for name in tag_names[:600]), batch_size=batch
    )
    names = set()
    while len(names) < authors:
        middle = f" {rnd.choice(FIRST)[0]}." if len(names) > len(FIRST) * len(LAST) // 2 else ""
        names.add(f"{rnd.choice(FIRST)}{middle} {rnd.choice(LAST)}")
    author_rows = Author.objects.bulk_create(
        (
            Author(
                name=name,
                slug=slugify(name),
                title=rnd.choice(TITLES),
                bio=writer.sentence(),
                email=f"{slugify(name)}@example.org",
            )
            for name in sorted(names)
        ),
        batch_size=batch,
    )
    step("sections, tags, authors", t)

    t = time.perf_counter()
    files = small_jpegs(settings.MEDIA_ROOT, 12)
    photo_rows = []
    with stored_dates_kept(Photo._meta.get_field("uploaded_at")):
        for start in range(0, photos, batch):
            chunk = []
            for _ in range(start, min(photos, start + batch)):
                person = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
                agency = rnd.choice(AGENCIES)
                photo = Photo(
                    title=writer.sentence(5)[:-1],
                    alt_text=writer.sentence(8)[:-1],
                    caption=writer.sentence(),
                    credit_line=f"{person} / {agency}",
                    uploaded_at=now - timedelta(days=rnd.uniform(0, 8 * 365)),
                )
                if rnd.random() < 0.1:
                    photo.image.name, photo.width, photo.height = rnd.choice(files)
                chunk.append(photo)
            photo_rows += Photo.objects.bulk_create(chunk)
    credits = []
    for photo in photo_rows:
        person, agency = photo.credit_line.split(" / ")
        credits.append(Credit(photo=photo, position=0, creator=person))
        credits.append(
            Credit(photo=photo, position=1, organisation=agency, licence=rnd.choice(LICENCES))
        )
    Credit.objects.bulk_create(credits, batch_size=batch)
    step("photos and credits", t)

    t = time.perf_counter()
    slugs = set()
    byline_through = Byline
    tag_through = Article.tags.through
    statuses = (
        [Status.PUBLISHED] * 940
        + [Status.DRAFT] * 30
        + [Status.REVIEW] * 17
        + [Status.ARCHIVED] * 3
        + ["scheduled"] * 10
    )
    fields = [Article._meta.get_field("created_at"), Article._meta.get_field("updated_at")]
    written = 0
    with stored_dates_kept(*fields):
        for start in range(0, articles, batch):
            rows, extras = [], []
            for _ in range(start, min(articles, start + batch)):
                headline = writer.headline()
                slug = base = slugify(headline)[:180]
                n = 1
                while slug in slugs:
                    n += 1
                    slug = f"{base}-{n}"
                slugs.add(slug)
                status = rnd.choice(statuses)
                created = now - timedelta(days=rnd.uniform(0, 8 * 365))
                published = first = None
                if status in (Status.PUBLISHED, Status.ARCHIVED):
                    published = first = created + timedelta(hours=rnd.uniform(0.5, 30))
                    published = min(published, now - timedelta(minutes=5))
                elif status == "scheduled":
                    status = Status.PUBLISHED
                    published = now + timedelta(hours=rnd.uniform(2, 24 * 14))
                    created = now - timedelta(days=rnd.uniform(0, 3))
                lead = rnd.choice(photo_rows) if rnd.random() < 0.7 else None
                embed = rnd.choice(photo_rows).pk if rnd.random() < 0.15 else None
                rare = rnd.choice(RARE_TERMS) if rnd.random() < 0.004 else None
                rows.append(
                    Article(
                        headline=headline,
                        slug=slug,
                        dek=writer.sentence(),
                        body=sanitize(writer.body(embed, rare)),
                        section=sections[weighted_indexes(rnd, len(sections), 1, 0.8)[0]],
                        status=status,
                        created_at=created,
                        updated_at=published if published and published < now else created,
                        published_at=published,
                        first_published_at=first,
                        substantive_update_at=(published + timedelta(hours=3))
                        if published and rnd.random() < 0.05
                        else None,
                        lead_photo=lead,
                        source="bench",
                    )
                )
                count = rnd.choices((1, 2, 3), weights=(60, 30, 10))[0]
                extras.append(
                    (
                        list(dict.fromkeys(weighted_indexes(rnd, authors, count, 0.6))),
                        list(dict.fromkeys(weighted_indexes(rnd, len(tags), rnd.randint(0, 5), 1))),
                    )
                )
            with transaction.atomic():
                rows = Article.objects.bulk_create(rows)
                Byline.objects.bulk_create(
                    byline_through(article=article, author=author_rows[a], position=p)
                    for article, (who, _) in zip(rows, extras, strict=True)
                    for p, a in enumerate(who)
                )
                tag_through.objects.bulk_create(
                    tag_through(article_id=article.pk, tag_id=tags[i].pk)
                    for article, (_, which) in zip(rows, extras, strict=True)
                    for i in which
                )
            written += len(rows)
            reset_queries()  # in debug mode every INSERT would stay in memory
            if written % (batch * 10) == 0 or written == articles:
                log(f"    {written} articles, {time.perf_counter() - t:.0f} s")
    step("articles, bylines, tags", t)

    t = time.perf_counter()
    if connection.vendor == "postgresql":
        # What autovacuum would soon do on a live site: planner statistics, visibility map.
        with connection.cursor() as cursor:
            for model in (Article, Byline, tag_through, Author, Photo, Credit, Section, Tag):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    step("vacuum analyze", t)
    return timings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--authors", type=int, default=2_000)
    parser.add_argument("--photos", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument("--force", action="store_true", help="add to an archive already there")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    from articles.models import Article

    if Article.objects.exists() and not args.force:
        sys.exit(
            f"{connection.settings_dict['NAME']} already holds articles; use an empty, migrated "
            "database (or --force to add to it)."
        )
    started = time.perf_counter()
    print(
        f"Generating {args.articles} articles into {connection.settings_dict['NAME']} "
        f"({connection.vendor})",
        flush=True,
    )
    generate(
        articles=args.articles,
        authors=args.authors,
        photos=args.photos,
        seed=args.seed,
        batch=args.batch,
        log=lambda line: print(line, flush=True),
    )
    print(f"Done in {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
