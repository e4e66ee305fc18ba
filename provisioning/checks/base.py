"""What every check shares: its input (`CheckContext`), its output (`Outcome`) and small builders for both.

A check is a pure function `(ctx) -> Outcome`. It never calls AWS; the network probes' results are handed to it in
`ctx.probes` by the orchestrator (provisioning.verify).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from provisioning.types import Status


def t(ja: str, en: str) -> dict[str, str]:
    """A text in both languages."""
    return {"ja": ja, "en": en}


NO_HINT = t("", "")


@dataclass(frozen=True)
class SandboxHelp:
    """What a sandbox learner does where a hint says "in the console" or "the earlier steps" (sandbox_text words it).

    `screen` is the EC2 console screen the fix is made on, by its URL fragment (CONSOLE_SCREENS), when the sandbox
    console can make it there (it has no screen to edit a listener, a load balancer's subnets or an instance's
    groups: leave it out then). `text` is anything to say first, in the step's own words (e.g. what Prepare
    builds). `solve` adds "or use this section's CLI commands or Do it for me".
    """

    screen: str | None = None
    text: dict[str, str] | None = None
    solve: bool = True


@dataclass
class Outcome:
    status: Status
    message: dict[str, str]
    hint: dict[str, str] = field(default_factory=lambda: dict(NO_HINT))
    evidence: dict[str, Any] = field(default_factory=dict)
    transient: bool = False
    # False when the failure leaves the request path working (a port open to more than it should be): then checks
    # downstream of this one (CheckSpec.causes) are not blamed on it.
    blocking: bool = True
    # What a sandbox learner does for this very failure, instead of its check's CheckSpec.sandbox (e.g. only
    # "Prepare builds this" where the hint says "the earlier steps").
    sandbox: SandboxHelp | None = None


def passed(message: dict[str, str], **evidence: Any) -> Outcome:
    return Outcome("pass", message, dict(NO_HINT), evidence)


def failed(
    message: dict[str, str],
    hint: dict[str, str],
    *,
    transient: bool = False,
    blocking: bool = True,
    sandbox: SandboxHelp | None = None,
    **evidence: Any,
) -> Outcome:
    return Outcome("fail", message, hint, evidence, transient, blocking, sandbox)


# The EC2 console's screens a hint may send a learner to, by the URL fragment the console uses (and the sandbox
# console mirrors: tutorial/console/links.py turns these links into its own pages).
CONSOLE_SCREENS: dict[str, dict[str, str]] = {
    "Instances": t("インスタンス", "Instances"),
    "SecurityGroups": t("セキュリティグループ", "Security Groups"),
    "LoadBalancers": t("ロードバランサー", "Load Balancers"),
    "TargetGroups": t("ターゲットグループ", "Target Groups"),
}


def console_link(screen: str, lang: str) -> str:
    """A Markdown link to one EC2 console screen (the sandbox console's page, once rendered for a sandbox learner)."""
    label = CONSOLE_SCREENS[screen][lang]
    text = f"サンドボックスのコンソールの「{label}」" if lang == "ja" else f"the sandbox console's {label} page"
    return f"[{text}](https://console.aws.amazon.com/ec2/home#{screen}:)"


def sandbox_text(screen: str | None, text: dict[str, str] | None = None, solve: bool = True) -> dict[str, str]:
    """What a sandbox learner does instead of the AWS console: the step's own words, the sandbox console's screen,
    and this section's CLI commands or "Do it for me"."""
    ja, en = [], []
    if text:
        ja.append(text["ja"])
        en.append(text["en"])
    if screen and text:
        ja.append(f"{console_link(screen, 'ja')}でも操作できます。")
        en.append(f"You can also use {console_link(screen, 'en')}.")
    elif screen:
        ja.append(f"サンドボックスでは、{console_link(screen, 'ja')}で操作できます。")
        en.append(f"In the sandbox, use {console_link(screen, 'en')}.")
    if solve and (screen or text):
        ja.append("コンソールにない操作は、この節の「AWS CLI でやる場合」のコマンドか「代わりにやる」でできます。")
        en.append(
            "What the sandbox console cannot do, this section's “With the AWS CLI” commands or “Do it for me” can."
        )
    elif solve:
        ja.append("サンドボックスでは、この節の「AWS CLI でやる場合」のコマンドか「代わりにやる」で直せます。")
        en.append("In the sandbox, this section's “With the AWS CLI” commands or “Do it for me” fix it.")
    return {"ja": "".join(ja), "en": " ".join(en)}


@dataclass
class CheckContext:
    """A step's snapshot and parameters, and the results of the probes its checks asked for."""

    snapshot: Any
    params: Any
    probes: dict[str, Any] = field(default_factory=dict)  # probe name -> probes.HttpProbeResult / TcpProbeResult

    @property
    def region(self) -> str:
        return self.params.region
