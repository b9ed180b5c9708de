"""Hostile text for the security tests: markup, template and SQL look-alikes, spreadsheet
formulas. Each must be stored as typed and shown as literal text, never run."""

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
SVG = '"><svg onload=window.__xss=1>'
JS_URL = "javascript:window.__xss=1"
JS_LINK = '<a href="javascript:window.__xss=1">open</a>'
TEMPLATES = "{{7*7}} ${7*7}"
DROP = "'; DROP TABLE responses; --"
OR_TRUE = "' OR '1'='1"
FORMULAS = ('=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)")
MARKUP = (SCRIPT, IMG, SVG, JS_LINK)

# Marks of injected markup (only a payload's own markup would carry __xss in a handler or a
# javascript: URL; the app's own handlers are bound from scripts, not attributes) and of an
# executed template (49).
INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    if (el.matches("img[src='x'], svg[onload]")) found.push(el.outerHTML.slice(0, 120));
    if (el.tagName === "SCRIPT" && el.textContent.includes("__xss"))
      found.push(el.outerHTML.slice(0, 120));
    for (const attr of el.attributes) {
      const value = attr.value.trim().toLowerCase();
      if ((attr.name.startsWith("on") && value.includes("__xss")) ||
          (["href", "src", "action", "formaction", "xlink:href", "srcdoc"].includes(attr.name)
           && value.startsWith("javascript:")))
        found.push(el.tagName + " " + attr.name + "=" + attr.value.slice(0, 80));
    }
  }
  return found;
}"""


def hostile(words: str, *extra: str) -> str:
    """Ordinary words with every markup payload, the template and SQL texts, and extras."""
    return " ".join([words, *MARKUP, TEMPLATES, DROP, OR_TRUE, *extra])
