"""The commonest function words of the five languages, left out of queries: "de" would match every Spanish text.

Folded (lower case, no accents) as ``text.words`` answers them; the stored documents keep them, only the query
drops them, so the list can change without reindexing.
"""

STOPWORDS = {
    "en": set(
        """a an and are as at be by for from has have in into is it its of on or that the their this to was
                 were which with""".split()
    ),
    "fr": set(
        """a au aux avec ce ces dans de des du en est et la le les leur leurs ou par pour qu que qui sa se
                 ses son sont sur un une d l""".split()
    ),
    "es": set("""a al con de del el en es la las lo los o para por que se su sus un una y e""".split()),
    "pt": set("""a ao aos as com da das de do dos e em na nas no nos o os ou para pela pelo por que se sua um uma""".split()),
    "ru": set("""а в во и к на не о об от по с со у за из для или что как это его ее их""".split()),
}
ALL_STOPWORDS = set().union(*STOPWORDS.values())


def is_stopword(word: str, lang: str) -> bool:
    """``word`` (folded) is a function word of ``lang``; one-letter words count as such in every language."""
    return len(word) < 2 or word in STOPWORDS.get(lang, ())
