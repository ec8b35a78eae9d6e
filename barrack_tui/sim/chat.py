"""The simulated assistant: scripted answers that know the account.

It answers what runs and what it costs, the cheapest way to run N x MODEL now
(live stock and prices), why an instance is still CREATING, how to connect
over SSH, and otherwise gives a short guide. Answers are Markdown, with a
fenced code block where one is natural. ``/tokens N`` (sim only) answers with
exactly N tokens of Markdown filler, for benchmarks.

A token is a word or a run of punctuation with the whitespace before it, so
``"".join(tokenize(text)) == text``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from barrack_tui.catalog import DEFAULT_SSH_USER, GPU_MODELS, OS_VOLUME_TYPE
from barrack_tui.sim import assumed
from barrack_tui.sim.model import Instance
from barrack_tui.sim.world import World

_TOKEN: Final = re.compile(r"\s*(?:\w+|[^\w\s]+)|\s+")
_TOKENS_TRIGGER: Final = re.compile(r"^\s*/tokens\s+(\d+)\b")
_INSTANCE_ID: Final = re.compile(r"\bBRK-[A-Z0-9]{7}\b")
_COUNT_AND_MODEL: Final = re.compile(r"\b(\d+)\s*(?:x|×|\*)?\s*([a-z][a-z0-9-]*\d[a-z0-9-]*)", re.IGNORECASE)
_MODEL_WORD: Final = re.compile(r"\b([a-z]+\d+[a-z0-9-]*)\b", re.IGNORECASE)
API: Final = "https://barrack.ai/api"
MAX_FILLER_TOKENS: Final = 200_000


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def count_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


def filler_tokens(n: int) -> list[str]:
    """Exactly ``n`` tokens of Markdown: paragraphs, a list and a fenced code block, repeated."""
    block = (
        "## Section {i}\n\n"
        "GPU clusters scale training throughput when the data pipeline keeps up; measure "
        "samples per second before adding nodes, and profile the input loader first.\n\n"
        "- Pin the CUDA and driver versions in your image.\n"
        "- Keep checkpoints on a volume, not the OS disk.\n"
        "- Hibernate idle machines to stop paying for GPUs.\n\n"
        "```python\n"
        "import torch\n\n"
        "def throughput(batch: int, seconds: float) -> float:\n"
        "    return batch / max(seconds, 1e-9)\n"
        "```\n\n"
    )
    tokens: list[str] = []
    i = 1
    while len(tokens) < n:
        tokens.extend(tokenize(block.format(i=i)))
        i += 1
    return tokens[:n]


def tokens_trigger(text: str) -> int | None:
    match = _TOKENS_TRIGGER.match(text)
    return min(int(match.group(1)), MAX_FILLER_TOKENS) if match else None


def answer(world: World, messages: Sequence[tuple[str, str]], now: float) -> str:
    """The assistant's reply to the conversation (role, content) pairs."""
    user = next((c for r, c in reversed(messages) if r == "user"), "")
    context = "\n".join(c for r, c in messages if r == "system")
    text = user.lower()
    if "creating" in text or "stuck" in text or ("why" in text and "still" in text):
        return _why_creating(world, user, context, now)
    if "cheap" in text or "cheapest" in text or ("run" in text and _COUNT_AND_MODEL.search(user)):
        return _cheapest(world, user)
    if "ssh" in text or "connect" in text:
        return _ssh(world, user, context)
    if any(w in text for w in ("running", "cost", "spend", "burn", "bill", "balance")):
        return _running(world)
    return _generic(world)


# ------------------------------------------------------------------ intents


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _running(world: World) -> str:
    instances = list(world.instances.values())
    if not instances:
        return (
            "You have **no instances** right now, so nothing bills for GPUs.\n\n"
            f"Your balance is **{_money(world.balance)}**. Ask me for the cheapest way to run a GPU "
            "and I'll check live stock."
        )
    by_state: dict[str, int] = {}
    for inst in instances:
        by_state[inst.status] = by_state.get(inst.status, 0) + 1
    states = ", ".join(f"{n} {s}" for s, n in sorted(by_state.items(), key=lambda kv: -kv[1]))
    top = sorted(instances, key=lambda i: i.meter.rate, reverse=True)[:10]
    rows = "\n".join(
        f"| {i.vm_name} | {i.status} | {i.gpu_count} x {i.gpu_model} | {i.region} | {_money(i.meter.rate)}/h |"
        for i in top
    )
    more = f"\n\n…and {len(instances) - len(top)} more." if len(instances) > len(top) else ""
    compute = sum(i.meter.rate for i in instances)
    other = max(0.0, world.burn - compute)
    runway = world.balance / world.burn if world.burn > 0 else float("inf")
    runway_text = (
        f"about **{runway:,.0f} hours** ({runway / 24:,.1f} days)" if runway != float("inf") else "indefinitely"
    )
    return (
        f"You have **{len(instances)} instances**: {states}.\n\n"
        "| Instance | State | GPUs | Region | Now |\n|---|---|---|---|---|\n"
        f"{rows}{more}\n\n"
        f"Instances bill **{_money(compute)}/h** right now, plus {_money(other)}/h for detached volumes "
        f"and snapshots. At **{_money(world.burn)}/h** your balance of **{_money(world.balance)}** lasts "
        f"{runway_text}.\n\n"
        "Stopped (SHUTOFF) machines still bill the full rate; hibernate them to pay "
        f"{_money(0.01)}/h instead."
    )


def _models_named(user: str) -> tuple[int, list[str]]:
    """The count and the GPU models a question names ("4 x H100" -> 4, the three H100s)."""
    count = 1
    word = None
    match = _COUNT_AND_MODEL.search(user)
    if match:
        count, word = int(match.group(1)), match.group(2)
    else:
        found = _MODEL_WORD.search(user)
        word = found.group(1) if found else None
    if word:
        for candidate in (word.lower(), word.lower().rstrip("s")):
            models = [m for m in GPU_MODELS if candidate in m.lower()]
            if models:
                return count, models
    return count, list(GPU_MODELS)


def _cheapest(world: World, user: str) -> str:
    count, models = _models_named(user)
    options: list[tuple[float, str, str, int]] = []
    fits = [m for m in models if count in GPU_MODELS[m].counts]
    if not fits:
        allowed = sorted({c for m in models for c in GPU_MODELS[m].counts})
        return (
            f"{count} GPUs is not a size Barrack deploys for {', '.join(models)}: choose "
            f"{', '.join(str(c) for c in allowed)} GPUs."
        )
    for model in fits:
        info = GPU_MODELS[model]
        for region in info.regions:
            free = world.stock_of(model, region).available
            if free >= count:
                rate = world.gpu_price(model) * count + world.volume_rate(
                    info.tier, OS_VOLUME_TYPE[info.tier], assumed.DEFAULT_OS_VOLUME_GB
                )
                options.append((rate, model, region, free))
    wanted = f"{count} x {fits[0] if len(fits) == 1 else ' / '.join(fits)}"
    if not options:
        return (
            f"Nothing can run **{wanted}** right now: no region has {count} of them free.\n\n"
            "Try fewer GPUs, another model, or ask again in a few minutes (stock changes as "
            "instances are deleted or hibernated)."
        )
    options.sort()
    rate, model, region, free = options[0]
    table = "\n".join(f"| {m} | {r} | {f} | {_money(x)}/h |" for x, m, r, f in options[:6])
    image = next((o.name for o in world.os_images if region in o.regions), "<image>")
    key = next((k.name for k in world.ssh_keys.values()), "<your-key>")
    body = (
        f'{{"gpu_model": "{model}", "gpu_count": {count}, "region": "{region}", '
        f'"image_name": "{image}", "ssh_key": "{key}"}}'
    )
    afford = ""
    if world.balance < rate:
        afford = (
            f"\n\n⚠️ Your balance ({_money(world.balance)}) is below one hour of this rate, "
            "so the deploy would be refused."
        )
    return (
        f"The cheapest way to run **{wanted}** now is **{count} x {model} in {region}** at "
        f"**{_money(rate)}/h** (GPUs plus a {assumed.DEFAULT_OS_VOLUME_GB} GB OS volume); {free} are free there.\n\n"
        "| Model | Region | Free | Price |\n|---|---|---|---|\n"
        f"{table}\n\n"
        "Deploy it with:\n\n"
        "```bash\n"
        f"curl -X POST {API}/deploy-server/ \\\n"
        '  -H "X-API-Key: $BARRACK_API_KEY" -H "Content-Type: application/json" \\\n'
        f"  -d '{body}'\n"
        f"```{afford}"
    )


def _mentioned(world: World, *texts: str) -> Instance | None:
    for text in texts:
        for ident in _INSTANCE_ID.findall(text):
            if ident in world.instances:
                return world.instances[ident]
        lowered = text.lower()
        for name, ident in world.instance_names.items():
            if name.lower() in lowered:
                return world.instances[ident]
    return None


def _why_creating(world: World, user: str, context: str, now: float) -> str:
    inst = _mentioned(world, user, context)
    if inst is None:
        creating = [i for i in world.instances.values() if i.status == "CREATING"]
        if not creating:
            return "None of your instances is **CREATING** right now; every deploy has finished."
        inst = max(creating, key=lambda i: i.status_changed_at)
    if inst.status != "CREATING":
        return (
            f"**{inst.vm_name}** (`{inst.instance_id}`) is not creating any more: it is **{inst.status}** "
            f"since {inst.changed_iso}."
        )
    elapsed = max(0, int(now - inst.status_changed_at))
    low, high = assumed.CREATING_SECONDS
    boot = world.volumes.get(inst.boot_volume_id)
    disk = f"a {boot.size_gb} GB {boot.volume_type} boot volume" if boot else "its boot volume"
    if elapsed <= high:
        verdict = f"That is normal: deploys usually take **{low}-{high} s**."
    else:
        verdict = (
            f"That is longer than the usual {low}-{high} s. If it stays CREATING for several more minutes, "
            "delete it once it settles and deploy again, or try another region."
        )
    return (
        f"**{inst.vm_name}** (`{inst.instance_id}`) has been **CREATING for {elapsed} s**. {verdict}\n\n"
        f"While it is creating, Barrack allocates {inst.gpu_count} x {inst.gpu_model} in {inst.region}, "
        f"prepares {disk} with *{inst.operating_system}* and boots it. The public IP stays "
        "`pending` until the instance is **ACTIVE**; only storage bills meanwhile.\n\n"
        "Watch it with:\n\n"
        "```bash\n"
        f'curl -s -H "X-API-Key: $BARRACK_API_KEY" {API}/instances/{inst.instance_id}/ | jq .instance.status\n'
        "```"
    )


def _ssh(world: World, user: str, context: str) -> str:
    inst = _mentioned(world, user, context)
    if inst is None:
        inst = next((i for i in world.instances.values() if i.status == "ACTIVE" and i.ip_address), None)
    if inst is None:
        return "None of your instances is ACTIVE with a public IP, so there is nothing to SSH into yet."
    if inst.ip_address is None:
        reason = "it has no public IP (toggle it on)" if not inst.public_ip else f"it is {inst.status}"
        return f"**{inst.vm_name}** cannot be reached over SSH yet: {reason}."
    key = world.ssh_keys.get(inst.ssh_key_id) if inst.ssh_key_id else None
    key_file = f"~/.ssh/{key.name}" if key else "~/.ssh/id_ed25519"
    return (
        f"Connect to **{inst.vm_name}** ({inst.gpu_count} x {inst.gpu_model}, {inst.region}) as "
        f"`{DEFAULT_SSH_USER}`:\n\n"
        "```bash\n"
        f"ssh -i {key_file} {DEFAULT_SSH_USER}@{inst.ip_address}\n"
        "```\n\n"
        "Then check the GPUs with `nvidia-smi`."
    )


def _generic(world: World) -> str:
    return (
        "I'm the Barrack assistant. I can help you with:\n\n"
        "- **What is running** and what it costs per hour\n"
        "- **The cheapest way** to run N x a GPU model right now (live stock and prices)\n"
        "- **Why an instance is still CREATING**\n"
        "- **How to connect** to an instance over SSH\n\n"
        f"You have {len(world.instances)} instance(s) and a balance of {_money(world.balance)}. "
        "Every API call takes your key in the `X-API-Key` header, for example:\n\n"
        "```bash\n"
        f'curl -s -H "X-API-Key: $BARRACK_API_KEY" {API}/instances/\n'
        "```"
    )
