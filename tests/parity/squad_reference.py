#!/usr/bin/env python3
"""Reference for the SQuAD metric parity test (tests/Shared.Tests/Metrics/SquadMetricsParityTests.cs).

    /usr/bin/python3 tests/parity/squad_reference.py CASES.json OUT.json

CASES.json is {"cases": [{"prediction": str, "references": [str, ...]}, ...]}, written by the test from its
generated corpus. OUT.json gets, per case, the normalised prediction and references, the best exact match
and the best F1 over the references, and for the whole list the totals as evaluate's "squad" metric reports
them (percentages). The logic is that of the official SQuAD v1.1 evaluation script, which evaluate's "squad"
metric runs; it is written out here with the standard library only (no evaluate or datasets on Debian).
"""
import json
import re
import string
import sys
from collections import Counter

PUNCTUATION = frozenset(string.punctuation)
ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(text):
    """Lower-case, drop ASCII punctuation, drop whole-word articles, collapse whitespace (in this order)."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in PUNCTUATION)
    text = ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match_score(prediction, reference):
    return normalize_answer(prediction) == normalize_answer(reference)


def f1_score(prediction, reference):
    predicted = normalize_answer(prediction).split()
    expected = normalize_answer(reference).split()
    same = sum((Counter(predicted) & Counter(expected)).values())
    if same == 0:
        # v1.1: no common token is 0, even when both answers are empty.
        return 0
    precision = 1.0 * same / len(predicted)
    recall = 1.0 * same / len(expected)
    return (2 * precision * recall) / (precision + recall)


def best_over_references(score, prediction, references):
    return max(score(prediction, reference) for reference in references)


def evaluate(cases):
    exact_match = f1 = 0
    for case in cases:
        exact_match += best_over_references(exact_match_score, case["prediction"], case["references"])
        f1 += best_over_references(f1_score, case["prediction"], case["references"])
    total = len(cases)
    return {"exact_match": 100.0 * exact_match / total, "f1": 100.0 * f1 / total}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    result = {
        "cases": [{
            "normalized_prediction": normalize_answer(c["prediction"]),
            "normalized_references": [normalize_answer(r) for r in c["references"]],
            "exact_match": float(best_over_references(exact_match_score, c["prediction"], c["references"])),
            "f1": float(best_over_references(f1_score, c["prediction"], c["references"])),
        } for c in cases],
        "totals": evaluate(cases),
    }
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=True)


if __name__ == "__main__":
    main()
