"""Checks of what an enterprise's record holds, and the masking of its personal data.

The 统一社会信用代码 (GB 32100-2015) has 18 characters from 0-9 and the capitals without I, O,
Z, S, V; the last is a check character: 31 minus the weighted sum of the first 17 modulo 31.
Contact names and phones are shown in full in the window only; every exported file carries
them masked (张** 138****1234), and a phone number written into a description is masked too.
"""
from __future__ import annotations

import re
import unicodedata

from models.errors import LedgerError

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_PHONE = re.compile(r"^[0-9+\-\s()（）]{5,20}$")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(ch) * weight for ch, weight in zip(first17, _WEIGHTS))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def check_credit_code(text: str) -> str:
    """The code in capitals, or LedgerError saying what is wrong with it ("" stays "": optional)."""
    code = unicodedata.normalize("NFKC", text).strip().upper()
    if not code:
        return ""
    if len(code) != 18:
        raise LedgerError(f"统一社会信用代码“{text.strip()}”应为 18 位，现为 {len(code)} 位。")
    illegal = sorted({ch for ch in code if ch not in CREDIT_CODE_CHARS})
    if illegal:
        raise LedgerError(f"统一社会信用代码“{code}”含有不允许的字符 {'、'.join(illegal)}"
                          "（只能是数字和除 I、O、Z、S、V 以外的大写字母）。")
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise LedgerError(f"统一社会信用代码“{code}”的校验位应为 {expected}，现为 {code[17]}，请核对。")
    return code


def check_phone(text: str) -> str:
    phone = unicodedata.normalize("NFKC", text).strip()
    if phone and (not _PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 5):
        raise LedgerError(f"联系电话“{text.strip()}”不是有效的电话号码。")
    return phone


def mask_name(name: str) -> str:
    """张三丰 → 张** (the length is not told either)."""
    name = name.strip()
    return f"{name[0]}**" if name else ""


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234; a shorter number keeps its last two digits."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return ""
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    return f"****{digits[-2:]}"


def mask_text(text: str, names: tuple[str, ...] = ()) -> str:
    """A description for an exported file: mobile numbers and the contact's own name masked."""
    text = _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    for name in names:
        if len(name.strip()) >= 2:
            text = text.replace(name.strip(), mask_name(name))
    return text
