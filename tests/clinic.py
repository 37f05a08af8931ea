"""A clinic's site for tests that look at pages as readers see them (accessibility, layout,
screenshots, page weight): a reviewed article with a hero image, sources, update notes and
related reading, plus the sample articles of ``articles.demo``.

Plain functions; the fixtures ``clinic_media`` and ``clinic_content`` (tests/conftest.py)
and ``clinic_site`` (tests/browser/conftest.py) call them.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

IMAGE_FIELDS = (("hero_image", "hero_renditions"), ("thumbnail", "thumbnail_renditions"))
# Renditions already described, by (MEDIA_ROOT, image name). Their files stay in the
# session's clinic media, so a later site takes the description instead of decoding every
# image again to find them (about 0.15 s a site, and every browser test builds one).
_renditions = {}


def save_as_published(article):
    """Save ``article`` and make what a publish derives from it (renditions, search
    document) with ``articles.derived.refresh_derived_data``, reusing known renditions."""
    from articles.derived import refresh_derived_data

    root = str(settings.MEDIA_ROOT)
    for field, attribute in IMAGE_FIELDS:
        known = _renditions.get((root, getattr(article, field).name))
        if known:
            setattr(article, attribute, known)
    article.save()
    refresh_derived_data(article)
    for field, attribute in IMAGE_FIELDS:
        if getattr(article, field).name:
            _renditions[root, getattr(article, field).name] = getattr(article, attribute)


ARTICLE_BODY = """
<p>Ketamine has been used as an anaesthetic for more than fifty years. At much lower doses,
given under medical supervision, it can ease the symptoms of depression that has not
responded to other treatments, often within hours rather than weeks.{cite_berman}</p>
<p>This article explains what the research shows, who the treatment may suit, and what a
course of treatment looks like at a clinic such as ours.</p>
<h2>What the research shows</h2>
<p>The first controlled trial in 2000 gave seven people with depression a single low-dose
infusion. Their symptoms improved within 72 hours.{cite_berman} A larger randomised trial in
2006 confirmed a rapid effect in people whose depression had not responded to at least two
medicines.{cite_zarate}</p>
<p>Since then, dozens of trials and several reviews have followed. An international panel of
experts concluded in 2021 that ketamine and esketamine are reasonable options for
treatment-resistant depression, with careful monitoring.{cite_mcintyre}</p>
<h3>How quickly does it work?</h3>
<p>Many people notice a change within a day of their first session. The effect of a single
session usually fades within one to two weeks, which is why treatment is given as a short
course and then reviewed.</p>
<h2>Who it may suit</h2>
<p>Ketamine therapy is considered when depression has not improved after trying at least two
antidepressants at an adequate dose and for long enough. It is not a first treatment, and it
is not right for everyone.</p>
<ul>
<li>People with uncontrolled high blood pressure, some heart conditions, or a history of
psychosis are usually not offered it.</li>
<li>Pregnancy and some medicines also rule it out or call for extra care.</li>
<li>A clinician reviews your history before any session.</li>
</ul>
<h2>What a session is like</h2>
<p>A session lasts about an hour and a half. You sit or lie in a quiet room while a nurse
checks your blood pressure and breathing. Most people feel detached or dreamlike for a short
while; these effects pass within an hour or two.</p>
<blockquote><p>You will need someone to take you home afterwards, and you should not drive
until the next day.</p></blockquote>
<h3>After the course</h3>
<p>Your clinician reviews how you are doing after the first few sessions and together you
decide whether to continue, space sessions out, or stop. Therapy and other treatments carry
on alongside.</p>
"""


def write_clinic_media(root):
    """Write the clinic's uploads (hero images and thumbnails, JPEG) under the folder ``root``
    (a ``pathlib.Path``) and return it. Point MEDIA_ROOT there before :func:`make_clinic_site`;
    renditions written next to them on first use are reused afterwards."""
    from articles.demo import ARTICLES, demo_image

    images = {"articles/hero/ketamine-hero.jpg": demo_image(1600, 900, 0)}
    for index in range(len(ARTICLES)):
        images[f"articles/hero/demo-{index + 1}-hero.jpg"] = demo_image(1600, 900, index)
        images[f"articles/thumbnails/demo-{index + 1}-thumb.jpg"] = demo_image(600, 400, index)
    for name, data in images.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _demo_articles(author):
    """The sample articles of ``articles.demo``, with their images, published a month apart."""
    from articles.demo import ARTICLES
    from articles.models import Article, Citation, Source

    articles = []
    for index, data in enumerate(ARTICLES):
        article = Article(
            title=data["title"],
            slug=f"demo-{index + 1}",
            summary=data["summary"],
            body=data["body"],
            author=author,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(days=30 * (index + 1)),
            hero_image_alt=data["alt"],
        )
        article.hero_image.name = f"articles/hero/demo-{index + 1}-hero.jpg"
        article.thumbnail.name = f"articles/thumbnails/demo-{index + 1}-thumb.jpg"
        save_as_published(article)
        for position, reference in enumerate(data["references"]):
            # The citation as written only: the clinic's pages are tested with it.
            source, _created = Source.objects.get_or_create_for(
                reference["citation_text"], doi=reference["doi"], pmid=reference["pmid"]
            )
            Citation.objects.create(article=article, position=position, source=source)
        articles.append(article)
    return articles


def make_clinic_site():
    """Create a site in the shape readers see: a reviewed article with a hero image and sources.

    Returns ``{"article", "author", "reviewer", "topic", "page"}`` (the featured article, its
    author, its reviewer, its first topic and the editorial standards page). Rows are saved
    directly, not through ``articles.publishing``, so what a publish derives (renditions,
    search document) is made here by :func:`save_as_published`. Needs the database and
    MEDIA_ROOT pointing at :func:`write_clinic_media`'s folder.
    """
    from articles.models import (
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

    SiteSettings.load()
    team = Author.objects.create(
        name="Isha Editorial Team",
        slug="isha-editorial-team",
        bio="<p>Isha Health's clinical and editorial team.</p>",
    )
    demo = _demo_articles(team)
    author = Author.objects.create(
        name="Dr. Maya Patel",
        slug="maya-patel",
        bio="<p>Maya is a psychiatrist who writes about treatment options for depression.</p>",
    )
    reviewer = Reviewer.objects.create(
        name="Dr. James Okafor",
        slug="james-okafor",
        credentials="MD",
        specialty="Psychiatry",
        licence_verified_on=timezone.localdate() - timedelta(days=40),
    )
    depression = Topic.objects.create(
        name="Depression", slug="depression", description="Articles about depression and its treatment."
    )
    safety = Topic.objects.create(name="Safety", slug="safety")
    sources = {
        "berman": Source.objects.create(
            citation_text=(
                "Berman RM, Cappiello A, Anand A, et al. Antidepressant effects of ketamine in "
                "depressed patients. Biol Psychiatry. 2000;47(4):351-354."
            ),
            doi="10.1016/S0006-3223(99)00230-9",
            pmid="10686270",
            evidence_type=Source.EvidenceType.RANDOMISED_TRIAL,
        ),
        "zarate": Source.objects.create(
            citation_text=(
                "Zarate CA Jr, Singh JB, Carlson PJ, et al. A randomized trial of an "
                "N-methyl-D-aspartate antagonist in treatment-resistant major depression. "
                "Arch Gen Psychiatry. 2006;63(8):856-864."
            ),
            doi="10.1001/archpsyc.63.8.856",
            pmid="16894061",
            evidence_type=Source.EvidenceType.RANDOMISED_TRIAL,
        ),
        "mcintyre": Source.objects.create(
            citation_text=(
                "McIntyre RS, Rosenblat JD, Nemeroff CB, et al. Synthesizing the evidence for "
                "ketamine and esketamine in treatment-resistant depression: an international "
                "expert opinion on the available evidence and implementation. Am J Psychiatry. "
                "2021;178(5):383-399."
            ),
            doi="10.1176/appi.ajp.2020.20081251",
            pmid="33726522",
            evidence_type=Source.EvidenceType.EXPERT_OPINION,
        ),
        "nice": Source.objects.create(
            citation_text=(
                "National Institute for Health and Care Excellence. "
                "Depression in adults: treatment and management (NG222). 2022."
            ),
            url="https://www.nice.org.uk/guidance/ng222",
            evidence_type=Source.EvidenceType.GUIDELINE,
        ),
    }
    body = ARTICLE_BODY.format(**{f"cite_{key}": source.marker for key, source in sources.items()})
    article = Article(
        title="Ketamine Therapy for Treatment-Resistant Depression: What the Evidence Says",
        slug="ketamine-therapy-treatment-resistant-depression",
        summary=(
            "How low-dose ketamine works, what the trials found, who it may suit and what "
            "a course of treatment involves."
        ),
        body=body,
        author=author,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=20),
        updated_on=timezone.localdate() - timedelta(days=5),
        hero_image_alt="A calm treatment room with an armchair by a window",
        featured=True,
    )
    article.hero_image.name = "articles/hero/ketamine-hero.jpg"
    save_as_published(article)
    for position, source in enumerate(sources.values()):
        Citation.objects.create(article=article, source=source, position=position)
    article.topics.add(depression, safety)
    # Set as a fixture would, like every row here (the service's sign-off is tested in
    # tests/articles/test_review.py).
    article.record_review(reviewer, when=timezone.now() - timedelta(days=5))
    article.save()
    UpdateNote.objects.create(
        article=article,
        date=timezone.localdate() - timedelta(days=5),
        text="Added the 2021 international expert consensus and the NICE guideline.",
    )
    UpdateNote.objects.create(
        article=article,
        date=timezone.localdate() - timedelta(days=16),
        text="The effect of one session lasts one to two weeks, not one to two months.",
        is_correction=True,
    )
    for position, other in enumerate(demo[:2]):
        other.topics.add(depression)
        RelatedArticle.objects.create(from_article=article, to_article=other, position=position)
    # The standalone pages the footer, the home page and the sign-up form link to.
    from articles.demo.pages import load_demo_pages
    from articles.models import Page

    load_demo_pages()
    standards = Page.objects.get(purpose=Page.Purpose.EDITORIAL_STANDARDS)
    return {
        "article": article,
        "author": author,
        "reviewer": reviewer,
        "topic": depression,
        "page": standards,
    }
