"""Sample content for development: neutral articles in the seed page's shape.

The texts are written for this project (they are placeholders about reading health
information, not medical claims); the real articles come from ``import_webflow``.
"""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from .. import publishing
from ..actors import Actor
from ..models import Article, Author, Citation, RelatedArticle, Reviewer, Source, Topic
from .pages import load_demo_pages
from .registry import plan_removal, register, remove_demo_content

__all__ = ["load_demo_content", "plan_removal", "remove_demo_content"]

PALETTE = [((29, 78, 96), (120, 170, 160)), ((60, 54, 110), (170, 150, 200)), ((96, 62, 40), (220, 180, 130))]

ARTICLES = [
    {
        "title": "How to Read a Health Article Critically",
        "summary": "Five questions to ask of any page about a treatment, including this one.",
        "alt": "A person reading on a tablet at a kitchen table",
        "topics": ["Treatment", "Depression"],
        "body": (
            "<p>Health information online ranges from careful summaries of research to "
            "advertising dressed as advice. A few habits help you tell them apart.</p>"
            "<h2>Who wrote it, and who checked it?</h2>"
            "<p>Look for a named author and a named clinical reviewer with their credentials. "
            "Anonymous pages make claims nobody has to stand behind.</p>"
            "<h3>When did it last change?</h3>"
            "<p>Medicine moves. A page that shows when it was published and when it was last "
            "updated lets you judge whether newer findings could be missing.</p>"
            "<h2>What is the evidence?</h2>"
            "<p>Claims should point to sources you can open: a study, a guideline, a review. "
            "Prefer systematic reviews and randomised trials over single case reports.</p>"
            "<p>Finally, ask who benefits. A clinic writing about its own treatment should "
            "say so, as we do.</p>"
        ),
        "references": [
            {
                "citation_text": (
                    "Guyatt GH, Oxman AD, Vist GE, et al. GRADE: an emerging consensus on rating "
                    "quality of evidence and strength of recommendations. BMJ. "
                    "2008;336(7650):924-926. doi: 10.1136/bmj.39489.470347.AD. PMID: 18436948."
                ),
                "doi": "10.1136/bmj.39489.470347.AD",
                "pmid": "18436948",
                "authors": (
                    "Guyatt GH, Oxman AD, Vist GE, Kunz R, Falck-Ytter Y, Alonso-Coello P, Schünemann HJ"
                ),
                "title": (
                    "GRADE: an emerging consensus on rating quality of evidence and strength of "
                    "recommendations"
                ),
                "journal": "BMJ",
                "year": 2008,
                "volume": "336",
                "issue": "7650",
                "pages": "924-926",
                # A consensus statement of the GRADE Working Group.
                "evidence_type": Source.EvidenceType.EXPERT_OPINION,
            }
        ],
    },
    {
        "title": "What to Expect From a Telehealth Appointment",
        "summary": "How a video visit works, what to prepare, and how privacy is protected.",
        "alt": "A laptop showing a video call with a clinician",
        "topics": ["Treatment"],
        "body": (
            "<p>A telehealth appointment is a consultation held over a secure video call. "
            "It covers the same ground as an office visit, without the waiting room.</p>"
            "<h2>Before the call</h2>"
            "<p>Find a quiet, private room, check your camera and microphone, and write down "
            "your questions and the medicines you take.</p>"
            "<h2>During the call</h2>"
            "<p>The clinician asks about your history and goals and explains the options. "
            "You can ask them to repeat or slow down at any point.</p>"
            "<h3>After the call</h3>"
            "<p>You receive a written summary with next steps and how to reach the team.</p>"
        ),
        "references": [],
    },
    {
        "title": "Sleep, Stress and Mood: A Short Primer",
        "summary": "Why sleep and daily stress matter for mood, and small changes that help.",
        "alt": "An unmade bed in soft morning light",
        "topics": ["Depression", "Anxiety"],
        "body": (
            "<p>Sleep, stress and mood influence one another. Poor sleep makes stress harder "
            "to handle, and stress makes sleep harder to find.</p>"
            "<h2>Regular hours</h2>"
            "<p>Going to bed and getting up at the same times each day steadies the body "
            "clock more than any single trick.</p>"
            "<h2>Light and movement</h2>"
            "<p>Daylight in the morning and some movement during the day both help the "
            "evening wind-down.</p>"
            "<p>If low mood lasts for weeks, talk to a clinician.</p>"
        ),
        "references": [],
    },
    {
        "title": "Questions to Ask Before Starting a New Treatment",
        "summary": "A checklist to take to your clinician when a new medicine is proposed.",
        "alt": "A handwritten checklist next to a cup of tea",
        "topics": ["Treatment", "PTSD"],
        "body": (
            "<p>Starting a new treatment is a shared decision. These questions help make it "
            "an informed one.</p>"
            "<h2>About the treatment</h2>"
            "<p>What is it expected to do, how soon, and how will we know whether it works?</p>"
            "<h2>About safety</h2>"
            "<p>What are the common and the serious side effects, and what should I do if I "
            "notice one?</p>"
            "<h3>About supervision</h3>"
            "<p>Who monitors me, how often, and how do I reach them between appointments?</p>"
        ),
        "references": [],
    },
]


def demo_image(width, height, index):
    """Return a JPEG (bytes) of a soft two-colour gradient, ``width`` x ``height`` px."""
    top, bottom = PALETTE[index % len(PALETTE)]
    image = Image.new("RGB", (width, height), top)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


DEMO_AUTHOR_SLUG = "isha-editorial-team"
DEMO_REVIEWER_SLUG = "demo-medical-reviewer"

#: The demo articles' topics, with their descriptions (an existing topic is reused as it is).
TOPICS = {
    "Anxiety": "Worry and fear that get in the way of daily life, and what helps.",
    "Depression": "Low mood that lasts, its treatments, and how to find help.",
    "PTSD": "Living with the after-effects of trauma, and the treatments studied for it.",
    "Treatment": "How treatments are chosen, started and supervised.",
}


@transaction.atomic
def load_demo_content(*, actor: Actor) -> int:
    """Create the demo author, topics, medical reviewer and articles (with generated
    images and a structured source) and the placeholder standalone pages
    (``articles.demo.pages``), published by ``actor``
    through ``articles.publishing`` (the ``load_demo`` command passes the system); return
    how many. Their renditions and search documents are made once the transaction commits.
    Everything it creates is registered as demo content (``articles.demo.registry``); an
    author, a topic, a reviewer or a source that already existed is reused and not
    registered, so removal never takes it.

    The images reach storage before the commit; if the transaction is rolled back they
    stay there unreferenced (Django has no on-rollback hook). They are small and never
    served, and a later load writes its own copies, so no clean-up is attempted.
    """
    author, author_created = Author.objects.get_or_create(
        slug=DEMO_AUTHOR_SLUG,
        defaults={"name": "Isha Editorial Team", "bio": "<p>Isha Health's clinical and editorial team.</p>"},
    )
    if author_created:
        register(author)
    today = timezone.localdate()
    articles = []
    for index, data in enumerate(ARTICLES):
        published_on = today - timedelta(days=30 * (index + 1))
        article = Article(
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            author=author,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(days=30 * (index + 1)),
            published_on=published_on,
            updated_on=published_on + timedelta(days=10) if index % 2 == 0 else None,
            hero_image_alt=data["alt"],
            featured=index == 0,
        )
        slug = f"demo-{index + 1}"
        article.hero_image.save(f"{slug}-hero.jpg", ContentFile(demo_image(1600, 900, index)), save=False)
        article.thumbnail.save(f"{slug}-thumb.jpg", ContentFile(demo_image(600, 400, index)), save=False)
        publishing.publish(article=article, actor=actor)
        article.topics.set([_topic(name) for name in data["topics"]])
        for position, reference in enumerate(data["references"]):
            Citation.objects.create(article=article, position=position, source=_source(reference))
        articles.append(article)
    for article in articles:
        others = [a for a in articles if a != article][:2]
        for position, other in enumerate(others):
            RelatedArticle.objects.create(from_article=article, to_article=other, position=position)
    for article in articles:
        register(article)
    _reviewer()
    load_demo_pages()
    return len(articles)


def _topic(name: str) -> Topic:
    """The topic called ``name``, created (and registered) when missing."""
    topic, created = Topic.objects.get_or_create(name=name, defaults={"description": TOPICS.get(name, "")})
    if created:
        register(topic)
    return topic


def _source(reference: dict) -> Source:
    """The source of ``reference`` (a dict of ``Source`` fields), found by its DOI or PMID;
    a new one gets all the fields (and is registered), an existing one is left as it is."""
    fields = dict(reference)
    citation, doi, pmid = fields.pop("citation_text"), fields.pop("doi"), fields.pop("pmid")
    source, created = Source.objects.get_or_create_for(citation, doi=doi, pmid=pmid)
    if created:
        for name, value in fields.items():
            setattr(source, name, value)
        source.save()
        register(source)
    return source


def _reviewer() -> None:
    """Create the demo medical reviewer, linked to no account (a superuser links it to a
    Reviewer's staff account in the admin), unless one with its slug exists."""
    reviewer, created = Reviewer.objects.get_or_create(
        slug=DEMO_REVIEWER_SLUG,
        defaults={
            "name": "Dr. Sam Example",
            "credentials": "MD",
            "specialty": "Psychiatry",
            "bio": "A fictional reviewer for trying out the medical review on demo content.",
        },
    )
    if created:
        register(reviewer)
