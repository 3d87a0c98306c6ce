"""Simple arithmetic in a chat message, found and evaluated without ``eval``.

:func:`find_arithmetic` spots an expression such as ``2+2``, ``what is 12 * 7?``, ``15% of 80``,
``(3+4)*2`` or ``7 plus 7`` and evaluates it with a small recursive-descent parser over
numbers, ``+ - * / // % ^ **``, parentheses, unary minus, ``x% of y`` and ``sqrt``. Nothing else
is accepted, exponents and results are bounded (so ``9^9^9`` is refused, not computed), and a
message whose arithmetic is only a small part of a longer text (a date, a score, "the 2024-2025
season") is left to the ordinary reply.
"""

from __future__ import annotations

import math
import re

from ._text import rx

__all__ = ["Arithmetic", "find_arithmetic", "format_number"]

# Words people use for operators, rewritten to symbols before parsing (longest first).
_WORD_OPS = (
    (r"\bmultiplied\s+by\b", "*"), (r"\bdivided\s+by\b", "/"), (r"\bto\s+the\s+power\s+of\b", "^"),
    (r"\braised\s+to\b", "^"), (r"\bsquare\s+root\s+of\b", "sqrt"), (r"\bplus\b", "+"),
    (r"\bminus\b", "-"), (r"\btimes\b", "*"), (r"\bover\b", "/"), (r"\bmod(?:ulo)?\b", "mod"),
    (r"\bsquared\b", "^2"), (r"\bcubed\b", "^3"), (r"\bpercent\s+of\b", "% of"),
    (r"[×✕]", "*"), (r"÷", "/"), (r"−", "-"),
)
# All word operators in one pass (a group per entry, so the match says which one it was).
_WORD_OPS_RE = re.compile("|".join(f"({p})" for p, _ in _WORD_OPS))


def _word_op(m: re.Match[str]) -> str:
    return f" {_WORD_OPS[(m.lastindex or 1) - 1][1]} "


# A run of characters that can make up an expression (words "of", "mod", "sqrt" included).
_EXPR_RE = re.compile(r"(?:\bsqrt\b|\bmod\b|\bof\b|[\d.,()+\-*/^%\s])+")
_FRAME = frozenset(
    "what is whats what's how much calculate compute evaluate solve work out the value of "
    "answer result equals equal please tell me can you could you do does quickly".split()
)
_TOKEN_RE = re.compile(r"\s*(?:(\d+(?:\.\d+)?|\.\d+)|(\*\*|//|sqrt|mod|of|[-+*/^%()]))")
_MAX_EXP = 64
_MAX_ABS = 1e18


class _Bad(ValueError):
    """The text is not an expression this parser accepts."""


class Arithmetic:
    """An evaluated expression: ``shown`` (tidied text), ``value`` or an ``error`` sentence."""

    __slots__ = ("error", "shown", "value")

    def __init__(self, shown: str, value: float | int | None, error: str | None) -> None:
        self.shown, self.value, self.error = shown, value, error

    @property
    def answer(self) -> str:
        """The value as people write it (``4``, ``0.5``, ``3.333333``)."""
        return "" if self.value is None else format_number(self.value)


def format_number(x: float | int) -> str:
    """``x`` without float noise: integers plainly, others to at most six decimals."""
    if isinstance(x, int):
        return str(x)
    if math.isfinite(x) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    if abs(x) >= 1e15 or (x != 0 and abs(x) < 1e-6):
        return f"{x:.6g}"
    return f"{x:.6f}".rstrip("0").rstrip(".")


class _Parser:
    """expr := term (('+'|'-') term)* ; term := unary (('*'|'/'|'//'|'mod'|'%') unary)* ;
    unary := '-' unary | power ; power := atom (('^'|'**') unary)? ;
    atom := number ['%' ['of' unary]] | '(' expr ')' | 'sqrt' atom."""

    def __init__(self, text: str) -> None:
        self.toks: list[str] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN_RE.match(text, pos)
            if m is None:
                if text[pos:].strip() == "":
                    break
                raise _Bad(text)
            self.toks.append(m.group(1) or m.group(2))
            pos = m.end()
        self.i = 0
        self.ops = 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise _Bad("end")
        self.i += 1
        return tok

    def parse(self) -> float | int:
        value = self.expr()
        if self.peek() is not None:
            raise _Bad("trailing")
        return value

    def expr(self) -> float | int:
        value = self.term()
        while self.peek() in ("+", "-"):
            op, self.ops = self.take(), self.ops + 1
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return _bounded(value)

    def term(self) -> float | int:
        value = self.unary()
        while self.peek() in ("*", "/", "//", "mod", "%"):
            op, self.ops = self.take(), self.ops + 1
            rhs = self.unary()
            if op == "*":
                value = value * rhs
            elif rhs == 0:
                raise ZeroDivisionError
            elif op == "/":
                value = value / rhs
                value = int(value) if isinstance(value, float) and value.is_integer() \
                    and abs(value) < 1e15 else value
            elif op == "//":
                value = value // rhs
            else:
                value = value % rhs
            value = _bounded(value)
        return value

    def unary(self) -> float | int:
        if self.peek() == "-":
            self.take()
            return -self.unary()
        if self.peek() == "+":
            self.take()
            return self.unary()
        return self.power()

    def power(self) -> float | int:
        base = self.atom()
        if self.peek() in ("^", "**"):
            self.take()
            self.ops += 1
            exp = self.unary()
            if abs(exp) > _MAX_EXP or (abs(base) > 1e6 and exp > 3):
                raise OverflowError
            if base == 0 and exp < 0:
                raise ZeroDivisionError
            if base < 0 and not float(exp).is_integer():
                raise _Bad("complex")
            return _bounded(base ** exp)
        return base

    def atom(self) -> float | int:
        tok = self.take()
        if tok == "(":
            value = self.expr()
            if self.take() != ")":
                raise _Bad(")")
            return value
        if tok == "sqrt":
            self.ops += 1
            value = self.atom()
            if value < 0:
                raise _Bad("complex")
            root = math.sqrt(value)
            return int(root) if root.is_integer() else root
        if tok[0].isdigit() or tok[0] == ".":
            value: float | int = float(tok) if "." in tok else int(tok)
            if self.peek() == "%":
                # "15%" alone is 0.15; "15% of 80" is 12 (a modulo needs a right operand that
                # "of" or the end rules out, so the two readings never clash).
                nxt = self.toks[self.i + 1] if self.i + 1 < len(self.toks) else None
                if nxt == "of":
                    self.i += 2
                    self.ops += 1
                    return _bounded(value * self.unary() / 100)
                if nxt is None or nxt in (")", "+", "-", "*", "/"):
                    self.i += 1
                    return value / 100
            return value
        raise _Bad(tok)


def _bounded(value: float | int) -> float | int:
    if isinstance(value, complex) or abs(value) > _MAX_ABS or (isinstance(value, float) and
                                                               not math.isfinite(value)):
        raise OverflowError
    return value


def _tidy(expr: str) -> str:
    """``12*7`` -> ``12 * 7``; ``( 3+4 )`` -> ``(3 + 4)``: the expression as a reply shows it."""
    out = rx.sub(r"\s*(\*\*|//|[+*/^]|mod|of)\s*", r" \1 ", expr)
    out = rx.sub(r"(?<=[\d)])\s*-\s*", " - ", out)
    out = rx.sub(r"\(\s+", "(", rx.sub(r"\s+\)", ")", out))
    out = rx.sub(r"\s+%", "%", out.replace("sqrt ", "sqrt"))
    return rx.sub(r"\s+", " ", out).strip()


def find_arithmetic(text: str) -> Arithmetic | None:
    """The arithmetic ``text`` asks for, evaluated; ``None`` when it asks for none.

    Parameters
    ----------
    text : str
        One chat message.

    Returns
    -------
    Arithmetic or None
        ``error`` is set (and ``value`` None) for division by zero or a result too large to
        show; otherwise ``value`` holds the result.
    """
    if len(text) > 400 or not rx.search(r"\d", text):
        return None
    low = _WORD_OPS_RE.sub(_word_op, text.lower())
    # Thousands separators ("1,000") only; other commas end an expression.
    low = rx.sub(r"(?<=\d),(?=\d{3}\b)", "", low)
    best = ""
    for m in _EXPR_RE.finditer(low):
        cand = m.group(0).strip(" ,.?")
        if len(cand) > len(best):
            best = cand
    best = best.strip()
    if not rx.search(r"\d", best) or not rx.search(r"\d\s*(\*\*|//|[-+*/^%]|mod|of)|sqrt", best):
        return None
    rest = low.replace(best, " ", 1)
    rest_words = [w for w in rx.findall(r"[a-z']+", rest) if w not in _FRAME]
    # Arithmetic inside a longer sentence is not a sum to answer ("the 2024-2025 season").
    if len(rest_words) > 2 or (rest_words and rx.fullmatch(r"\d+(-\d+)+", best)):
        return None
    parser = _Parser(best)
    try:
        value = parser.parse()
    except ZeroDivisionError:
        return Arithmetic(_tidy(best), None, "division by zero is undefined")
    except OverflowError:
        return Arithmetic(_tidy(best), None, "the result is too large to work out here")
    except (_Bad, IndexError, TypeError, ValueError):
        return None
    if parser.ops == 0:
        return None
    return Arithmetic(_tidy(best), value, None)
