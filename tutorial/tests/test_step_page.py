"""The step page: the whole seed in Japanese, its English counterpart, figures, checkpoints, safe content."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from provisioning.steps.load_balancer.catalog import SECTIONS as STEP5_SECTIONS

from .pages import read_page
from .seed import HEADINGS_EN, SEED_HEADINGS_JA, SLOTS, STEP_EN, STEP_JA

pytestmark = pytest.mark.django_db

SEED = Path(settings.BASE_DIR).parent / "shared" / "seed" / "step5-load-balancer.ja.md"
FIGURES_YAML = Path(settings.CONTENT_DIR) / "aws-hands-on" / "load-balancer" / "figures.yaml"


def seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"the seed is not beside the repository ({SEED})")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def ja_page(client):
    response = client.get(STEP_JA)
    assert response.status_code == 200
    return read_page(response.content.decode())


@pytest.fixture
def en_page(client):
    response = client.get(STEP_EN)
    assert response.status_code == 200
    return read_page(response.content.decode())


def test_heading_list_matches_the_seed():
    headings = [line[2:].strip() for line in seed_text().splitlines() if line.startswith("# ")]
    assert headings == SEED_HEADINGS_JA


def test_every_seed_heading_is_a_page_heading(ja_page):
    assert ja_page.headings[0] == ("h1", SEED_HEADINGS_JA[0])
    h2s = [text.rstrip(" #") for tag, text in ja_page.headings if tag == "h2"]
    assert h2s == SEED_HEADINGS_JA[1:]


def test_every_seed_bullet_link_and_code_line_is_on_the_page(ja_page):
    # Compared without whitespace: inline code and links split the text into separate runs on the page.
    page_text = re.sub(r"\s+", "", ja_page.text)
    for line in seed_text().splitlines():
        if not line.strip() or line.startswith("# ") or line.startswith("```") or "<img" in line:
            continue
        expected = re.sub(r"\s+", "", line.strip().removeprefix("* ").replace("`", ""))
        assert expected in page_text, line
    for url in re.findall(r"https://\S+", seed_text()):
        assert url in ja_page.links


def test_all_sixteen_figures_with_alt_and_caption_in_japanese(ja_page):
    meta = yaml.safe_load(FIGURES_YAML.read_text(encoding="utf-8"))
    figures = {f.id.removeprefix("figure-"): f for f in ja_page.figures}
    for slot in SLOTS:
        figure = figures[slot]
        assert figure.src == f"{STEP_JA}figures/{slot}"
        assert figure.alt == meta[slot]["alt"]["ja"]
        assert meta[slot]["caption"]["ja"] in figure.caption
    in_order = [f.id.removeprefix("figure-") for f in ja_page.figures if f.id.startswith("figure-step5_")]
    assert in_order == SLOTS


def test_english_page_has_the_counterparts(en_page):
    meta = yaml.safe_load(FIGURES_YAML.read_text(encoding="utf-8"))
    assert en_page.headings[0] == ("h1", HEADINGS_EN[0])
    assert [t.rstrip(" #") for tag, t in en_page.headings if tag == "h2"] == HEADINGS_EN[1:]
    figures = {f.id.removeprefix("figure-"): f for f in en_page.figures}
    for slot in SLOTS:
        assert figures[slot].src == f"{STEP_EN}figures/{slot}"
        assert figures[slot].alt == meta[slot]["alt"]["en"]
        assert meta[slot]["caption"]["en"] in figures[slot].caption
    assert "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/introduction.html" in en_page.links


def test_figures_sit_in_the_sections_the_seed_puts_them_in(ja_page):
    where = {f.id.removeprefix("figure-"): f.section for f in ja_page.figures}
    assert where["architecture"] == "architecture"
    assert {where[s] for s in SLOTS if "lb_create" in s} == {"create-alb"}
    assert {where[s] for s in SLOTS if "target_group" in s} == {"target-group"}
    assert {where[s] for s in SLOTS if "load_balancer" in s} == {"load-balancer"}
    assert {where[s] for s in SLOTS if "security_group" in s} == {"restrict-ec2-sg"}


def test_architecture_diagram_is_present(ja_page, en_page):
    for page in (ja_page, en_page):
        diagram = next(f for f in page.figures if f.id == "figure-architecture")
        assert diagram.alt and diagram.caption and diagram.src.endswith("/figures/architecture")


def test_each_section_has_a_checkpoint_with_its_checks(ja_page, client):
    assert ja_page.sections == ["before-you-start", "architecture", *list(STEP5_SECTIONS)[1:]]
    for section, checks in STEP5_SECTIONS.items():
        assert ja_page.checks_by_section[section] == list(checks)
    assert "architecture" not in ja_page.checks_by_section
    assert "ロードバランサーの状態が active である" in ja_page.text
    en = read_page(client.get(STEP_EN).content.decode())
    assert "The load balancer's state is active" in en.text


def test_sections_are_linkable_from_the_menu(ja_page):
    for section in ja_page.sections:
        assert f"#{section}" in ja_page.links


def test_code_blocks_have_copy_buttons(client):
    html = client.get(STEP_JA).content.decode()
    assert html.count("data-copy-button") == html.count("<pre>") >= 1


def test_reading_needs_no_login(client):
    assert client.get(STEP_JA).status_code == 200
    assert client.get(STEP_EN).status_code == 200


def test_signed_in_learner_reads_the_same_page(student_client):
    assert student_client.get(STEP_JA).status_code == 200


def test_ui_is_japanese_by_default_and_english_under_en(client):
    ja = client.get(STEP_JA).content.decode()
    en = client.get(STEP_EN).content.decode()
    assert '<html lang="ja"' in ja and "チェックポイント" in ja
    assert '<html lang="en"' in en and "Checkpoint" in en and "チェックポイント" not in en


@pytest.mark.parametrize(
    "url", ["/ja/tutorials/nope/", "/ja/tutorials/nope/load-balancer/", "/en/tutorials/aws-hands-on/nope/"]
)
def test_unknown_tutorial_or_step_is_404(client, url):
    assert client.get(url).status_code == 404


def test_content_cannot_put_script_on_the_page(client, use_pack):
    use_pack.replace(
        "load-balancer/step.ja.md",
        "## ターゲットグループの確認 {#target-group}\n",
        "## ターゲットグループの確認 <script>alert('h')</script> {#target-group}\n"
        "<script>alert('x')</script>\n\n"
        "[link](javascript:alert('y')) <a href=\"javascript:alert('z')\">z</a>\n"
        '<img src="x" onerror="alert(\'w\')">\n\n',
    )
    html = client.get(STEP_JA).content.decode()
    assert "alert(" not in re.sub(r"\[link\]\(javascript:alert\('y'\)\)", "", html)
    assert 'href="javascript' not in html.lower()
    assert "onerror" not in html


def test_cli_block_per_section_in_each_language(client, use_pack):
    cli = use_pack.step / "cli"
    cli.mkdir()
    (cli / "create-alb.sh").write_text(
        "# ja: ロードバランサーを作成する\n# en: Create the load balancer\n"
        "aws elbv2 create-load-balancer --name aws-hands-on --type application\n",
        encoding="utf-8",
    )
    ja = read_page(client.get(STEP_JA).content.decode())
    en = read_page(client.get(STEP_EN).content.decode())
    assert "AWS CLI でやる場合" in ja.text and "# ロードバランサーを作成する" in ja.text
    assert "Create the load balancer" not in ja.text.split("AWS CLI でやる場合")[1].split("チェックポイント")[0]
    assert "With the AWS CLI" in en.text and "# Create the load balancer" in en.text
    assert "ロードバランサーを作成する" not in en.text
    assert "aws elbv2 create-load-balancer --name aws-hands-on" in en.text
