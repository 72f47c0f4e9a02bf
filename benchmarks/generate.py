"""A deterministic generator of realistic synthetic tips, for benchmarks and tests.

Each tip looks like a real Tip of the Week in tipbook's format: a 4–8 word title, a body of
350–700 words in 5–8 paragraphs (some with a bulleted list) that ends with its one-line
takeaway, a summary, 1–3 themes from `content/themes.yml`, tags, a source URL, and now and
then a part of a series. Dates are weekly Tuesdays going back from a fixed anchor.

Words are drawn from `benchmarks/words.txt` (the seed archive's words by frequency, then
customer-service vocabulary as the long tail) with Zipf–Mandelbrot frequencies, plus a share
of words that belong to the tip's themes, so search and related-tips see a natural
vocabulary and themes that really show in the text.

Tip `i` depends only on `(seed, i)`, and tip 0 is the newest: the corpus of 1,000 is the
newest 1,000 of the corpus of 5,000, and `generate_tip(-1)` is "next week's" new tip.

    python -m benchmarks.generate DIR N [--seed S]
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path

import yaml

from benchmarks.make_wordlist import VERBS
from tipbook.content import dumps_tip, save_tip, tip_path, tip_to_metadata
from tipbook.model import Series, Tip, slugify
from tipbook.taxonomy import load_taxonomy

# The newest tip's date (a Tuesday): fixed, so a corpus never holds a future-dated tip.
ANCHOR = dt.date(2025, 6, 3)
WORDS_FILE = Path(__file__).with_name("words.txt")
THEMES_FILE = Path(__file__).resolve().parents[1] / "content" / "themes.yml"
ZIPF_SHIFT = 2.7  # Mandelbrot's q: flattens the head so "the" is not half of every text
TOPIC_SHARE = 0.08  # share of body words drawn from the tip's themes' own words
TABLE_SIZE = 1 << 16  # entries of the Zipf lookup table: indexed by random unsigned shorts
SERIES_BLOCK = 40  # at most one series starts in each block of this many weeks

_SMALL = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
_STOP = _SMALL | {
    "i", "you", "we", "they", "it", "is", "are", "was", "be", "that", "this", "not", "but",
    "your", "their", "our", "them", "he", "she", "his", "her", "its", "what", "how", "can",
    "have", "has", "had", "do", "does", "did", "so", "if", "from", "there", "then", "than",
    "me", "my", "us", "who", "which", "when", "where", "will", "would", "could", "should",
    "just", "also", "into", "about", "more", "up", "out", "all", "some", "any", "been", "were",
    "these", "those", "s", "t", "re", "ve", "ll", "d", "m", "one", "two",
}  # fmt: skip
_CONNECTORS = ["the", "to", "your", "for", "of", "with", "and", "in", "a", "our"]
SERIES_NAMES = [
    "Customer for Life",
    "Service Recovery Steps",
    "The Empathy Toolkit",
    "Words That Work",
    "Warm Hand-offs",
    "Building Customer Trust",
    "The Listening Habit",
    "Keeping Customers Loyal",
    "Frontline Fundamentals",
    "The Caring Organization",
]
SECTOR_TAGS = ["healthcare", "higher-ed", "banking", "government", "retail", "hospitality"]
_C_YAML = hasattr(yaml, "CSafeDumper")  # libyaml is optional in PyYAML
_WORD_RE = re.compile(r"[a-z]+(?:['-][a-z]+)*")


@dataclass(frozen=True)
class Vocabulary:
    """Words with cumulative Zipf weights, and the themes' own words."""

    words: list[str]
    table: list[str]  # words repeated by Zipf weight: uniform draws are Zipf draws
    content: list[str]  # no function words: for titles and takeaways
    content_cum: list[float]
    verbs: list[str]
    topics: dict[str, list[str]]  # theme id → words that signal it
    theme_tags: dict[str, list[str]]


def _zipf_cum(count: int) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + ZIPF_SHIFT) for rank in range(1, count + 1)))


def _zipf_table(words: list[str], size: int = TABLE_SIZE) -> list[str]:
    """Exactly `size` entries, each word repeated in proportion to its Zipf weight (≥ once).

    Drawing uniformly from this table is a Zipf draw; with `size` = 2**16, random bytes
    read as unsigned shorts index it directly, several times faster than
    `random.choices` with weights (a bisect per word).
    """
    weights = [1.0 / (rank + ZIPF_SHIFT) for rank in range(1, len(words) + 1)]
    spare = size - len(words)  # every word gets one entry, the rest go by weight
    scale = spare / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    # Largest remainders take the entries that rounding down left over.
    order = sorted(range(len(words)), key=lambda i: -(weights[i] * scale % 1))
    for i in order[: size - sum(counts)]:
        counts[i] += 1
    table = [word for word, count in zip(words, counts, strict=True) for _ in range(count)]
    assert len(table) == size
    return table


@cache
def load_vocabulary(themes_file: Path = THEMES_FILE) -> Vocabulary:
    """The vocabulary (from `words.txt`) and each theme's topic words (from `themes.yml`)."""
    words = [
        line.strip()
        for line in WORDS_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    words = ["I" + w[1:] if w == "i" or w.startswith("i'") else w for w in words]
    content = [w for w in words if w not in _STOP and len(w) > 2]
    known = set(words)
    verbs = [v for v in VERBS.split() if v in known]
    taxonomy = load_taxonomy(themes_file)
    topics: dict[str, list[str]] = {}
    theme_tags: dict[str, list[str]] = {}
    for theme in taxonomy:
        pool: list[str] = []
        for signal in theme.signals:
            for part in signal.split():
                stem = part.rstrip("*").lower()
                if part.endswith("*"):
                    pool.extend(w for w in content if w.startswith(stem))
                elif stem not in _STOP:
                    pool.append(stem)
        description = _WORD_RE.findall(theme.description.lower())
        pool.extend(w for w in description if w in known and w not in _STOP and len(w) > 3)
        topics[theme.id] = sorted(set(pool)) or [theme.id]
        theme_tags[theme.id] = [theme.id, *theme.tags]
    return Vocabulary(
        words=words,
        table=_zipf_table(words),
        content=content,
        content_cum=_zipf_cum(len(content)),
        verbs=verbs,
        topics=topics,
        theme_tags=theme_tags,
    )


def tip_date(index: int) -> dt.date:
    """Tip `index`'s date: the anchor Tuesday, `index` weeks back."""
    return ANCHOR - dt.timedelta(weeks=index)


def _series_at(index: int, seed: int) -> Series | None:
    """The series part of tip `index`, if it is in one (parts run oldest first)."""
    block = index // SERIES_BLOCK
    rng = random.Random(f"{seed}:series:{block}")
    if rng.random() < 0.4:  # most blocks hold no series
        return None
    length = rng.randint(2, 5)
    start = block * SERIES_BLOCK + rng.randrange(SERIES_BLOCK - length)
    if not start <= index < start + length:
        return None
    name = SERIES_NAMES[block % len(SERIES_NAMES)]
    volume = block // len(SERIES_NAMES)
    if volume:
        name = f"{name}, Volume {volume + 1}"
    return Series(name, start + length - index)


def _sentence(words: list[str], rng: random.Random, end: str = ".") -> str:
    if len(words) > 9 and rng.random() < 0.5:
        cut = 3 + int(rng.random() * (len(words) - 6))
        words[cut] += ","
    text = " ".join(words)
    return text[0].upper() + text[1:] + end


def _title_case(words: list[str]) -> str:
    out = [w if (w in _SMALL and i) else w[0].upper() + w[1:] for i, w in enumerate(words)]
    return " ".join(out)


def _draw(vocab: Vocabulary, rng: random.Random, count: int, topics: list[str]) -> list[str]:
    """`count` body words: Zipf draws with a share of the themes' topic words mixed in."""
    indices = memoryview(rng.randbytes(2 * count)).cast("H")
    words = list(itemgetter(*indices)(vocab.table)) if count > 1 else [vocab.table[indices[0]]]
    n_topic = int(count * TOPIC_SHARE)
    for position, word in zip(
        rng.sample(range(count), n_topic), rng.choices(topics, k=n_topic), strict=True
    ):
        words[position] = word
    return words


def _paragraph(words: list[str], rng: random.Random) -> str:
    sentences = []
    start = 0
    while start < len(words):
        length = 7 + int(rng.random() * 16)  # 7–22 words (cheaper than randint)
        if len(words) - start - length < 5:  # no stub sentence at the end
            length = len(words) - start
        end = "?" if rng.random() < 0.08 else "."
        sentences.append(_sentence(words[start : start + length], rng, end))
        start += length
    return " ".join(sentences)


def _bullets(words: list[str], rng: random.Random) -> str:
    items = []
    start = 0
    while start < len(words):
        length = min(3 + int(rng.random() * 7), len(words) - start)
        items.append("- " + _sentence(words[start : start + length], rng, end=""))
        start += length
    return "\n".join(items)


def generate_tip(index: int, seed: int = 0, vocab: Vocabulary | None = None) -> Tip:
    """Tip number `index` (0 = the newest, at the anchor date; -1 = next week's new tip)."""
    vocab = vocab or load_vocabulary()
    rng = random.Random(f"{seed}:{index}")
    theme_ids = list(vocab.topics)
    themes = rng.sample(theme_ids, rng.choices((1, 2, 3), weights=(50, 35, 15))[0])
    topics = [w for theme in themes for w in vocab.topics[theme]]
    date = tip_date(index)

    series = _series_at(index, seed)
    if series:
        title = f"{series.name} – Part {series.part}"
    else:
        picks = rng.choices(vocab.content, cum_weights=vocab.content_cum, k=rng.randint(3, 6))
        picks[rng.randrange(len(picks))] = rng.choice(vocab.topics[themes[0]])
        if rng.random() < 0.6:
            picks.insert(rng.randrange(1, len(picks)), rng.choice(_CONNECTORS))
        if len(picks) < 4:
            picks.append(rng.choice(vocab.content[:200]))
        title = _title_case(picks)
        if rng.random() < 0.05:  # a few titles that YAML must quote
            title = f"{title.split(' ', 1)[0]}: {title.split(' ', 1)[1]}"

    verb = rng.choice(vocab.verbs)
    takeaway_words = rng.choices(vocab.content, cum_weights=vocab.content_cum, k=rng.randint(3, 7))
    takeaway = _sentence([verb, "the", *takeaway_words], rng, end=".").replace(",", "")

    # Body: 5–8 paragraphs, 0–2 of them bulleted lists, 350–700 words with the takeaway.
    total = rng.randint(350, 700) - len(takeaway.split())
    n_paragraphs = rng.randint(5, 8)
    n_lists = rng.choices((0, 1, 2), weights=(25, 55, 20))[0]
    list_sizes = [rng.randint(3, 6) * rng.randint(5, 8) for _ in range(n_lists)]
    prose = total - sum(list_sizes)
    weights = [rng.uniform(0.6, 1.4) for _ in range(n_paragraphs)]
    sizes = [max(12, int(prose * w / sum(weights))) for w in weights]
    sizes[0] += prose - sum(sizes)
    words = _draw(vocab, rng, sum(sizes) + sum(list_sizes), topics)
    blocks: list[str] = []
    position = 0
    for size in sizes:
        blocks.append(_paragraph(words[position : position + size], rng))
        position += size
    for size in list_sizes:
        at = rng.randint(1, len(blocks) - 1)
        blocks.insert(at, _bullets(words[position : position + size], rng))
        position += size
    blocks.append(takeaway)
    body = "\n\n".join(blocks)

    first = blocks[0]
    summary = first if len(first) <= 300 else first[:299].rsplit(" ", 1)[0].rstrip(",") + "…"
    slug = slugify(title)
    tags = sorted({rng.choice(vocab.theme_tags[t]) for t in themes})
    if rng.random() < 0.3:
        tags.append(rng.choice(SECTOR_TAGS))
    source = f"https://cssamerica.com/{slug}-{date.month}-{date.day}-{date.year % 100:02d}/"
    return Tip(
        title=title,
        date=date,
        slug=slug,
        themes=themes,
        tags=tags,
        summary=summary,
        takeaway=takeaway,
        series=series,
        source=source,
        body=body,
    )


def generate_tips(n: int, seed: int = 0) -> list[Tip]:
    """The `n` newest synthetic tips (without writing them), newest first."""
    vocab = load_vocabulary()
    return [generate_tip(index, seed, vocab) for index in range(n)]


def dumps_tip_fast(tip: Tip) -> str:
    """`tipbook.content.dumps_tip`'s exact bytes, through libyaml's C emitter (~8× faster).

    The C emitter writes list items unindented ("themes:\n- empathy"); tipbook's dumper
    indents them. Front-matter values are single-line scalars, so a line starting with "- "
    is always a top-level list item and indenting those lines gives the same file
    (`tests/test_benchmarks.py` checks the bytes against `dumps_tip`).
    """
    front = yaml.dump(
        tip_to_metadata(tip),
        Dumper=yaml.CSafeDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
    ).replace("\n- ", "\n  - ")
    body = f"\n{tip.body}\n" if tip.body else ""
    return f"---\n{front}---\n{body}"


def generate_corpus(content_dir: Path, n: int, seed: int = 0, durable: bool = False) -> list[Tip]:
    """Write `n` synthetic tips (and a copy of `themes.yml`) into `content_dir`.

    `durable=True` writes each file with `tipbook.content.save_tip` (atomic, fsynced).
    """
    content_dir = Path(content_dir)
    content_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(THEMES_FILE, content_dir / "themes.yml")
    tips = generate_tips(n, seed)
    if durable:
        for tip in tips:
            save_tip(content_dir, tip)
        return tips
    # Creating a file costs most of a millisecond on a VM's disk, and the system call
    # releases the GIL: threads write while this thread renders the next files.
    for year in {tip.date.year for tip in tips}:
        (content_dir / "tips" / f"{year:04d}").mkdir(parents=True, exist_ok=True)
    render = dumps_tip_fast if _C_YAML else dumps_tip
    jobs = ((tip_path(content_dir, tip), render(tip)) for tip in tips)
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in pool.map(lambda job: job[0].write_text(job[1], encoding="utf-8"), jobs):
            pass
    return tips


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.generate DIR N [--seed S]`."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate",
        description="Write N realistic synthetic tips into DIR/tips (and DIR/themes.yml).",
    )
    parser.add_argument("dir", type=Path, help="the content directory to fill")
    parser.add_argument("n", type=int, help="how many tips (the newest N of the series)")
    parser.add_argument("--seed", type=int, default=0, help="another seed, another corpus")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be 0 or more")
    tips = generate_corpus(args.dir, args.n, args.seed)
    sys.stderr.write(f"{len(tips)} synthetic tips written to {args.dir}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
