"""Text normalisation for matching: script, width, punctuation, glosses. Evidence keeps the original."""

from __future__ import annotations

import re
from functools import lru_cache

# Characters that occur only in traditional script and are common in these reports.
_TRADITIONAL = set(
    "開報數據條關區處規辦機國與業統復訴審結維議書過權員會設號鎮鄉縣請項內總體況務問題進條例對應劃歸檔諮詢"
)
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\s*\(\s*[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\s*\)")
_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_ARABIC_ENUM = re.compile(r"^(\d{1,2})\s*[、．.,，]\s*")
_TRANS = str.maketrans(
    {
        "(": "（",
        ")": "）",
        ":": "：",
        ",": "，",
        ";": "；",
        "０": "0",
        "１": "1",
        "２": "2",
        "３": "3",
        "４": "4",
        "５": "5",
        "６": "6",
        "７": "7",
        "８": "8",
        "９": "9",
        "\"": "",
        "'": "",
        "“": "",
        "”": "",
        "‘": "",
        "’": "",
        "「": "",
        "」": "",
        "*": "",
        "#": "",
        "/": "/",
        "／": "/",
    }
)


_TRADITIONAL_RE = re.compile("[" + "".join(sorted(_TRADITIONAL)) + "]")


def is_traditional(text: str) -> bool:
    """True when the text is written in traditional script (a few telltale characters suffice)."""
    return len(_TRADITIONAL_RE.findall(text, 0, 20000)) >= 5


@lru_cache(maxsize=1)
def _converter():  # pragma: no cover - trivial
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def strip_glosses(text: str) -> str:
    """Remove inline pinyin glosses added by mirror sites: 鎮(zhèn) → 鎮."""
    return _GLOSS.sub("", text)


@lru_cache(maxsize=16384)
def norm_label(text: str) -> str:
    """A key for label matching: no spaces, fullwidth brackets, unified enumeration, no quotes."""
    text = _SPACE.sub("", text).translate(_TRANS)
    return _ARABIC_ENUM.sub(lambda m: m.group(1) + ".", text)


def strip_annotation(label: str) -> str:
    """Drop a trailing parenthetical explanation: 规章（设区的市…应提供相关数据） → 规章."""
    out = re.sub(r"（[^（）]*）$", "", label)
    return out if out else label
