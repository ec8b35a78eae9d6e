"""Fixed data the scenarios draw on: OS images, names, script bodies.

The OS images follow the guide (Ubuntu 22.04 R550 CUDA 12.4 and 20.04 R535
CUDA 12.2, with and without Docker) and the seed's deploy example ("Ubuntu
24.04 + CUDA 12.8 Open + Docker"). Which image is offered where is assumed.
"""

from __future__ import annotations

from typing import Final

from barrack_tui.catalog import REGIONS
from barrack_tui.sim.model import OsImage

_ADVANCED: Final = ("FINLAND-1", "FINLAND-2", "FINLAND-3")

OS_IMAGES: Final[tuple[OsImage, ...]] = (
    OsImage(
        "Ubuntu-24.04-CUDA-12.8-Open-Docker",
        "Ubuntu 24.04 + CUDA 12.8 Open + Docker",
        "Ubuntu 24.04 LTS",
        "12.8",
        True,
        REGIONS,
    ),
    OsImage("Ubuntu-24.04-CUDA-12.8-Open", "Ubuntu 24.04 + CUDA 12.8 Open", "Ubuntu 24.04 LTS", "12.8", False, REGIONS),
    OsImage(
        "Ubuntu-22.04-R550-CUDA-12.4-Docker",
        "Ubuntu Server 22.04 LTS R550 CUDA 12.4 with Docker",
        "Ubuntu 22.04 LTS",
        "12.4",
        True,
        REGIONS,
    ),
    OsImage(
        "Ubuntu-22.04-R550-CUDA-12.4",
        "Ubuntu Server 22.04 LTS R550 CUDA 12.4",
        "Ubuntu 22.04 LTS",
        "12.4",
        False,
        REGIONS,
    ),
    OsImage(
        "Ubuntu-20.04-R535-CUDA-12.2-Docker",
        "Ubuntu Server 20.04 LTS R535 CUDA 12.2 with Docker",
        "Ubuntu 20.04 LTS",
        "12.2",
        True,
        ("CANADA-1",),
    ),
    OsImage(
        "Ubuntu-20.04-R535-CUDA-12.2",
        "Ubuntu Server 20.04 LTS R535 CUDA 12.2",
        "Ubuntu 20.04 LTS",
        "12.2",
        False,
        ("CANADA-1",),
    ),
)

DEFAULT_IMAGE: Final = "Ubuntu-24.04-CUDA-12.8-Open-Docker"
LEGACY_IMAGE: Final = "Ubuntu-22.04-R550-CUDA-12.4-Docker"

# Workload names for generated fleets: "<prefix>-<number>".
FLEET_PREFIXES: Final = (
    "llama-finetune",
    "vllm-serve",
    "sdxl-render",
    "whisper-batch",
    "bert-eval",
    "mixtral-dev",
    "qwen-sft",
    "rlhf-reward",
    "embed-index",
    "jupyter-research",
    "diffusion-train",
    "tts-infer",
)

INSTALL_VLLM: Final = """#!/bin/bash
# Install vLLM and serve a model on port 8000.
set -euo pipefail
python3 -m pip install --upgrade pip
python3 -m pip install vllm
nohup python3 -m vllm.entrypoints.openai.api_server \\
  --model meta-llama/Llama-3.1-8B-Instruct --port 8000 > /var/log/vllm.log 2>&1 &
"""

MOUNT_DATASETS: Final = """#!/bin/bash
# Mount the first data volume at /data.
set -euo pipefail
DEVICE=$(lsblk -ndo NAME,TYPE | awk '$2=="disk"{print "/dev/"$1}' | tail -n 1)
mkdir -p /data
blkid "$DEVICE" || mkfs.ext4 -q "$DEVICE"
mount "$DEVICE" /data
echo "$DEVICE /data ext4 defaults,nofail 0 2" >> /etc/fstab
"""

AI_HISTORY: Final = (
    # (hours before now, model, prompt tokens, completion tokens)
    (50.0, "barrack-assistant-small", 412, 288),
    (44.5, "barrack-assistant-large", 1260, 940),
    (30.2, "barrack-assistant-small", 230, 175),
    (20.0, "barrack-assistant-large", 2210, 1530),
    (9.4, "barrack-assistant-small", 318, 402),
    (5.1, "barrack-assistant-small", 150, 96),
    (1.2, "barrack-assistant-large", 980, 712),
)
