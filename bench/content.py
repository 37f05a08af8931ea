"""Fill the benchmark's database with realistic content, after the real Webflow import.

``python bench/content.py --total 1000`` (run by bench/run.py with the production
environment) adds generated published articles until there are ``--total`` articles in
all. Each has a body like the real ones (an introduction, five h2 sections with an h3
each, a list, citation markers; about 1,200 words, sanitised as a save would), three to
six sources from a shared library, one to three topics, an author, a medical reviewer's
sign-off, and often editors' related picks and an update note. Four in ten carry a hero
image with its renditions (a few distinct JPEGs, written once and shared).

Rows are written with ``bulk_create`` (no history, no per-row signals), so this takes
seconds; the few authors, reviewers, topics and images go through ``save()``.
Deterministic: the same ``--seed`` gives the same content.

Prints the slug of the article the benchmark reads: a generated one with everything a
full page shows (hero image, sources, topics, related picks, reviewer, update note).
"""

import argparse
import hashlib
import io
import os
import random
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isha.settings")

import django

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from articles.images import make_renditions  # noqa: E402
from articles.models import (  # noqa: E402
    Article,
    Author,
    Citation,
    RelatedArticle,
    Reviewer,
    SiteSettings,
    Source,
    Topic,
    UpdateNote,
)
from articles.reader_parts import store_parts  # noqa: E402
from articles.sanitize import sanitize_html  # noqa: E402
from articles.search import refresh_search_vectors  # noqa: E402
from articles.slugs import slug_base  # noqa: E402
from signups.models import SignupFormCopy  # noqa: E402

TOPICS = {
    "Depression": "Treatment-resistant depression and what helps when the first medicines do not.",
    "PTSD": "Post-traumatic stress: symptoms, therapy and the evidence for newer treatments.",
    "Anxiety": "Generalised anxiety, panic and social anxiety, and how they are treated.",
    "Safety": "Side effects, interactions and who should not take a treatment.",
    "Research": "What recent studies found, explained without the jargon.",
    "Ketamine therapy": "How ketamine treatment works, at home and in clinic.",
    "Addiction": "Dependence, misuse and recovery.",
    "Wellbeing": "Sleep, exercise and everyday habits that support mental health.",
}
AUTHORS = ["Isha Health Clinical Team", "Dana Whitfield", "Priya Raman", "Marcus Ohene", "Elena Sokolova"]
REVIEWERS = [
    ("Dr. Anita Mehra", "MD", "Psychiatry"),
    ("Dr. Jonah Levitt", "MD", "Addiction medicine"),
    ("Sarah Kim", "PharmD", "Clinical pharmacology"),
    ("Dr. Tomas Varga", "PhD", "Clinical psychology"),
]
SUBJECTS = [
    "oral ketamine",
    "esketamine nasal spray",
    "treatment-resistant depression",
    "PTSD symptoms",
    "generalised anxiety",
    "suicidal ideation",
    "SSRIs",
    "psychotherapy",
    "glutamate signalling",
    "blood pressure",
    "dissociation",
    "dosing schedules",
    "relapse prevention",
    "sleep quality",
    "bipolar depression",
    "chronic pain",
    "integration sessions",
    "NMDA receptors",
    "BDNF",
    "neuroplasticity",
    "side effects",
    "bladder health",
    "tolerance",
    "remission rates",
]
VERBS = [
    "reduced",
    "improved",
    "was associated with",
    "did not change",
    "predicted",
    "doubled",
    "lowered",
    "was compared with",
    "helped",
    "outperformed",
    "matched",
    "was linked to",
]
OBJECTS = [
    "depressive symptoms within 24 hours",
    "scores on the MADRS scale",
    "the risk of relapse",
    "response rates at four weeks",
    "anxiety in the following week",
    "the need for hospital care",
    "patients' reported quality of life",
    "sleep over the study period",
    "suicidal thoughts",
    "adherence to the treatment plan",
    "blood pressure during the session",
    "dropout rates",
]
OPENERS = [
    "In a randomised trial of {n} adults,",
    "Across {n} participants,",
    "In clinical practice,",
    "For most patients,",
    "According to a {y} meta-analysis,",
    "In a cohort followed for {n} weeks,",
    "Compared with placebo,",
    "Clinicians report that",
    "In our experience at Isha Health,",
    "When taken as prescribed,",
]
CLOSERS = [
    "Talk to your clinician before changing any medicine.",
    "The effect was modest but consistent across sites.",
    "Larger and longer studies are still needed.",
    "That finding held after adjusting for age and baseline severity.",
    "Most side effects passed within two hours.",
    "This is one reason treatment plans are reviewed every few weeks.",
]
HEADINGS = [
    "How it works",
    "What the research says",
    "Who it may help",
    "Side effects and safety",
    "How treatment is given",
    "What to expect in the first weeks",
    "Comparing the options",
    "Risks of misuse",
    "Questions to ask your clinician",
    "The bottom line",
    "Costs and access",
    "Combining it with therapy",
]
SUBHEADINGS = [
    "Short-term effects",
    "Long-term outlook",
    "At home or in clinic",
    "Dosing",
    "Monitoring",
    "If symptoms come back",
    "Interactions",
    "Before you start",
]
JOURNALS = [
    "Am J Psychiatry",
    "JAMA Psychiatry",
    "Lancet Psychiatry",
    "J Affect Disord",
    "Biol Psychiatry",
    "Neuropsychopharmacology",
    "J Clin Psychiatry",
    "Mol Psychiatry",
    "Acad Emerg Med",
    "BMJ",
]
SURNAMES = [
    "Smith",
    "Zarate",
    "Murrough",
    "Krystal",
    "Sanacora",
    "Feder",
    "Wilkinson",
    "Phillips",
    "Singh",
    "Daly",
    "Berman",
    "Kishimoto",
    "Lumanauw",
    "Youn",
    "Chen",
    "Garcia",
]


def sentence(rng):
    opener = rng.choice(OPENERS).format(n=rng.randint(20, 900), y=rng.randint(2012, 2025))
    words = [opener, rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)]
    if rng.random() < 0.5:
        words += ["compared with", rng.choice(SUBJECTS)]
    text = " ".join(words) + "."
    if rng.random() < 0.25:
        text += " " + rng.choice(CLOSERS)
    return text[0].upper() + text[1:]


def paragraph(rng, sources, sentences=(3, 5)):
    parts = []
    for _ in range(rng.randint(*sentences)):
        text = sentence(rng)
        roll = rng.random()
        if roll < 0.18 and sources:
            text = text[:-1] + f" [cite:{rng.choice(sources)}]."
        elif roll < 0.26:
            subject = rng.choice(SUBJECTS)
            text = text.replace(subject, f"<strong>{subject}</strong>", 1)
        elif roll < 0.3:
            text += ' See <a href="/articles/">our other articles</a> for more.'
        parts.append(text)
    return "<p>" + " ".join(parts) + "</p>"


def body_for(rng, sources):
    """About 1,200 words: an intro, five h2 sections with an h3, a list, citations."""
    blocks = [paragraph(rng, sources), paragraph(rng, sources)]
    for heading in rng.sample(HEADINGS, 5):
        blocks.append(f"<h2>{heading}</h2>")
        blocks += [paragraph(rng, sources), paragraph(rng, sources)]
        blocks.append(f"<h3>{rng.choice(SUBHEADINGS)}</h3>")
        blocks.append(paragraph(rng, sources, (2, 4)))
        if rng.random() < 0.5:
            items = "".join(f"<li>{sentence(rng)}</li>" for _ in range(rng.randint(3, 5)))
            blocks.append(f"<ul>{items}</ul>")
    # Every attached source is cited at least once, as editors do.
    blocks.append(
        "<p>This article draws on "
        + ", ".join(f"[cite:{s}]" for s in sources)
        + " and on our clinicians' experience.</p>"
    )
    return sanitize_html("\n".join(blocks))


def title_for(rng, number):
    subject = rng.choice(SUBJECTS)
    pattern = rng.choice(
        [
            "What to know about {s}",
            "Can {s} help with depression?",
            "{S}: a plain guide",
            "How {s} affects recovery",
            "{S} and ketamine therapy",
            "Is {s} safe? What studies show",
            "5 questions about {s}",
            "{S} explained",
        ]
    )
    return pattern.format(s=subject, S=subject[0].upper() + subject[1:]) + f" ({number})"


def hero_images(rng, count):
    """``count`` distinct 1600x900 JPEGs (soft shapes, photo-like sizes), with renditions."""
    made = []
    for n in range(count):
        name = f"articles/hero/bench-hero-{n}.jpg"
        if not default_storage.exists(name):
            image = Image.new(
                "RGB", (1600, 900), (rng.randint(30, 200), rng.randint(60, 200), rng.randint(80, 220))
            )
            draw = ImageDraw.Draw(image)
            for _ in range(60):
                x, y, r = rng.randint(0, 1600), rng.randint(0, 900), rng.randint(20, 260)
                colour = tuple(rng.randint(0, 255) for _ in range(3))
                draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
            image = image.filter(ImageFilter.GaussianBlur(6))
            noise = Image.effect_noise((1600, 900), 24).convert("RGB")
            image = Image.blend(image, noise, 0.12)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
            name = default_storage.save(name, ContentFile(buffer.getvalue()))
        made.append((name, make_renditions(name)))
    return made


@transaction.atomic
def generate(total, seed):
    rng = random.Random(seed)
    now = timezone.now()
    existing = Article.objects.count()
    SiteSettings.load()
    SignupFormCopy.load()
    topics = []
    for name, description in TOPICS.items():
        topic = Topic.objects.filter(name=name).first() or Topic(name=name, description=description)
        topic.save()
        topics.append(topic)
    authors = list(Author.objects.all())
    for name in AUTHORS:
        if not any(a.name == name for a in authors):
            author = Author(name=name, slug=slug_base(name), bio=f"<p>{name} writes for Isha Health.</p>")
            author.save()
            authors.append(author)
    reviewers = []
    for name, credentials, specialty in REVIEWERS:
        reviewer = Reviewer.objects.filter(name=name).first() or Reviewer(
            name=name,
            credentials=credentials,
            specialty=specialty,
            bio=f"<p>{name} reviews our articles.</p>",
        )
        reviewer.save()
        reviewers.append(reviewer)

    # Topics for the imported articles too, so their pages and related lists are full.
    through = Article.topics.through
    through.objects.bulk_create(
        [through(article_id=a.pk, topic_id=rng.choice(topics).pk) for a in Article.objects.all()],
        ignore_conflicts=True,
    )

    missing = total - existing
    if missing <= 0:
        return Article.objects.published().first()
    library = Source.objects.bulk_create(
        [
            Source(
                authors=", ".join(
                    f"{rng.choice(SURNAMES)} {rng.choice('ABCDEJKLMS')}{rng.choice('ABDJKM')}"
                    for _ in range(rng.randint(1, 6))
                ),
                title=f"{sentence(rng)[:-1]}: a {rng.choice(['randomised trial', 'cohort study', 'review'])}",
                citation_text=f"Bench source {n}",
                journal=rng.choice(JOURNALS),
                year=rng.randint(2005, 2025),
                volume=str(rng.randint(1, 200)),
                issue=str(rng.randint(1, 12)),
                pages=f"{(p := rng.randint(1, 900))}-{p + rng.randint(3, 20)}",
                doi=f"10.5555/bench.{seed}.{n}" if rng.random() < 0.8 else "",
                pmid=str(30000000 + seed * 100000 + n) if rng.random() < 0.6 else "",
                url="https://example.org/study" if rng.random() < 0.2 else "",
                evidence_type=rng.choice(Source.EvidenceType.values),
            )
            for n in range(max(300, missing * 3 // 2))
        ]
    )
    images = hero_images(rng, 12)

    articles, article_sources, article_topics = [], [], []
    for n in range(missing):
        sources = [s.pk for s in rng.sample(library, rng.randint(3, 6))]
        body = body_for(rng, sources)
        published_at = now - timedelta(days=rng.randint(1, 1100), minutes=rng.randint(0, 1440))
        reviewed_at = published_at + timedelta(days=rng.randint(0, 30))
        article = Article(
            title=title_for(rng, existing + n + 1),
            slug=f"bench-article-{existing + n + 1}",
            summary=sentence(rng) + " " + sentence(rng),
            body=body,
            author=rng.choice(authors),
            status=Article.Status.PUBLISHED,
            published_at=published_at,
            published_on=timezone.localdate(published_at),
            updated_on=timezone.localdate(reviewed_at) if rng.random() < 0.3 else None,
            featured=rng.random() < 0.05,
            reviewed_by=rng.choice(reviewers),
            reviewed_at=reviewed_at,
            reviewed_body_hash=hashlib.sha256(body.encode()).hexdigest(),
        )
        # The first generated article is the one benchmarked: it gets everything.
        if n == 0 or rng.random() < 0.4:
            name, renditions = rng.choice(images)
            article.hero_image = name
            article.hero_image_alt = "A clinician talking with a patient in a bright consulting room"
            article.hero_renditions = renditions
        articles.append(article)
        article_sources.append(sources)
        article_topics.append(rng.sample(topics, rng.randint(1, 3)))
    articles = Article.objects.bulk_create(articles, batch_size=200)

    Citation.objects.bulk_create(
        [
            Citation(article_id=a.pk, source_id=sid, position=position)
            for a, sources in zip(articles, article_sources, strict=True)
            for position, sid in enumerate(sources)
        ],
        batch_size=1000,
    )
    through.objects.bulk_create(
        [
            through(article_id=a.pk, topic_id=t.pk)
            for a, ts in zip(articles, article_topics, strict=True)
            for t in ts
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    picks = []
    for index, article in enumerate(articles):
        if index == 0 or rng.random() < 0.5:
            others = rng.sample(articles, 4)
            chosen = [o for o in others if o.pk != article.pk][:3]
            picks += [
                RelatedArticle(from_article_id=article.pk, to_article_id=o.pk, position=p)
                for p, o in enumerate(chosen)
            ]
    RelatedArticle.objects.bulk_create(picks, batch_size=1000)
    # bulk_create skips articles.publishing, which keeps the search documents in step on commit.
    refresh_search_vectors(Article.objects.filter(pk__in=[a.pk for a in articles]))
    store_parts(a.pk for a in articles)  # the same for the readers' rendering of each article
    UpdateNote.objects.bulk_create(
        [
            UpdateNote(
                article_id=a.pk,
                date=timezone.localdate(now) - timedelta(days=rng.randint(1, 300)),
                text=f"Added a {rng.randint(2019, 2025)} study on {rng.choice(SUBJECTS)}.",
                is_correction=rng.random() < 0.2,
            )
            for index, a in enumerate(articles)
            if index == 0 or rng.random() < 0.2
        ]
    )
    return articles[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    article = generate(args.total, args.seed)
    from isha.pagecache import invalidate

    invalidate()
    print(article.slug)


if __name__ == "__main__":
    main()
