"""``python worker.py``: the same as ``esqase-relay worker`` (which the Procfile runs),
for a host that starts Python files rather than console scripts. Like the CLI, it joins
a running ``esqase-relay dev`` of this checkout when no RELAY_* variable says otherwise."""

from app import create_app
from app.devsettings import use_dev_settings
from app.worker import run_worker

if __name__ == "__main__":
    use_dev_settings()
    run_worker(create_app())
