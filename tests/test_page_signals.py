"""scrubber.page signals (issue 6): lists of amounts, the timestamps of posts,
sentences next to the article, the next article of a file of several, and the
page language counted from stop words only.

Every line is invented.  The recipe pages are written the way BeautifulSoup
dumps them: one line per element, inline pieces ("250" / "g" / "Mehl") on
lines of their own.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings

from scrubber import Cleaner, Settings
from scrubber.normalize import normalize_text
from scrubber.page import SAMPLE_CHARS, PageVerdict, find_article, pick_language

from .strategies import Page, pages

MENU = ["Rezepte", "", "Backen", "", "Kochen", "", "Magazin", "", "Videos", "", "Newsletter", ""]
FOOTER = ["Impressum", "", "Datenschutz", "", "Kontakt", "", "© 2024 Beispielküche"]
INTRO = (
    "Ein einfacher Kuchen vom Blech, der mit den ersten Äpfeln aus dem Garten am besten schmeckt. "
    "Der Teig ist in wenigen Minuten fertig, und wenn die Äpfel erst einmal geschnitten sind, "
    "backt sich der Rest fast von allein."
)
METHOD = [
    "Den Backofen auf 180 Grad vorheizen. Mehl, Butter, Zucker, Eier und Backpulver zu einem glatten Teig "
    "verrühren und auf einem mit Backpapier belegten Blech gleichmäßig verstreichen.",
    "Die Äpfel schälen, vierteln, das Kerngehäuse entfernen und die Viertel in dünne Spalten schneiden. "
    "Die Spalten dicht an dicht auf den Teig legen und mit Zucker und Zimt bestreuen.",
    "Den Kuchen etwa 35 Minuten backen, bis der Rand goldbraun ist, und auf dem Blech abkühlen lassen. "
    "Dazu passt am besten ein Klecks frisch geschlagene Sahne.",
]
# amount, unit and name on lines of their own, as a BeautifulSoup dump has them
INGREDIENTS = [
    "Für den Teig:",
    "250", "g", "Mehl",
    "200 g", "Butter",
    "150 g", "Zucker",
    "4", "Eier",
    "1 Pck.", "Backpulver",
    "1 Prise", "Salz",
    "Für den Belag:",
    "1,5 kg", "Äpfel",
    "2 EL", "Zucker",
    "1 TL", "Zimt",
    "100 ml", "Sahne",
    "50 g", "Mandelblättchen",
    "etwas", "Puderzucker",
]


def recipe_page() -> list[str]:
    lines = ["Apfelkuchen vom Blech | Beispielküche", "", *MENU, "Apfelkuchen vom Blech", "", INTRO, "", "Zutaten", "", *INGREDIENTS, ""]
    lines += ["Zubereitung", ""] + [x for m in METHOD for x in (m, "")] + FOOTER
    return [normalize_text(line) for line in lines]


def kept_text(lines: list[str], verdict: PageVerdict) -> list[str]:
    return [line for line, keep in zip(lines, verdict.keep) if keep]


def test_ingredient_list_between_intro_and_method_is_kept() -> None:
    """Amounts with units next to short names are a list of the article, not
    a menu: the intro before the list stays too; the menu and footer go."""
    lines = recipe_page()
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    assert INTRO in kept and all(m in kept for m in METHOD)
    assert all(normalize_text(i) in kept for i in INGREDIENTS)
    for junk in ("Rezepte", "Magazin", "Newsletter", "Impressum", "Datenschutz"):
        assert junk not in kept
        assert verdict.reasons[lines.index(junk)].startswith("page:")
    assert all(find_article(kept).keep)


def test_ranked_teasers_are_no_amounts() -> None:
    """A most-read list ("1 Min." / teaser, "2 Min." / teaser, ...) counts up
    one by one: it is no list of amounts, so it weighs against the article
    like a menu and the cookie notice above it is not taken in."""
    cookie = "Wir verwenden Cookies, damit die Seite für Sie gut funktioniert, und um zu verstehen, wie sie genutzt wird."
    titles = ["Brückenbau beendet", "Stadtrat tagt", "Freibad geschlossen", "Wochenmarkt verlegt", "Bahnstrecke gesperrt", "Zoo erweitert", "Schulbau startet", "Radweg eröffnet", "Rathaus renoviert", "Hafenfest abgesagt"]
    ranked = [x for n, title in enumerate(titles, 1) for x in (f"{n} Min.", title)]
    lines = [normalize_text(x) for x in [cookie, "", "Meistgelesen", "", *ranked, ""]] + recipe_page()
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    assert INTRO in kept and all(m in kept for m in METHOD)
    assert cookie not in kept and "Stadtrat tagt" not in kept and "3 Min." not in kept


def test_dated_teasers_are_no_amounts() -> None:
    """Dates are no amounts ("05.09.2024" has no unit): a teaser list with
    dates weighs against the article like a menu."""
    cookie = "Wir verwenden Cookies, damit die Seite für Sie gut funktioniert, und um zu verstehen, wie sie genutzt wird."
    titles = ["Pflaumenkuchen", "Birnentarte", "Zwetschgendatschi", "Quarkkuchen", "Mohnschnecken", "Bienenstich", "Donauwelle", "Marmorkuchen", "Nusszopf", "Streuselkuchen"]
    days = [3, 5, 8, 9, 12, 15, 17, 20, 22, 26]  # not counting up one by one: no ranking
    teasers = [x for day, title in zip(days, titles) for x in (f"{day:02d}.09.2024", title)]
    lines = [normalize_text(x) for x in [cookie, "", "Mehr Rezepte", "", *teasers, ""]] + recipe_page()
    kept = kept_text(lines, find_article(lines))
    assert INTRO in kept and all(m in kept for m in METHOD)
    assert cookie not in kept and "Birnentarte" not in kept and "05.09.2024" not in kept


POSTS = [
    ("Petra", "19.06.2019, 06:16", "Ich habe den Kuchen am Wochenende gebacken, und er war nach einer Stunde weg. Beim nächsten Mal nehme ich etwas weniger Zucker, weil die Äpfel aus unserem Garten schon sehr süß sind, aber sonst würde ich nichts ändern. Die Mandelblättchen habe ich erst nach der Hälfte der Backzeit darübergestreut, damit sie nicht zu dunkel werden."),
    ("Jonas", "19.06.2019, 13:20", "Funktioniert auch mit Birnen sehr gut, das habe ich gestern ausprobiert. Die Backzeit war bei mir etwas länger, weil die Birnen mehr Saft ziehen, aber das Ergebnis war trotzdem wunderbar saftig und locker. Wer mag, kann noch ein paar gehackte Walnüsse über die Birnen streuen, das passt sehr gut dazu."),
    ("Anna", "20.06.2019, 08:05", "Ein tolles Rezept für den Sonntag, wenn sich die ganze Familie zum Kaffee trifft. Wir haben ihn noch warm mit Vanilleeis gegessen, und selbst meine Schwiegermutter hat nach dem Rezept gefragt, was sie sonst nie tut. Am nächsten Tag war der Rest noch genauso saftig, also kann man ihn gut schon am Vortag backen."),
    ("Malte", "21.06.2019, 17:42", "Ich backe ihn inzwischen jede Woche, weil die Kinder ihn so gerne mögen. Mit Dinkelmehl statt Weizenmehl wird der Teig etwas fester, aber das stört überhaupt nicht und schmeckt sogar ein bisschen nussiger. Die Sahne lasse ich meistens weg, weil der Kuchen auch so schon reichhaltig genug ist."),
]


FOLLOW_UP = (
    "Nachtrag: Ich habe inzwischen auch die Variante mit dem Hefeteig ausprobiert, die weiter oben im Rezept "
    "erwähnt wird. Sie braucht mehr Zeit, weil der Teig zweimal gehen muss, aber dafür wird der Boden schön "
    "luftig und bleibt auch am zweiten Tag noch weich."
)


def test_post_timestamps_inside_the_article_go() -> None:
    """On a page of posts long enough to be kept (two paragraphs each), each
    post's text stays and its date-and-time line goes with the reason
    "page:timestamp"."""
    lines = ["Forum: Apfelkuchen vom Blech", "", *MENU, "Apfelkuchen vom Blech", ""]
    for name, stamp, text in POSTS:
        lines += [name, stamp, text, "", f"{FOLLOW_UP} Viele Grüße, {name}", ""]
    lines += FOOTER
    lines = [normalize_text(x) for x in lines]
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    assert all(normalize_text(text) in kept for _, _, text in POSTS)
    assert not any(stamp in kept for _, stamp, _ in POSTS)
    # the stamps inside the article run (all but the first post's) say why
    assert [verdict.reasons[lines.index(stamp)] for _, stamp, _ in POSTS[1:]] == ["page:timestamp"] * 3
    assert "Newsletter" not in kept
    assert all(find_article(kept).keep)


def test_one_dateline_stays() -> None:
    """A single date-and-time line in the article is its dateline, not a post's stamp."""
    lines = recipe_page()
    at = lines.index(METHOD[1])
    lines[at:at] = ["Aktualisiert am 12.09.2024, 10:15 Uhr", ""]
    kept = kept_text(lines, find_article(lines))
    assert "Aktualisiert am 12.09.2024, 10:15 Uhr" in kept and all(m in kept for m in METHOD)


def test_page_language_is_picked_like_pick_language() -> None:
    """find_article counts only stop words when it picks the page's language;
    the choice is that of pick_language over all the words."""
    for lines in (recipe_page(), ["The bridge over the river will be opened in the spring, and it is the longest in the region by far."] * 3):
        words = Counter(" ".join(line for line in lines if len(line) >= 70).lower().split())
        assert find_article(lines).language == pick_language(words)[0]


def test_a_long_page_picks_its_language_from_its_first_sample_chars() -> None:
    """Past SAMPLE_CHARS characters of long lines the sample is cut (inside a word, maybe): the rest does not count."""
    german = "Die Brücke über den Fluss wird im Frühjahr eröffnet, und sie ist bei weitem die längste in der Region."
    english = "The bridge over the river will be opened in the spring, and it is the longest in the region by far."
    for lines in ([german] * (SAMPLE_CHARS // len(german) + 3) + [english] * 1000, [german] * 10 + [english] * 1000):
        words = Counter(" ".join(line for line in lines if len(line) >= 70)[:SAMPLE_CHARS].lower().split())
        assert find_article(lines).language == pick_language(words)[0]
    assert find_article([german] * (SAMPLE_CHARS // len(german) + 3) + [english] * 1000).language == "German"


PAGE_CLEANER = Cleaner(Settings(page=True))


@settings(max_examples=60, deadline=None)
@given(pages())
def test_page_mode_is_idempotent_on_generated_pages(page: Page) -> None:
    """With the signals above (next article, lead sentences, post stamps),
    cleaning the --page output again with --page changes nothing."""
    once = PAGE_CLEANER.clean_bytes(page.raw.encode("utf-8")).text
    assert PAGE_CLEANER.clean_text(once).text == once


# --- files of several articles: sentences right after (or before) the article
# run belong to it, whatever their stop words; a title with sentences after it
# is the next article.  Every line is invented.

NEWS_MENU = ["* Home", "* World", "* Business", "* Sport", "* Weather", "* Contact"]
NEWS_FOOTER = ["Imprint", "Privacy", "Cookie settings", "© 2024 Example News"]
FIRST = [
    "Harbour Bridge Reopens After Two Years of Repairs",
    "The old harbour bridge reopened to traffic on Monday morning after two years of repairs, and the first buses crossed it shortly after six o'clock while a small crowd watched from the quay.",
    "The city said the work had cost more than it had planned, because the steel of the main span was in a worse state than the engineers had expected when they first looked at it in the spring of last year.",
    "Drivers will still have to expect delays in the evening, when the last of the painting is done, but the city hopes that the bridge will be fully open to lorries again before the end of the month.",
]
# a brief of names and figures: few stop words, but sentences
SECOND = [
    "Port Authority Figures for March",
    "Northport container volume: 41,200 units, up 6.3 percent; Eastport bulk cargo 1.2 million tonnes, down 2.1 percent. (Photo: Port Authority)",
    "Ferry operator Blue Line reported 18,400 passengers, rival Skagen Express 12,900; cruise calls totalled 14, versus 9 in March 2023.",
]


def news_file() -> list[str]:
    lines = [*NEWS_MENU, ""]
    for block in (FIRST, SECOND):
        lines += [block[0], ""] + [x for p in block[1:] for x in (p, "")]
    return [normalize_text(x) for x in lines + NEWS_FOOTER]


def test_short_second_article_is_kept() -> None:
    """A title followed by sentences right after the article is the next
    article, even when its sentences are mostly names and figures."""
    lines = news_file()
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    assert all(normalize_text(p) in kept for p in FIRST[1:] + SECOND)
    assert "* Business" not in kept and "Cookie settings" not in kept
    assert verdict.reasons[lines.index("Cookie settings")].startswith("page:")
    assert all(find_article(kept).keep)


def test_sentences_next_to_the_article_stay() -> None:
    """A paragraph of figures that ends a sentence right before or after the
    article run stays with it; a credit in brackets after the full stop
    ("(Photo: ...)") does not make it a non-sentence."""
    figures_before = normalize_text("Northport, 4 March 2024: container volume 41,200 units, bulk cargo 1.2 million tonnes, ferries 18,400 passengers. (Photo: Port Authority)")
    figures_after = normalize_text("Statistics Office, Table 7.2: 14 cruise calls, 9 in March 2023; 3,100 cars, 2,300 lorries, 640 buses on average each day.")
    lines = [*NEWS_MENU, "", figures_before, ""] + [x for p in FIRST[1:] for x in (p, "")] + [figures_after, "", "Share", "Tweet", "", *NEWS_FOOTER]
    lines = [normalize_text(x) for x in lines]
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    assert figures_before in kept and figures_after in kept
    assert all(normalize_text(p) in kept for p in FIRST[1:])
    assert "Tweet" not in kept and "Privacy" not in kept and "* Sport" not in kept


def test_lead_sentence_under_the_headline_stays() -> None:
    """A short sentence between the headline and the article (a lead of
    figures without stop words) is kept with the headline (found as the repeat
    of a teaser); the teasers, the menu and the footer go."""
    lead = "Budget 14.2 bn euros, duration 26 weeks, staff 85."
    teasers = ["Most read:", "* " + FIRST[0], "* Storm closes ferry port", "* New school opens in Eastfield"]
    lines = [*teasers, "", *NEWS_MENU, "", FIRST[0], "", lead, "", "By Anna Berg", ""] + [x for p in FIRST[1:] for x in (p, "")] + NEWS_FOOTER
    lines = [normalize_text(x) for x in lines]
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    assert FIRST[0] in kept and lead in kept
    assert all(normalize_text(p) in kept for p in FIRST[1:])
    assert "* World" not in kept and "* Storm closes ferry port" not in kept and "Imprint" not in kept
