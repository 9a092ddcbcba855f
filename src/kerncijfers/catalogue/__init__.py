"""The figure catalogue: every published figure defined once, computed once per brief, named in the brief's text.

- `definitions`, `wi2013`: the figures (name, meaning, unit, computation, wording, provenance record)
- `evaluate`: the catalogue computed for one brief, and its text rendered
- `text`: the text's template language (`{{ name | filter }}`), see docs/next-brief.md
- `sources`: the validated deliveries a brief may use, and the Dutch wording of counts
"""
