"""The mirror's machine-readable doors, made from the same posts as its pages.

WordPress publishes every post three more ways than its theme's pages, and so does the
mirror: the REST API (`/wp-json/`, answered by `server.py` from `_wp/*.json`, with
pagination, `_fields` and the `X-WP-Total` headers), RSS feeds (`/feed/`, the category's and
each tag's, ten items a page, `?paged=N`), and core's sitemaps (`/wp-sitemap.xml`). URLs in
them are absolute, with `MIRROR_BASE` for the server's own address, as WordPress writes its
home URL.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable
from email.utils import format_datetime
from pathlib import Path

from benchmarks.mirror.seeds import SeedTip

FEED_PER_PAGE = 10  # WordPress's default posts_per_rss
GMT_OFFSET = -5
CATEGORY_ID = 7
FIRST_TAG_ID = 11


def entities(text: str) -> str:
    """HTML-escaped, non-ASCII as numeric references: how WordPress renders titles."""
    return html.escape(text, quote=False).encode("ascii", "xmlcharrefreplace").decode("ascii")


def local_time(tip: SeedTip, post_time: str) -> dt.datetime:
    hour, minute, second = (int(p) for p in post_time.split(":"))
    return dt.datetime.combine(tip.date, dt.time(hour, minute, second))


def _excerpt_words(tip: SeedTip, words: int = 55) -> str:
    text = " ".join(tip.paragraphs)
    return " ".join(text.split()[:words])


def write_rest(
    root: Path,
    *,
    base: str,
    site_name: str,
    posts: list[SeedTip],
    ids: dict[str, int],
    paths: dict[str, str],
    content: Callable[[SeedTip], str],
    category: tuple[str, str],
    tags: tuple[str, ...],
    post_time: str,
) -> None:
    """`_wp/`: the site index, categories, tags and posts as the REST API gives them."""
    folder = root / "_wp"
    folder.mkdir(parents=True, exist_ok=True)
    index = {
        "name": site_name,
        "description": "Customer Service Training, Consulting and Research",
        "url": base,
        "home": base,
        "gmt_offset": GMT_OFFSET,
        "timezone_string": "",  # a manual UTC offset, as many sites have
        "namespaces": ["oembed/1.0", "wp/v2"],
        "routes": {"/wp/v2/posts": {}, "/wp/v2/categories": {}, "/wp/v2/tags": {}},
    }
    slug, name = category
    categories = [
        {
            "id": CATEGORY_ID,
            "count": sum(1 for p in posts if p.in_category),
            "link": f"{base}/category/{slug}/",
            "name": name,
            "slug": slug,
            "taxonomy": "category",
        }
    ]
    tag_ids = {tag: FIRST_TAG_ID + n for n, tag in enumerate(tags)}
    tag_records = [
        {
            "id": tag_ids[tag],
            "count": sum(1 for p in posts if tag in p.tags),
            "link": f"{base}/tag/{tag}/",
            "name": tag.capitalize(),
            "slug": tag,
            "taxonomy": "post_tag",
        }
        for tag in tags
    ]
    records = []
    for tip in posts:
        local = local_time(tip, post_time)
        gmt = local - dt.timedelta(hours=GMT_OFFSET)
        link = f"{base}{paths[tip.title]}"
        title = entities(tip.title_line)
        records.append(
            {
                "id": ids[tip.title],
                "date": local.isoformat(),
                "date_gmt": gmt.isoformat(),
                "modified": local.isoformat(),
                "modified_gmt": gmt.isoformat(),
                "slug": paths[tip.title].strip("/"),
                "status": "publish",
                "type": "post",
                "link": link,
                "title": {"rendered": title},
                "content": {"rendered": content(tip), "protected": False},
                "excerpt": {
                    "rendered": f"<p>{entities(_excerpt_words(tip))}&hellip; "
                    f'<a href="{link}" class="more-link">Continue reading<span class='
                    f'"screen-reader-text"> &#8220;{title}&#8221;</span></a></p>\n',
                    "protected": False,
                },
                "author": 1,
                "categories": [CATEGORY_ID] if tip.in_category else [],
                "tags": [tag_ids[t] for t in tip.tags if t in tag_ids],
            }
        )
    for name_, data in (
        ("index", index),
        ("categories", categories),
        ("tags", tag_records),
        ("posts", records),
    ):
        (folder / f"{name_}.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def _rss(
    *, base: str, site_name: str, title: str, self_path: str, items: list[str], link: str
) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
	<title>{entities(title)}</title>
	<atom:link href="{base}{self_path}" rel="self" type="application/rss+xml" />
	<link>{link}</link>
	<description>Customer Service Training, Consulting and Research</description>
	<language>en-US</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<generator>https://wordpress.org/?v=6.5</generator>
{"".join(items)}</channel>
</rss>
"""


def _item(
    tip: SeedTip,
    *,
    base: str,
    site_name: str,
    ids: dict[str, int],
    paths: dict[str, str],
    content: Callable[[SeedTip], str],
    category_name: str,
    post_time: str,
) -> str:
    local = local_time(tip, post_time)
    gmt = (local - dt.timedelta(hours=GMT_OFFSET)).replace(tzinfo=dt.UTC)
    link = f"{base}{paths[tip.title]}"
    title = entities(tip.title_line)
    appeared = (
        f'<p>The post <a href="{link}">{title}</a> appeared first on '
        f'<a href="{base}">{entities(site_name)}</a>.</p>'
    )
    categories = "".join(
        f"\t\t<category><![CDATA[{c}]]></category>\n" for c in [category_name, *tip.tags]
    )
    return f"""	<item>
		<title>{title}</title>
		<link>{link}</link>
		<dc:creator><![CDATA[CSS]]></dc:creator>
		<pubDate>{format_datetime(gmt).replace("-0000", "+0000")}</pubDate>
{categories}		<guid isPermaLink="false">{base}/?p={ids[tip.title]}</guid>
		<description><![CDATA[{entities(_excerpt_words(tip))} [&#8230;]</p>
{appeared}]]></description>
		<content:encoded><![CDATA[{content(tip)}
{appeared}]]></content:encoded>
	</item>
"""


def write_feeds(
    root: Path,
    *,
    base: str,
    site_name: str,
    posts: list[SeedTip],
    ids: dict[str, int],
    paths: dict[str, str],
    content: Callable[[SeedTip], str],
    category: tuple[str, str],
    tags: tuple[str, ...],
    post_time: str,
) -> None:
    """`feed/index.xml` and `feed/paged-N.xml` for the site, the category and each tag."""
    slug, category_name = category
    feeds = [("/feed/", site_name, posts, f"{base}/")]
    feeds.append(
        (
            f"/category/{slug}/feed/",
            f"{category_name} Archives - {site_name}",
            [p for p in posts if p.in_category],
            f"{base}/category/{slug}/",
        )
    )
    for tag in tags:
        feeds.append(
            (
                f"/tag/{tag}/feed/",
                f"{tag} Archives - {site_name}",
                [p for p in posts if tag in p.tags],
                f"{base}/tag/{tag}/",
            )
        )
    for path, title, listed, link in feeds:
        folder = root / path.strip("/")
        folder.mkdir(parents=True, exist_ok=True)
        chunks = [listed[i : i + FEED_PER_PAGE] for i in range(0, len(listed), FEED_PER_PAGE)]
        for number, chunk in enumerate(chunks or [[]], start=1):
            items = [
                _item(
                    tip,
                    base=base,
                    site_name=site_name,
                    ids=ids,
                    paths=paths,
                    content=content,
                    category_name=category_name,
                    post_time=post_time,
                )
                for tip in chunk
            ]
            text = _rss(
                base=base,
                site_name=site_name,
                title=title,
                self_path=path,
                items=items,
                link=link,
            )
            name = "index.xml" if number == 1 else f"paged-{number}.xml"
            (folder / name).write_text(text, encoding="utf-8")


def write_sitemaps(
    root: Path,
    *,
    base: str,
    posts: list[SeedTip],
    paths: dict[str, str],
    category_slug: str,
    tags: tuple[str, ...],
    post_time: str,
) -> None:
    """Core's sitemaps: the index, the posts' (with lastmod) and the taxonomies'."""
    header = '<?xml version="1.0" encoding="UTF-8"?>\n'
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    children = [
        "wp-sitemap-posts-post-1.xml",
        "wp-sitemap-taxonomies-category-1.xml",
        "wp-sitemap-taxonomies-post_tag-1.xml",
    ]
    index = "".join(f"<sitemap><loc>{base}/{c}</loc></sitemap>" for c in children)
    (root / "wp-sitemap.xml").write_text(
        f"{header}<sitemapindex {ns}>{index}</sitemapindex>\n", "utf-8"
    )
    urls = "".join(
        f"<url><loc>{base}{paths[t.title]}</loc><lastmod>"
        f"{local_time(t, post_time).isoformat()}-05:00</lastmod></url>"
        for t in posts
    )
    (root / children[0]).write_text(f"{header}<urlset {ns}>{urls}</urlset>\n", "utf-8")
    categories = f"<url><loc>{base}/category/{category_slug}/</loc></url>"
    (root / children[1]).write_text(f"{header}<urlset {ns}>{categories}</urlset>\n", "utf-8")
    tag_urls = "".join(f"<url><loc>{base}/tag/{t}/</loc></url>" for t in tags)
    (root / children[2]).write_text(f"{header}<urlset {ns}>{tag_urls}</urlset>\n", "utf-8")
