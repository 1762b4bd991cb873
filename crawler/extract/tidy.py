"""Block-level clean-up of an extracted body: chrome that survived extraction.

- leading lines: dates, bylines, reading times and affiliate notices before the first paragraph;
- the closing chrome: from a heading such as "Related posts", "About the author", "Footnotes",
  "Share this", or a copyright/cookie line, in the last part of the text, to the end;
- tables of contents: a "Table of contents" / "In this article" heading and the list after it;
- inline teasers: "Related: ...", "Also read: ..." lines linking to other stories;
- an author's bio among the last blocks ("Jane Doe is a freelance writer ...");
- sign-offs: a short paragraph late in the text asking to comment, follow, subscribe, share;
- repeats: a run of blocks that the body already holds (mobile and desktop copies of a section).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .render import Block

# Headings that open the chrome after a story.
CLOSING_HEADINGS = re.compile(
    r"^(?:about the (?:author|authors|reviewer|writer|expert)s?|meet the (?:author|expert)s?|written by|reviewed by"
    r"|(?:fact[- ])?checked by|edited by|contributors?"
    r"|related(?: (?:posts?|articles?|content|stories|reading|reads|resources|guides|topics|links))?"
    r"|you (?:may|might) also (?:like|enjoy|be interested in)|you['’]ll also (?:like|love)"
    r"|recommended(?: (?:for you|reading|articles|posts|stories))?|more (?:from|on|in|by) .{1,40}"
    r"|more (?:articles|posts|stories)|read (?:this )?next|recent (?:articles|posts|stories)"
    r"|latest (?:articles|posts|stories|news|updates)|also read|up next|popular (?:posts|articles|stories)|trending(?: now)?"
    r"|explore more(?: .{1,40})?|see more(?: .{1,30})?|keep reading|continue reading|what to read next"
    r"|you (?:may|might) (?:also )?be interested in.{0,60}|more (?:reviews|guides|resources|recipes)"
    r"|share(?: this)?(?: (?:article|post|story|page|content))?|subscribe(?: to .{1,40})?|sign up for .{1,40}"
    r"|join our newsletter|newsletter|article sources|footnotes"
    r"|disclaimer|disclosure|tags|filed under|leave a (?:reply|comment)|comments?"
    r"|did you find this .{1,30}|was this (?:article|page|post) helpful\??|rate this (?:article|post|page)"
    r")\s*:?$",
    re.I,
)
# Lines that open the chrome after a story whatever follows them.
CLOSING_LINES = re.compile(
    r"^(?:©|copyright ©|copyright \d{4}|\(c\) \d{4}|all rights reserved|we use cookies|this (?:web)?site uses cookies"
    r"|photo credits?:|image credits?:|(?:written|reviewed|interview) by\b.{0,60}$"
    r"|this (?:story|article|post|piece) (?:was|is) (?:written|produced|developed|originally|reported)"
    r"|contact (?:staff )?(?:writer|reporter|editor)\b)",
    re.I,
)
# Calls to engage ("leave a comment", "follow us", "subscribe to", "pin it"): two of them in a short
# paragraph of the story's second half make it the author's sign-off, not the story.
ENGAGEMENT = re.compile(
    r"leave (?:a|us a|me a) (?:comment|reply|review|rating|star rating)|rate (?:this|the) (?:recipe|post|article)"
    r"|follow (?:me|us|along)|subscribe (?:to|my|our)|sign up (?:for|to)|mailing list|share (?:this|it) with"
    r"|pin (?:it|this)\b|tag (?:me|us)\b|join (?:our|my) (?:community|list|email|newsletter)",
    re.I,
)


def _first_letters(pattern: str) -> str | None:
    """The first characters of the top-level alternatives of `pattern` when each starts with a
    lower-case letter, else None."""
    depth, starts, alternative_start = 0, set(), True
    for index, char in enumerate(pattern):
        if alternative_start:
            if not ("a" <= char <= "z"):
                return None
            starts.add(char)
            alternative_start = False
        if char == "(" and (index == 0 or pattern[index - 1] != "\\"):
            depth += 1
        elif char == ")" and pattern[index - 1] != "\\":
            depth -= 1
        elif char == "|" and depth == 0:
            alternative_start = True
    return "".join(sorted(starts))


def _with_first_letters(pattern: re.Pattern) -> re.Pattern:
    """`pattern` (case-insensitive) led by a look-ahead at the letters its alternatives start
    with: the same matches, but most positions of a text are passed over at once."""
    letters = _first_letters(pattern.pattern)
    return re.compile(f"(?=[{letters}])(?:{pattern.pattern})", pattern.flags) if letters else pattern


_ENGAGEMENT_SCAN = _with_first_letters(ENGAGEMENT)
# Lines that stand before a story: dates, bylines, reading times, breadcrumbs, affiliate notices.
_DATE = (r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
         r"[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{4})")
LEADING_LINES = re.compile(
    r"^(?:(?:published|posted|updated|last updated|modified|date)(?: on)?:?\s*" + _DATE + r".{0,40}"
    r"|" + _DATE + r"(?:\s*(?:[|•·⋅,-]|at)\s*.{0,40})?"
    r"|(?:by|written by|posted by|reviewed by|fact[- ]checked by|edited by)\s+[^.!?]{2,60}"
    r"|\d{1,3}\s*(?:-| )?min(?:ute)?s?\.?\s*read|reading time:?.{0,20}|\d{1,3} minute read(?: time)?"
    r"|(?:you are here|skip to (?:main )?content|advertisement|share(?: this)?(?: article| post)?)\s*:?"
    r"|.{0,80}(?:affiliate links?|earn (?:a|an affiliate) commission|chosen independently|independently (?:chosen|selected)"
    r"|buy all the products we test|advertising disclosure).{0,200}"
    r")$",
    re.I,
)
# An author's bio closing the story: "Jane Doe is a freelance writer ...".
AUTHOR_BIO = re.compile(
    r"^[(*]?(?:[A-Z][\w'’.-]+\s){1,3}[A-Z][\w'’.-]+,?(?:\s(?:MD|PhD|RD|CFP®?|Jr\.|Sr\.))?\*?,?\s"
    r"(?:is|was|has been|started|founded|joined|holds)\s.{0,200}\b(?:writer|editor|journalist|author|contributor"
    r"|founder|co-founder|owner|ceo|cto|cfo|director|attorney|lawyer|physician|doctor|consultant|expert|specialist"
    r"|analyst|reporter|correspondent|photographer|designer|developer|engineer|professor|researcher|coach"
    r"|trainer|nutritionist|dietitian|strategist|marketer|executive|president)s?\b"
)
# Links to other stories set inside the text: "Related: ...", "Also read: ...".
INLINE_TEASER = re.compile(r"^(?:related(?: (?:post|article|story|reading))?|also read|read also|see also|read more|read next"
                           r"|recommended(?: reading)?|you (?:may|might) also like|don[’']t miss|check out)\s*[:：]", re.I)
TOC_HEADINGS = re.compile(r"^(?:table of contents|contents|in this (?:article|post|guide)|on this page|jump to"
                          r"|what['’]s (?:in this|inside)|quick links|skip to)\s*:?$", re.I)


@dataclass(frozen=True)
class TidyConfig:
    """Thresholds of the tidy step, in one place."""

    closing_after: float = 0.5  # closing chrome and sign-offs count once this share of the text is behind
    heading_chars: int = 60  # a paragraph this short, without a final stop, may be a heading
    lead_paragraph_chars: int = 150  # the story has begun at the first paragraph this long
    engagement_chars: int = 600  # a sign-off paragraph is shorter than this
    teaser_chars: int = 200  # an inline "Related: ..." line is shorter than this
    bio_blocks: int = 4  # an author's bio is among the last blocks ...
    bio_chars: int = 700  # ... and shorter than this
    repeat_run: int = 5  # a repeated run of this many blocks is a copy (short repeats are the story's own)


CONFIG = TidyConfig()


def _heading_like(block: Block, config: TidyConfig) -> bool:
    return block.kind == "head" or (block.kind == "p" and len(block.text) <= config.heading_chars
                                   and not block.text.rstrip().endswith((".", "!", "?")))


def without_closing_chrome(blocks: list[Block], config: TidyConfig = CONFIG) -> list[Block]:
    """Cut from a closing heading or line, late in the text, to the end."""
    total = sum(len(b.text) for b in blocks)
    seen = 0
    for index, block in enumerate(blocks):
        if index and seen >= config.closing_after * total:
            text = block.text.strip()
            if CLOSING_LINES.match(text) or (_heading_like(block, config) and CLOSING_HEADINGS.match(text)):
                return blocks[:index]
        seen += len(block.text)
    return blocks


def without_contents_lists(blocks: list[Block], config: TidyConfig = CONFIG) -> list[Block]:
    """Drop a table-of-contents heading and the list items after it."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if _heading_like(block, config) and TOC_HEADINGS.match(block.text.strip()):
            index += 1
            while index < len(blocks) and blocks[index].kind == "item":
                index += 1
            continue
        out.append(block)
        index += 1
    return out


def without_sign_offs(blocks: list[Block], config: TidyConfig = CONFIG) -> list[Block]:
    """Drop short late paragraphs that ask twice to comment, follow, subscribe or share."""
    total = sum(len(b.text) for b in blocks)
    seen, out = 0, []
    for block in blocks:
        late = seen >= config.closing_after * total
        seen += len(block.text)
        if late and len(block.text) < config.engagement_chars:
            if len({m.group(0).lower() for m in _ENGAGEMENT_SCAN.finditer(block.text)}) >= 2:
                continue
        out.append(block)
    return out


def without_inline_teasers(blocks: list[Block], config: TidyConfig = CONFIG) -> list[Block]:
    """Drop short "Related: ...", "Also read: ..." lines."""
    return [b for b in blocks if not (len(b.text) < config.teaser_chars and INLINE_TEASER.match(b.text.strip()))]


def without_author_bio(blocks: list[Block], config: TidyConfig = CONFIG) -> list[Block]:
    """Cut an author's bio among the last few blocks, and what follows it."""
    total = sum(len(b.text) for b in blocks)
    seen = total
    for index in range(len(blocks) - 1, max(len(blocks) - 1 - config.bio_blocks, 0), -1):
        seen -= len(blocks[index].text)
        if seen < config.closing_after * total:
            break
        text = blocks[index].text.strip()
        if len(text) < config.bio_chars and AUTHOR_BIO.match(text):
            return blocks[:index]
    return blocks


def without_leading_lines(blocks: list[Block], config: TidyConfig = CONFIG) -> list[Block]:
    """Drop date, byline, reading-time and notice lines before the story's first real paragraph."""
    for index, block in enumerate(blocks):
        if len(block.text) >= config.lead_paragraph_chars and not LEADING_LINES.match(block.text.strip()):
            break
    else:
        index = len(blocks)
    head = [b for b in blocks[:index] if not LEADING_LINES.match(" ".join(b.text.split()))]
    return head + blocks[index:]


def without_repeats(blocks: list[Block], config: TidyConfig = CONFIG) -> list[Block]:
    """Drop a run of repeat_run+ blocks that repeats an earlier run (a second copy of a section)."""
    keys = [b.text for b in blocks]  # copies repeat the text as it is
    first: dict[str, int] = {}
    for index, key in enumerate(keys):
        first.setdefault(key, index)
    keep = [True] * len(blocks)
    index = 0
    while index < len(blocks):
        earlier = first[keys[index]]
        if earlier < index and keys[index]:
            run = 0
            while index + run < len(blocks) and earlier + run < index and keys[earlier + run] == keys[index + run]:
                run += 1
            if run >= config.repeat_run:
                for offset in range(run):
                    keep[index + offset] = False
                index += run
                continue
        index += 1
    return [b for b, kept in zip(blocks, keep) if kept]


def tidy(blocks: list[Block], config: TidyConfig = CONFIG) -> list[Block]:
    """The body's blocks without chrome that survived extraction."""
    blocks = without_repeats(blocks, config)
    blocks = without_leading_lines(blocks, config)
    blocks = without_contents_lists(blocks, config)
    blocks = without_inline_teasers(blocks, config)
    blocks = without_sign_offs(blocks, config)
    blocks = without_closing_chrome(blocks, config)
    return without_author_bio(blocks, config)
