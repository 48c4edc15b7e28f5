"""The seeds loader refuses what a person editing a seeds file by hand gets wrong and YAML
would read silently wrong (a key twice, a lost '- ' merging two entries, a host written
with its scheme or path, an address pasted with its punctuation, one id twice in two
spellings): one SeedsError naming the entry and the problem. The whole crawl with each
mistype over an archive is tests/test_world_seeds.py."""
import pytest

from crawler.seeds import SeedsError, load_seeds

GOOD = "- id: p\n  name: 南湖区人民政府\n  url: http://www.nanhu.gov.cn/\n"
MISTYPES = {
    "url twice": (GOOD + "  url: http://www.nanhu.gov.cn/old/\n", "'url' appears twice"),
    "a lost '- '": (GOOD + "  id: p-b\n  name: 南湖区人民政府办公室\n  url: http://www.nanhu.gov.cn/b/\n",
                    "appears twice"),
    "host with scheme": (GOOD + "  allowed_hosts: ['http://www.nanhu.gov.cn/']\n", "is not a host name"),
    "host with path": (GOOD + "  allowed_hosts: [www.nanhu.gov.cn/xxgk]\n", "is not a host name"),
    "host with separator": (GOOD + "  allowed_hosts: ['www.nanhu.gov.cn;']\n", "is not a host name"),
    "url with junk": (GOOD.replace(".cn/", ".cn/ ，"), "contains a space or Chinese punctuation"),
    "id in two spellings": (GOOD + GOOD.replace("id: p", "id: 'P '"), "spaces"),
    "id in two cases": (GOOD + GOOD.replace("id: p", "id: P"), "appears twice"),
}


@pytest.mark.parametrize("mistype", MISTYPES)
def test_mistyped_seeds_refused_with_one_reason(tmp_path, mistype):
    text, said = MISTYPES[mistype]
    path = tmp_path / "seeds.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SeedsError, match=said) as raised:
        load_seeds(path)
    assert "\n" not in str(raised.value) and str(path) in str(raised.value)


def test_good_hosts_pass(tmp_path):
    path = tmp_path / "seeds.yml"
    path.write_text(GOOD + "  allowed_hosts: [www.nanhu.gov.cn, 'nanhu.gov.cn:8080', '*.nanhu.gov.cn', '127.0.0.1:8101',"
                    " '[::1]:8101']\n", encoding="utf-8")
    assert load_seeds(path)[0]["allowed_hosts"][-1] == "[::1]:8101"
