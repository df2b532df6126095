"""`python -m certtriage` runs the command line."""

from .cli import main

main()
