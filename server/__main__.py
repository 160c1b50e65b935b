"""`python -m spiegel` is the same as the `spiegel` command."""

from spiegel.cli import main

if __name__ == "__main__":
    main()
