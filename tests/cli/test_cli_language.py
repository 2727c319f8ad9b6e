"""The command line speaks Simplified Chinese or English (desktop/i18n.py): real failures and
results, run as subprocesses, under a Chinese and a C locale, with --lang, $LANTERN_LANG and
the store's language setting. What scripts read (the receipt number) is the same in both."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.cli

ROOT = Path(__file__).resolve().parents[2]
ZH = "zh_CN.UTF-8"
C = "C.UTF-8"


def lantern(
    db: Path, *args: str, lang: str, pin: str = "1111", **extra: str
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LANTERN_") and k not in ("LC_ALL", "LC_MESSAGES")
    }
    env.update(LANG=lang, LANTERN_DB=str(db), LANTERN_PIN=pin, **extra)
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def unquoted(text: str) -> str:
    """Quotes around values (`{gift!r}`) are the raise site's business, not the language's."""
    return text.replace("'", "")


def redeem(gift: str) -> tuple[str, ...]:
    return ("redeem", "--member", "M00000001", "--gift", gift, "--cashier", "C01")


FAILURES = [
    # (what, args, pin, exit status, Chinese, English)
    (
        "unknown gift",
        redeem("G999"),
        "1111",
        1,
        "lantern: 错误：没有礼品 G999：请在礼品目录中核对礼品编号",
        "lantern: error: unknown gift G999: check the gift code in the catalogue",
    ),
    (
        "insufficient points",
        redeem("G5002"),
        "1111",
        3,
        "lantern: 已拒绝：积分不足：可用",
        "lantern: refused: insufficient points:",
    ),
    (
        "wrong PIN",
        redeem("G101"),
        "0000",
        1,
        "lantern: 错误：员工 C01 不存在或 PIN 错误",
        "lantern: error: unknown staff member C01 or wrong PIN",
    ),
    (
        "bad amount",
        ("earn", "--member", "M00000001", "--amount", "12.345", "--cashier", "C01"),
        "1111",
        1,
        "lantern: 错误：金额须以元为单位，最多两位小数，例如 128.50；输入的是 12.345",
        "lantern: error: amount must be yuan with at most two decimals, e.g. 128.50; got 12.345",
    ),
]


@pytest.mark.parametrize(
    ("args", "pin", "status", "chinese", "english"),
    [f[1:] for f in FAILURES],
    ids=[f[0] for f in FAILURES],
)
def test_failures_in_the_locales_language(
    demo_path: Path, args: tuple[str, ...], pin: str, status: int, chinese: str, english: str
) -> None:
    # Given a Chinese locale, the failure is explained in Chinese, with the same status
    zh = lantern(demo_path, *args, lang=ZH, pin=pin)
    assert zh.returncode == status, zh.stderr
    assert chinese in unquoted(zh.stderr), zh.stderr
    assert zh.stdout == ""
    # Given the C locale, in English
    en = lantern(demo_path, *args, lang=C, pin=pin)
    assert en.returncode == status, en.stderr
    assert english in unquoted(en.stderr), en.stderr
    assert not re.search(r"[\u4e00-\u9fff]", en.stderr), en.stderr


def test_a_redemption_prints_the_same_receipt_number_in_chinese(demo_path: Path) -> None:
    r = lantern(demo_path, *redeem("G101"), "--no-print", lang=ZH)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"SH001-\d{8}-00001\n", r.stdout)  # for scripts, in every language
    assert "积分，现金 0 分；余额" in r.stderr, r.stderr


def test_human_lines_in_chinese_and_lists_as_they_are(demo_path: Path) -> None:
    check = lantern(demo_path, "store", "check", lang=ZH)
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("门店数据一致"), check.stdout
    gifts = lantern(demo_path, "gift", "list", lang=ZH)
    assert gifts.stdout == lantern(demo_path, "gift", "list", lang=C).stdout
    assert re.search(r"^G101\t.*\t0: 100 pts\tstock \d+", gifts.stdout, re.M)


def test_lang_option_and_environment_choose_over_the_locale(demo_path: Path) -> None:
    args = redeem("G999")
    assert "unknown gift" in lantern(demo_path, "--lang", "en", *args, lang=ZH).stderr
    assert "没有礼品" in lantern(demo_path, *args, "--lang", "zh_CN", lang=C).stderr
    assert "没有礼品" in lantern(demo_path, *args, lang=C, LANTERN_LANG="zh_CN").stderr
    assert "unknown gift" in lantern(demo_path, *args, lang=ZH, LANTERN_LANG="en").stderr


def test_the_stores_language_setting_chooses_over_the_locale(demo_path: Path) -> None:
    # Given a store whose manager chose Chinese in the settings
    con = sqlite3.connect(demo_path)
    with con:
        con.execute(
            "INSERT INTO settings (key, value) VALUES ('language', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (json.dumps("zh_CN"),),
        )
    con.close()
    # Then its command line answers in Chinese under an English locale, and its status too
    assert "没有礼品" in lantern(demo_path, *redeem("G999"), lang=C).stderr
    day = lantern(demo_path, "day", "status", lang=C)
    assert day.returncode == 0, day.stderr
    assert day.stdout.startswith("营业日 ")
    # unless $LANTERN_LANG says otherwise
    assert "unknown gift" in lantern(demo_path, *redeem("G999"), lang=C, LANTERN_LANG="en").stderr


def test_a_mistyped_command_line_is_explained_in_chinese(demo_path: Path) -> None:
    zh = lantern(demo_path, "redeem", "--member", "M00000001", lang=ZH)
    assert zh.returncode == 2
    assert "lantern redeem: 错误：缺少以下参数：--gift, --cashier" in zh.stderr, zh.stderr
    assert zh.stderr.startswith("usage: lantern redeem")  # argparse's usage line as it is
    en = lantern(demo_path, "redeem", "--member", "M00000001", lang=C)
    assert en.returncode == 2
    assert "the following arguments are required: --gift, --cashier" in en.stderr
