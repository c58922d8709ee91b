"""French text analysis for the index, the queries and the highlighted snippets (one analyzer)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from html import escape  # django.utils.html.escape's own, without its lazy-string wrapper
from itertools import chain, compress
from operator import not_

import Stemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter, Token

from projects.markdown import markdown_to_text

# Words keep their inner apostrophes ("l'aménagement", "aujourd'hui") so that the elision
# filter, not the tokenizer, decides what an apostrophe means; hyphens split ("Saint-Denis").
TOKEN_PATTERN = r"\w+(?:['’]\w+)*"

# Elided articles and conjunctions before a vowel: l'école, d'abord, qu'il, jusqu'à, lorsqu'on.
ELISION_RE = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)['’]", re.I)

# Common French stop words (folded, because stop filtering runs after accent folding).
FRENCH_STOP_WORDS = frozenset(
    """
    a ai aie aient aies ait as au aucun aussi autre aux avaient avais avait avec avez aviez avions
    avoir avons ayant ayez ayons c ca ce ceci cela celle celles celui ces cet cette ceux chez d dans
    de des du donc elle elles en entre es est et etaient etais etait etant ete etes etiez etions
    etre eu eue eues eumes eurent eus eusse eussent eusses eussiez eussions eut eutes eux fumes
    furent fus fusse fussent fusses fussiez fussions fut futes ici il ils j je l la le les leur
    leurs lui m ma mais me meme memes mes moi mon n ne ni nos notre nous on ont ou par pas pour
    qu quand que quel quelle quelles quels qui s sa sans se sera serai seraient serais serait
    seras serez seriez serions serons seront ses si son sont sous sur t ta te tes toi ton tous
    tout toute toutes tu un une unes uns vers vos votre vous y
    """.split()  # noqa: SIM905 - a word list reads better as prose
)

# Words remembered by each per-word cache (folding, stemming, a token's term): a corpus repeats
# a few thousand words, but numbers and names are many; the indexer's memory stays bounded.
WORD_CACHE_SIZE = 50_000

# Letters NFKD does not decompose, and the typographic apostrophe (aujourd’hui = aujourd'hui).
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "Œ": "OE", "Æ": "AE", "’": "'"})


@lru_cache(maxsize=WORD_CACHE_SIZE)
def fold(text: str) -> str:
    """Lowercase ASCII-ish form: "Écoles" → "ecoles", "cœur" → "coeur".

    Cached: a corpus repeats a few thousand words (indexing is 3× faster with the cache)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


class ElisionFilter(Filter):
    """Drops an elided prefix ("l'", "qu'") and moves the token's start past it."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            match = ELISION_RE.match(t.text)
            if match:
                cut = match.end()
                t.text = t.text[cut:]
                if t.chars:
                    t.startchar += cut
            if t.text:
                yield t


class AccentFoldingFilter(Filter):
    """Folds accents and ligatures so that "ecole" matches "École"."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            yield t


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


@lru_cache(maxsize=WORD_CACHE_SIZE)
def stem(word: str) -> str:
    """Snowball French stem of an already folded word, plus the plural -s/-x it leaves after
    vowels ("velos" → "velo"), so that singular and plural meet."""
    root = _stemmer().stemWord(word)
    if len(root) > 3 and root[-1] in "sx":
        root = root[:-1]
    return root


class FrenchStemFilter(Filter):
    """Snowball French stemming (PyStemmer); holds no state so the schema pickles."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


def FrenchAnalyzer():  # noqa: N802 - whoosh's analyzers are built by capitalised factories
    """tokenise → lowercase → elision → fold accents → French stop words → French stem."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | ElisionFilter()
        | AccentFoldingFilter()
        | StopFilter(stoplist=FRENCH_STOP_WORDS, minsize=1)
        | FrenchStemFilter()
    )


_ANALYZER = FrenchAnalyzer()
_TOKEN_RE = re.compile(TOKEN_PATTERN)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _term_cut(word: str) -> tuple[str, int]:
    """What the analyzer chain makes of one token as the tokenizer cut it ("" = nothing):
    lowercase → elision → fold → stop word → stem, exactly as `FrenchAnalyzer` does; and how
    many characters the elision moved the token's start by."""
    text = word.lower()
    cut = 0
    match = ELISION_RE.match(text)
    if match:
        cut = match.end()
        text = text[cut:]
        if not text:
            return "", cut
    text = fold(text)
    if not text or text in FRENCH_STOP_WORDS:
        return "", cut
    return stem(text), cut


def _term(word: str) -> str:
    return _term_cut(word)[0]


class _Terms(dict):
    """word → term ("" for none), filled on first sight: a C-level look-up per word. Bounded:
    emptied when it passes TERMS_CACHE_SIZE words (a corpus repeats a few thousand)."""

    def __missing__(self, word: str) -> str:
        if len(self) >= TERMS_CACHE_SIZE:
            self.clear()
        term = self[word] = _term(word)
        return term


TERMS_CACHE_SIZE = WORD_CACHE_SIZE
_TERMS = _Terms()


class _ChunkTerms(dict):
    """Whitespace-separated chunk ("l'aménagement,") → its terms, filled on first sight and
    bounded like `_Terms`. No token crosses whitespace (the tokenizer's characters, letters,
    digits, "_" and apostrophes, are never whitespace), so a text's terms are its chunks' terms
    in order; `str.split` and a look-up per chunk cost half the regular-expression scan."""

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        if len(self) >= TERMS_CACHE_SIZE:
            self.clear()
        terms = self[chunk] = tuple(filter(None, map(_TERMS.__getitem__, _TOKEN_RE.findall(chunk))))
        return terms


_CHUNK_TERMS = _ChunkTerms()


class _ChunkText(dict):
    """Chunk → its terms joined by spaces ("" for none), bounded like `_Terms`: what
    `analyzed_text` joins, without a list of terms per text."""

    def __missing__(self, chunk: str) -> str:
        if len(self) >= TERMS_CACHE_SIZE:
            self.clear()
        text = self[chunk] = " ".join(_CHUNK_TERMS[chunk])
        return text


_CHUNK_TEXT = _ChunkText()


def analyze(text: str) -> list[str]:
    """The terms the index holds for `text` (also what a query is reduced to).

    The same terms as `FrenchAnalyzer` (tests/search/test_french.py compares them), without
    its token objects: each token's fate is one cached function of the token, and each
    whitespace-separated chunk's terms are cached too, so analysing a text is one split and a
    dictionary look-up per chunk — what lets an engine fed with pre-analysed terms (tantivy)
    index thousands of entries a second.
    """
    return list(chain.from_iterable(map(_CHUNK_TERMS.__getitem__, (text or "").split())))


def analyzed_text(text: str) -> str:
    """The terms of `analyze(text)` separated by whitespace, as an engine with a whitespace
    tokenizer indexes them (tantivy): where a chunk has no term, two spaces, which such a
    tokenizer reads as one, giving the same terms at the same positions. A text's analysis
    costs a split, a look-up per chunk and one join — the larger part of indexing an entry."""
    return " ".join(map(_CHUNK_TEXT.__getitem__, (text or "").split()))


# How far into a text the first query term is looked for. A hit's text (a sheet's sections, a
# document's extracted text) may be a megabyte, and analysing it whole for each of the twenty
# hits of a page cost seconds per search; past this, the snippet shows the start of the text.
SNIPPET_SCAN_CHARS = 10_000


def _term_spans(text: str, terms: set[str], offset: int = 0):
    """Character spans of the words of `text` whose term is in `terms` (the spans the
    analyzer's tokens have, without building them)."""
    # The term from the word table `analyze` fills; the elision's cut only for a match.
    for match in _TOKEN_RE.finditer(text):
        word = match.group()
        if _TERMS[word] in terms:
            yield (offset + match.start() + _term_cut(word)[1], offset + match.end())


def _whole_chunk_at(text: str, chunk: str, start: int) -> int:
    """The first occurrence of `chunk` in `text` from `start` that is a whole chunk
    (whitespace or an end on each side), or -1."""
    last = len(text) - len(chunk)
    found = text.find(chunk, start)
    while found != -1 and (
        (found > 0 and not text[found - 1].isspace())
        or (found < last and not text[found + len(chunk)].isspace())
    ):
        found = text.find(chunk, found + 1)
    return found


def _matching_chunks(text: str, terms: set[str], offset: int = 0) -> Iterator[tuple[int, str]]:
    """(position, chunk) of each whitespace-separated chunk of `text` holding a term of
    `terms`, in order. Which chunks match is found in C (a split, the chunks' cached terms and a
    set test per chunk); only those are then located. A chunk is located from the end of the
    last one found: an identical chunk before it would have matched too, and `_whole_chunk_at`
    skips it inside a longer chunk."""
    chunks = text.split()
    # Lazily, in C: a caller that wants the first match stops the scan there.
    matching = compress(
        chunks, map(not_, map(terms.isdisjoint, map(_CHUNK_TERMS.__getitem__, chunks)))
    )
    cursor = 0
    for chunk in matching:
        found = _whole_chunk_at(text, chunk, cursor)
        if found == -1:  # not reachable: the chunk comes from the text
            return
        yield offset + found, chunk
        cursor = found + len(chunk)


# How much of a text `_first_span` looks at before the rest: a hit's words are mostly near its
# start, and splitting only a head is quicker than splitting ten thousand characters.
FIRST_SPAN_HEAD_CHARS = 400


def _first_span(text: str, terms: set[str]) -> tuple[int, int] | None:
    """The first span `_term_spans(text, terms)` gives: the first whitespace-separated chunk
    with a term in `terms` (no token crosses whitespace, so the first matching token lies in
    it), then that chunk's own tokens — a head of the text first, then the rest. Scanning every
    token of a long text whose words match only in its title cost a millisecond per hit, and
    a regular expression over the head's tokens cost most of a snippet."""
    if not terms:
        return None
    cut = text.rfind(" ", 0, FIRST_SPAN_HEAD_CHARS) if len(text) > FIRST_SPAN_HEAD_CHARS else -1
    if cut == -1:
        cut = len(text) if len(text) <= FIRST_SPAN_HEAD_CHARS else 0
    for part, offset in ((text[:cut], 0), (text[cut:], cut)):
        for position, chunk in _matching_chunks(part, terms, offset):
            return next(_term_spans(chunk, terms, offset=position), None)
    return None


# Markdown source turned into plain text, per text and per hit at most: rendering is linear but
# not free (2 to 25 ms per thousand characters, hostile input included), and a body may hold
# 100 000. A snippet shows 240 characters around the first match: a paragraph or two is enough.
MARKDOWN_EXCERPT_CHARS = 1_500
MARKDOWN_BUDGET_CHARS = 3_000


def markdown_excerpt(source: str, query: str, *, limit: int = MARKDOWN_EXCERPT_CHARS) -> str:
    """The plain text of Markdown `source` (no "**", "##", "- ", link targets) where its
    snippet will come from: all of it when short, else `limit` characters of source from the
    paragraph of the first query term (looked for as `highlight` does), so the work per hit
    stays bounded.
    """
    source = source or ""
    if len(source) <= limit:
        return markdown_to_text(source)
    terms = set(analyze(query))
    first = _first_span(source[:SNIPPET_SCAN_CHARS], terms)
    if first is None or first[0] < limit // 2:
        return markdown_to_text(source[:limit])
    # Start on a block boundary, so that the slice parses as the page shows it.
    floor = first[0] - limit // 2
    start = source.rfind("\n\n", floor, first[0])
    if start == -1:
        start = source.rfind("\n", floor, first[0])
    if start == -1:
        start = source.rfind(" ", floor, first[0])
    start = first[0] if start == -1 else start + 1
    return "… " + markdown_to_text(source[start : start + limit])


# How much of a long text a search page needs to load for its snippet: what `highlight` and
# `markdown_excerpt` read of it (the scanned head, then a window or an excerpt reaching past it)
# and one character more, so that the text is still seen to go on. A document's extracted text
# may hold a million characters.
SNIPPET_WIDTH = 240
SNIPPET_SOURCE_CHARS = SNIPPET_SCAN_CHARS + max(MARKDOWN_EXCERPT_CHARS, SNIPPET_WIDTH) + 1

# The characters `escape` changes: a stretch without any is shown as it is.
_ESCAPED = re.compile("[&<>\"']")


def _unchanged(text: str) -> str:
    return text


@lru_cache(maxsize=256)
def query_terms(query: str) -> frozenset[str]:
    """The terms of a query, as a set (each of a page's twenty snippets asks for them)."""
    return frozenset(analyze(query))


def highlight(text: str, query: str, *, width: int = SNIPPET_WIDTH) -> str:
    """An HTML-escaped excerpt of `text` around the first query term, terms in <mark>.

    Uses the index's analyzer with character offsets, so "velo" marks "vélos" and
    "amenagement" marks the word inside "l'aménagement" — exactly what matched. Only the first
    SNIPPET_SCAN_CHARS characters are searched, and only the excerpt is marked: the work per hit
    is bounded whatever the size of the text.
    """
    text = text or ""
    terms = query_terms(query)
    first = _first_span(text[:SNIPPET_SCAN_CHARS], terms)
    if first is None:
        excerpt = text[:width]
        return escape(excerpt) + ("…" if len(text) > width else "")
    # Window starting a little before the first match, snapped to a word boundary.
    # (A text shorter than the window is shown whole; near the end, the window slides back.)
    start = max(0, min(first[0] - width // 4, len(text) - width))
    if start:
        space = text.find(" ", start, first[0])
        if space != -1:
            start = space + 1
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", first[1], end)
        if space != -1:
            end = space
    parts = ["…" if start else ""]
    cursor = start
    # Escaped piece by piece, unless the window has nothing to escape (most).
    escaped = escape if _ESCAPED.search(text, start, end) else _unchanged
    # No whole chunk before the first match's holds a term: the marking starts at its chunk.
    scan = max(start, text.rfind(" ", start, first[0]) + 1)
    for position, chunk in _matching_chunks(text[scan:end], terms, offset=scan):
        for s, e in _term_spans(chunk, terms, offset=position):
            parts.append(escaped(text[cursor:s]))
            parts.append(f"<mark>{escaped(text[s:e])}</mark>")
            cursor = e
    parts.append(escaped(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts)
