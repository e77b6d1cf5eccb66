"""The site: a pure page renderer and the thin MkDocs plugin over it."""
