"""``hooks samples`` and ``hooks suggest-mapping``: what a hook's form sent, and a first
mapping made from it. On the ``hooks`` group, in a module of their own."""

from __future__ import annotations

import json

import click

from .base import echo_json, session
from .hooks import hooks_group


@hooks_group.command("samples", short_help="What a hook's form sent, as mapping paths.")
@click.argument("hook_id")
@click.option(
    "--limit",
    default=5,
    show_default=True,
    type=click.IntRange(1, 20),
    help="How many of the latest deliveries to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the samples as JSON.")
def hooks_samples(hook_id: str, limit: int, as_json: bool) -> None:
    """What the hook's last deliveries sent, as the paths a mapping can name.

    Newest first; values are cut to a length and secrets are masked. Paths marked
    (label) are a question's label or title, offered by the hook's preset.
    """
    from ..services import samples as svc

    with session() as s:
        found = svc.samples(s, hook_id, limit=limit)
    if as_json:
        echo_json(found)
        return
    if not found["samples"]:
        click.echo("This hook has received nothing yet: send a test submission first.")
    for sample in found["samples"]:
        click.echo(f"{sample['received_at']}  {sample['job_id']}  {sample['status']}")
        if sample.get("note"):
            click.echo(f"  ({sample['note']})")
        for entry in sample["paths"]:
            mark = "  (label)" if entry.get("label") else ""
            value = json.dumps(entry["value"], ensure_ascii=False)
            click.echo(f"  {entry['path']} = {value}{mark}")
        if sample.get("paths_left_off"):
            click.echo(f"  … and {sample['paths_left_off']} more paths")
        click.echo("")


@hooks_group.command("suggest-mapping", short_help="Propose a mapping from a hook's samples.")
@click.argument("hook_id")
def hooks_suggest_mapping(hook_id: str) -> None:
    """Propose a mapping from the hook's samples: form fields matched to the action's
    fields by their names and labels ("First name" -> firstName).

    Prints {"mapping": ..., "notes": [...]}: read the notes, correct the mapping, then
    PATCH /api/v1/hooks/HOOK_ID with {"mapping": ...}. Nothing is changed here.
    """
    from ..services import samples as svc

    with session() as s:
        proposal = svc.suggestion(s, hook_id)
    echo_json(proposal.to_dict())
