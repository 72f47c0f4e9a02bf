# ruff: noqa: E501  (HTML templates read best unwrapped)
"""A second theme for the mirror: a block theme in the style of Twenty Twenty-Four.

Same posts, other markup: no `<article>`, no `.entry-title`, no `rel=next` in the head; the
archive is a Query Loop (`li.wp-block-post`), excerpts end in "Continue reading" with the
title in a screen-reader span, pagination says "Next Page", the post title is
`h1.wp-block-post-title`, and the "Recent Tips" list is a Latest Posts block whose "Read more"
links carry the title in a screen-reader span too.
"""

from __future__ import annotations

import datetime as dt

from benchmarks.mirror import build
from benchmarks.mirror.seeds import SeedTip


def _shell(title: str, canonical: str, body_class: str, main: str, widget: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{build._e(title)}</title>
<link rel="canonical" href="{build._e(canonical)}">
{build.DOOR_LINKS}
<style id="wp-block-library-inline-css">.wp-block-post-title {{ font-size: 2rem; }}</style>
</head>
<body class="{body_class} wp-embed-responsive wp-theme-twentytwentyfour">
<div class="wp-site-blocks">
<header class="wp-block-template-part"><div class="wp-block-group alignwide">
<p class="wp-block-site-title"><a href="/" rel="home">{build.SITE_NAME}</a></p>
<nav class="wp-block-navigation" aria-label="Menu"><ul class="wp-block-navigation__container">
<li class="wp-block-navigation-item"><a class="wp-block-navigation-item__content" href="/about-us/">About Us</a></li>
<li class="wp-block-navigation-item"><a class="wp-block-navigation-item__content" href="/category/{build.CATEGORY}/">{build.CATEGORY_NAME}</a></li>
</ul></nav></div></header>
<main class="wp-block-group is-layout-flow">
{main}
</main>
<div class="wp-block-group alignwide sidebar-area">{widget}</div>
<footer class="wp-block-template-part"><div class="wp-block-group">
<p class="has-small-font-size">Designed with <a href="https://wordpress.org" rel="nofollow">WordPress</a></p></div></footer>
</div>
</body>
</html>
"""


def widget(entries: list[tuple[str, str, dt.date]], links: dict[str, str]) -> str:
    """The "Recent Tips" as a Latest Posts block with excerpts."""
    items = []
    for title_line, excerpt, _date in entries:
        href = links[title_line]
        items.append(
            f'<li><a class="wp-block-latest-posts__post-title" href="{build._e(href)}">'
            f"{build._e(title_line)}</a>"
            f'<div class="wp-block-latest-posts__post-excerpt">{build._e(excerpt)} '
            f'<a class="wp-block-latest-posts__read-more" href="{build._e(href)}">Read more'
            f'<span class="screen-reader-text">: {build._e(title_line)}</span></a></div></li>'
        )
    return (
        '<div class="wp-block-group"><h2 class="wp-block-heading">Recent Tips</h2>'
        '<ul class="wp-block-latest-posts__list wp-block-latest-posts">'
        + "\n".join(items)
        + "</ul></div>"
    )


def _terms(tip: SeedTip) -> str:
    links = ", ".join(f'<a href="/tag/{t}/" rel="tag">{build._e(t)}</a>' for t in tip.tags)
    return (
        '<div class="taxonomy-post_tag wp-block-post-terms">'
        f'<span class="wp-block-post-terms__prefix">Tags: </span>{links}</div>'
        if tip.tags
        else ""
    )


def _date(tip: SeedTip) -> str:
    return (
        f'<div class="wp-block-post-date"><time datetime="{build._iso(tip.date)}">'
        f"{tip.date:%B} {tip.date.day}, {tip.date.year}</time></div>"
    )


def archive_pages(
    name: str, base_path: str, heading: str, tips: list[SeedTip], per_page: int, widget_html: str
) -> list[tuple[str, str]]:
    pages = [tips[i : i + per_page] for i in range(0, len(tips), per_page)] or [[]]
    result = []
    for number, chunk in enumerate(pages, start=1):
        path = base_path if number == 1 else f"{base_path}page/{number}/"
        items = []
        for tip in chunk:
            link = build.post_path(tip)
            classes = " ".join(
                ["wp-block-post", "post", "type-post", "status-publish", "hentry"]
                + [f"tag-{t}" for t in tip.tags]
            )
            words = " ".join(" ".join(tip.paragraphs).split()[:40])
            items.append(
                f'<li class="{classes}">\n'
                f'<h2 class="wp-block-post-title"><a href="{link}" target="_self">'
                f"{build._e(tip.title_line)}</a></h2>\n{_date(tip)}\n"
                f'<div class="wp-block-post-excerpt"><p class="wp-block-post-excerpt__excerpt">'
                f"{build._e(words)}&hellip; </p>"
                f'<p class="wp-block-post-excerpt__more-text"><a class="wp-block-post-excerpt__more-link" '
                f'href="{link}">Continue reading<span class="screen-reader-text"> &#8220;'
                f"{build._e(tip.title_line)}&#8221;</span></a></p></div>\n{_terms(tip)}</li>"
            )
        nav = []
        if number > 1:
            newer = base_path if number == 2 else f"{base_path}page/{number - 1}/"
            nav.append(
                f'<a href="{newer}" class="wp-block-query-pagination-previous">Previous Page</a>'
            )
        if number < len(pages):
            nav.append(
                f'<a href="{base_path}page/{number + 1}/" class="wp-block-query-pagination-next">Next Page</a>'
            )
        main = (
            f'<h1 class="wp-block-query-title">{build._e(heading)}</h1>\n'
            '<div class="wp-block-query"><ul class="wp-block-post-template">\n'
            + "\n".join(items)
            + "\n</ul>\n"
            f'<nav class="wp-block-query-pagination" aria-label="Pagination">{"".join(nav)}</nav></div>'
        )
        result.append(
            (
                path,
                _shell(
                    f"{name} | {build.SITE_NAME}",
                    f"{build.REAL_SITE}{path}",
                    f"archive category paged-{number}",
                    main,
                    widget_html,
                ),
            )
        )
    return result


def post_page(
    tip: SeedTip, offhost_base: str, widget_html: str, images: build.ImageSet | None
) -> str:
    main = f"""<div class="wp-block-group has-global-padding is-layout-constrained">
<h1 class="wp-block-post-title">{build._e(tip.title_line)}</h1>
<div class="wp-block-group is-layout-flex">{_date(tip)}
<div class="taxonomy-category wp-block-post-terms"><a href="/category/{build.CATEGORY}/" rel="tag">{build.CATEGORY_NAME}</a></div></div>
</div>
<div class="entry-content alignfull wp-block-post-content has-global-padding is-layout-constrained">
{build.post_content(tip, offhost_base, images)}
</div>
<div class="wp-block-group">{_terms(tip)}</div>
<nav class="wp-block-group post-navigation-link"><div class="post-navigation-link-previous wp-block-post-navigation-link"><a href="/" rel="prev">Older post</a></div></nav>
<div class="wp-block-comments"><h2 class="wp-block-heading">Comments</h2>
<div id="respond" class="comment-respond wp-block-post-comments-form"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form action="/wp-comments-post.php" method="post" id="commentform"><textarea name="comment"></textarea></form></div></div>"""
    return _shell(
        f"{tip.title_line} | {build.SITE_NAME}",
        f"{build.REAL_SITE}{build.post_path(tip)}",
        "post-template-default single single-post single-format-standard",
        main,
        widget_html,
    )
