"""checklinks against a local HTTP server: no test here reaches the internet."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.roadmap.conftest import roadmap, topic

# path -> (status, Location); the server's own address is filled into {base}.
ROUTES = {
    "/ok": (200, None),
    "/other": (200, None),
    "/moved": (301, "/ok"),
    "/found": (302, "/ok"),
    "/missing": (404, None),
    "/guide": (301, "/guide/"),
    "/guide/": (200, None),
    "/hop": (302, "/moved"),
    "/moved-then-gone": (308, "/missing"),
    "/loop": (302, "/loop"),
    "/to-tls": (301, "https://{host}/ok"),  # the same plain-HTTP server: the TLS handshake fails
}


class Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.answer(body=False)

    def do_GET(self):
        self.answer(body=True)

    def answer(self, *, body):
        self.server.requests.append((self.command, self.path, dict(self.headers)))
        if self.path == "/no-head":  # refuses HEAD, as many sites do
            status, location = (405, None) if self.command == "HEAD" else (200, None)
        elif self.path == "/slow":
            time.sleep(1)
            status, location = 200, None
        else:
            status, location = ROUTES.get(self.path, (404, None))
        self.send_response(status)
        if location:
            self.send_header("Location", location.format(host=self.headers["Host"]))
        if status == 405:
            self.send_header("Allow", "GET")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def log_message(self, format, *args):
        pass


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # /slow writes to a client that gave up waiting


@pytest.fixture
def site(monkeypatch):
    """A local HTTP server on a random port; yields its base URL. Proxies are bypassed."""
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
    server = Server(("127.0.0.1", 0), Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def base(server):
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def links(*urls):
    return [{"title": f"Link {number}", "url": url, "kind": "docs"} for number, url in enumerate(urls, start=1)]


def write(content_files, topic_links):
    """One topic per entry of topic_links (slug -> URLs), all in one roadmap."""
    topics = [topic(slug, resources=links(*urls)) for slug, urls in topic_links.items()]
    return content_files.write(topics, [roadmap("track", [("basics", list(topic_links))])])


def checklinks(directory, **options):
    """Run the command; return its output and the CommandError it raised (None if it exited 0)."""
    out = StringIO()
    try:
        call_command("checklinks", directory=directory, stdout=out, stderr=StringIO(), **options)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_each_url_is_reported_ok_redirect_or_failed(content_files, site, closed_port):
    url = base(site)
    refused = f"http://127.0.0.1:{closed_port}/ok"
    directory = write(
        content_files,
        {"basics": [f"{url}/ok", f"{url}/moved", f"{url}/found", f"{url}/missing", f"{url}/no-head", refused]},
    )

    out, error = checklinks(directory)

    lines = out.splitlines()
    assert lines == [
        "basics",
        f"  FAILED    {url}/missing  404 Not Found",
        f"  FAILED    {refused}  connection refused",
        f"  REDIRECT  {url}/moved -> {url}/ok  permanent (301)",
        f"  REDIRECT  {url}/found -> {url}/ok  temporary (302)",
        f"  OK        {url}/ok",
        f"  OK        {url}/no-head",
        "6 URLs in 1 topic: 2 OK, 2 redirected (1 permanently), 2 failed.",
    ]
    assert error is not None and error.returncode == 1
    assert str(error) == "2 URLs failed."


def test_head_refused_is_retried_with_get_and_a_browser_user_agent(content_files, site):
    directory = write(content_files, {"basics": [f"{base(site)}/no-head"]})

    out, error = checklinks(directory)

    assert error is None
    assert f"  OK        {base(site)}/no-head" in out
    assert [(method, path) for method, path, _ in site.requests] == [("HEAD", "/no-head"), ("GET", "/no-head")]
    headers = site.requests[0][2]
    assert headers["User-Agent"].startswith("Mozilla/5.0 ")
    assert headers["Accept"].startswith("text/html,")


def test_redirects_are_followed_hop_by_hop_with_head(content_files, site):
    url = base(site)
    directory = write(content_files, {"basics": [f"{url}/hop"]})

    out, error = checklinks(directory)

    assert error is None
    assert f"  REDIRECT  {url}/hop -> {url}/ok  temporary (302, 301)" in out
    assert [(method, path) for method, path, _ in site.requests] == [
        ("HEAD", "/hop"),
        ("HEAD", "/moved"),
        ("HEAD", "/ok"),
    ]


def test_a_url_in_several_topics_is_fetched_once_and_listed_under_each(content_files, site):
    url = base(site)
    directory = write(content_files, {"first": [f"{url}/ok"], "second": [f"{url}/ok", f"{url}/other"]})

    out, error = checklinks(directory)

    assert error is None
    assert [path for _, path, _ in site.requests].count("/ok") == 1
    assert out.splitlines() == [
        "first",
        f"  OK        {url}/ok",
        "second",
        f"  OK        {url}/ok",
        f"  OK        {url}/other",
        "2 URLs in 2 topics: 2 OK, 0 redirected (0 permanently), 0 failed.",
    ]


def test_topics_with_failures_come_first_then_redirects(content_files, site):
    url = base(site)
    directory = write(
        content_files,
        {"fine": [f"{url}/ok"], "moved": [f"{url}/moved"], "broken": [f"{url}/other", f"{url}/missing"]},
    )

    out, _ = checklinks(directory)

    headings = [line for line in out.splitlines() if line and not line.startswith(" ") and " URLs in " not in line]
    assert headings == ["broken", "moved", "fine"]


def test_quiet_verbosity_lists_only_problems(content_files, site):
    url = base(site)
    directory = write(content_files, {"fine": [f"{url}/ok"], "mixed": [f"{url}/other", f"{url}/found"]})

    out, _ = checklinks(directory, verbosity=0)

    assert out.splitlines() == [
        "mixed",
        f"  REDIRECT  {url}/found -> {url}/ok  temporary (302)",
        "3 URLs in 2 topics: 2 OK, 1 redirected (0 permanently), 0 failed.",
    ]


def test_redirects_alone_pass_but_strict_fails_permanent_ones(content_files, site):
    url = base(site)
    directory = write(content_files, {"basics": [f"{url}/moved", f"{url}/found"]})

    _, error = checklinks(directory)
    assert error is None

    out, error = checklinks(directory, strict=True)
    assert "2 redirected (1 permanently), 0 failed." in out
    assert error is not None
    assert str(error) == "1 redirected permanently (--strict)."


def test_strict_passes_when_redirects_are_only_temporary(content_files, site):
    directory = write(content_files, {"basics": [f"{base(site)}/found"]})

    _, error = checklinks(directory, strict=True)

    assert error is None


def test_trailing_slash_redirect_is_reported_and_marked(content_files, site):
    url = base(site)
    directory = write(content_files, {"basics": [f"{url}/guide#install"]})

    out, _ = checklinks(directory)

    # The fragment is never sent, so the final URL keeps the listed one's.
    assert f"  REDIRECT  {url}/guide#install -> {url}/guide/#install  permanent (301); only a trailing slash" in out


@pytest.mark.parametrize(
    ("url", "final_url", "change"),
    [
        ("http://example.org/docs", "https://example.org/docs", "http to https"),
        ("http://example.org/docs", "https://example.org/docs/", "http to https and a trailing slash"),
        ("https://example.org", "https://example.org/", ""),
        ("https://example.org/docs", "https://example.org/docs/", "a trailing slash"),
        ("http://example.org/docs", "https://www.example.org/docs", ""),
        ("https://example.org/docs", "https://example.org/docs/v2", ""),
        ("https://example.org/docs", "http://example.org/docs", ""),
        ("https://example.org/docs?page=1", "https://example.org/docs/?page=2", ""),
    ],
)
def test_only_scheme_upgrades_and_trailing_slashes_count_as_cosmetic(url, final_url, change):
    from roadmap.management.commands.checklinks import cosmetic_change

    assert cosmetic_change(url, final_url) == change


def test_failure_after_a_redirect_names_where_it_ended(content_files, site):
    url = base(site)
    directory = write(content_files, {"basics": [f"{url}/moved-then-gone"]})

    out, error = checklinks(directory)

    assert f"  FAILED    {url}/moved-then-gone  404 Not Found at {url}/missing (after 308)" in out
    assert error is not None


def test_redirect_loop_fails(content_files, site):
    url = base(site)
    directory = write(content_files, {"basics": [f"{url}/loop"]})

    out, error = checklinks(directory)

    assert f"  FAILED    {url}/loop  more than 10 redirects at {url}/loop (after {', '.join(['302'] * 10)})" in out
    assert error is not None


def test_tls_failure_is_named(content_files, site):
    url = base(site)
    directory = write(content_files, {"basics": [f"{url}/to-tls"]})

    out, error = checklinks(directory)

    https = url.replace("http://", "https://")
    assert f"  FAILED    {url}/to-tls  TLS error: " in out
    assert f" at {https}/ok (after 301)" in out
    assert error is not None


def test_timeout_is_named(content_files, site):
    directory = write(content_files, {"basics": [f"{base(site)}/slow"]})

    out, error = checklinks(directory, timeout=0.2)

    assert f"  FAILED    {base(site)}/slow  timed out" in out
    assert error is not None


def test_dns_failure_is_named(content_files, monkeypatch):
    def no_such_host(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)  # so nothing is looked up for real
    directory = write(content_files, {"basics": ["https://no-such-host.example.org/docs"]})

    out, error = checklinks(directory)

    assert "  FAILED    https://no-such-host.example.org/docs  DNS lookup failed" in out
    assert error is not None


def test_invalid_content_is_reported_and_nothing_fetched(content_files, site):
    directory = write(content_files, {"basics": [f"{base(site)}/ok"]})
    (directory / "topics.yaml").write_text("topics: nope\n")
    err = StringIO()

    with pytest.raises(CommandError, match="problem\\(s\\) in the content files"):
        call_command("checklinks", directory=directory, stdout=StringIO(), stderr=err)

    assert "topics.yaml: (no slug): must have a 'topics' list" in err.getvalue()
    assert site.requests == []


@pytest.mark.parametrize("options", [{"workers": 0}, {"timeout": 0}])
def test_workers_and_timeout_must_be_positive(content_files, closed_port, options):
    directory = write(content_files, {"basics": [f"http://127.0.0.1:{closed_port}/"]})

    with pytest.raises(CommandError, match="--timeout must be above 0 and --workers at least 1"):
        call_command("checklinks", directory=directory, stdout=StringIO(), **options)
