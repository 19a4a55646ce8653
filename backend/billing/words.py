"""An amount in Indian English words, as invoices print it: lakh and crore, rupees and paise."""

from __future__ import annotations

from decimal import Decimal

_ONES = (
    "",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
)
_TENS = ("", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety")
_GROUPS = ((10_000_000, "Crore"), (100_000, "Lakh"), (1000, "Thousand"), (100, "Hundred"))


def _below_hundred(n: int) -> str:
    if n < 20:
        return _ONES[n]
    return _TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else "")


def number_in_words(n: int) -> str:
    """12_34_567 → "Twelve Lakh Thirty-Four Thousand Five Hundred Sixty-Seven"."""
    if n == 0:
        return "Zero"
    words = []
    for size, name in _GROUPS:
        if n >= size:
            count, n = divmod(n, size)
            words.append(f"{number_in_words(count)} {name}")
    if n:
        words.append(_below_hundred(n))
    return " ".join(words)


def rupees_in_words(amount: Decimal) -> str:
    """Decimal("2598.50") → "Rupees Two Thousand Five Hundred Ninety-Eight and Fifty Paise Only"."""
    paise = int((amount * 100).to_integral_value())
    rupees, paise = divmod(paise, 100)
    text = f"Rupees {number_in_words(rupees)}"
    if paise:
        text += f" and {_below_hundred(paise)} Paise"
    return text + " Only"
