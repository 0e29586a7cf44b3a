"""What a hook can do: each action's fields, example and schema."""

from __future__ import annotations

import click

from .base import cli, echo_json


@cli.group("actions", invoke_without_command=False)
def actions_group() -> None:
    """What a hook can do."""


@actions_group.command("list", with_appcontext=False)
def actions_list() -> None:
    from actions import registry

    for name, action in registry().items():
        click.echo(f"{name:<28} {action.scope:<45} {action.description}")


@actions_group.command("show", with_appcontext=False)
@click.argument("name")
def actions_show(name: str) -> None:
    """Schema, example payload, and the field names to map in Zapier or Make."""
    from actions import UnknownAction, get_action

    from ..admin.actions import example
    from ..fields import mapping_guide, zapier_fields

    try:
        action = get_action(name)
    except UnknownAction as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{action.name}: {action.description}\nscope: {action.scope}\n")
    click.echo("Fields to map (Zapier 'Data' / Make 'Request content'):")
    for line in zapier_fields(action.schema):
        click.echo(f"  {line}")
    click.echo("\nExample payload:")
    echo_json(example(action))
    guide = mapping_guide(action.schema)
    click.echo("\nA hook's mapping sets each field from the body its sender posts:")
    for form in guide["forms"].values():
        click.echo(f"  {form}")
    if "names" in guide:
        click.echo(f"  {guide['names']}")
    click.echo("Example mapping:")
    echo_json(guide["example"])
    click.echo("\nSchema:")
    echo_json(action.schema)
