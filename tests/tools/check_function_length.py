# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that no function in lib/ is longer than 45 lines (the style rule in ARCHITECTURE.md).

A function's length is the number of lines strictly between the line of its body's opening brace
and the line of its closing brace: blank lines and comments count, the signature does not. Lambdas
and local classes count towards the function that holds them. Member functions defined in a class
body, in a header or a source file, are functions too; namespace, class, enum and initializer
braces are not.

The source is read as tokens that matter for braces: comments, string and character literals
(raw strings included) and preprocessor lines are skipped, so a brace inside them never counts.

Prints one line per file and `function-length: N passed, N failed, 0 skipped`; exits 1 when a
function is too long. Usage: check_function_length.py [ROOT] (default: two folders up from here)
"""
import pathlib
import re
import sys

MAX_LINES = 45


def strip_code(text):
    """The text with comments, literals and preprocessor lines blanked out (newlines kept), so
    that braces and parentheses left are the code's own."""
    out = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == "#":
            # A preprocessor line, with its continuations.
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                out.append(" ")
                i += 1
            continue
        if c == "\n":
            out.append(c)
            line_start = True
            i += 1
            continue
        if c in " \t":
            out.append(c)
            i += 1
            continue
        line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        raw = re.match(r'(?:u8|u|U|L)?R"([^()\\ \t\n]{0,16})\(', text[i:i + 24])
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            closing = ")" + raw.group(1) + '"'
            end = text.find(closing, i + raw.end())
            end = n if end < 0 else end + len(closing)
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        if c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum():
                out.append(" ")  # a digit separator: 1'000'000
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (min(j + 1, n) - i))
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def classify(header):
    """What a '{' opens, from the code before it (since the last ';', '{' or '}')."""
    words = header.strip()
    if re.search(r"\bnamespace\b[\w:\s]*$", words) or re.search(r'\bextern\s*$', words):
        return "scope"
    if re.search(r"\benum\b", words):
        return "other"
    if re.search(r"\b(class|struct|union)\b", words) and not words.endswith(")"):
        if "=" not in words and "(" not in words.split("{")[-1]:
            return "scope"
    if words.endswith("=") or words.endswith("return") or words == "" or words.endswith(","):
        return "other"
    if re.search(r"\)\s*(const|noexcept|override|final|mutable|&|&&|\s)*(->\s*[\w:<>,\s*&]+)?$",
                 words) or re.search(r"\)\s*:\s*.*$", words, re.S):
        return "function"
    return "other"


def functions(text):
    """(first line, name, body lines) of every function defined in the text."""
    code = strip_code(text)
    found = []
    stack = []  # (kind, line, header) per open brace
    header_start = 0
    for i, c in enumerate(code):
        if c in ";":
            if not stack or stack[-1][0] == "scope":
                header_start = i + 1
        elif c == "{":
            inside_function = any(kind == "function" for kind, _, _ in stack)
            header = code[header_start:i]
            kind = "inner" if inside_function else classify(header)
            if stack and stack[-1][0] == "other":
                kind = "other"
            stack.append((kind, code.count("\n", 0, i) + 1, header))
            header_start = i + 1
        elif c == "}":
            if not stack:
                continue
            kind, line, header = stack.pop()
            if kind == "function":
                end_line = code.count("\n", 0, i) + 1
                name = re.findall(r"([~\w:]+(?:operator\S*)?)\s*\(", header)
                found.append((line, name[0] if name else "?", max(0, end_line - line - 1)))
            if not stack or stack[-1][0] == "scope":
                header_start = i + 1
    return found


def check_file(path, limit=MAX_LINES):
    """Lines describing each function over the limit in path."""
    problems = []
    for line, name, length in functions(path.read_text(errors="replace")):
        if length > limit:
            problems.append(f"{path}:{line}: {name} is {length} lines long (at most {limit})")
    return problems


def main(argv):
    root = pathlib.Path(argv[1]) if len(argv) > 1 else pathlib.Path(__file__).resolve().parents[2]
    passed = failed = 0
    for path in sorted((root / "lib").glob("*.[ch]pp")):
        problems = check_file(path)
        if problems:
            failed += 1
            for problem in problems:
                print("FAIL " + problem)
        else:
            passed += 1
            print(f"ok   {path.relative_to(root)}: no function over {MAX_LINES} lines")
    print(f"function-length: {passed} passed, {failed} failed, 0 skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
