"""A small, hand-written tip collection for the search tests (real files in a tmp folder).

Texts paraphrase real Tips of the Week, so the queries the tests run read like a user's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tipbook.content import save_tip
from tipbook.model import Series, Tip

TIPS = [
    Tip(
        title="Love is never having to say you're sorry",
        date=dt.date(2018, 11, 6),
        themes=["apology"],
        tags=["apology"],
        summary="When a customer is transferred again and again, apologize for the runaround.",
        takeaway="Say sorry, and mean it.",
        body=(
            "A caller was transferred three times before reaching me. The first thing I did "
            "was apologize: I'm sorry you were passed around. An apology costs nothing and "
            "resets the conversation.\n\n- Acknowledge the transfer\n- Apologize sincerely"
        ),
    ),
    Tip(
        title="Build Up Your Peers to Better the Customer Experience",
        date=dt.date(2013, 8, 6),
        themes=["teamwork"],
        summary="The handoff between co-workers decides whether service is good or great.",
        takeaway="Build up your peers before every handoff.",
        body=(
            "Rarely are we truly alone with a customer. When you hand the customer off to a "
            "co-worker, praise your colleague so the next employee starts with trust."
        ),
    ),
    Tip(
        title="Re-Invigorate Your Clients",
        date=dt.date(2013, 7, 30),
        themes=["retention"],
        summary="Long-time clients lose their enthusiasm; give them a reason to be excited.",
        takeaway="Re-invigorate the clients you already have.",
        body=(
            "Season ticket holders and members lose enthusiasm over the years. Surprise them, "
            "thank them and re-invigorate the relationship before they walk away."
        ),
    ),
    Tip(
        title="Convey Compassion in Customer Service",
        date=dt.date(2013, 8, 13),
        themes=["compassion", "empathy"],
        summary="Compassion shows in your words, your tone and your body language.",
        takeaway="Use words and body language that convey you care.",
        body=(
            "What aspects of body language and tone of voice convey compassion? Provide eye "
            "contact, nod, lean toward the customer and use a quiet tone."
        ),
    ),
    Tip(
        title="Why to Become an Empathy Expert",
        date=dt.date(2018, 11, 13),
        themes=["empathy"],
        summary="Empathy is understanding how the customer feels; empathetic staff keep clients.",
        takeaway="Become an empathy expert.",
        body="Empathize with the customer: put yourself in their shoes and feel what they feel.",
    ),
    Tip(
        title="Make Empathy Your Superpower",
        date=dt.date(2024, 1, 2),
        themes=["empathy"],
        summary="Empathy is a strength, not a weakness.",
        takeaway="Use empathy as a strength. Make it your superpower.",
        body=(
            "In a Service Excellence class a nurse said empathy made her tired & weak. "
            "<b>Not so</b>."
        ),
        series=Series("Superpowers", 1),
    ),
    Tip(
        title="Words that Convey You Care",
        date=dt.date(2018, 10, 30),
        themes=["caring", "communication"],
        summary="Phrases that tell a customer you care about their issue.",
        takeaway="Choose words that say you care.",
        body="Say 'your concern', 'I understand' and 'I care'. Avoid jargon and blame.",
    ),
    Tip(
        title="Apply Selfless Service",
        date=dt.date(2021, 12, 7),
        themes=["caring"],
        summary="Selfless service puts the customer's needs before your own convenience.",
        takeaway="Serve selflessly.",
        body="Selfless service means going out of your way: walk the visitor to the office.",
    ),
]

DRAFT = Tip(
    title="Unfinished Thoughts on Voicemail",
    date=dt.date(2019, 5, 7),
    themes=["communication"],
    summary="A draft about voicemail greetings.",
    body="Voicemail greetings should be short.",
    draft=True,
)
FUTURE = Tip(
    title="Next Year's Voicemail Tip",
    date=dt.date(2099, 1, 6),
    themes=["communication"],
    summary="A tip scheduled far in the future about voicemail.",
    body="Voicemail again, scheduled ahead.",
)


def write_corpus(content_dir: Path, extra: list[Tip] | None = None) -> list[Path]:
    """Write the corpus (and `extra` tips) as real tip files; return their paths."""
    return [save_tip(content_dir, tip)[0] for tip in [*TIPS, *(extra or [])]]


def by_title(title: str) -> Tip:
    return next(tip for tip in [*TIPS, DRAFT, FUTURE] if tip.title == title)
