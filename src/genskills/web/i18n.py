"""The words of the web interface, in French (the default) and English.

A page's language comes from ``?lang=`` (so a URL says which language it shows and can
be shared), else French. Labels of the graph's own resources come from the graph; only
the interface's words are here.
"""

from __future__ import annotations

LANGUAGES = ("fr", "en")
DEFAULT = "fr"

TEXTS: dict[str, tuple[str, str]] = {   # key -> (fr, en)
    "site": ("genskills", "genskills"),
    "tagline": ("Compétences, métiers et formations de la médecine génomique (PFMG 2025)",
                "Skills, roles and training courses of genomic medicine (PFMG 2025)"),
    "skip": ("Aller au contenu", "Skip to content"),
    "nav": ("Navigation principale", "Main navigation"),
    "home": ("Accueil", "Home"),
    "courses": ("Formations", "Courses"),
    "gaps": ("Lacunes", "Gaps"),
    "path": ("Parcours de formation", "Learning path"),
    "query": ("SPARQL", "SPARQL"),
    "ontology": ("Ontologie", "Ontology"),
    "api": ("API", "API"),
    "other_language": ("English", "Français"),
    "other_language_name": ("en", "fr"),
    "switch_language": ("Read this page in English", "Lire cette page en français"),
    # home
    "what_graph_holds": ("Ce que contient le graphe", "What the graph holds"),
    "class": ("Classe", "Class"),
    "count": ("Nombre", "Count"),
    "last_update": ("Dernière mise à jour des données", "Last update of the data"),
    "data_status": ("Statut des données", "Data status"),
    "real_courses": ("formations réelles, sourcées", "real, sourced courses"),
    "illustrative_courses": ("formations illustratives (exemples construits, non réels)",
                             "illustrative courses (constructed examples, not real)"),
    "illustrative_warning": ("Les formations marquées « illustratif » sont des exemples construits pour montrer "
                             "le fonctionnement du graphe : elles n'existent pas.",
                             "Courses marked “illustrative” are constructed examples that show how the graph "
                             "works: they do not exist."),
    "by_role": ("Par métier ou public", "By role or audience"),
    "by_step": ("Par étape du parcours de soins", "By step of the care pathway"),
    "by_region": ("Par région", "By region"),
    "courses_count": ("{n} formations", "{n} courses"),
    # search
    "search": ("Rechercher", "Search"),
    "search_courses": ("Rechercher des formations", "Search courses"),
    "search_text": ("Mots recherchés (français ou anglais)", "Words to look for (French or English)"),
    "facets": ("Affiner", "Refine"),
    "facet_role": ("Métier ou public", "Role or audience"),
    "facet_competence": ("Compétence", "Competence"),
    "facet_step": ("Étape du parcours", "Care-pathway step"),
    "facet_region": ("Région", "Region"),
    "facet_training_type": ("Type de formation", "Training type"),
    "facet_level": ("Niveau CEC", "EQF level"),
    "facet_mode": ("Modalité", "Mode"),
    "facet_language": ("Langue d'enseignement", "Teaching language"),
    "any": ("Tous", "Any"),
    "remove_filter": ("Retirer le filtre", "Remove the filter"),
    "results": ("{n} formations trouvées", "{n} courses found"),
    "result_one": ("1 formation trouvée", "1 course found"),
    "no_results": ("Aucune formation ne répond à ces critères.", "No course matches these criteria."),
    "page_of": ("Page {page} sur {pages}", "Page {page} of {pages}"),
    "previous": ("Page précédente", "Previous page"),
    "next": ("Page suivante", "Next page"),
    "download_csv": ("Télécharger en CSV", "Download as CSV"),
    "download_json": ("Télécharger en JSON", "Download as JSON"),
    "download_svg": ("Télécharger la figure (SVG)", "Download the figure (SVG)"),
    "illustrative": ("illustratif", "illustrative"),
    "level": ("niveau", "level"),
    "apply": ("Appliquer", "Apply"),
    # resource
    "resource": ("Ressource", "Resource"),
    "definition": ("Définition", "Definition"),
    "labels": ("Libellés", "Labels"),
    "types": ("Types", "Types"),
    "properties": ("Propriétés", "Properties"),
    "links_in": ("Liens vers cette ressource", "Links to this resource"),
    "alignments": ("Alignements (EDAM, ESCO, Wikidata…)", "Alignments (EDAM, ESCO, Wikidata…)"),
    "more_values": ("… et {n} autres", "… and {n} more"),
    "as_rdf": ("Cette ressource en RDF", "This resource as RDF"),
    "iri": ("IRI", "IRI"),
    "find_courses": ("Voir les formations", "See the courses"),
    # gaps
    "gap_dashboard": ("Tableau de bord des lacunes", "Gap dashboard"),
    "gap_intro": ("Où manque-t-il des formations ? Les comptes portent sur les formations réelles et illustratives ; "
                  "une formation couvre une compétence si elle la nomme ou nomme son domaine.",
                  "Where are courses missing? Counts include real and illustrative courses; a course covers a "
                  "competence when it names it or its domain."),
    "heatmap_title": ("Couverture des compétences par région", "Coverage of the competences by region"),
    "heatmap_desc": ("Nombre de formations dispensées dans chaque région (et à distance) qui couvrent chaque "
                     "compétence ; une case vide hachurée signifie aucune formation.",
                     "Number of courses taught in each region (and online) that cover each competence; an empty "
                     "hatched cell means no course."),
    "heatmap_cell": ("{row} × {column} : {count} formation(s)", "{row} × {column}: {count} course(s)"),
    "heatmap_legend": ("Formations", "Courses"),
    "pathway_title": ("Couverture le long du parcours de soins", "Coverage along the care pathway"),
    "pathway_desc": ("Pour chaque étape, compétences couvertes par au moins une formation sur les compétences "
                     "de l'étape, et nombre de formations.",
                     "For each step, competences covered by at least one course out of the step's competences, "
                     "and number of courses."),
    "covered": ("couvertes", "covered"),
    "not_covered": ("non couvertes", "not covered"),
    "n_courses": ("{count} formations", "{count} courses"),
    "catalogue_gaps": ("Lacunes du catalogue", "Gaps of the catalogue"),
    "catalogue_gaps_intro": ("Compétences et étapes couvertes par aucune formation, ou seulement dans une région "
                             "(aucune à distance).",
                             "Competences and steps covered by no course, or in a single region only (none "
                             "online)."),
    "no_catalogue_gap": ("Aucune : chaque compétence et chaque étape a des formations dans au moins deux régions "
                         "ou à distance.",
                         "None: every competence and every step has courses in at least two regions or online."),
    "gap_uncovered": ("aucune formation", "no course"),
    "gap_single-region": ("une seule région", "one region only"),
    "role_gaps": ("Compétences essentielles sans formation, par métier", "Essential competences with no course, by role"),
    "role_gaps_intro": ("Pour chaque métier, les compétences essentielles qu'aucune formation accessible ne couvre "
                        "(région choisie ou à distance).",
                        "For each role, the essential competences that no available course covers (the chosen "
                        "region, or online)."),
    "no_role_gap": ("aucune", "none"),
    "reason_no-course": ("aucune formation n'existe", "no course exists"),
    "reason_excluded": ("des formations existent mais les contraintes les excluent",
                        "courses exist but the constraints exclude them"),
    "all_regions": ("Toutes les régions", "All regions"),
    "data_table": ("Les mêmes données en tableau", "The same data as a table"),
    "competence": ("Compétence", "Competence"),
    "domain": ("Domaine", "Domain"),
    "step": ("Étape", "Step"),
    "role": ("Métier", "Role"),
    "gap": ("Lacune", "Gap"),
    "courses_n": ("Formations", "Courses"),
    "regions_n": ("Régions", "Regions"),
    # learning path
    "path_intro": ("Indiquez un métier, ce que la personne sait déjà et ses contraintes : genskills propose le plus "
                   "petit ensemble de formations qui couvre les compétences essentielles manquantes, dans l'ordre "
                   "du parcours de soins.",
                   "Give a role, what the person already knows and their constraints: genskills proposes the "
                   "smallest set of courses that covers the missing essential competences, in care-pathway "
                   "order."),
    "choose": ("— choisir —", "— choose —"),
    "already_have": ("Compétences déjà acquises", "Competences already held"),
    "already_have_hint": ("Choisissez d'abord un métier et validez pour voir ses compétences essentielles.",
                          "Choose a role and submit first to see its essential competences."),
    "max_level": ("Niveau CEC maximal", "Highest EQF level"),
    "training_types": ("Types de formation admis", "Training types allowed"),
    "compute_path": ("Calculer le parcours", "Compute the path"),
    "path_result": ("Parcours proposé", "Proposed path"),
    "path_summary": ("{courses} formation(s) pour {needed} compétence(s) essentielle(s) manquante(s)",
                     "{courses} course(s) for {needed} missing essential competence(s)"),
    "method_exact": ("Solution exacte : aucun ensemble plus petit de formations ne couvre ces compétences.",
                     "Exact answer: no smaller set of courses covers these competences."),
    "method_greedy": ("Solution approchée (algorithme glouton) : {bound}.", "Approximate answer (greedy): {bound}."),
    "covers": ("Couvre", "Covers"),
    "steps": ("Étapes", "Steps"),
    "uncovered": ("Restent non couvertes", "Left uncovered"),
    "nothing_uncovered": ("Toutes les compétences manquantes sont couvertes.", "Every missing competence is covered."),
    "already_had_list": ("Déjà acquises", "Already held"),
    # query page
    "query_title": ("Interroger le graphe en SPARQL", "Query the graph with SPARQL"),
    "query_intro": ("Écrivez une requête SPARQL 1.1 ou partez d'un exemple ; le point d'accès est {endpoint}.",
                    "Write a SPARQL 1.1 query or start from an example; the endpoint is {endpoint}."),
    "examples": ("Exemples (requêtes prêtes à l'emploi)", "Examples (canned queries)"),
    "run_query": ("Exécuter", "Run"),
    "result_format": ("Format du résultat", "Result format"),
    "noscript_query": ("Sans JavaScript, envoyez la requête avec ce formulaire :", "Without JavaScript, send the query with this form:"),
    # errors
    "error": ("Erreur", "Error"),
    "back_home": ("Retour à l'accueil", "Back to the home page"),
    "not_found": ("Cette page n'existe pas.", "This page does not exist."),
}


def language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT


def text(key: str, lang: str, **values) -> str:
    """The interface text ``key`` in ``lang``, with ``{name}`` fields filled."""
    fr, en = TEXTS[key]
    chosen = en if lang == "en" else fr
    return chosen.format(**values) if values else chosen
