"""`python -m certtriage` runs the command line."""

from .cli import main

if __name__ == "__main__":  # not when a spawned worker process imports it
    main()
