"""SSH keys and startup scripts."""

from __future__ import annotations

from barrack_tui.catalog import SSH_KEYS_PER_REGION
from barrack_tui.sim import assumed, checks, fields, ids, sshkeys, views
from barrack_tui.sim.call import Call, Reply, ok, paged
from barrack_tui.sim.errors import SimError, invalid, invalid_state, too_large
from barrack_tui.sim.model import Script, SshKey
from barrack_tui.sim.world import World

# ---------------------------------------------------------------- SSH keys


def add_key(world: World, name: str, public_key: str | None) -> tuple[SshKey, str | None]:
    """Import ``public_key``, or generate a pair when it is None; returns the private key if generated.

    Keys are account-wide in our wire shapes, so the guide's "25 per region"
    is applied per account.
    """
    fields.key_name(name)
    checks.name_free(any(k.name == name for k in world.ssh_keys.values()), "SSH key", name)
    if len(world.ssh_keys) >= SSH_KEYS_PER_REGION:
        raise invalid(f"This account already has {SSH_KEYS_PER_REGION} SSH keys, the most allowed: delete one first")
    private_pem = None
    if public_key is None:
        pair = sshkeys.ed25519_pair(world.rng.randbytes(32), world.rng.randbytes(4), name)
        parsed, private_pem = pair.public, pair.private_pem
    else:
        try:
            parsed = sshkeys.parse_public_key(public_key)
        except ValueError as exc:
            raise invalid(f"public_key is not an OpenSSH public key: {exc}") from None
        twin = next((k for k in world.ssh_keys.values() if k.fingerprint == parsed.fingerprint), None)
        if twin is not None:
            raise invalid(f"This public key is already registered as {twin.name!r}")
    key = SshKey(world.ids.new(ids.SSH_KEY), name, parsed.line, parsed.key_type, parsed.fingerprint, world.t)
    world.ssh_keys[key.key_id] = key
    return key, private_pem


def list_keys(world: World, call: Call) -> Reply:
    page, paging = paged(list(world.ssh_keys.values()), call)
    return ok("SSH keys retrieved successfully", ssh_keys=[views.ssh_key(world, k) for k in page], **paging)


def create_key(world: World, call: Call) -> Reply:
    key, private_pem = add_key(world, call.body.req_text("name"), call.body.text("public_key"))
    if private_pem is None:
        return ok(f"SSH key {key.name} imported", ssh_key=views.ssh_key(world, key))
    return ok(
        f"SSH key {key.name} generated: save the private key now, it is shown only once",
        ssh_key=views.ssh_key(world, key),
        private_key=private_pem,
    )


def get_key(world: World, call: Call) -> Reply:
    key = checks.ssh_key(world, call.params["key_id"])
    return ok("SSH key retrieved successfully", ssh_key=views.ssh_key(world, key))


def delete_key(world: World, call: Call) -> Reply:
    key = checks.ssh_key(world, call.params["key_id"])
    users = [i.vm_name for i in world.instances.values() if i.ssh_key_id == key.key_id]
    if users:
        shown = ", ".join(users[:5]) + (f" and {len(users) - 5} more" if len(users) > 5 else "")
        raise invalid_state(f"SSH key {key.name} is used by {shown}; a key in use cannot be deleted")
    del world.ssh_keys[key.key_id]
    return ok(f"SSH key {key.name} deleted", key_id=key.key_id)


# ---------------------------------------------------------- startup scripts


def _content(text: str) -> str:
    size = len(text.encode())
    if size > assumed.SCRIPT_MAX_BYTES:
        raise too_large(f"Script content is {size:,} bytes; the limit is {assumed.SCRIPT_MAX_BYTES:,} bytes (16 KB)")
    return text


def _script_name(world: World, name: str, keep: str | None = None) -> str:
    fields.resource_name(name, "Script")
    taken = any(s.name == name and s.script_id != keep for s in world.scripts.values())
    checks.name_free(taken, "Script", name)
    return name


def add_script(world: World, name: str, content: str, description: str = "") -> Script:
    script = Script(
        world.ids.new(ids.SCRIPT),
        _script_name(world, name),
        fields.description(description),
        _content(content),
        world.t,
        world.t,
    )
    world.scripts[script.script_id] = script
    return script


def list_scripts(world: World, call: Call) -> Reply:
    page, paging = paged(list(world.scripts.values()), call)
    return ok("Startup scripts retrieved successfully", scripts=[views.script(s) for s in page], **paging)


def create_script(world: World, call: Call) -> Reply:
    body = call.body
    script = add_script(world, body.req_text("name"), body.req_text("content"), body.text("description") or "")
    return ok(f"Startup script {script.name} created", script=views.script(script))


def get_script(world: World, call: Call) -> Reply:
    return ok(
        "Startup script retrieved successfully", script=views.script(checks.script(world, call.params["script_id"]))
    )


def update_script(world: World, call: Call) -> Reply:
    script = checks.script(world, call.params["script_id"])
    body = call.body
    name, content, description = body.text("name"), body.text("content"), body.text("description")
    if name is None and content is None and description is None:
        raise invalid("Nothing to update: give name, content or description")
    if name is not None:
        script.name = _script_name(world, name, keep=script.script_id)
    if content is not None:
        script.content = _content(content)
    if description is not None:
        script.description = fields.description(description)
    script.updated_at = world.t
    return ok(f"Startup script {script.name} updated", script=views.script(script))


def delete_script(world: World, call: Call) -> Reply:
    script = checks.script(world, call.params["script_id"])
    del world.scripts[script.script_id]
    return ok(f"Startup script {script.name} deleted", script_id=script.script_id)


def delete_scripts(world: World, call: Call) -> Reply:
    wanted = list(dict.fromkeys(call.body.id_list("script_ids", required=True)))
    deleted = [s for s in wanted if world.scripts.pop(s, None) is not None]
    missing = [s for s in wanted if s not in deleted]
    if not deleted:
        raise SimError(404, f"None of the scripts exist: {', '.join(missing)}")
    return ok(f"{len(deleted)} startup script(s) deleted", deleted=deleted, not_found=missing)


HANDLERS = {
    "listSshKeys": list_keys,
    "createSshKey": create_key,
    "getSshKey": get_key,
    "deleteSshKey": delete_key,
    "listScripts": list_scripts,
    "createScript": create_script,
    "getScript": get_script,
    "updateScript": update_script,
    "deleteScript": delete_script,
    "deleteScripts": delete_scripts,
}
