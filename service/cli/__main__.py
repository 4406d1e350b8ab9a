"""`python -m gdprep.service.cli`: the `gdprep` command."""

from gdprep.service.cli import main

main()
