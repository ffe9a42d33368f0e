"""scrubber.page.find_article: the article of a whole page, from its lines alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrubber.normalize import normalize_text
from scrubber.page import PageVerdict, find_article, load_stoplist, pick_language

EXPECTED = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "clean" / "expected").glob("*.txt"))

# A made-up German page: menu, cookie notice, headline, article, share counter,
# related stories, footer.  Every line is invented.
MENU = ["* Startseite", "* Politik", "* Wirtschaft", "* Sport", "* Kultur", "* Wissen", "* Reisen", "* Kontakt"]
COOKIE = "Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten. Mehr erfahren"
HEADLINE = "Neue Brücke über den Fluss wird im Frühjahr eröffnet"
ARTICLE = [
    "Die neue Brücke über den Fluss soll im kommenden Frühjahr für den Verkehr freigegeben werden, teilte die Stadtverwaltung am Montag mit. Die Bauarbeiten hatten sich wegen des langen Winters um mehrere Monate verzögert.",
    "Nach Angaben der Stadt werden die Kosten bei rund zwölf Millionen Euro liegen. Das ist etwas mehr, als ursprünglich geplant war, weil die Preise für Stahl und Beton im vergangenen Jahr deutlich gestiegen sind.",
    "Der Bürgermeister sagte, die Brücke sei für die Entwicklung der beiden Stadtteile von großer Bedeutung. Bisher müssen die Anwohner einen Umweg von mehr als fünf Kilometern in Kauf nehmen, wenn sie auf die andere Seite wollen.",
    "Für Radfahrer und Fußgänger wird es einen eigenen, breiten Weg auf der Südseite der Brücke geben. Die Eröffnung soll mit einem kleinen Fest für die Bürger gefeiert werden.",
]
FOOTER = ["Impressum", "Datenschutz", "AGB", "Kontakt", "© 2024 Beispielverlag"]


def made_up_page() -> list[str]:
    # The first line is the page title, as BeautifulSoup dumps have it.
    lines: list[str] = [f"{HEADLINE} - Beispielzeitung", "", *MENU, "", COOKIE, "", "Lokales", "", HEADLINE, "", "12. März 2024, 10:15 Uhr", ""]
    for para in ARTICLE:
        lines += [para, ""]
    lines += ["0", "Teilen", "", "Mehr zum Thema", ""]
    lines += ["* Stadtrat beschließt neuen Haushalt", "* Umleitung an der Hauptstraße", "* Neues Schwimmbad geplant", ""]
    lines += [*FOOTER]
    return [normalize_text(line) for line in lines]


def kept_text(lines: list[str], verdict: PageVerdict) -> list[str]:
    return [line for line, keep in zip(lines, verdict.keep) if keep]


@pytest.mark.parametrize("path", EXPECTED, ids=[p.name for p in EXPECTED])
def test_clean_article_keeps_every_line(path: Path) -> None:
    lines = normalize_text(path.read_text(encoding="utf-8")).split("\n")
    verdict = find_article(lines)
    assert len(verdict.keep) == len(lines) == len(verdict.reasons)
    dropped = [(i, verdict.reasons[i], lines[i]) for i, keep in enumerate(verdict.keep) if not keep]
    assert dropped == []


def test_made_up_page_keeps_the_article_and_drops_the_rest() -> None:
    lines = made_up_page()
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    for para in ARTICLE:
        assert para in kept
    for menu in MENU:
        assert menu not in kept
    assert COOKIE not in kept
    for footer in FOOTER:
        assert footer not in kept
    assert "* Neues Schwimmbad geplant" not in kept
    assert verdict.language == "German"
    # every dropped line says why
    assert all(r.startswith("page:") for r in verdict.reasons)


def test_made_up_page_headline_is_found() -> None:
    page = made_up_page()
    verdict = find_article(page)
    assert verdict.headline is not None
    assert page[verdict.headline] == HEADLINE
    assert HEADLINE in kept_text(page, verdict)


def test_split_paragraphs_are_joined() -> None:
    """BeautifulSoup dumps break a paragraph at every link: the pieces stay together."""
    lines = made_up_page()
    i = lines.index(ARTICLE[1])
    lines[i : i + 1] = ["Nach Angaben der", "Stadt", "werden die Kosten bei rund zwölf Millionen Euro liegen, wie", "aus dem Haushaltsplan", "hervorgeht."]
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    assert "Stadt" in kept and "aus dem Haushaltsplan" in kept and "hervorgeht." in kept


# fixtures long enough to outweigh the made-up page chrome around them
LONG = [p for p in EXPECTED if len(p.read_text(encoding="utf-8")) >= 600]


@pytest.mark.parametrize("path", LONG, ids=[p.name for p in LONG])
def test_article_inside_a_page_is_kept(path: Path) -> None:
    article = normalize_text(path.read_text(encoding="utf-8")).strip("\n").split("\n")
    page = [*MENU, "", COOKIE, ""] + article + ["", "Teilen", "0", ""] + FOOTER
    kept = kept_text(page, find_article(page))
    long_lines = [line for line in article if len(line) >= 80]
    assert long_lines and all(line in kept for line in long_lines)
    assert "* Politik" not in kept and "Impressum" not in kept


def test_kept_lines_are_kept_again() -> None:
    pages = [made_up_page()] + [normalize_text(p.read_text(encoding="utf-8")).split("\n") for p in EXPECTED]
    for lines in pages:
        kept = kept_text(lines, find_article(lines))
        again = find_article(kept)
        assert all(again.keep), [kept[i] for i, k in enumerate(again.keep) if not k]


def test_empty_and_blank_inputs() -> None:
    assert find_article([]).keep == ()
    assert find_article(["", ""]).keep == (True, True)
    assert find_article(["Hallo"]).keep == (True,)


def test_language_is_picked_by_stop_words() -> None:
    from collections import Counter

    english = Counter("the bridge over the river will be opened in the spring and it is".split())
    assert pick_language(english)[0] == "English"
    german = Counter("die brücke über den fluss wird im frühjahr eröffnet und es ist".split())
    assert pick_language(german)[0] == "German"
    assert "und" in load_stoplist("German")


def test_does_not_assume_english() -> None:
    """A French page works like a German one: the stop words of its own language."""
    menu = ["* Accueil", "* Politique", "* Économie", "* Sport", "* Culture", "* Contact"]
    article = [
        "Le nouveau pont sur la rivière sera ouvert à la circulation au printemps prochain, a annoncé la mairie lundi. Les travaux ont pris du retard à cause de l'hiver.",
        "Selon la ville, le coût total sera d'environ douze millions d'euros, un peu plus que prévu, car les prix de l'acier et du béton ont beaucoup augmenté.",
        "Le maire a déclaré que le pont était très important pour le développement des deux quartiers, dont les habitants doivent aujourd'hui faire un long détour.",
    ]
    page = [*menu, ""] + [x for a in article for x in (a, "")] + ["Mentions légales", "Plan du site", "© 2024"]
    verdict = find_article(page)
    kept = kept_text(page, verdict)
    assert verdict.language == "French"
    assert all(a in kept for a in article)
    assert not any(m in kept for m in menu)
    assert "Mentions légales" not in kept


# --- signals added for issue 6: comment timestamps, script text, prose with
# few stop words, pages without a clear article.  Every line is invented.


def test_comment_timestamps_end_the_article() -> None:
    """Posts under the article carry a date and a time each: a long comment
    section after a short article does not win as "the article"."""
    comments = []
    for name, stamp, text in [
        ("Petra", "19. Juni 2019 / 6:16", "Vielen Dank für den Bericht, ich bin jeden Tag über diese Straße gefahren und habe mich schon lange gefragt, wann die Brücke endlich fertig wird. Hoffentlich bleibt es dieses Mal bei dem Termin, denn die Umleitung ist wirklich eine Zumutung für alle."),
        ("Jonas", "19. Juni 2019 / 13:20", "Ich finde es gut, dass es einen eigenen Weg für Radfahrer gibt. In unserer Stadt wird daran leider viel zu oft gespart, und am Ende müssen sich alle auf einer viel zu schmalen Spur drängeln, was für niemanden angenehm ist."),
        ("Anna", "20. Juni 2019 / 8:05", "Zwölf Millionen Euro sind viel Geld, aber wenn man bedenkt, wie lange die Leute schon auf diese Verbindung warten, dann ist das wohl gut angelegt. Ich freue mich jedenfalls schon auf das Fest zur Eröffnung und werde sicher dabei sein."),
    ]:
        comments += [name, stamp, text, "Antworten", ""]
    lines = [normalize_text(x) for x in [*MENU, "", HEADLINE, "", ARTICLE[0], "", ARTICLE[3], "", "3 Kommentare", "", *comments, *FOOTER]]
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    assert ARTICLE[0] in kept and ARTICLE[3] in kept
    assert "19. Juni 2019 / 13:20" not in kept
    assert not any(c.startswith("Ich finde es gut") for c in kept)
    assert "* Politik" not in kept
    assert all(r.startswith("page:") for r in verdict.reasons)


def test_script_text_is_not_the_article() -> None:
    """Script text saved with the page is dropped as "page:symbols", however long."""
    script = "var n=arguments.length>0&&void 0!==arguments[0]?arguments[0]:window;return new Promise(function(t){if(n.indexedDB){var e=n.indexedDB.open('test');e.onerror=function(){t(true)};e.onsuccess=function(){t(false)}}else{t(false)}});" * 3
    lines = [normalize_text(x) for x in [script, "", *MENU, "", HEADLINE, ""] + [x for a in ARTICLE for x in (a, "")] + FOOTER]
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    assert all(a in kept for a in ARTICLE)
    assert script not in kept
    assert verdict.reasons[0] == "page:symbols"


def test_prose_with_few_stop_words_is_kept() -> None:
    """Paragraphs of sentences full of names and figures (few stop words) in
    the article do not split it: the part after them stays too."""
    figures = [
        "Bürgermeisterin Jana Novak, Stadtbaurat Tomasz Berg, Projektleiterin Ewa Lindqvist und Verkehrsplaner Malte Hansen präsentierten am 12. März 2024 Zahlen: 12,4 Millionen Euro Baukosten, 240 Meter Länge, 18 Meter Breite.",
        "Beteiligte Firmen: Brückenbau Nord GmbH, Stahlwerk Süd AG, Ingenieurbüro Weber & Partner, Betonwerk Krause KG, Vermessung Schulz. Bauzeit: 26 Monate, Verzögerung: 4 Monate, Arbeiter: 85 im Schnitt.",
        "Verkehrszählung 2023: 14.000 Autos, 2.300 Lastwagen, 3.100 Radfahrer täglich auf der Umleitung; Prognose 2026: 18.500 Autos, 5.200 Radfahrer, 900 Fußgänger täglich über die neue Brücke.",
    ]
    article = [ARTICLE[0], ARTICLE[1], *figures, ARTICLE[2]]
    lines = [normalize_text(x) for x in [*MENU, "", HEADLINE, ""] + [x for a in article for x in (a, "")] + FOOTER]
    kept = kept_text(lines, find_article(lines))
    assert all(normalize_text(a) in kept for a in article)
    assert "* Politik" not in kept and "Impressum" not in kept


def test_page_without_a_clear_article_drops_only_clear_boilerplate() -> None:
    """A short Spanish text among menus: no run is clearly the article, so the
    short real lines stay and only the link lists go (with their reason)."""
    menu = ["* Inicio", "* Noticias", "* Deportes", "* Cultura", "* Opinión", "* Contacto"]
    body = [
        "Resultado del partido de ayer",
        "El equipo local ganó el partido de ayer por tres goles a uno ante su público en el estadio.",
        "El primer gol llegó en el minuto 32.",
        "La afición celebró la victoria en la plaza del pueblo hasta muy tarde en la noche del domingo.",
    ]
    lines = [*menu, "", *body, "", "* Aviso legal", "* Privacidad", "* Cookies"]
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    assert all(b in kept for b in body)
    assert not any(m in kept for m in menu)
    assert verdict.reasons[lines.index("* Deportes")] == "page:link-list"
    assert verdict.language == "Spanish"


def test_new_signals_keep_a_fixed_point() -> None:
    """The kept lines of the pages above are kept again (idempotence)."""
    script = "var n=arguments.length>0&&void 0!==arguments[0]?arguments[0]:window;return n.x(function(t){t(false)});" * 3
    pages = [
        [*MENU, "", "Resultado del partido", "El equipo local ganó por tres goles a uno.", "", "* Aviso legal", "* Privacidad", "* Cookies"],
        [script, "", *made_up_page()],
    ]
    for lines in pages:
        kept = kept_text(lines, find_article(lines))
        assert all(find_article(kept).keep)


# --- lists inside the article and stop words shared by several lists.  Every
# line is invented.


def test_numbered_list_inside_the_article_is_kept() -> None:
    """A numbered list of short points (no sentence punctuation) between
    paragraphs is part of the article, not a menu: it and the paragraph after
    it stay; the bullet menu and the footer still go."""
    points = ["1. Früh mit der Planung beginnen", "2. Genug Zeit für die Genehmigung einplanen", "3. Die Anwohner rechtzeitig informieren", "4. Einen Puffer für den Winter lassen", "5. Die Kosten offen legen", "6. Ein Fest zur Eröffnung feiern"]
    closing = "Ob sich die anderen Städte der Region an diese Liste halten werden, ist noch offen. Die Stadtverwaltung will ihre Erfahrungen jedenfalls im Herbst auf einer Tagung vorstellen und mit den Nachbarn besprechen."
    lead = "Die Stadt hat aus dem Bau der Brücke sechs Lehren gezogen, die sie anderen Gemeinden weitergeben möchte."
    body = [HEADLINE, "", ARTICLE[0], "", ARTICLE[1], "", lead, "", *points, "", closing, ""]
    lines = [normalize_text(x) for x in [*MENU, "", *body, *FOOTER]]
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    assert all(p in kept for p in points)
    assert closing in kept and ARTICLE[0] in kept
    assert not any(m in kept for m in MENU) and "Impressum" not in kept
    assert verdict.reasons[lines.index("* Politik")] == "page:link-list"
    assert all(find_article(kept).keep)


def test_list_after_a_lead_in_sentence_is_kept() -> None:
    """Short list items after a sentence ending in ":" (ingredients, steps)
    stay with the article; a link list after a short "Read more:" goes."""
    menu = ["* Home", "* Recipes", "* Baking", "* Drinks", "* Shop", "* About us"]
    intro = "This simple bread needs no kneading at all, and it comes out of the oven with a crisp crust and a soft crumb every time, even for a beginner."
    lead = "For one loaf of bread you will need the following things:"
    items = ["* 500 g of flour", "* 350 ml of warm water", "* 10 g of salt", "* 1 teaspoon of dry yeast", "* a little oil for the pot"]
    method = "Mix everything in a large bowl until no dry flour is left, cover it and let it rest overnight. In the morning, shape the dough into a ball and bake it in a hot pot for about forty minutes, with the lid on for the first half."
    more = ["Read more:", "* Easy Sourdough", "* Banana Cake", "* Best Pancakes"]
    lines = [*menu, "", "No-knead bread", "", intro, "", lead, "", *items, "", method, "", *more, "", "Privacy", "Imprint", "© 2024 Example Kitchen"]
    verdict = find_article(lines)
    kept = kept_text(lines, verdict)
    assert verdict.language == "English"
    assert all(i in kept for i in items)
    assert intro in kept and method in kept
    assert "* Banana Cake" not in kept and "* Recipes" not in kept
    assert verdict.reasons[lines.index("* Banana Cake")].startswith("page:")
    assert verdict.reasons[lines.index("* Recipes")] == "page:link-list"
    assert all(find_article(kept).keep)


def test_stop_words_shared_by_several_lists_count_in_part() -> None:
    """jusText's Finnish list also holds "and", "of", "the", "in", "a" and
    "et": an English text full of references ("et al.") is still English."""
    from collections import Counter

    text = " ".join(
        [
            "Smith J, Berg K, Lee M, et al. Treatment of psoriasis with cyclosporine in adults.",
            "Brown T, Weber S, Novak A, et al. Cyclosporine in atopic dermatitis: a trial with and without steroids.",
            "Hansen P, Lind E, Kim Y, et al. Long term safety of cyclosporine in patients with eczema.",
            "This review shows which of these drugs are safe for children.",
        ]
    )
    words = Counter(text.lower().split())
    assert pick_language(words)[0] == "English"
