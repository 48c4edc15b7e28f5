"""Round 5 of the world's portals: real host names (answered by the crawl's resolver,
tests/dns_map.py), HTTPS on 443 and HTTP on 80 of one 127.0.6.x address per portal, seeded
as seeds/china writes them (`https://www.X.gov.cn/`, allowed hosts www.X and X).

- host-spellings: the column links its reports as `http://www.X…` (301 to https),
  `https://X…` (bare: 301 to www), `https://WWW.X.GOV.CN…` (upper case), `https://www.X.gov.cn.…`
  (a trailing dot), or every report under two of those spellings (`mixed`).
- dept-subsite: the 公开目录 tree of the government lists its departments; each
  department's own 公开目录 (with its 年报 node) is a subsite on another subdomain
  (`xxgk.X.gov.cn/{dept}/`, or `{dept}.X.gov.cn`) — a report found only there.
- twins: two counties' portals built from one CMS template (the same paths) on one
  address, told apart by the Host header only.
- trs-pager: a TRS column of 9 pages whose pager is only `createPageHTML(9, 0, "index",
  "html")` from an external script, or `var countPage = 9` with `.shtml` pages; reports on
  the first, the sixth and the last page.
- jsessionid: every link carries the session id of the page that printed it
  (`;jsessionid=…`, `;JSESSIONID=…`): the homepage's 最新 block and the column link each
  report under another id.

Truth as in portals.py (Report path: the path with the query, the host dropped)."""
from __future__ import annotations

import hashlib
import html
import random
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .portals import Builder, Case, li, page, report_title
from .server import Answer

TOWNS = [("武义县", "wuyi"), ("浦江县", "pujiang"), ("磐安县", "panan"), ("兰溪市", "lanxi"), ("义乌市", "yiwu"),
         ("东阳市", "dongyang"), ("永康市", "yongkang"), ("建德市", "jiande"), ("淳安县", "chunan"),
         ("桐庐县", "tonglu"), ("富阳区", "fuyang"), ("临安区", "linan"), ("余杭区", "yuhang"),
         ("萧山区", "xiaoshan"), ("柯桥区", "keqiao"), ("上虞区", "shangyu"), ("新昌县", "xinchang"),
         ("嵊州市", "shengzhou"), ("诸暨市", "zhuji"), ("象山县", "xiangshan"), ("宁海县", "ninghai"),
         ("余姚市", "yuyao"), ("慈溪市", "cixi"), ("奉化区", "fenghua"), ("鄞州区", "yinzhou")]


@dataclass(eq=False)
class Portal:
    """One seed: its organ, domain (X of www.X.gov.cn), routes per host name."""
    case: Case
    domain: str
    hosts: dict = field(default_factory=dict)  # host name -> {path: Answer}
    redirects: dict = field(default_factory=dict)  # (scheme, host) -> (scheme, host) 301 target

    @property
    def www(self) -> str:
        return f"www.{self.domain}.gov.cn"

    @property
    def bare(self) -> str:
        return f"{self.domain}.gov.cn"


class HostBuilder(Builder):
    """A Builder whose routes go to one host of the portal (the case's truth is shared)."""

    def __init__(self, portal: Portal, host: str):
        super().__init__(portal.case.cls, portal.case.spelling, random.Random(host), portal.case.organ)
        self.case = portal.case
        self.routes = portal.hosts.setdefault(host, {})

    def add(self, path, text, status=200, content_type="text/html; charset=utf-8", headers=()):
        body = text.encode("utf-8") if isinstance(text, str) else text
        self.routes[path] = Answer(status, body, list(headers), content_type)


_builder = HostBuilder


def _sid(seed: str, upper: bool = False) -> str:
    sid = hashlib.md5(seed.encode()).hexdigest().upper()
    return (";JSESSIONID=" if upper else ";jsessionid=") + sid


# --- classes --------------------------------------------------------------------------------

SPELL = {
    "http-links": lambda p, path: f"http://{p.www}{path}",
    "bare-links": lambda p, path: f"https://{p.bare}{path}",
    "upper-host": lambda p, path: f"https://{p.www.upper()}{path}",
    "trailing-dot": lambda p, path: f"https://{p.www}.{path}",
}


def host_spellings(p: Portal, spelling: str):
    b = _builder(p, p.www)
    col = "/col/col1229114055/index.html"
    items, latest = [], []
    names = list(SPELL)
    for i, year in enumerate(b.years[:4]):
        path = f"/art/{year + 1}/1/{20 + i}/art_1229114055_{8989 + i}.html"
        b.report(path, year)
        title = report_title(p.case.organ, year)
        if spelling == "mixed":
            items.append(li(SPELL[names[i % 4]](p, path), title))
            latest.append(li(SPELL[names[(i + 1) % 4]](p, path), title))
        else:
            items.append(li(SPELL[spelling](p, path), title))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    home = f'<ul><li><a href="/col/col1229000001/index.html">政务动态</a></li><li><a href="{col}">信息公开年报</a></li></ul>'
    if latest:
        home += "<h3>最新公开</h3><ul>" + "".join(latest) + "</ul>"
    b.add("/", page(p.case.organ, home))
    b.add("/col/col1229000001/index.html", page("政务动态", "<p>动态</p>"))


DEPTS = [("教育局", "jyj"), ("财政局", "czj"), ("卫生健康局", "wjj")]


def dept_subsite(p: Portal, spelling: str):
    b = _builder(p, p.www)
    tree = "/zwgk/gkml/index.html"
    own = "/zwgk/gkml/zfb/ndbg/2024/t20240120_101.html"
    b.report(own, 2023)
    nodes = [f'<li><a href="/zwgk/gkml/zfb/ndbg/index.html">{html.escape(p.case.organ)}</a></li>']
    b.add("/zwgk/gkml/zfb/ndbg/index.html", page("政府信息公开年报", "<ul>" + li(own, report_title(p.case.organ, 2023)) + "</ul>"))
    for k, (dept, short) in enumerate(DEPTS):
        organ = p.case.organ.replace("人民政府", "") + dept
        host, root = (f"xxgk.{p.bare}", f"/{short}/") if spelling == "xxgk-host" else (f"{short}.{p.bare}", "/")
        d = _builder(p, host)
        path = f"{root}gkml/ndbg/2024/t20240115_{300 + k}.html"
        d.report(path, 2023, organ=organ)
        d.add(f"{root}gkml/ndbg/index.html", page(f"{organ}政府信息公开年报",
                                                   "<ul>" + li(path, report_title(organ, 2023)) + "</ul>"))
        d.add(f"{root}gkml/index.html", page(f"{organ}政府信息公开目录",
                                             f'<ul><li><a href="{root}gkml/zcwj/index.html">政策文件</a></li>'
                                             f'<li><a href="{root}gkml/ndbg/index.html">政府信息公开年报</a></li></ul>'))
        d.add(f"{root}gkml/zcwj/index.html", page("政策文件", "<p>无</p>"))
        if root == "/":
            d.add("/", page(organ, f'<a href="/gkml/index.html">政府信息公开</a>'))
        nodes.append(f'<li><a href="https://{host}{root}gkml/index.html">{html.escape(organ)}</a></li>')
    b.add(tree, page("政府信息公开目录", "<h3>部门公开目录</h3><ul>" + "".join(nodes) + "</ul>"))
    b.add("/", page(p.case.organ, f'<ul><li><a href="{tree}">政府信息公开目录</a></li></ul>'))


def twins(p: Portal, spelling: str):
    """One template: the same paths on two counties' hosts (the two cases share an address)."""
    b = _builder(p, p.www)
    col = "/zwgk/zfxxgk/zfxxgknb/index.html"
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/zwgk/zfxxgk/zfxxgknb/{year + 1}01/t{year + 1}0118_{400 + i}.html"
        b.report(path, year)
        items.append(li(path, report_title(p.case.organ, year)))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(col)


PAGE_JS = ("function createPageHTML(_nPageCount,_nCurrIndex,_sPageName,_sPageExt){if(_nPageCount==null||_nPageCount<=1)"
           "{return;}var s='';if(_nCurrIndex>0){s+='<a href=\"'+(_nCurrIndex==1?_sPageName+'.'+_sPageExt:_sPageName+'_'"
           "+(_nCurrIndex-1)+'.'+_sPageExt)+'\">上一页</a> ';}for(var i=0;i<_nPageCount&&i<5;i++){"
           "if(i==_nCurrIndex){s+='<span>'+(i+1)+'</span> ';}else{s+='<a href=\"'+(i==0?_sPageName+'.'+_sPageExt:"
           "_sPageName+'_'+i+'.'+_sPageExt)+'\">'+(i+1)+'</a> ';}}if(_nCurrIndex<_nPageCount-1){s+='<a href=\"'+"
           "_sPageName+'_'+(_nCurrIndex+1)+'.'+_sPageExt+'\">下一页</a> ';}s+='共'+_nPageCount+'页';"
           "document.write(s);}")


def trs_pager(p: Portal, spelling: str):
    b = _builder(p, p.www)
    ext = "html" if spelling == "script" else "shtml"
    folder = "/zwgk/zfxxgk/zfxxgknb/"
    pages = 9
    b.add("/js/createPageHTML.js", PAGE_JS, content_type="application/javascript; charset=utf-8")
    report_pages = {0: 2024 - 1, 5: 2022 - 1, 8: 2020 - 1}
    for k in range(pages):
        name = "index" if k == 0 else f"index_{k}"
        items = []
        for j in range(12):
            n = f"{folder}{2023 - k}{j + 1:02d}/t{2023 - k}{j + 1:02d}01_{k * 100 + j}.{ext}"
            b.add(n, page("政务动态", f"<p>{2023 - k}年政务公开动态{j}</p>"))
            items.append(li(n, f"{2023 - k}年政务公开工作动态（{j + 1}）"))
        if k in report_pages:
            year = report_pages[k]
            path = f"{folder}{year + 1}01/t{year + 1}0120_{9000 + k}.{ext}"
            b.report(path, year)
            items.insert(3, li(path, report_title(p.case.organ, year)))
        if spelling == "script":
            pager = f'<script>createPageHTML({pages}, {k}, "index", "html");</script>'
        else:
            pager = (f'<script>var countPage = {pages}//共多少页\nvar currentPage = {k};'
                     'createPageHTML(countPage, currentPage, "index", "shtml");</script>')
        b.add(f"{folder}{name}.{ext}", page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>" + pager,
                                             head='<script src="/js/createPageHTML.js"></script>'))
    b.home(f"{folder}index.{ext}")


def jsessionid(p: Portal, spelling: str):
    b = _builder(p, p.www)
    upper = spelling == "upper"
    col = "/xxgk/ndbg/list.jsp"
    items, latest = [], []
    for i, year in enumerate(b.years[:3]):
        path = f"/xxgk/ndbg/detail.jsp"
        query = f"?id={5100 + i}"
        b.report(path + query, year)
        title = report_title(p.case.organ, year)
        items.append(li(path + _sid(f"list{i}", upper) + query, title))
        latest.append(li(path + _sid(f"home{i}", upper) + query, title))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.add("/", page(p.case.organ, f'<ul><li><a href="{col}{_sid("nav", upper)}">政府信息公开年报</a></li></ul>'
                                   "<h3>最新信息</h3><ul>" + "".join(latest) + "</ul>"))


INVISIBLE = {
    "zwsp": lambda o: o[:2] + "\u200b" + o[2:],  # a zero-width space pasted inside the name
    "bom": lambda o: "\ufeff" + o,  # a byte-order mark before it (a UTF-8 file pasted whole)
    "rtl": lambda o: o[:3] + "\u202e" + o[3:5] + "\u202c" + o[5:],  # a right-to-left override
    "ctrl": lambda o: o[:2] + "\x08" + o[2:] + "\x1f",  # control characters
    "nbsp-ideographic": lambda o: o[:3] + "\u3000" + o[3:] + "\xa0",  # a full-width space, a no-break space
}


def invisible_chars(p: Portal, spelling: str):
    """Two reports of one organ: one whose title and body name it with invisible or control
    characters pasted in. Both are the organ's own (filed under its one clean name)."""
    from .portals import Report, report_body

    b = _builder(p, p.www)
    col = "/zwgk/zfxxgk/ndbg/index.html"
    clean = p.case.organ
    dirty = INVISIBLE[spelling](clean)
    items = []
    for i, (year, organ) in enumerate(((2023, dirty), (2022, clean), (2021, dirty))):
        path = f"/zwgk/zfxxgk/ndbg/{year + 1}01/t{year + 1}0119_{770 + i}.html"
        name = b.rng.choice(["nanhu-2023", "zhapu-2023", "pingtan-2021", "huaian-2024"])
        b.add(path, report_body(name, organ, year))
        p.case.reports.append(Report(path, name, clean, year))
        items.append(li(path, report_title(organ, year)))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(col)


CLASSES = {
    "host-spellings": (host_spellings, ["http-links", "bare-links", "upper-host", "trailing-dot", "mixed"]),
    "dept-subsite": (dept_subsite, ["xxgk-host", "dept-host"]),
    "twins": (twins, ["a", "b"]),
    "trs-pager": (trs_pager, ["script", "countpage"]),
    "jsessionid": (jsessionid, ["lower", "upper"]),
    "invisible-chars": (invisible_chars, list(INVISIBLE)),
}


def generate(seed: int = 0) -> list[Portal]:
    rnd = random.Random(seed)
    out, k = [], 0
    for cls, (build, spellings) in CLASSES.items():
        for spelling in spellings:
            town, py = TOWNS[k]  # one domain per case (a domain used twice would map to two addresses)
            k += 1
            b = Builder(cls, spelling, random.Random(rnd.random()), town + "人民政府")
            p = Portal(b.case, py)
            p.case.routes = {}
            p.redirects = {("http", p.www): ("https", p.www), ("http", p.bare): ("https", p.www),
                           ("https", p.bare): ("https", p.www)}
            build(p, spelling)
            out.append(p)
    return out


def names_of(p: Portal) -> list[str]:
    """Every spelling of every host name of the portal a link may use (as DNS answers them)."""
    out = set()
    for host in [*p.hosts, p.bare, p.www]:
        out |= {host, host.upper(), host + "."}
    return sorted(out)


# --- servers: one address, ports 80 and 443, virtual hosts ------------------------------------

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    tls = None  # an ssl.SSLContext: the handshake in the connection's own thread, not in accept

    def finish_request(self, request, client_address):
        if self.tls is not None:
            request.settimeout(30)
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (OSError, ssl.SSLError):
                return
        super().finish_request(request, client_address)


def _norm_host(value: str) -> str:
    host = (value or "").rsplit(":", 1)[0] if not (value or "").endswith("]") else value
    return host.lower().rstrip(".")


class VirtualHosts:
    """The portals of one address: HTTP on 80 and HTTPS on 443, routed by the Host header;
    the portal's redirects (http → https, bare → www) answered 301."""

    def __init__(self, address: str, portals: list[Portal], certfile: str, ports=((80, False), (443, True))):
        self.address, self.portals, self.log = address, portals, []
        self.servers = []
        for port, tls in ports:
            server = _Server((address, port), self._handler("https" if tls else "http"))
            if tls:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(certfile)
                server.tls = ctx
            self.servers.append(server)

    def _route(self, scheme: str, host: str, path: str):
        for p in self.portals:
            target = p.redirects.get((scheme, host))
            if target and host in (p.www, p.bare):
                return ("redirect", f"{target[0]}://{target[1]}{path}")
            if host in p.hosts:
                routes = p.hosts[host]
                if path in routes:
                    return routes[path]
                if ";" in path:  # a servlet container ignores the session path parameter
                    bare = path.split(";")[0] + (("?" + path.split("?", 1)[1]) if "?" in path else "")
                    return routes.get(bare)
                return None
        return None

    def _handler(self, scheme: str):
        vh = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 30

            def log_message(self, *args):
                pass

            def _answer(self):
                host = _norm_host(self.headers.get("Host", ""))
                vh.log.append((scheme, host, self.command, self.path))
                route = vh._route(scheme, host, self.path)
                if route is None and self.path == "/robots.txt":
                    body, status, ctype, headers = b"User-agent: *\nAllow: /\n", 200, "text/plain", []
                elif route is None:
                    body, status, ctype, headers = b"<html><body>404</body></html>", 404, "text/html", []
                elif isinstance(route, tuple):
                    body, status, ctype, headers = b"", 301, "text/html", [("Location", route[1])]
                else:
                    body, status, ctype, headers = route.body, route.status, route.content_type, route.headers
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    try:
                        self.wfile.write(body)
                    except OSError:
                        pass

            do_GET = do_POST = do_HEAD = _answer
        return Handler

    def start(self) -> "VirtualHosts":
        for s in self.servers:
            threading.Thread(target=s.serve_forever, daemon=True).start()
        return self

    def stop(self):
        for s in self.servers:
            s.shutdown()
            s.server_close()


def self_signed(folder) -> str:
    """A self-signed certificate for *.gov.cn (the crawl does not verify, as Scrapy's default)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "*.gov.cn")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("*.gov.cn")]), critical=False)
            .sign(key, hashes.SHA256()))
    path = folder / "gov-cn.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()) + cert.public_bytes(serialization.Encoding.PEM))
    return str(path)
