"""Reference solutions and a catalog of typical student mistakes."""
