"""Which language a text is in, from its script and, for Latin script, its commonest words.

Small on purpose: it only needs to catch a story whose language differs from what the page
declares (an Arabic story on a site declared `en-US`), and to name the language of a page that
declares none.
"""

from __future__ import annotations

import re
from collections import Counter

# Unicode ranges of scripts that mostly name one language.
SCRIPTS = (
    ("ar", "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"),
    ("he", "\u0590-\u05ff"),
    ("ru", "\u0400-\u04ff"),
    ("el", "\u0370-\u03ff"),
    ("hi", "\u0900-\u097f"),
    ("th", "\u0e00-\u0e7f"),
    ("ko", "\uac00-\ud7af\u1100-\u11ff"),
    ("ja", "\u3040-\u30ff"),
    ("zh", "\u4e00-\u9fff"),
)
_SCRIPT_RES = [(lang, re.compile(f"[{chars}]")) for lang, chars in SCRIPTS]
# any of the scripts above: one pass over the text finds the characters the counts are taken on
_ANY_SCRIPT = re.compile("[" + "".join(chars for _, chars in SCRIPTS) + "]")
_WORDS = re.compile(r"[^\W\d_]+")
# Within a script, letters that mark one language of it.
REFINE = {"ar": (("fa", "پچژگکی"), ("ur", "ٹڈڑںےہ")), "ru": (("uk", "іїєґ"), ("bg", "ъ"))}
STOPWORDS = {
    "en": "the and of to in is that for it with as was on are by this be from at or have an not",
    "fr": "le la les et des du un une est pour que dans qui sur pas au avec ce il ne se",
    "de": "der die und das ist nicht mit den von zu ein eine sich auf für dem des im auch",
    "es": "el la los las de que y en un una por con para es se del al no lo como",
    "it": "il la di che e un una per non con del della sono le gli alla è nel anche",
    "pt": "o a os as de que e em um uma para com não do da dos das no na se",
    "nl": "de het een en van is dat op te in niet zijn voor met die er aan ook",
}
_STOP = {lang: set(words.split()) for lang, words in STOPWORDS.items()}


def script_of(lang: str) -> str:
    """'latin' or the language code that stands for its script ('ar' for fa/ur, 'ru' for uk/bg)."""
    lang = (lang or "").lower()
    for script, refinements in REFINE.items():
        if lang == script or lang in (code for code, _ in refinements):
            return script
    if any(lang == code for code, _ in SCRIPTS):
        return lang
    return "latin"


def detect_language(text: str, scripts_only: bool = False) -> str | None:
    """An ISO 639-1 code for `text`, or None when there is too little to tell. `scripts_only`:
    None for a text in Latin script (its words are not counted; a caller that only needs to know
    whether the text is in another script)."""
    runs = _WORDS.findall(text)
    letters = sum(map(len, runs))  # letters, counted in runs rather than one by one
    if letters < 20:
        return None
    scripted = "".join(_ANY_SCRIPT.findall(text))
    counts = Counter()
    for lang, pattern in _SCRIPT_RES:
        counts[lang] = len(pattern.findall(scripted)) if scripted else 0
    lang, found = counts.most_common(1)[0]
    if found > 0.5 * letters:
        if lang == "zh" and counts["ja"] > 0.05 * letters:
            return "ja"
        for code, marks in REFINE.get(lang, ()):
            if sum(text.count(ch) for ch in marks) > 0.02 * found:
                return code
        return lang
    if scripts_only:
        return None
    # lower-cased at once, a text splits into the same words lower-cased one by one, but where
    # "İ" becomes "i" and a combining dot, or a "Σ" reads as final or not by what follows it
    if "\u0130" in text or "\u03a3" in text:
        words = Counter(w.lower() for w in runs)
    else:
        words = Counter(" ".join(runs).lower().split())
    scores = {lang: sum(words[w] for w in stop) for lang, stop in _STOP.items()}
    best = max(scores, key=scores.get)
    total = sum(words.values())
    return best if total >= 20 and scores[best] >= 0.1 * total else None
