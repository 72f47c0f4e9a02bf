"""Judged queries over the shipped content (content/tips): what staff type, and the tip they
are looking for. Natural questions, paraphrases of a tip's advice, words remembered from
its story, and typos. Shared by the CLI, browser and benchmark measurements of search
quality (mean reciprocal rank, MRR: 1 when the tip comes first, 1/2 second, 0 beyond 10).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# (query, the judged tip's title as shipped, kind)
JUDGED: list[tuple[str, str, str]] = [
    # Words remembered from the tip
    ("say sorry after a transfer", "Love is never having to say you’re sorry", "words"),
    (
        "hand the customer off to a co-worker",
        "Build Up Your Peers to Better the Customer Experience",
        "words",
    ),
    ("customers losing enthusiasm", "Re-Invigorate Your Clients", "words"),
    ("body language", "Convey Compassion in Customer Service", "words"),
    ("artificial intelligence chatbot", "Be Better than AI Customer Service", "words"),
    ("first step to a customer for life", "Customer for Life – The First Step", "words"),
    ("facial recognition", "Facial Recognition is the Future of Customer Service", "words"),
    ("cameron crazies duke basketball", "Don’t Dwell on the Customer Crazies", "words"),
    ("dog run fence", "Employee Runs for a Dog Run", "words"),
    ("holiday poem 2023", "Holiday Poem 2023", "words"),
    ("lead custodian terrence", "“You’re the Boss”", "words"),
    ("hay farm store register", "Be SomeBODY to Your Customer", "words"),
    # Natural questions
    ("how do I become an empathy expert", "Why to Become an Empathy Expert", "question"),
    ("what words show the customer I care", "Words that Convey You Care", "question"),
    (
        "should we tell customers about a problem before it happens",
        "Should you tell the customer? The Company’s Dilemma",
        "question",
    ),
    ("how to have a happy new year", "How to Have a Truly HAPPY New Year", "question"),
    ("how can I grow relationships with customers", "How to Grow Your Relationships", "question"),
    (
        "keep talking so the relationship never goes stale",
        "Customer for Life – The Second Step",
        "paraphrase",
    ),
    ("is empathy a weakness", "Make Empathy Your Superpower", "question"),
    ("what is selfless service", "Apply Selfless Service", "question"),
    # Paraphrases of the advice
    ("look at the customer not the screen", "Look Up, or Look Out!", "paraphrase"),
    ("warn people about construction noise", "Care Enough to Give Them a Heads Up", "paraphrase"),
    ("explain with a picture visual learners", "Paint a Picture, Take a Picture", "paraphrase"),
    ("late delivery shipped to the wrong address", "Retain through Responsiveness", "paraphrase"),
    (
        "company rebuilding its reputation with a plan",
        "Recipe for Reputation Rehab",
        "paraphrase",
    ),
    (
        "customers leave because we seem indifferent",
        "It’s Not What You Did…",
        "paraphrase",
    ),
    (
        "get to know students as individuals",
        "Customer Understanding Leads to Relationship Growth",
        "paraphrase",
    ),  # fmt: skip
    ("make your service delivery less dull", "Sharpen Your Service Delivery", "paraphrase"),
    (
        "stop judging customers who did not read the instructions",
        "Retrain Your Brain",
        "paraphrase",
    ),  # fmt: skip
    # Typos
    ("empthy expert", "Why to Become an Empathy Expert", "typo"),
    ("compasion hospital", "Convey Compassion in Customer Service", "typo"),
    ("selfles service", "Apply Selfless Service", "typo"),
    ("facial recogniton", "Facial Recognition is the Future of Customer Service", "typo"),
    ("reputaton rehab", "Recipe for Reputation Rehab", "typo"),
]

# MRR the browser tests hold each search box to (measured values are in README.md).
# Questions by concept to tune the concept search on (search.vectors' weight), written in
# round 5 beside the held-out sets and tuned on like JUDGED: the held-out sets
# (search_heldout.py) stay untouched by tuning.
CONCEPT_DEV: list[tuple[str, str, str]] = [
    (
        "employees who trash talk other departments",
        "Build Up Your Peers to Better the Customer Experience",
        "concept",
    ),
    (
        "mistakes happen, how to say we messed up",
        "Love is never having to say you’re sorry",
        "concept",
    ),
    ("doing paperwork instead of looking at the visitor", "Look Up, or Look Out!", "concept"),
    ("a bank teller praising the loan officer", "Know the Customer’s Value Proposition", "concept"),
    ("humble employees who put the customer first", "Apply Selfless Service", "concept"),
    (
        "the sick patient needs warmth not just skill",
        "Convey Compassion in Customer Service",
        "concept",
    ),
    ("clients dropping off after we billed them wrong", "It’s Not What You Did…", "concept"),
    ("staying on top of customer replies", "Retain through Responsiveness", "concept"),
    ("enthusiasm of sports fans dropping", "Re-Invigorate Your Clients", "concept"),
    ("being friendly at the checkout counter", "Be SomeBODY to Your Customer", "concept"),
    ("burnout in december", "Refresh, Rejuvenate, Refocus", "concept"),
    (
        "automated phone systems versus human agents",
        "Be Better than AI Customer Service",
        "concept",
    ),
    (
        "a store that tracks its shoppers with technology",
        "Facial Recognition is the Future of Customer Service",
        "concept",
    ),
    (
        "telling the neighbors about the renovation noise",
        "Care Enough to Give Them a Heads Up",
        "concept",
    ),
    ("diagrams help people understand instructions", "Paint a Picture, Take a Picture", "concept"),
    ("judging customers who did something silly", "Retrain Your Brain", "concept"),
    ("a cleaner who treats the building like his own", "“You’re the Boss”", "concept"),
    ("speaking with energy so I do not bore listeners", "Sharpen Your Service Delivery", "concept"),
    (
        "college staff knowing their students personally",
        "Customer Understanding Leads to Relationship Growth",
        "concept",
    ),
    ("the worst thing to say when you cannot help", "Words that Convey You Care", "concept"),
]


MRR_FLOOR = {"cli": 0.87, "served": 0.87, "static": 0.86}  # measured 0.918, 0.918, 0.902


def plain(title: str) -> str:
    """A title with typographic quotes and dashes made plain, for comparing titles."""
    return (
        title.replace("\u2019", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .replace("\u2013", "-")
        .replace("\u2026", "...")
        .strip()
    )


def reciprocal_rank(titles: Iterable[str], judged: str) -> float:
    """1/rank of the judged title in a result list (0 when missing from the first 10)."""
    wanted = plain(judged)
    for rank, title in enumerate(list(titles)[:10], start=1):
        if plain(title) == wanted:
            return 1.0 / rank
    return 0.0


def mean_reciprocal_rank(
    search: Callable[[str], list[str]], judged: Iterable[tuple[str, str, str]] | None = None
) -> tuple[float, dict[str, float]]:
    """MRR of `search` (query → result titles, best first) over `judged` (query, title, kind;
    default JUDGED), with each query's RR."""
    queries = JUDGED if judged is None else judged
    ranks = {query: reciprocal_rank(search(query), title) for query, title, _ in queries}
    return sum(ranks.values()) / len(ranks), ranks
