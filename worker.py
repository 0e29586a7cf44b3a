"""RQ worker entry point (Procfile ``worker``): build the app, hand off."""

from app import create_app
from app.worker import run_worker

if __name__ == "__main__":
    run_worker(create_app())
