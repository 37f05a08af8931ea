"""Demo placeholders of the standalone pages the site links to by itself.

Neutral texts that say what each page is for and that they are placeholders (each opens
with "Demo placeholder"): the clinic's own editorial standards, privacy notice and
medical disclaimer replace them before launch. The editorial standards outline covers
what health-information standards ask a publisher to say openly (the Patient Information
Forum's PIF TICK criteria, the successor of NHS England's Information Standard): how
content is written, reviewed, sourced and corrected, and how readers give feedback.
"""

from ..models import Page
from .registry import register

DEMO_NOTE = (
    "<p><strong>Demo placeholder.</strong> This page was loaded as sample content. Replace it "
    "with the clinic's own text, reviewed by the people responsible for it, before launch.</p>"
)

PAGES = [
    {
        "purpose": Page.Purpose.EDITORIAL_STANDARDS,
        "title": "Editorial standards",
        "slug": "editorial-standards",
        "summary": "How our articles are written, medically reviewed, sourced and corrected.",
        "body": (
            "<h2>Who writes our articles</h2>"
            "<p>Every article names its author. Describe here who writes for the site and what "
            "training they have.</p>"
            "<h2>Medical review</h2>"
            "<p>Every article names the licensed clinician who reviewed it and when. Describe "
            "here how reviewers are chosen and how often articles are reviewed again.</p>"
            "<h2>Sources</h2>"
            "<p>Claims link to the studies and guidelines behind them. Describe here which kinds "
            "of evidence the site prefers and how sources are checked.</p>"
            "<h2>Corrections and feedback</h2>"
            "<p>Describe here how readers report a problem, and how corrections are made and "
            "shown on the article.</p>"
            "<h2>Independence</h2>"
            "<p>Say here that the clinic provides the treatment its articles discuss, and how "
            "that is disclosed.</p>"
        ),
    },
    {
        "purpose": Page.Purpose.PRIVACY,
        "title": "Privacy notice",
        "slug": "privacy-notice",
        "summary": "What we collect when you read or subscribe, why, how long we keep it and your rights.",
        "body": (
            "<h2>What we collect</h2>"
            "<p>Describe here what the site collects: for example the email address and name "
            "given when signing up for the newsletter, and when and where the person signed up.</p>"
            "<h2>Why and for how long</h2>"
            "<p>Describe here the purpose of each item and how long it is kept.</p>"
            "<h2>Your rights</h2>"
            "<p>Describe here how a person unsubscribes, asks for a copy of their data or asks for "
            "it to be erased, and whom to contact.</p>"
        ),
    },
    {
        "purpose": Page.Purpose.DISCLAIMER,
        "title": "Medical disclaimer",
        "slug": "medical-disclaimer",
        "summary": "Our articles are for education and are not medical advice.",
        "body": (
            "<p>Describe here that the articles are for education, are not medical advice and "
            "do not replace a consultation with a clinician who knows the reader's history.</p>"
            "<p>Say here what to do in a crisis or an emergency.</p>"
        ),
    },
]


def load_demo_pages() -> int:
    """Create, published, each placeholder page whose purpose and slug no page has yet, and
    register it as demo content (so ``load_demo --remove`` takes it while unchanged);
    return how many were created. A page the clinic already has is never touched."""
    created = 0
    for data in PAGES:
        taken = Page.objects.filter(purpose=data["purpose"]).exists()
        if taken or Page.objects.filter(slug=data["slug"]).exists():
            continue
        page = Page.objects.create(
            **{**data, "body": DEMO_NOTE + data["body"]},
            status=Page.Status.PUBLISHED,
        )
        register(page)
        created += 1
    return created
