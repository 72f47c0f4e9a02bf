# ruff: noqa: E501  (HTML templates read best unwrapped)
"""Build a static, WordPress-like mirror of the tip archive from the seeds.

The mirror copies the structure of the real site (a WordPress theme with Jetpack): the
category archive and three tag archives with `/page/N/` pagination and "Older posts" links,
the "Recent Tips" sidebar widget (ten excerpts ending in "Read more") on every page, full
post pages with `<time datetime>`, the "Posted on … in Customer Service Tip of the Week /
Please leave a comment" line, the "Signup for FREE Tips! | Contact Us | …" footer inside the
post content, Jetpack share and related-posts blocks, navigation, comments and a sidebar.
Widget-only tips have no post page (404), one post is served as windows-1252, one has
hostile markup, one links off-host, and seed 004 is a non-WordPress article at its own path.

`build_mirror(out_dir, offhost_base)` writes the files and returns a `Mirror` describing
them; `benchmarks/mirror/server.py` serves the folder.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.mirror.seeds import Block, SeedTip, load_seed_tips, widget_lists

SITE_NAME = "Customer Service Solutions, Inc."
REAL_SITE = "https://cssamerica.com"
CATEGORY = "customer-service-tip-of-the-week"
CATEGORY_NAME = "Customer Service Tip of the Week"
CATEGORY_PER_PAGE = 3
TAG_PER_PAGE = 2
TAGS = ("caring", "compassion", "empathy")
# The widget shown on pages outside the three tag archives: the newest capture (seed 003).
DEFAULT_WIDGET = "empathy"
SHORTLINK_TIP = "Make Empathy Your Superpower"  # its widget link is a `/?p=` shortlink
SHORTLINK = "/?p=4242"
CP1252_TIP = "Love is never having to say you’re sorry"
HOSTILE_TIP = "How to Grow Your Relationships"
OFFHOST_TIP = "It’s Not What You Did…"
RELATIVE_LINK_TIP = "Why to Become an Empathy Expert"
LIST_AS_UL = {"Build Up Your Peers to Better the Customer Experience"}
BULLETS_IN_ONE_P = {"Convey Compassion in Customer Service"}  # `•` lines joined by <br>
STRONG_PREFIXES = ("SCENARIO 1:", "SCENARIO 2:", "SCENARIO 3:")
STRONG_LEADS = ("The Terrible Transfer", "The Technology Troubles", "The Protracted Process")
EXTERNAL_PATH = "/2016/05/10/caring-crucial-to-customer-service/"
ROBOTS = """User-agent: *
Disallow: /wp-admin/
Disallow: /print/
Allow: /wp-admin/admin-ajax.php

User-agent: BadBot
Disallow: /
"""
LAST_MODIFIED = "Tue, 20 Feb 2024 12:00:00 GMT"
POST_TIME = "21:30:00"  # local time (UTC-5) of every post
# What WordPress puts in every page's <head>: the REST API and the feeds.
DOOR_LINKS = (
    '<link rel="https://api.w.org/" href="/wp-json/">\n'
    f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" '
    'href="/feed/">'
)
IMAGE_FILES = {
    # path → (content, content type); compassion.png is shown in two posts
    "/wp-content/uploads/2013/08/compassion.png": "png",
    "/wp-content/uploads/2013/08/lazy.gif": "gif",
    "/wp-content/uploads/2013/08/fake.jpg": "html",
    "/wp-content/uploads/2013/08/huge.png": "huge",
}
OFFSITE_IMAGE = "/img/team.jpg"
_NON_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class Mirror:
    """What was built: the folder, the paths of interest and the tips behind them."""

    root: Path
    tips: list[SeedTip]
    post_paths: dict[str, str] = field(default_factory=dict)  # title → path of its post
    archive_paths: dict[str, list[str]] = field(default_factory=dict)  # archive → page paths
    external_path: str = EXTERNAL_PATH

    @property
    def start_paths(self) -> list[str]:
        return [f"/category/{CATEGORY}/", *(f"/tag/{tag}/" for tag in TAGS)]


IMAGE_POSTS = {
    "Convey Compassion in Customer Service": "compassion",
    "Build Up Your Peers to Better the Customer Experience": "peers",
}
# A placeholder the server replaces with its own address (the REST API, feeds and sitemaps
# give absolute URLs, as WordPress does, and the port is known only when serving).
MIRROR_BASE = "__MIRROR_BASE__"


@dataclass
class ImageSet:
    """The images of the image tests: an upload shown in two posts, a lazy-loaded one, one
    on another server, one that is gone, one that is not an image and one over the cap."""

    offsite_base: str = ""  # the server holding OFFSITE_IMAGE
    prefix: str = ""  # before on-site paths: "" in the theme's pages, MIRROR_BASE elsewhere

    def absolute(self) -> ImageSet:
        return ImageSet(self.offsite_base, MIRROR_BASE)

    def figures(self, tip: SeedTip) -> list[str]:
        which = IMAGE_POSTS.get(tip.title)
        up = f"{self.prefix}/wp-content/uploads/2013/08"
        if which == "compassion":
            return [
                f'<figure class="wp-block-image size-large"><img decoding="async" width="4" '
                f'height="4" src="{up}/compassion.png" alt="Two hands held in comfort" '
                'class="wp-image-55" srcset="x.png 4w" /></figure>'
            ]
        if which == "peers":
            return [
                f'<p><img src="{up}/compassion.png" alt="Two hands held in comfort"></p>',
                f'<figure><img src="{self.offsite_base}{OFFSITE_IMAGE}" '
                'alt="A team &quot;huddle&quot; [photo]"><figcaption>Our team</figcaption>'
                "</figure>",
                f'<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="{up}/lazy.gif"'
                ' alt="Lazy"></p>',
                f'<p><img src="{up}/gone.png" alt="Gone"> <img src="{up}/fake.jpg" alt="Fake">'
                f' <img src="{up}/huge.png" alt="Huge"></p>',
            ]
        return []


def image_bytes(kind: str) -> bytes:
    """Small valid images by kind, a page pretending to be one, and one over any small cap."""
    if kind == "png":
        return bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
    if kind == "gif":
        return b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    if kind == "jpeg":
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
    if kind == "huge":
        return image_bytes("png") + b"\x00" * 300_000
    return b"<!DOCTYPE html><html><body>Not an image</body></html>"


def wp_slug(title_line: str) -> str:
    """A WordPress-like permalink slug of a title as the site shows it (date included)."""
    ascii_text = title_line.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_SLUG.sub("-", ascii_text).strip("-")


def post_path(tip: SeedTip) -> str:
    return f"/{wp_slug(tip.title_line)}/"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _iso(date: dt.date) -> str:
    # Late in the evening: in UTC it is already the next day, so a scraper that takes the
    # date from UTC (a feed's pubDate, the REST API's date_gmt) gets it wrong.
    return f"{date.isoformat()}T{POST_TIME}-05:00"


def _paragraph_html(tip: SeedTip, text: str, offhost_base: str) -> str:
    """One paragraph's inner HTML, with the markup the real posts carry.

    With an `offhost_base` (tests), a few links the seeds do not show are added too: an
    off-host link, a relative link and a hostile `javascript:` link.
    """
    inner = _e(text).replace("\xa0", "&nbsp;")
    for prefix in STRONG_PREFIXES:
        if text.startswith(prefix):
            inner = f"<strong>{_e(prefix)}</strong>" + inner[len(_e(prefix)) :]
    for lead in STRONG_LEADS:
        if text.startswith(lead):
            inner = f"<b>{_e(lead)}</b>" + inner[len(_e(lead)) :]
    if tip.title == CP1252_TIP and "Love Story" in text:
        inner = inner.replace("Love Story", "<em>Love Story</em>", 1)
    if not offhost_base:
        return inner
    if tip.title == OFFHOST_TIP and "68% of lost business" in text:
        link = f"{offhost_base}/research/perceived-indifference/?utm_source=cssamerica"
        inner = inner.replace(
            "68% of lost business", f'<a href="{_e(link)}">68% of lost business</a>', 1
        )
    if tip.title == RELATIVE_LINK_TIP and "empathize" in text:
        inner = inner.replace("empathize", '<a href="/tag/empathy/">empathize</a>', 1)
    if tip.title == HOSTILE_TIP and "Leo Buscaglia" in text:
        inner = inner.replace(
            "Leo Buscaglia",
            '<a href="javascript:alert(document.cookie)" onclick="steal()">Leo Buscaglia</a>',
            1,
        )
    return inner


def _block_html(tip: SeedTip, block: Block, offhost_base: str) -> str:
    if block.kind == "p":
        attrs = ' onmouseover="track(this)"' if tip.title == HOSTILE_TIP and offhost_base else ""
        return f"<p{attrs}>{_paragraph_html(tip, block.texts[0], offhost_base)}</p>"
    if tip.title in LIST_AS_UL:
        items = "".join(f"<li>{_paragraph_html(tip, t, offhost_base)}</li>\n" for t in block.texts)
        return f"<ul>\n{items}</ul>"
    if tip.title in BULLETS_IN_ONE_P:
        lines = "<br />\n".join(
            f"&nbsp; • {_paragraph_html(tip, t, offhost_base)}" for t in block.texts
        )
        return f"<p>{lines}</p>"
    return "\n".join(f"<p>• {_paragraph_html(tip, t, offhost_base)}</p>" for t in block.texts)


def _footer_links() -> str:
    return (
        '<p style="text-align: center;"><a href="/signup/"><strong>Signup for FREE Tips!'
        '</strong></a>&nbsp;&nbsp;&nbsp; <a href="/contact-us/">Contact Us</a>&nbsp;&nbsp;&nbsp; '
        '<a href="/resources/">More Resources for You</a>&nbsp;&nbsp;&nbsp; '
        '<a href="/">Visit Our Home Page</a></p>\n<p>&nbsp;</p>'
    )


def _share_block(path: str, title: str) -> str:
    url = f"{REAL_SITE}{path}"
    return f"""<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block">
<h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>
<li class="share-print"><a rel="nofollow" href="/print{path}" title="Click to print">Print</a></li>
<li class="share-twitter"><a href="https://twitter.com/share?url={_e(url)}&amp;text={_e(title)}">Twitter</a></li>
<li class="share-facebook"><a href="https://www.facebook.com/sharer.php?u={_e(url)}">Facebook</a></li>
<li class="share-linkedin"><a href="https://www.linkedin.com/shareArticle?url={_e(url)}">LinkedIn</a></li>
</ul></div></div></div>
<div class="sharedaddy sd-block sd-like jetpack-likes-widget-wrapper"><h3 class="sd-title">Like this:</h3>
<div class="likes-widget-placeholder post-likes-widget-placeholder">Like Loading...</div></div>"""


def _related_block(others: list[SeedTip]) -> str:
    items = "".join(
        f'<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title">'
        f'<a href="{post_path(o)}" rel="nofollow">{_e(o.title_line)}</a></h4>'
        f'<p class="jp-relatedposts-post-excerpt">{_e(o.paragraphs[0][:120])}</p>'
        f'<p class="jp-relatedposts-post-context">In "{CATEGORY_NAME}"</p></div>'
        for o in others
    )
    return (
        '<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
        f'<em>Related</em></h3><div class="jp-relatedposts-items">{items}</div></div>'
    )


def post_content(tip: SeedTip, offhost_base: str, images: ImageSet | None = None) -> str:
    """The post's own content, as WordPress stores it (and the REST API and feeds give it):
    the text, the footer line, and the figures of an image set; `base` prefixes image URLs
    (the REST API and feeds use absolute ones, the theme's pages root-relative ones)."""
    parts = [_block_html(tip, block, offhost_base) for block in tip.blocks]
    if tip.title == HOSTILE_TIP and offhost_base:
        parts.insert(1, '<script>document.write("<p>injected</p>")</script>')
        parts.insert(3, '<iframe src="https://www.youtube.com/embed/xyz" width="560"></iframe>')
        parts.insert(5, "<style>p { color: red }</style>")
    if images is not None:
        for position, figure in enumerate(images.figures(tip), start=1):
            parts.insert(min(position, len(parts)), figure)
    if tip.date.year >= 2017:  # the footer line came with the newer posts
        parts.append(_footer_links())
    return "\n".join(parts)


def _entry_content(
    tip: SeedTip, offhost_base: str, others: list[SeedTip], images: ImageSet | None = None
) -> str:
    parts = [post_content(tip, offhost_base, images)]
    parts.append(_share_block(post_path(tip), tip.title_line))
    parts.append(_related_block(others))
    return "\n".join(parts)


def _meta_line(tip: SeedTip) -> str:
    path = post_path(tip)
    return (
        f'<div class="entry-meta"><span class="posted-on">Posted on <a href="{path}" '
        f'rel="bookmark"><time class="entry-date published" datetime="{_iso(tip.date)}">'
        f'</time></a></span> <span class="cat-links">in <a href="/category/{CATEGORY}/" '
        f'rel="category tag">{CATEGORY_NAME}</a></span> <span class="comments-link">'
        f'<a href="{path}#respond">Please leave a comment</a></span></div>'
    )


def _tag_links(tip: SeedTip) -> str:
    if not tip.tags:
        return ""
    links = ", ".join(f'<a href="/tag/{t}/" rel="tag">{_e(t)}</a>' for t in tip.tags)
    return f'<footer class="entry-footer"><span class="tags-links">Tagged {links}</span></footer>'


def _article(
    tip: SeedTip,
    offhost_base: str,
    others: list[SeedTip],
    heading: str,
    images: ImageSet | None = None,
) -> str:
    classes = " ".join(
        ["post", "type-post", "status-publish", "hentry", f"category-{CATEGORY}"]
        + [f"tag-{t}" for t in tip.tags]
    )
    path = post_path(tip)
    return f"""<article id="post-{zlib.crc32(tip.title.encode()) % 10000}" class="{classes}">
<header class="entry-header"><{heading} class="entry-title"><a href="{path}" rel="bookmark">{_e(tip.title_line)}</a></{heading}>
{_meta_line(tip)}</header>
<div class="entry-content">
{_entry_content(tip, offhost_base, others, images)}
</div>
{_tag_links(tip)}
</article>"""


def _widget(entries: list[tuple[str, str, dt.date]], links: dict[str, str]) -> str:
    items = []
    for title_line, excerpt, _date in entries:
        href = links[title_line] + "?utm_source=recent-tips&utm_medium=widget"
        if title_line.startswith(SHORTLINK_TIP):
            href = SHORTLINK
        items.append(
            f'<li class="recent-tip"><a class="recent-tip-title" href="{_e(href)}">'
            f'{_e(title_line)}</a><br /><br />\n<p class="recent-tip-excerpt">'
            f'{_e(excerpt).replace(chr(160), "&nbsp;")} <a class="more-link" '
            f'href="{_e(href)}">Read more</a></p></li>'
        )
    return (
        '<section id="recent-tips-2" class="widget widget_recent_tips">'
        '<h2 class="widget-title">Recent Tips</h2><ul>' + "\n".join(items) + "</ul></section>"
    )


def _page(
    *,
    title: str,
    canonical: str,
    body_class: str,
    main: str,
    widget: str,
    head_extra: str = "",
    charset: str = "UTF-8",
    offhost_base: str = "",
) -> str:
    if charset == "UTF-8":
        meta_charset = '<meta charset="UTF-8">'
    else:
        meta_charset = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
{meta_charset}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<link rel="canonical" href="{_e(canonical)}">
{DOOR_LINKS}
{head_extra}
<link rel="stylesheet" href="/wp-content/themes/css/style.css">
<script>window._wpemojiSettings = {{"source": "/wp-includes/js/wp-emoji.js"}};</script>
<style>.site-header {{ background: #036; }}</style>
</head>
<body class="{body_class}">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header" role="banner">
<div class="site-branding"><p class="site-title"><a href="/" rel="home">{SITE_NAME}</a></p>
<p class="site-description">Customer Service Training, Consulting and Research</p></div>
<nav id="site-navigation" class="main-navigation" role="navigation"><ul id="primary-menu">
<li><a href="/">Home</a></li><li><a href="/about-us/">About Us</a></li>
<li><a href="/category/{CATEGORY}/">{CATEGORY_NAME}</a></li>
<li><a href="/contact-us/">Contact Us</a></li><li><a href="/wp-admin/">Log in</a></li>
<li><a href="{_e(offhost_base or "https://www.linkedin.com/company/cssamerica")}/">Our Partner</a></li></ul></nav>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area"><main id="main" class="site-main" role="main">
{main}
</main></div>
<aside id="secondary" class="widget-area" role="complementary">
<section id="search-2" class="widget widget_search"><form role="search" method="get" action="/">
<label>Search for: <input type="search" name="s"></label><input type="submit" value="Search"></form>
</section>
{widget}
<section id="text-3" class="widget widget_text"><h2 class="widget-title">Subscribe</h2>
<div class="textwidget"><p>Get the Customer Service Tip of the Week in your inbox.
<a href="/signup/">Signup for FREE Tips!</a></p></div></section>
</aside>
</div>
<footer id="colophon" class="site-footer" role="contentinfo"><div class="site-info">
Copyright © 2024 {SITE_NAME} · <a href="/privacy-policy/">Privacy Policy</a></div></footer>
</div>
<script src="/wp-includes/js/wp-embed.min.js"></script>
</body>
</html>
"""


def _archive_pages(
    name: str,
    base_path: str,
    heading: str,
    tips: list[SeedTip],
    per_page: int,
    widget: str,
    offhost_base: str,
    all_posts: list[SeedTip],
    images: ImageSet | None = None,
) -> list[tuple[str, str]]:
    """(path, html) for every page of one archive."""
    pages = [tips[i : i + per_page] for i in range(0, len(tips), per_page)] or [[]]
    result = []
    for number, chunk in enumerate(pages, start=1):
        path = base_path if number == 1 else f"{base_path}page/{number}/"
        head_extra = ""
        nav = []
        if number < len(pages):
            older = f"{base_path}page/{number + 1}/"
            head_extra += f'<link rel="next" href="{older}">\n'
            nav.append(f'<div class="nav-previous"><a href="{older}">Older posts</a></div>')
        if number > 1:
            newer = base_path if number == 2 else f"{base_path}page/{number - 1}/"
            head_extra += f'<link rel="prev" href="{newer}">\n'
            nav.append(f'<div class="nav-next"><a href="{newer}">Newer posts</a></div>')
        articles = "\n".join(
            _article(t, offhost_base, _others(t, all_posts), "h2", images) for t in chunk
        )
        navigation = (
            '<nav class="navigation posts-navigation" role="navigation"><h2 class="screen-reader-'
            f'text">Posts navigation</h2><div class="nav-links">{"".join(nav)}</div></nav>'
        )
        main = (
            f'<header class="page-header"><h1 class="page-title">{_e(heading)}</h1></header>\n'
            f"{articles}\n{navigation}"
        )
        suffix = f" | Page {number}" if number > 1 else ""
        result.append(
            (
                path,
                _page(
                    title=f"{name}{suffix} | {SITE_NAME}",
                    canonical=f"{REAL_SITE}{path}",
                    body_class=f"archive paged-{number} {base_path.strip('/').replace('/', '-')}",
                    main=main,
                    widget=widget,
                    head_extra=head_extra,
                    offhost_base=offhost_base,
                ),
            )
        )
    return result


def _others(tip: SeedTip, posts: list[SeedTip]) -> list[SeedTip]:
    return [p for p in posts if p is not tip][:3]


def _post_page(
    tip: SeedTip,
    posts: list[SeedTip],
    widget: str,
    offhost_base: str,
    charset: str,
    images: ImageSet | None = None,
) -> str:
    index = posts.index(tip)
    nav = []
    if index + 1 < len(posts):
        prev = posts[index + 1]
        nav.append(
            f'<div class="nav-previous"><a href="{post_path(prev)}" rel="prev">'
            f"{_e(prev.title_line)}</a></div>"
        )
    if index > 0:
        nxt = posts[index - 1]
        nav.append(
            f'<div class="nav-next"><a href="{post_path(nxt)}" rel="next">'
            f"{_e(nxt.title_line)}</a></div>"
        )
    main = f"""{_article(tip, offhost_base, _others(tip, posts), "h1", images)}
<nav class="navigation post-navigation" role="navigation"><h2 class="screen-reader-text">Post navigation</h2>
<div class="nav-links">{"".join(nav)}</div></nav>
<div id="comments" class="comments-area"><div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes">Your email address will not be published.</p>
<p class="comment-form-comment"><label for="comment">Comment</label><textarea id="comment" name="comment"></textarea></p>
<p class="form-submit"><input name="submit" type="submit" value="Post Comment"></p></form></div></div>"""
    head = (
        f'<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{_e(tip.title_line)}">\n'
        f'<meta property="article:published_time" content="{_iso(tip.date)}">\n'
        f'<link rel="shortlink" href="{REAL_SITE}{SHORTLINK}">'
    )
    return _page(
        title=f"{tip.title_line} | {SITE_NAME}",
        canonical=f"{REAL_SITE}{post_path(tip)}",
        body_class="post-template-default single single-post single-format-standard",
        main=main,
        widget=widget,
        head_extra=head,
        charset=charset,
        offhost_base=offhost_base,
    )


def _external_page(tip: SeedTip, offhost_base: str) -> str:
    """Seed 004: a plain (non-WordPress) news template with lots of surrounding chrome."""
    paragraphs = "\n".join(f"<p>{_e(b.texts[0])}</p>" for b in tip.blocks)
    links = "".join(
        f'<li><a href="/news/story-{n}/">Popular story number {n} about service</a></li>'
        for n in range(1, 9)
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{_e(tip.title)} - News</title>
<link rel="canonical" href="{REAL_SITE}{EXTERNAL_PATH}">
<script src="/analytics.js"></script></head>
<body>
<div class="topbar"><a href="/">Home</a> | <a href="/news/">News</a> | <a href="/subscribe/">Subscribe</a>
| <a href="{_e(offhost_base or "https://ads.example.net")}/ads/">Advertise</a></div>
<div class="cookie-notice">We use cookies to improve your experience. <a href="/privacy/">Learn more</a></div>
<div class="layout">
<div class="story">
<h1 class="headline">{_e(tip.title)}</h1>
<div class="byline">By Staff Writer</div>
<div class="figure"><img src="/images/business-people-writing.jpg" alt="business-people-writing" onerror="alert(1)"><span class="caption">business-people-writing</span></div>
<div class="story-text">
{paragraphs}
</div>
</div>
<div class="rail"><h3>Most Popular</h3><ul>{links}</ul>
<div class="newsletter">Sign up for our newsletter. <a href="/subscribe/">Subscribe now</a></div></div>
</div>
<div class="bottom">© News Network. <a href="/terms/">Terms</a> <a href="/privacy/">Privacy</a></div>
</body></html>
"""


def build_mirror(
    out_dir: Path,
    offhost_base: str = "",
    extra_tips: Sequence[SeedTip] = (),
    *,
    theme: str = "classic",
    images: ImageSet | None = None,
) -> Mirror:
    """Write the mirror's files under `out_dir` and describe them.

    `offhost_base` is another server's URL: the test extras (an off-host link, hostile
    markup) point there. Without it the posts hold exactly the seeds' text. `extra_tips`
    are more posts (e.g. the benchmarks' synthetic ones) listed with the seeds' by date.
    `theme` is "classic" (the real site's) or "block" (`mirror.blocktheme`); `images` puts
    the image tests' figures in two posts. The REST API, feeds and sitemaps (`mirror.doors`)
    are the same whatever the theme.
    """
    from benchmarks.mirror import blocktheme, doors

    tips = sorted([*load_seed_tips(), *extra_tips], key=lambda t: t.date, reverse=True)
    posts = [t for t in tips if t.kind == "post"]
    external = next(t for t in tips if t.kind == "external")
    widgets = widget_lists()
    links = {t.title_line: post_path(t) for t in tips if t.kind in ("post", "widget")}
    for title_line, _excerpt, _date in (e for entries in widgets.values() for e in entries):
        links.setdefault(title_line, f"/{wp_slug(title_line)}/")
    block = theme == "block"
    make_widget = blocktheme.widget if block else _widget
    widget_html = {tag: make_widget(entries, links) for tag, entries in widgets.items()}
    mirror = Mirror(root=out_dir, tips=tips)
    files: dict[str, str | bytes] = {}
    headers: dict[str, dict[str, str]] = {}

    def archive(
        name: str, base: str, heading: str, listed: list[SeedTip], per_page: int, widget: str
    ):  # type: ignore[no-untyped-def]
        if block:
            return blocktheme.archive_pages(name, base, heading, listed, per_page, widget)
        return _archive_pages(
            name, base, heading, listed, per_page, widget, offhost_base, posts, images
        )

    category = archive(
        CATEGORY_NAME,
        f"/category/{CATEGORY}/",
        f"Category: {CATEGORY_NAME}",
        posts,
        CATEGORY_PER_PAGE,
        widget_html[DEFAULT_WIDGET],
    )
    mirror.archive_paths["category"] = [p for p, _ in category]
    files.update(category)
    for tag in TAGS:
        tagged = [t for t in posts if tag in t.tags]
        pages = archive(tag, f"/tag/{tag}/", tag, tagged, TAG_PER_PAGE, widget_html[tag])
        mirror.archive_paths[tag] = [p for p, _ in pages]
        files.update(pages)
    for tip in posts:
        path = post_path(tip)
        mirror.post_paths[tip.title] = path
        if block:
            files[path] = blocktheme.post_page(
                tip, offhost_base, widget_html[DEFAULT_WIDGET], images
            )
        elif tip.title == CP1252_TIP:
            text = _post_page(
                tip, posts, widget_html[DEFAULT_WIDGET], offhost_base, "windows-1252", images
            )
            files[path] = text.encode("cp1252")
            headers[path] = {"Content-Type": "text/html"}  # the charset is only in <meta>
        else:
            files[path] = _post_page(
                tip, posts, widget_html[DEFAULT_WIDGET], offhost_base, "UTF-8", images
            )
    files[EXTERNAL_PATH] = _external_page(external, offhost_base)
    mirror.post_paths[external.title] = EXTERNAL_PATH
    files["/"] = _page(
        title=SITE_NAME,
        canonical=f"{REAL_SITE}/",
        body_class="home page",
        main="<p>Welcome.</p>",
        widget=widget_html[DEFAULT_WIDGET],
        offhost_base=offhost_base,
    )

    for path, content in files.items():
        target = out_dir / path.strip("/") / "index.html" if path != "/" else out_dir / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    robots = f"{ROBOTS}\nSitemap: {MIRROR_BASE}/wp-sitemap.xml\n"
    (out_dir / "robots.txt").write_text(robots, encoding="utf-8")
    if images is not None:
        for path, kind in IMAGE_FILES.items():
            target = out_dir / path.strip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(image_bytes(kind))
            if kind == "html":
                headers[path] = {"Content-Type": "text/html; charset=UTF-8"}

    # The machine-readable doors: the same posts, oldest with the smallest id.
    ids = {tip.title: 100 + 3 * n for n, tip in enumerate(reversed(posts))}
    ids[SHORTLINK_TIP] = int(SHORTLINK.rsplit("=", 1)[1])  # its shortlink names its id
    absolute = images.absolute() if images is not None else None
    shared = {
        "base": MIRROR_BASE,
        "site_name": SITE_NAME,
        "posts": posts,
        "ids": ids,
        "paths": mirror.post_paths,
        "content": lambda tip: post_content(tip, offhost_base, absolute),
        "category": (CATEGORY, CATEGORY_NAME),
        "tags": TAGS,
        "post_time": POST_TIME,
    }
    doors.write_rest(out_dir, **shared)  # type: ignore[arg-type]
    doors.write_feeds(out_dir, **shared)  # type: ignore[arg-type]
    doors.write_sitemaps(
        out_dir,
        base=MIRROR_BASE,
        posts=posts,
        paths=mirror.post_paths,
        category_slug=CATEGORY,
        tags=TAGS,
        post_time=POST_TIME,
    )
    redirects = {
        SHORTLINK: mirror.post_paths[SHORTLINK_TIP],
        f"/category/{CATEGORY}/page/1/": f"/category/{CATEGORY}/",
    }
    meta = {"headers": headers, "redirects": redirects, "last_modified": LAST_MODIFIED}
    (out_dir / "_mirror.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return mirror
