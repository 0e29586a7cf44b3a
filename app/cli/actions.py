"""What a hook can do: each action's fields, example and schema."""

from __future__ import annotations

import click

from .base import cli, echo_json, json_option, table


@cli.group("actions", short_help="What a hook can do.", invoke_without_command=False)
def actions_group() -> None:
    """What a hook can do: one action per hook."""


@actions_group.command(
    "list", short_help="List actions and the scopes they need.", with_appcontext=False
)
@json_option
def actions_list(as_json: bool) -> None:
    """Every action, the Esqase scopes its key needs, and what it does."""
    from actions import registry

    rows = [
        {"name": name, "scopes": list(action.scopes), "description": action.description}
        for name, action in registry().items()
    ]
    if as_json:
        echo_json(rows)
        return
    table(
        ["ACTION", "SCOPES", "DESCRIPTION"],
        [[r["name"], r["scopes"], r["description"]] for r in rows],
        empty="no actions",
    )


@actions_group.command(
    "show", short_help="An action's fields, example and schema.", with_appcontext=False
)
@click.argument("name")
@json_option
def actions_show(name: str, as_json: bool) -> None:
    """Action NAME: its fields to map in Zapier or Make, an example payload, the schema."""
    from actions import UnknownAction, get_action

    from ..admin.actions import example
    from ..fields import mapping_guide, zapier_fields

    try:
        action = get_action(name)
    except UnknownAction as exc:
        raise click.ClickException(exc.message) from None
    if as_json:
        echo_json(
            {
                "name": action.name,
                "description": action.description,
                "scopes": list(action.scopes),
                "example": example(action),
                "schema": action.schema,
            }
        )
        return
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
