"""The typed schema of each YAML file kind tipbook reads: a tip's front matter, `themes.yml`
and `tipbook.yml`.

Each field's type, default and the message that says how to fix it are declared once, here.
pydantic (v2) because it is the well-kept default for this in Python: it checks a whole
file and reports every error at once with where it is (`loc`), which with the line of each
YAML node (`tipbook.yamlsafe.load_yaml_located`) gives every message as
`file:line: field: what to do`; and it exports each schema as JSON schema
(`FrontMatter.model_json_schema()`) for editors' tools. Every file is read through
`tipbook.yamlsafe` (safe loader, aliases refused) before it reaches a schema.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError
from pydantic_core.core_schema import ValidationInfo

from tipbook.model import TITLE_MAX_LENGTH, Series, is_valid_slug, shortened_title
from tipbook.text import WEB_SCHEMES, WEB_URL_PREFIXES
from tipbook.yamlsafe import Lines, line_of

Where = tuple[str | int, ...]


@dataclass(frozen=True)
class SchemaError:
    """One field a schema refuses: where it is in the file and what to do."""

    where: Where  # the field's path: keys and list indexes from the top
    line: int
    message: str


def schema_errors(error: ValidationError, lines: Lines, default_line: int = 1) -> list[SchemaError]:
    """Each error of a validation, with the line of its YAML node and our message."""
    found = []
    for item in error.errors(include_url=False):
        where = tuple(item["loc"])
        message = _BUILT_IN_MESSAGES.get(item["type"], item["msg"])
        found.append(SchemaError(where, line_of(lines, where, default_line), message))
    return found


# pydantic's own errors (types not checked by our validators below), in our words.
_BUILT_IN_MESSAGES = {
    "extra_forbidden": "unknown setting: remove it or fix its name",
    "missing": "missing: add it",
    "dict_type": "expected `field: value` lines",
    "model_type": "expected `field: value` lines",
}


def _refuse(error_type: str, message: str, /, **context: Any) -> PydanticCustomError:
    """An error of our own: `message` says what to do, its `{name}`s filled from `context`
    here (str.format, once: pydantic's own filling would also fill a `{name}` that a value
    from the file holds)."""
    return PydanticCustomError(error_type, message.format(**context))


def _salvaging(info: ValidationInfo) -> bool:
    """True on the second pass over a tip with errors: what is left builds the tip."""
    return bool(info.context and info.context.get("salvage"))


# Front matter -------------------------------------------------------------------------


def _title(value: object, info: ValidationInfo) -> str:
    if isinstance(value, str) and value.strip():
        if len(value) <= TITLE_MAX_LENGTH:
            return value
        if _salvaging(info):
            return shortened_title(value)
        raise _refuse(
            "title",
            "the title is {length} characters long: shorten it to at most {limit} (the "
            "summary and the text say the rest)",
            length=len(value),
            limit=TITLE_MAX_LENGTH,
        )
    if _salvaging(info):
        return ""
    raise _refuse("title", "missing title: add `title: Your tip's title`")


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _refuse("date", "{value} is not a date: write it as YYYY-MM-DD", value=repr(value))


def _slug(value: object) -> str:
    if isinstance(value, str) and (not value or is_valid_slug(value)):
        return value
    raise _refuse(
        "slug",
        "{value} is not a valid slug: use lowercase letters, digits and hyphens "
        "(at most 80 characters)",
        value=repr(value),
    )


def _text(value: object, info: ValidationInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    raise _refuse(
        "text",
        "expected text, found {kind}: write `{field}: some text`",
        kind=type(value).__name__,
        field=info.field_name,
    )


def _web_address(value: object, info: ValidationInfo) -> str:
    text = _text(value, info)
    if text and not text.startswith(WEB_URL_PREFIXES):
        raise _refuse(
            "web_address", "{value} is not a web address: start it with https://", value=repr(text)
        )
    return text


def _words(value: object, info: ValidationInfo) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _refuse(
            "words",
            "expected a list of words, e.g. `{field}: [empathy, caring]`",
            field=info.field_name,
        )
    return [v.strip() for v in value if v.strip()]


def _series(value: object) -> Series | None:
    if value is None:
        return None
    if isinstance(value, dict):
        name, part = value.get("name"), value.get("part")
        # A bool is an int to Python: `part: true` showed "Part True of 1".
        whole = not isinstance(part, bool) and isinstance(part, int)
        if isinstance(name, str) and name.strip() and whole and isinstance(part, int) and part >= 1:
            return Series(name.strip(), part)
    raise _refuse(
        "series",
        "expected a name and a part number, e.g. `series: {{name: Customer for Life, part: 3}}`",
    )


def _flag(value: object, info: ValidationInfo) -> bool:
    if isinstance(value, bool):
        return value
    raise _refuse(
        "flag",
        "{value} is not true or false: write `{field}: true` or `{field}: false`",
        value=repr(value),
        field=info.field_name,
    )


Text = Annotated[str, BeforeValidator(_text)]
Words = Annotated[list[str], BeforeValidator(_words)]
Flag = Annotated[bool, BeforeValidator(_flag)]


def _shown(written: str, required: str, meaning: str) -> Any:
    """What README's front-matter reference says of a field (`front_matter_table`)."""
    return {"x-written": written, "x-required": required, "description": meaning}


class FrontMatter(BaseModel):
    """A tip's front matter: the fields tipbook reads, in the order it writes them (other
    keys are kept as they are, `Tip.extra`). Required fields a tip cannot be read without
    are checked here; `slug` and `summary`, which a tip is published without only by
    mistake, by `check`'s rules (`missing-slug`, `missing-summary`)."""

    model_config = ConfigDict(frozen=True, extra="ignore", arbitrary_types_allowed=True)

    title: Annotated[str, BeforeValidator(_title)] = Field(
        None,
        validate_default=True,
        json_schema_extra=_shown(
            "text",
            "yes",
            "The tip's title, without the date: `title: \"Customer for Life – The Third "
            'Step"`. Quote titles that contain `: ` or start with a special character '
            "(`'`, `\"`, `#`, `-`). At most 200 characters.",
        ),
    )
    date: Annotated[dt.date, BeforeValidator(_date)] = Field(
        None,
        validate_default=True,
        json_schema_extra=_shown(
            "date `YYYY-MM-DD`",
            "yes",
            "Publication date; weekly tips publish on Tuesdays. A future date keeps the "
            "tip out of the site until that day: `date: 2024-01-02`.",
        ),
    )
    slug: Annotated[str, BeforeValidator(_slug)] = Field(
        "",
        json_schema_extra=_shown(
            "text",
            "yes",
            "The URL name: lowercase ASCII letters, digits and hyphens, at most 80 "
            "characters; also the file name after the date: "
            "`slug: make-empathy-your-superpower`.",
        ),
    )
    themes: Words = Field(
        default_factory=list,
        json_schema_extra=_shown(
            "list of theme ids",
            "no (a tip without chapters is a warning)",
            "The chapters the tip belongs to, ids from `content/themes.yml`: "
            "`themes: [empathy, apology]`.",
        ),
    )
    tags: Words = Field(
        default_factory=list,
        json_schema_extra=_shown(
            "list of words",
            "no",
            "Free tags, e.g. the source site's own: `tags: [empathy, caring]`.",
        ),
    )
    summary: Text = Field(
        "",
        json_schema_extra=_shown(
            "text",
            "yes",
            "One or two plain sentences (≤ 300 characters) shown in lists and search results.",
        ),
    )
    takeaway: Text = Field(
        "",
        json_schema_extra=_shown(
            "text",
            "no",
            "The closing one-line lesson, shown as a highlighted callout: "
            "`takeaway: Become an empathy expert.`",
        ),
    )
    series: Annotated[Series | None, BeforeValidator(_series)] = Field(
        None,
        json_schema_extra=_shown(
            "`{name, part}`",
            "no",
            "For tips that form a series: `series: {name: Customer for Life, part: 3}`.",
        ),
    )
    source: Annotated[str, BeforeValidator(_web_address)] = Field(
        "",
        json_schema_extra=_shown(
            "URL",
            "no",
            'Where the tip was first published; the site links to it as "Read the original".',
        ),
    )
    via: Text = Field(
        "",
        json_schema_extra=_shown(
            "`rest`, `feed`, `html` or `archive`",
            "no",
            "Written by the scraper: the door the tip came through (the REST API, the feed "
            "with the post page, the post page, or only the archive's excerpt).",
        ),
    )
    excerpt_only: Flag = Field(
        False,
        json_schema_extra=_shown(
            "true/false",
            "no",
            "`true` when only the archive's excerpt could be had (the full post was gone).",
        ),
    )
    draft: Flag = Field(
        False,
        json_schema_extra=_shown(
            "true/false", "no", "`true` keeps the tip out of the site until you remove it."
        ),
    )
    scrape_hash: Text = Field(
        "",
        json_schema_extra=_shown(
            "text",
            "no",
            "Written by the scraper: the hash of the body (and of the fields it fills) as "
            "scraped. When the file no longer matches, an editor changed it and re-scraping "
            "keeps the editor's version.",
        ),
    )


# Front-matter keys in the order they are written; anything else follows, as found.
FRONT_MATTER_KEYS: tuple[str, ...] = tuple(FrontMatter.model_fields)


def read_front_matter(
    meta: Mapping[str, Any], lines: Lines
) -> tuple[FrontMatter | None, list[SchemaError]]:
    """The front matter's fields as the schema reads them, and every error.

    A tip with errors is still built from its other fields (a bad field takes its default)
    so that `check` can say everything about it at once; without a date there is no tip.
    """
    known = {key: meta[key] for key in FRONT_MATTER_KEYS if key in meta}
    try:
        return FrontMatter.model_validate(known), []
    except ValidationError as error:
        errors = schema_errors(error, lines)
    refused = {e.where[0] for e in errors}
    if "date" in refused:
        return None, errors
    kept = {key: value for key, value in known.items() if key not in refused}
    return FrontMatter.model_validate(kept, context={"salvage": True}), errors


def front_matter_table() -> str:
    """README's front-matter reference, made from the schema (a test keeps them equal)."""
    rows = ["| field | type | required | meaning and example |", "| --- | --- | --- | --- |"]
    for name, info in FrontMatter.model_fields.items():
        shown = info.json_schema_extra
        assert isinstance(shown, dict)
        rows.append(
            f"| `{name}` | {shown['x-written']} | {shown['x-required']} | {shown['description']} |"
        )
    return "\n".join(rows)


# themes.yml ---------------------------------------------------------------------------

THEME_ID = re.compile(r"^[a-z][a-z0-9-]*$")
DEFAULT_MIN_SCORE = 4


def _theme_id(value: object) -> str:
    if isinstance(value, str) and THEME_ID.match(value):
        return value
    raise _refuse(
        "theme_id",
        "{value}: use a lowercase word (letters, digits, hyphens), e.g. `id: empathy`",
        value=repr(value),
    )


def _chapter_text(value: object, info: ValidationInfo) -> str:
    if isinstance(value, str) and value.strip():
        return value
    raise _refuse(
        "chapter_text", "missing text: write the chapter's {field}", field=info.field_name
    )


def _phrases(value: object, info: ValidationInfo) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise _refuse(
        "phrases", "expected a list: write `{field}: [word, a phrase]`", field=info.field_name
    )


def _min_score(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise _refuse("min_score", "expected a whole number ≥ 1, e.g. `min_score: 4`")


Phrases = Annotated[tuple[str, ...], BeforeValidator(_phrases)]


class ThemeFields(BaseModel):
    """One chapter of `content/themes.yml`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: Annotated[str, BeforeValidator(_theme_id)] = Field(None, validate_default=True)
    title: Annotated[str, BeforeValidator(_chapter_text)] = Field(None, validate_default=True)
    description: Annotated[str, BeforeValidator(_chapter_text)] = Field(None, validate_default=True)
    # The words and phrases that point to the theme; `word*` matches any ending.
    signals: Phrases = ()
    # Source-site tags (e.g. WordPress tag archives) that map straight onto this theme.
    tags: Phrases = ()
    # How much signal evidence the classifier needs before it proposes the theme.
    min_score: Annotated[int, BeforeValidator(_min_score)] = DEFAULT_MIN_SCORE


def _theme_list(value: object) -> list[object]:
    if isinstance(value, list) and value:
        return value
    raise _refuse("themes", "expected a list of themes under `themes:`")


def _not_a_theme(value: object) -> object:
    if isinstance(value, dict):
        return value
    raise _refuse("theme", "expected id, title, description: write `- id: …` and its fields")


class ThemesFile(BaseModel):
    """`content/themes.yml`: the chapters, in the order the site shows them."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    themes: Annotated[
        list[Annotated[ThemeFields, BeforeValidator(_not_a_theme)]],
        BeforeValidator(_theme_list),
    ] = Field(None, validate_default=True)


def read_themes(data: object, lines: Lines) -> tuple[ThemesFile | None, list[SchemaError]]:
    """`themes.yml`'s chapters and every error, each named `themes[N].field` or, once its
    id is known, `id.field`; a repeated id is an error too."""
    entries = data.get("themes") if isinstance(data, dict) else None
    errors: list[SchemaError] = []
    themes = None
    try:
        themes = ThemesFile.model_validate(data if isinstance(data, dict) else {})
    except ValidationError as error:
        errors = schema_errors(error, lines)
    seen: set[object] = set()
    for number, entry in enumerate(entries if isinstance(entries, list) else []):
        theme_id = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(theme_id, str) and theme_id in seen:
            where: Where = ("themes", number, "id")
            message = f"duplicate id {theme_id!r}: give each chapter its own id"
            errors.append(SchemaError(where, line_of(lines, where), message))
        seen.add(theme_id)
    errors.sort(key=lambda e: e.line)
    return (None if errors else themes), [_theme_error(e, entries) for e in errors]


def _theme_error(error: SchemaError, entries: object) -> SchemaError:
    """The error with its field named as editors know it: `themes[2].id`, `empathy.title`."""
    where = error.where
    if len(where) < 2 or not isinstance(where[1], int) or not isinstance(entries, list):
        return SchemaError(("themes",), error.line or 1, error.message)
    entry = entries[where[1]]
    theme_id = entry.get("id") if isinstance(entry, dict) else None
    key = ".".join(str(part) for part in where[2:])
    if key and key != "id" and isinstance(theme_id, str) and THEME_ID.match(theme_id):
        return SchemaError((f"{theme_id}.{key}",), error.line, error.message)
    label = f"themes[{where[1] + 1}]" + (f".{key}" if key else "")
    return SchemaError((label,), error.line, error.message)


# tipbook.yml --------------------------------------------------------------------------

# Characters no address readers type holds: spaces, quotes, angle brackets, controls.
_NOT_IN_AN_ADDRESS = re.compile(r"[\s\"'<>`\\\x00-\x1f\x7f]")


def is_site_url(url: str) -> bool:
    """An address a site can be published at: http(s), a host, a valid port, nothing a
    page's `href` or the feed would have to escape (`javascript:`, `"><`, spaces)."""
    if not url or _NOT_IN_AN_ADDRESS.search(url):
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port out of range or not a number raises ValueError
    except ValueError:  # also "http://[::1" (an unclosed IPv6 host)
        return False
    return parts.scheme in WEB_SCHEMES and bool(parts.hostname)


def _site_url(value: object) -> str:
    text = _setting_text(value)
    if text.strip() and not is_site_url(text.strip()):
        raise _refuse(
            "site_url",
            "{value} is not a web address: give the full address readers use, "
            "e.g. https://tips.example.org/",
            value=repr(text),
        )
    return text


def _number(kind: type, least: float, most: float | None = None) -> Callable[[object], Any]:
    """A number of `kind` from `least` to `most` (a bool is no number)."""
    word = "int" if kind is int else "float"

    def check(value: object) -> Any:
        allowed = (int,) if kind is int else (int, float)
        if not isinstance(value, allowed) or isinstance(value, bool):
            raise _refuse(
                "number",
                "expected {word}, found {value}: write a number",
                word=word,
                value=repr(value),
            )
        if value < least:
            rule = "be 0 or more" if least == 0 else f"be at least {least:g}"
            raise _refuse("number", "must {rule}: write a number that is", rule=rule)
        if most is not None and value > most:
            raise _refuse("number", "must be at most {most:g}: write a smaller number", most=most)
        return kind(value)

    return check


def _setting_text(value: object) -> str:
    if isinstance(value, str):
        return value
    raise _refuse(
        "setting_text", "expected str, found {value}: write text (quote it)", value=repr(value)
    )


def _folder(value: object) -> Path:
    if isinstance(value, str) and value:
        return Path(value)
    raise _refuse("folder", "expected a folder path, e.g. `site_dir: site`")


def _switch(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _refuse(
        "switch", "expected true or false, found {value}: write true or false", value=repr(value)
    )


def _start_urls(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _refuse("start_urls", "expected a list of web addresses")
    for url in value:
        if not str(url).startswith(WEB_URL_PREFIXES):
            raise _refuse(
                "start_urls", "{url} is not a web address: start it with https://", url=repr(url)
            )
    return tuple(str(url) for url in value)


SettingText = Annotated[str, BeforeValidator(_setting_text)]
Folder = Annotated[Path, BeforeValidator(_folder)]
Switch = Annotated[bool, BeforeValidator(_switch)]


class _Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScrapeSettings(_Settings):
    """`scrape:` in `tipbook.yml` (set only what differs from `tipbook.config`'s defaults)."""

    start_urls: Annotated[tuple[str, ...], BeforeValidator(_start_urls)] | None = None
    delay: Annotated[float, BeforeValidator(_number(float, 0))] | None = None
    concurrency: Annotated[int, BeforeValidator(_number(int, 1))] | None = None
    timeout: Annotated[float, BeforeValidator(_number(float, 0))] | None = None
    retries: Annotated[int, BeforeValidator(_number(int, 0))] | None = None
    max_bytes: Annotated[int, BeforeValidator(_number(int, 1))] | None = None
    user_agent: SettingText | None = None


class ServeSettings(_Settings):
    """`serve:` in `tipbook.yml`."""

    host: SettingText | None = None
    port: Annotated[int, BeforeValidator(_number(int, 0, 65535))] | None = None  # a TCP port
    log_queries: Switch | None = None


def _section(value: object) -> object:
    return {} if value is None else value


class ConfigFile(_Settings):
    """`tipbook.yml`: only the settings written in it (None: the default holds)."""

    site_name: SettingText | None = None
    site_description: SettingText | None = None
    site_url: Annotated[str, BeforeValidator(_site_url)] | None = None
    content_dir: Folder | None = None
    site_dir: Folder | None = None
    index_dir: Folder | None = None
    cache_dir: Folder | None = None
    query_log: Folder | None = None
    scrape: Annotated[ScrapeSettings, BeforeValidator(_section)] = ScrapeSettings()
    serve: Annotated[ServeSettings, BeforeValidator(_section)] = ServeSettings()

    def written(self) -> Iterator[tuple[str, Any]]:
        """The top-level settings the file sets."""
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is not None and not isinstance(value, _Settings):
                yield name, value


def read_config(data: object, lines: Lines) -> tuple[ConfigFile | None, list[SchemaError]]:
    """`tipbook.yml`'s settings and every error, each named `section.setting`."""
    try:
        return ConfigFile.model_validate(data), []
    except ValidationError as error:
        errors = schema_errors(error, lines)
    known = {
        "": list(ConfigFile.model_fields),
        "scrape": list(ScrapeSettings.model_fields),
        "serve": list(ServeSettings.model_fields),
    }
    named = []
    for e in errors:
        message = e.message
        if message.startswith("unknown setting"):
            section = str(e.where[0]) if len(e.where) > 1 else ""
            message = (
                f"unknown setting: remove it or fix its name (known: {', '.join(known[section])})"
            )
        named.append(SchemaError(e.where, e.line, message))
    return None, sorted(named, key=lambda e: e.line)


if __name__ == "__main__":  # README's front-matter reference: `python -m tipbook.schemas`
    print(front_matter_table())
