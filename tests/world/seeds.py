"""Mistyped seeds files: the ways a person editing a seeds file by hand gets it wrong, each
written over a good seeds file of one portal already archived (ground truth: the archive
before the run).

    cases = mistyped(good_entry)    # {case: (bytes of the seeds file, what is wrong)}

Every case must end with exit non-zero, one clear line on stderr naming the problem, no
crawl started, and nothing archived lost (test_world_seeds.py). Some are valid YAML that a
loader reads silently wrong (a duplicate key, an allowed host with a scheme, the id of an
archived portal with a typo in its host): those are the ones that matter.
"""
from __future__ import annotations

import copy

import yaml


def _dump(entries) -> str:
    return yaml.safe_dump(entries, allow_unicode=True, sort_keys=False)


def mistyped(good: dict, closed_port: int) -> dict:
    """{case: (bytes, note, expected)} for one good entry (id, name, url, region, level, allowed_hosts)."""
    text = _dump([good])
    host = good["allowed_hosts"][0]
    out = {}
    # 1. indented with a tab (YAML forbids tabs in indentation)
    out["tab-indent"] = (text.replace("\n  ", "\n\t").encode("utf-8"), "tabs in indentation")
    # 2. saved as UTF-16 by Windows Notepad ("Unicode")
    out["utf16"] = (text.encode("utf-16"), "UTF-16 with a BOM")
    # 3. saved as GBK by a Chinese editor (names unreadable as UTF-8)
    out["gbk"] = (text.encode("gbk"), "GBK bytes")
    # 4. a key given twice in one entry: YAML keeps the last silently (url of another portal)
    dup = text + f"  url: http://{host}/old/\n"
    out["duplicate-key"] = (dup.encode("utf-8"), "url: twice in one entry")
    # 5. allowed_hosts written with a scheme, as copied from the address bar
    e = copy.deepcopy(good)
    e["allowed_hosts"] = [f"http://{host}/"]
    out["host-with-scheme"] = (_dump([e]).encode("utf-8"), "allowed_hosts: [http://host/]")
    # 6. allowed_hosts with a path
    e = copy.deepcopy(good)
    e["allowed_hosts"] = [f"{host}/xxgk"]
    out["host-with-path"] = (_dump([e]).encode("utf-8"), "allowed_hosts: [host/xxgk]")
    # 7. a full-width comma and a space pasted after the URL (from a Chinese document)
    e = copy.deepcopy(good)
    e["url"] = good["url"] + " ，"
    out["url-trailing-junk"] = (_dump([e]).encode("utf-8"), "url ends with ' ，'")
    # 8. the same portal twice, ids differing only by case and a trailing space
    e1, e2 = copy.deepcopy(good), copy.deepcopy(good)
    e2["id"] = good["id"].upper() + " "
    out["id-twice-spelled"] = (_dump([e1, e2]).encode("utf-8"), "id twice (case, trailing space)")
    # 9. the archived portal's id with a typo in its host's port: nothing answers there
    e = copy.deepcopy(good)
    bad = f"{host.rsplit(':', 1)[0]}:{closed_port}"
    e["url"] = good["url"].replace(host, bad)
    e["allowed_hosts"] = [bad]
    out["host-typo-same-id"] = (_dump([e]).encode("utf-8"), "archived id, port typo in url and hosts")
    # 10. the archived portal's id with a typo in the start path: the start page is a 404
    e = copy.deepcopy(good)
    e["url"] = good["url"].rstrip("/") + "/xxkg/indx.htm"
    out["path-typo-same-id"] = (_dump([e]).encode("utf-8"), "archived id, start URL a 404")
    # 11. one field per line lost its "- " : two entries merged into one mapping
    e2 = copy.deepcopy(good)
    e2["id"], e2["name"] = good["id"] + "-b", good["name"] + "办公室"
    merged = _dump([good]) + _dump([e2]).replace("- id:", "  id:", 1)
    out["dash-lost"] = (merged.encode("utf-8"), "a '- ' lost: the second entry's keys repeat the first's")
    # 12. a level in Chinese (县级) and a region that is a number
    e = copy.deepcopy(good)
    e["level"] = "县级"
    out["level-chinese"] = (_dump([e]).encode("utf-8"), "level: 县级")
    # What each must give: "reject" — refused before anything starts (one line, exit 2);
    # "run" — a valid file naming a portal that is not there (a typo no loader can tell from a
    # moved portal): the crawl runs, exits non-zero, its last line names the portal.
    run = {"host-typo-same-id", "path-typo-same-id"}
    return {k: (data, note, "run" if k in run else "reject") for k, (data, note) in out.items()}
