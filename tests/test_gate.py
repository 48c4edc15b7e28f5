"""The gate (crawler/gate.py) as policy, and LibreOffice without network, against a real
canary service on loopback that must never be hit."""
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from crawler import gate
from crawler.gate import Scope
from extract import office
from replica.canary import serve_canary
from replica.hostile_inward import SPELLINGS, linked_documents

from .conftest import ROOT

PORTAL = {"id": "p", "url": "http://localhost:8101/", "allowed_hosts": ["localhost"], "path_prefix": "/"}


@pytest.fixture()
def canary():
    server = serve_canary()
    yield f"http://127.0.0.1:{server.server_address[1]}", server.RequestHandlerClass.hits
    server.shutdown()


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_an_internal_address_is_refused(spelling):
    url = f"http://{SPELLINGS[spelling].format(port=6379)}/x"
    assert Scope(PORTAL).refusal(url) in (gate.INTERNAL, gate.ANOTHER_PORT, gate.ANOTHER_HOST), url
    assert not Scope(PORTAL).admits(url, any_path=True)


def test_a_host_without_a_port_admits_the_seeded_port_and_the_default_only():
    scope = Scope(PORTAL)
    assert scope.admits("http://localhost:8101/a") and scope.admits("http://localhost/a")
    assert scope.refusal("http://localhost:8102/a") == gate.ANOTHER_PORT
    assert scope.refusal("https://localhost:6379/") == gate.ANOTHER_PORT
    assert scope.refusal("http://127.0.0.1:8101/a") == gate.INTERNAL  # the seed names localhost only
    assert scope.refusal("gopher://localhost:8101/") == gate.ANOTHER_SCHEME
    explicit = Scope({"url": "http://127.0.0.1:8101/", "allowed_hosts": ["127.0.0.1:8101"]})
    assert explicit.admits("http://127.0.0.1:8101/") and not explicit.admits("http://127.0.0.1/")
    public = Scope({"url": "https://www.example.gov.cn/", "allowed_hosts": ["www.example.gov.cn", "*.example.gov.cn"]})
    assert public.admits("http://a.example.gov.cn/x") and public.admits("https://www.example.gov.cn/")
    assert public.refusal("http://a.example.gov.cn:8080/") == gate.ANOTHER_PORT
    assert public.refusal("http://example.gov.cn.evil.test/") == gate.ANOTHER_HOST


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                     "0.0.0.0", "224.0.0.1", "240.0.0.1", "100.64.0.1", "::1", "fe80::1",
                                     "fc00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::", "ff02::1"])
def test_internal_addresses_in_every_family_are_internal(address):
    assert gate.is_internal(address)


@pytest.mark.parametrize("spelling,address", [("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"),
                                              ("0177.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
                                              ("0x7f.1", "127.0.0.1"), ("[::ffff:7f00:1]", "::ffff:7f00:1")])
def test_numeric_spellings_are_read_as_the_address_they_are(spelling, address):
    assert str(gate.address_of(spelling)) == address and gate.is_internal(gate.address_of(spelling))


def test_public_addresses_and_names_pass():
    assert not gate.is_internal("8.8.8.8") and not gate.is_internal("2001:4860:4860::8888")
    assert gate.address_of("www.example.gov.cn") is None


def test_after_dns_a_name_resolving_inward_is_refused_unless_a_seed_names_it():
    assert gate.resolve_checked("localhost", set()) == gate.RESOLVES_INWARD  # the real system resolver
    assert gate.resolve_checked("localhost", {"localhost"}) is None
    assert gate.address_refusal("evil.example", "10.0.0.7", {"localhost"}) == gate.RESOLVES_INWARD
    assert gate.address_refusal("www.example.gov.cn", "8.8.8.8", set()) is None


def test_requests_without_a_portal_are_attributed_by_scope_or_refused():
    portals = {"p": PORTAL, "q": {"id": "q", "url": "http://127.0.0.1:8200/", "allowed_hosts": ["127.0.0.1:8200"]}}
    assert gate.portal_for(portals, "http://localhost:8101/robots.txt") == "p"
    assert gate.portal_for(portals, "http://127.0.0.1:8200/robots.txt") == "q"
    assert gate.portal_for(portals, "http://127.0.0.1:6379/robots.txt") is None


# --- LibreOffice never reaches the network ------------------------------------------------


def _mentions(document: bytes, url: str) -> bool:
    with zipfile.ZipFile(io.BytesIO(document)) as z:
        return any(url.encode() in z.read(m) for m in z.namelist())


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice not installed")
@pytest.mark.parametrize("name", ["external-image.docx", "linked-image.odt"])
def test_libreoffice_fetches_nothing_a_document_links(canary, name):
    url, hits = canary
    data, _ = linked_documents(url)[name]
    assert _mentions(data, url)
    html = office.to_html(data, name)
    assert "总体情况".encode() in html
    assert hits == []


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice not installed")
@pytest.mark.parametrize("name", ["external-image.docx", "linked-image.odt"])
def test_each_layer_alone_keeps_libreoffice_off_the_network(canary, name):
    """Cutting the links holds without the namespace, and the namespace without the cut."""
    url, hits = canary
    data, _ = linked_documents(url)[name]
    stripped = office.without_external_links(data)
    assert _mentions(data, url) and not _mentions(stripped, url)
    for document, prefix in ((stripped, ()), (data, office.no_network_prefix())):
        if document is data and not prefix:
            continue  # no namespace on this system: the cut is the guard
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / name
            source.write_bytes(document)
            subprocess.run([*prefix, office.soffice(), "--headless", "--norestore",
                            f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "html",
                            "--outdir", f"{tmp}/out", str(source)], capture_output=True, timeout=120)
            assert list(Path(tmp, "out").glob("*.htm*"))
    assert hits == []


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice not installed")
def test_python_m_extract_fetches_nothing_a_document_links(canary, tmp_path):
    url, hits = canary
    for name, (data, _) in linked_documents(url).items():
        (tmp_path / name).write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "extract", *sorted(map(str, tmp_path.iterdir()))],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "Traceback" not in proc.stderr
    assert hits == []


def _organ_subdomain_spellings():
    for seed in ("https://www.wuyi.gov.cn/", "http://wuyi.gov.cn/", "https://WWW.WUYI.GOV.CN/"):
        for host in ("xxgk.wuyi.gov.cn", "jyj.wuyi.gov.cn", "a.b.wuyi.gov.cn", "XXGK.wuyi.gov.cn."):
            yield seed, f"https://{host}/jyj/gkml/index.html", True
        for host in ("wuyi.gov.cn.evil.test", "xwuyi.gov.cn", "pujiang.gov.cn", "gov.cn", "www.gov.cn",
                     "xxgk.wuyi.gov.cn:8080", "127.0.0.1"):
            yield seed, f"https://{host}/", False
    # a department's seed, or a seed off gov.cn, is never widened
    yield "https://jyj.wuyi.gov.cn/", "https://xxgk.wuyi.gov.cn/", False
    yield "https://www.example.com/", "https://xxgk.example.com/", False


@pytest.mark.parametrize("seed,url,admitted", list(_organ_subdomain_spellings()))
def test_subdomains_of_the_governments_own_gov_cn_domain_are_its_portal(seed, url, admitted):
    host = seed.split("/")[2].lower()
    scope = Scope({"url": seed, "allowed_hosts": [host, host.removeprefix("www.")]})
    assert scope.admits(url, any_path=True) is admitted, scope.refusal(url, any_path=True)
    assert Scope({"url": seed, "allowed_hosts": [host], "organ_subdomains": False}).admits(url) is (
        admitted and url.split("/")[2].lower().rstrip(".") == host)


def test_an_organ_subdomain_resolves_inward_only_to_the_seeds_own_address():
    inward = {"wuyi.gov.cn": {"127.0.5.20"}}
    trusted = {"www.wuyi.gov.cn"}
    assert gate.address_refusal("xxgk.wuyi.gov.cn", "127.0.5.20", trusted, inward) is None
    assert gate.address_refusal("xxgk.wuyi.gov.cn", "127.0.0.1", trusted, inward) == gate.RESOLVES_INWARD
    assert gate.address_refusal("xxgk.pujiang.gov.cn", "127.0.5.20", trusted, inward) == gate.RESOLVES_INWARD
    assert gate.address_refusal("xxgk.wuyi.gov.cn", "8.8.8.8", trusted, inward) is None


@pytest.mark.parametrize("port,link,admitted", [
    (8443, "https://www.hs4.gov.cn/zwgk/", True), (8443, "http://www.hs4.gov.cn/zwgk/", True),
    (8443, "https://www.hs4.gov.cn:8443/zwgk/", True), (8443, "https://www.hs4.gov.cn:6379/", False),
    (8080, "http://www.hs4.gov.cn/", True), (8080, "http://www.hs4.gov.cn:8081/", False)])
def test_a_host_seeded_with_its_port_admits_the_default_port_too(port, link, admitted):
    scope = Scope({"url": f"https://www.hs4.gov.cn:{port}/", "allowed_hosts": [f"www.hs4.gov.cn:{port}"],
                   "organ_subdomains": False})
    assert scope.admits(link) is admitted, scope.refusal(link)
    # an address (or a single-label name) seeded with a port admits that port only
    for host in ("127.0.0.1", "localhost"):
        assert not Scope({"url": f"http://{host}:{port}/", "allowed_hosts": [f"{host}:{port}"]}).admits(f"http://{host}/")


def test_own_domain_is_a_registered_domain_of_a_name():
    scope = Scope({"url": "https://jyj.wuyi.gov.cn/", "allowed_hosts": ["jyj.wuyi.gov.cn"]})
    assert scope.own_domain("https://www.wuyi.gov.cn/x") and scope.own_domain("https://jyj.wuyi.gov.cn:8080/")
    assert not scope.own_domain("https://www.pujiang.gov.cn/") and not scope.own_domain("https://www.gov.cn/")
    local = Scope({"url": "http://127.0.0.1:8101/", "allowed_hosts": ["127.0.0.1:8101"]})
    assert not local.own_domain("http://127.0.0.1:8102/") and not Scope(PORTAL).own_domain("http://localhost:8102/")
