"""What the contract checks share: their command line, the tally of verdicts, the request a check sends, and the
checks every response gets whichever spec it is held against (status, media type, error headers, schema errors,
Atlas's date format). Each check script keeps what is its own: how it reads its spec and the deviations it allows.
"""
import functools
import re
import sys

import requests
import yaml

ATLAS_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def arguments():
    """`SCRIPT BASE_URL SPEC_PATH`: the base URL without a trailing slash, and the spec parsed."""
    base, spec_path = sys.argv[1].rstrip("/"), sys.argv[2]
    with open(spec_path) as spec:
        return base, yaml.safe_load(spec)


class Tally:
    """Prints each check's verdict (`ok   NAME` or `FAIL NAME: why`) and counts them; a failing check is reported
    and the run goes on, so one run lists every failure."""

    def __init__(self):
        self.passed = self.failed = 0

    def record(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}")

    def checked(self, check):
        """`check(name, ...)` as a recorded check: its result, recorded as passed; None, recorded as failed, if it
        raises."""

        @functools.wraps(check)
        def run(name, *args, **kwargs):
            try:
                result = check(name, *args, **kwargs)
            except Exception as error:  # noqa: BLE001 - every failure is reported, the run goes on
                self.record(name, False, error)
                return None
            self.record(name, True)
            return result

        return run

    def finish(self, label):
        """Prints the totals and exits 1 if any check failed."""
        print(f"{label}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


def send(base, method, path, expected, media, auth, body=None, query=""):
    """The request as a client of that media type sends it; the response, once its status is `expected`."""
    headers = {"Accept": media}
    if body is not None:
        headers["Content-Type"] = media
    url = base + path + (("?" + query) if query else "")
    response = requests.request(method, url, headers=headers, json=body, auth=auth, timeout=10)
    assert response.status_code == expected, f"status {response.status_code}, expected {expected}: {response.text}"
    return response


def check_served_as(response, media):
    """A success is served in the versioned media type asked for, as UTF-8."""
    content_type = response.headers.get("Content-Type", "")
    assert content_type == media.replace("+json", "+json;charset=utf-8"), f"Content-Type {content_type}"


def error_document(response):
    """An error's JSON body, once it is served as application/json with its errorCode in X-Error-Code too."""
    content_type = response.headers.get("Content-Type", "")
    assert content_type == "application/json", f"error Content-Type {content_type}"
    document = response.json()
    assert response.headers.get("X-Error-Code") == document.get("errorCode"), "X-Error-Code"
    return document


def check_conforms(validator, document):
    """Fails naming the first five schema errors, by path."""
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message[:200]}" for e in errors[:5])


def check_dates(value, fields, where):
    """Every field named in `fields`, at any depth, is an Atlas date (seconds, `Z`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in fields and not ATLAS_DATE.match(str(item)):
                raise AssertionError(f"{where}: {key}={item!r} is not YYYY-MM-DDTHH:MM:SSZ")
            check_dates(item, fields, where)
    elif isinstance(value, list):
        for item in value:
            check_dates(item, fields, where)
