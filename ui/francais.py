"""Streamlit's own words in French.

Streamlit writes some words of its interface in English whatever the browser's language:
tooltips and labels of the tables' and charts' toolbars, "Running...", the file drop zone,
"Page not found". A script, installed once per page load by app.py (ui.page.style_global),
puts them in French as they appear: text, and the aria-label, title and placeholder that
screen readers and tooltips read. tests/test_browser_quotidien.py looks for the English ones.
"""

from __future__ import annotations

import json

import streamlit as st

FRANCAIS = {
    "Search": "Rechercher", "Fullscreen": "Plein écran", "Close fullscreen": "Quitter le plein écran",
    "Exit fullscreen": "Quitter le plein écran", "Show data": "Voir les données",
    "Download as PNG": "Télécharger en PNG", "Download as SVG": "Télécharger en SVG",
    "Copy Vega-Lite spec": "Copier la définition du graphique", "Show/hide columns": "Afficher ou masquer des colonnes",
    "Collapse sidebar": "Replier la barre latérale", "Expand sidebar": "Déplier la barre latérale",
    "Clear value": "Effacer", "Clear all": "Tout effacer", "Clear": "Effacer", "Open": "Ouvrir", "Close": "Fermer",
    "Choose an option": "Choisissez", "Choose options": "Choisissez", "No results": "Aucun résultat",
    "Select all": "Tout sélectionner", "Running...": "Calcul en cours…", "Stop": "Arrêter",
    "Page not found": "Page introuvable", "Download": "Télécharger", "Main menu": "Menu principal",
    "Drag and drop file here": "Glissez-déposez le fichier ici", "Drag and drop files here": "Glissez-déposez les fichiers ici",
    "Browse files": "Parcourir", "Upload": "Déposer", "Delete": "Supprimer", "Remove": "Retirer",
    "Copy to clipboard": "Copier", "Rerun": "Relancer", "Settings": "Paramètres", "Print": "Imprimer",
    "Skip to main content": "Aller au contenu", "Link to heading": "Lien vers ce titre", "Dismiss": "Fermer",
}
_FRANCAIS_JS = """<script>
(() => {
  if (window.__iaeFrancais) return;
  window.__iaeFrancais = true;
  const FR = %s, ATTRS = ["aria-label", "title", "placeholder"];
  const LIMIT = /^Limit (.+) per file(.*)$/, NOT_FOUND = /^(You have requested page |The page that you have requested)/;
  const text = t => FR[t.trim()] ? t.replace(t.trim(), FR[t.trim()])
                  : LIMIT.test(t.trim()) ? t.trim().replace(LIMIT, "Jusqu'à $1 par fichier$2")
                  : NOT_FOUND.test(t.trim()) ? "Cette adresse ne correspond à aucune page : la page d'accueil s'ouvre."
                  : null;
  const fix = root => {
    if (!root) return;
    if (root.nodeType === 3) { const f = text(root.nodeValue); if (f !== null) root.nodeValue = f; return; }
    if (root.nodeType !== 1) return;
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) { const f = text(n.nodeValue); if (f !== null) n.nodeValue = f; }
    for (const e of [root, ...root.querySelectorAll("[aria-label],[title],[placeholder]")])
      for (const a of ATTRS) { const v = e.getAttribute(a); if (v && FR[v]) e.setAttribute(a, FR[v]); }
  };
  new MutationObserver(ms => ms.forEach(m => m.type === "childList" ? m.addedNodes.forEach(fix) : fix(m.target)))
    .observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ATTRS});
  fix(document.body);
})();
</script>"""



def installer() -> None:
    st.html(_FRANCAIS_JS % json.dumps(FRANCAIS, ensure_ascii=False), unsafe_allow_javascript=True)
