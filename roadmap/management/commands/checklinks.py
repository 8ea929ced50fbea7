"""Fetch every resource URL of the content files and report redirects and failures.

Meant for a machine that reaches the internet (an editor's, or a scheduled job);
CI has no network, so its tests point the content at a local HTTP server.
Each URL is fetched once, HEAD first and GET when a site refuses HEAD, and
redirects are followed one hop at a time so that every hop is recorded.
"""

import http.client
import socket
import ssl
import string
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urljoin, urlsplit
from urllib.request import HTTPRedirectHandler, OpenerDirector, Request, build_opener

from django.core.management.base import BaseCommand, CommandError
from django.utils.encoding import iri_to_uri

from roadmap.content import DEFAULT_DIRECTORY, ContentError, read_content

# Many sites answer an unknown client with 403 or a bot page; look like a browser.
HEADERS = {
    "User-Agent": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
    ),
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
}
HEAD_REFUSED = {403, 405, 501}
PERMANENT = {301, 308}
REDIRECTS = PERMANENT | {302, 303, 307}
MAX_REDIRECTS = 10

OK, REDIRECT, FAILED = "OK", "REDIRECT", "FAILED"
RANK = {FAILED: 0, REDIRECT: 1, OK: 2}


@dataclass(frozen=True)
class LinkResult:
    url: str
    outcome: str  # OK, REDIRECT or FAILED
    final_url: str
    redirects: tuple[int, ...] = ()  # the status of each hop, in order
    problem: str = ""  # why it FAILED

    @property
    def permanent(self) -> bool:
        """The listed URL itself has moved for good: the content should say where to."""
        return bool(self.redirects) and self.redirects[0] in PERMANENT

    def describe(self) -> str:
        codes = ", ".join(str(code) for code in self.redirects)
        if self.outcome == FAILED:
            if self.redirects:
                return f"{self.url}  {self.problem} at {self.final_url} (after {codes})"
            return f"{self.url}  {self.problem}"
        if self.outcome == REDIRECT:
            kind = "permanent" if self.permanent else "temporary"
            line = f"{self.url} -> {self.final_url}  {kind} ({codes})"
            if change := cosmetic_change(iri_to_uri(self.url), self.final_url):
                line += f"; only {change}"
            return line
        return self.url


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # hand 3xx back as HTTPError; check_link follows them itself, hop by hop


def cosmetic_change(url: str, final_url: str) -> str:
    """Name the change when a redirect only moves http to https or adds a trailing slash."""
    old, new = urlsplit(url), urlsplit(final_url)
    if (old.hostname, old.port, old.query, old.fragment) != (new.hostname, new.port, new.query, new.fragment):
        return ""
    changes = []
    if (old.scheme, new.scheme) == ("http", "https"):
        changes.append("http to https")
    elif old.scheme != new.scheme:
        return ""
    old_path, new_path = old.path or "/", new.path or "/"
    if new_path == old_path + "/":
        changes.append("a trailing slash")
    elif new_path != old_path:
        return ""
    return " and ".join(changes)


def describe_error(exc: Exception) -> str:
    """One line a content editor can act on: DNS, timeout, TLS, refused, ..."""
    reason = exc.reason if isinstance(exc, URLError) else exc
    if isinstance(reason, socket.gaierror):
        return "DNS lookup failed"
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"TLS certificate not accepted: {reason.verify_message}"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason.reason or reason}"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ConnectionResetError):  # http.client.RemoteDisconnected too
        return "connection closed without a response"
    if isinstance(reason, http.client.HTTPException):
        return f"malformed HTTP response ({type(reason).__name__})"
    return str(reason) or type(reason).__name__


def _status_text(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _fetch(opener: OpenerDirector, url: str, method: str, timeout: float) -> tuple[int, str | None]:
    """One request, no redirects followed: the status and the Location header."""
    request = Request(url, method=method, headers=HEADERS)  # noqa: S310 - the scheme is checked by check_link
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, None
    except HTTPError as exc:
        with exc:
            return exc.code, exc.headers.get("Location")


def check_link(url: str, *, opener: OpenerDirector, timeout: float) -> LinkResult:
    current, _, fragment = iri_to_uri(url).partition("#")  # a fragment is never sent, but carries over
    redirects: list[int] = []

    def result(outcome, problem=""):
        final = f"{current}#{fragment}" if fragment else current
        return LinkResult(url, outcome, final_url=final, redirects=tuple(redirects), problem=problem)

    while True:
        if urlsplit(current).scheme not in ("http", "https"):
            return result(FAILED, "not an http(s) URL")
        try:
            status, location = _fetch(opener, current, "HEAD", timeout)
            if status in HEAD_REFUSED:
                status, location = _fetch(opener, current, "GET", timeout)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            return result(FAILED, describe_error(exc))
        if status in REDIRECTS and location:
            if len(redirects) == MAX_REDIRECTS:
                return result(FAILED, f"more than {MAX_REDIRECTS} redirects")
            redirects.append(status)
            # As urllib does: headers arrive decoded as ISO-8859-1; percent-encode what isn't ASCII.
            target = urljoin(current, quote(location, encoding="iso-8859-1", safe=string.punctuation))
            current, _, new_fragment = target.partition("#")
            fragment = new_fragment or fragment
            continue
        if 200 <= status < 300:
            return result(REDIRECT if redirects else OK)
        return result(FAILED, _status_text(status))


class Command(BaseCommand):
    help = (
        "Fetch every resource URL of the roadmap content files and report redirects and failures "
        "(needs the internet). Exits 1 when a link failed (or, with --strict, redirects permanently)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", type=Path, default=DEFAULT_DIRECTORY, help="content folder (default: roadmap/content)"
        )
        parser.add_argument("--timeout", type=float, default=15, help="seconds to wait for each request (default 15)")
        parser.add_argument("--workers", type=int, default=8, help="URLs fetched at once (default 8)")
        parser.add_argument(
            "--strict", action="store_true", help="fail on permanent redirects too, so the content stays current"
        )

    def handle(self, *args, directory, timeout, workers, strict, verbosity, **options):
        if timeout <= 0 or workers < 1:
            raise CommandError("--timeout must be above 0 and --workers at least 1.")
        try:
            content = read_content(directory)
        except ContentError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(exc.errors)} problem(s) in the content files; no link was checked.") from None

        urls = list(dict.fromkeys(resource.url for topic in content.topics for resource in topic.resources))
        # One opener for all threads, as urlopen shares its own; it reads the *_proxy variables when built.
        opener = build_opener(_NoRedirects)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            checked = pool.map(lambda url: check_link(url, opener=opener, timeout=timeout), urls)
            results = dict(zip(urls, checked, strict=True))

        style = {OK: self.style.SUCCESS, REDIRECT: self.style.WARNING, FAILED: self.style.ERROR}
        topics = [topic for topic in content.topics if topic.resources]
        topics.sort(key=lambda topic: min(RANK[results[r.url].outcome] for r in topic.resources))
        for topic in topics:
            shown = sorted((results[r.url] for r in topic.resources), key=lambda result: RANK[result.outcome])
            if verbosity < 1:
                shown = [result for result in shown if result.outcome != OK]
            if shown:
                self.stdout.write(topic.slug, self.style.MIGRATE_HEADING)
            for result in shown:
                self.stdout.write(f"  {result.outcome:<8}  {result.describe()}", style[result.outcome])

        counted = results.values()
        failed = sum(result.outcome == FAILED for result in counted)
        redirected = [result for result in counted if result.outcome == REDIRECT]
        permanent = sum(result.permanent for result in redirected)
        self.stdout.write(
            f"{_count(len(urls), 'URL')} in {_count(len(topics), 'topic')}: "
            f"{len(urls) - failed - len(redirected)} OK, "
            f"{len(redirected)} redirected ({permanent} permanently), {failed} failed."
        )
        if failed or (strict and permanent):
            problems = [f"{_count(failed, 'URL')} failed"] if failed else []
            if strict and permanent:
                problems.append(f"{permanent} redirected permanently (--strict)")
            raise CommandError(f"{', '.join(problems)}.")
