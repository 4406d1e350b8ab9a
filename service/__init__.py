"""Front doors: the `gdprep` CLI (typer) and, later, the HTTP API. Thin layers over the packages."""
