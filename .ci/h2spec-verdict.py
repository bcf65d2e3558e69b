#!/usr/bin/env python3
"""Reads an h2spec JUnit report (-j) and fails unless every failed case is one of the allowed ids.

    python3 .ci/h2spec-verdict.py report.xml http2/3.5/2

A case's id is its section and its position in the section, as h2spec prints it (`http2/5.1/6`); h2spec
records a failed case as an <error> (or <failure>) inside its <testcase>.
"""
import sys
import xml.etree.ElementTree as ElementTree

report, allowed = sys.argv[1], set(sys.argv[2:])
failed, total = [], 0
for suite in ElementTree.parse(report).getroot().iter("testsuite"):
    for index, case in enumerate(suite.iter("testcase"), start=1):
        total += 1
        if case.find("error") is not None or case.find("failure") is not None:
            failed.append((f"{suite.get('package')}/{index}", case.get("classname")))
unexpected = [(case_id, name) for case_id, name in failed if case_id not in allowed]
print(f"h2spec: {total} cases, {len(failed)} failed ({', '.join(i for i, _ in failed) or 'none'})")
for case_id, name in unexpected:
    print(f"  not allowed to fail: {case_id} {name}")
sys.exit(1 if unexpected else 0)
