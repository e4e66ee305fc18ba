"""Figures are served by a view: the project's SVG, an instructor's PNG override, and nothing else."""

from __future__ import annotations

import pytest

from .seed import SLOTS, STEP_EN, STEP_JA

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("name", [*SLOTS, "architecture"])
def test_every_figure_is_served_as_svg(client, override_dir, name):
    response = client.get(f"{STEP_JA}figures/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert body(response).lstrip().startswith(b"<svg")


def test_svg_figures_show_the_values_to_enter(client, override_dir):
    expected = {
        "step5_lb_create_03": ["aws-hands-on", "ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d", "HTTP", "80"],
        "step5_lb_create_04": ["aws-hands-on-alb", "0.0.0.0/0", "80"],
        "step5_lb_create_05": ["aws-hands-on", "8000", "/healthcheck", "インスタンス"],
        "step5_lb_create_06": ["CodeDeploy=aws-hands-on", "aws-hands-on-ec2", "8000", "登録済に追加"],
        "step5_lb_target_group_02": ["traffic-port", "200", "/healthcheck"],
        "step5_lb_target_group_03": ["healthy", "8000"],
        "step5_lb_load_balancer_01": ["HTTP : 80", "転送先 aws-hands-on"],
        "step5_lb_load_balancer_02": ["ap-northeast-1.elb.amazonaws.com", "active", "Django"],
        "step5_security_group_02": ["8001", "0.0.0.0/0", "インバウンドルールを編集"],
        "step5_security_group_03": ["aws-hands-on-alb", "8000", "カスタム TCP"],
        "step5_security_group_04": ["aws-hands-on-alb", "8000"],
    }
    for name, values in expected.items():
        svg = body(client.get(f"{STEP_EN}figures/{name}")).decode()
        for value in values:
            assert value in svg, (name, value)


def test_png_override_per_tutorial(client, override_dir):
    (override_dir / "aws-hands-on").mkdir()
    (override_dir / "aws-hands-on" / "step5_lb_create_01.png").write_bytes(PNG)
    response = client.get(f"{STEP_JA}figures/step5_lb_create_01")
    assert response["Content-Type"] == "image/png"
    assert body(response) == PNG
    assert client.get(f"{STEP_JA}figures/step5_lb_create_02")["Content-Type"] == "image/svg+xml"


def test_png_override_at_the_top_of_the_override_dir(client, override_dir):
    (override_dir / "step5_security_group_04.png").write_bytes(PNG)
    response = client.get(f"{STEP_EN}figures/step5_security_group_04")
    assert response["Content-Type"] == "image/png"
    assert body(response) == PNG


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2Ftutorial.yaml",
        "..",
        "%2E%2E",
        "step5_lb_create_01.svg",
        "..%5Cstep.ja.md",
        "figures.yaml",
        "nope",
        "%2Fetc%2Fpasswd",
    ],
)
def test_anything_but_a_declared_figure_is_404(client, override_dir, name):
    assert client.get(f"{STEP_JA}figures/{name}").status_code == 404


def test_override_symlink_out_of_the_override_dir_is_ignored(client, override_dir, tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    (override_dir / "step5_lb_create_02.png").symlink_to(outside)
    assert client.get(f"{STEP_JA}figures/step5_lb_create_02")["Content-Type"] == "image/svg+xml"


def test_svg_is_sandboxed(client, override_dir):
    response = client.get(f"{STEP_JA}figures/architecture")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
