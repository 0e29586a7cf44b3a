"""``python -m app.cli``: what the dev server and tests use to start a worker."""

from . import main

main()
