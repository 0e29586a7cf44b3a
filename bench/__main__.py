"""``make bench``: every benchmark, each printing ratios against its own in-process baseline."""

from . import ingest, worker_class

if __name__ == "__main__":
    ingest.main()
    worker_class.main()
