"""Scrapy settings. Polite defaults for real government portals; the demo and the tests
override the delays on the command line (-s DOWNLOAD_DELAY=0 …) for the local replica."""
import os
from pathlib import Path

BOT_NAME = "gov-report-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# Where the archive goes: SQLite database, and WARC files in a folder beside it.
ARCHIVE_DB = "archive.db"
WARC_DIR = None  # default: <folder of ARCHIVE_DB>/warcs

# Manners: identify ourselves, obey robots.txt, one or two requests at a time per host.
USER_AGENT = ("gov-report-archive/0.1 (open archive of 政府信息公开工作年度报告; "
              "polite crawler, obeys robots.txt)")
ROBOTSTXT_OBEY = True
# A robots.txt Crawl-delay is honoured up to this many seconds (a portal asking for more is
# crawled at this interval, and that is recorded: errors row, stage `limit`).
MAX_CRAWL_DELAY = 60.0
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 2.0
# Politeness per host is exact (crawler/politeness.py): never two requests to one host (or
# one IP address) closer than its delay (DOWNLOAD_DELAY, AutoThrottle's, robots.txt's
# Crawl-delay), jitter only upward; so Scrapy's ±50 % jitter is off.
DOWNLOAD_DELAY_JITTER = 0
POLITENESS_JITTER = 0.05  # fraction of the delay added at random
POLITENESS_MARGIN = 0.1  # seconds added to every delay
# Across hosts, as many at once as CPU and memory allow (crawler/concurrency.py): the
# limit starts at CONCURRENT_REQUESTS and moves between _MIN and _MAX.
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_MIN = 8
CONCURRENT_REQUESTS_MAX = 1024
ADAPTIVE_MEMORY_MB = 600  # the crawl and its extraction pool, PSS (the browser: BROWSER_MEMORY_MB)
# Scheduling: the next request goes to the host with the fewest requests in the downloader
# (so slow hosts never queue up the others), and within a host the one nearest a report
# (crawler/priority.py): reports flow from the first minutes.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
# Responses waiting for the callbacks and the extraction pool: room for the pool's queue.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 32 * 1024 * 1024
# A log line with portals done/total, reports, requests/s, errors and ETA (crawler/progress.py).
PROGRESS_INTERVAL = 30.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
# A report, even a scanned PDF, is far below this; a larger answer is a trap or an error.
# Applied while the body streams in: the download stops there and is recorded as an error.
# (Limits of the extraction itself: extract/limits.py, EXTRACT_* variables.)
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
# A zip of reports (extract/bundles.py): fetched within DOWNLOAD_MAXSIZE, then at most this
# many report files read from it, each inflated to at most BUNDLE_MEMBER_MAXSIZE bytes and all
# together to BUNDLE_TOTAL_MAXSIZE (what a header declares is not trusted); a limit hit is an
# error of stage `limit`.
BUNDLE_MEMBERS_MAX = 200
BUNDLE_MEMBER_MAXSIZE = 64 * 1024 * 1024
BUNDLE_TOTAL_MAXSIZE = 512 * 1024 * 1024
# Smaller caps for what is parsed whole: robots.txt (as major crawlers do) and the
# navigation and list pages (a real list page is far below it; a report and its files get
# DOWNLOAD_MAXSIZE).
ROBOTSTXT_MAXSIZE = 500 * 1024
LIST_PAGE_MAXSIZE = 8 * 1024 * 1024
# Time bounds (crawler/watchdog.py): one URL's attempts together, retries included; and one
# portal since its first request (past it the portal is cut off, recorded `incomplete`, and
# the other portals finish and are published). 0: no bound.
URL_TIME_LIMIT = 300
PORTAL_TIME_LIMIT = 6 * 3600
RETRY_TIMES = 3
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubling per attempt
RETRY_BACKOFF_MAX = 60.0
# An unreachable host (refused, no DNS, no route) is tried once more, at once: it must not
# hold the crawl for minutes.
RETRY_UNREACHABLE_TIMES = 1
# ... and so is a host that has never answered in this crawl and times out (a blackhole): after
# that, a portal's first request to it fails at once and the rest (sitemap.xml …) are not sent.
# A 429/503 asking to come back later (Retry-After, seconds or an HTTP date) is waited for up
# to this many seconds; a longer one is not asked again in the crawl (one errors row, `limit`).
RETRY_AFTER_MAX = 60.0
REDIRECT_MAX_TIMES = 5
# No depth limit: pagination is not depth. Navigation is bounded by MAX_HOPS (the spider)
# and every portal by its page budget below.
DEPTH_LIMIT = 0
# Re-runs go straight to the columns where reports were listed; the whole navigation from
# the homepage is walked again when the last full discovery is older than this (days).
FULL_DISCOVERY_DAYS = 7
# Per portal: at most this many navigation/list pages and list-API calls (crawl traps end
# here), and at most this many report pages and files. Duplicates spend nothing; a budget
# that runs out is an error of the portal (status `incomplete`).
PORTAL_PAGE_BUDGET = 300
PORTAL_REPORT_BUDGET = 5000
# Pages of a JavaScript-built list clicked through in the browser, per list.
BROWSER_LIST_PAGES = 30
# Year tabs (2023 | 2022 | …, switched by script) clicked in the browser, per list page.
BROWSER_TAB_CLICKS = 20
# A column's feeds and the portal's sitemaps read as lists (crawler/spiders/feeds.py).
FEEDS_PER_COLUMN = 3
FEED_MAX_ENTRIES = 500
SITEMAPS_PER_PORTAL = 10
SITEMAP_MAX_ENTRIES = 5000
SITEMAP_PROBES = 100  # sitemap entries under a report column asked for their title, per portal

# The gate after DNS: a name resolving to an internal address is never connected to.
TWISTED_DNS_RESOLVER = "crawler.gate_resolver.GateResolver"

DOWNLOADER_MIDDLEWARES = {
    # First of all, the gate (crawler/gate.py): a request (robots.txt, a redirect too) off
    # its portal's hosts and ports is never sent.
    "crawler.scope.ScopeMiddleware": 50,
    # Then the time bounds: a portal past PORTAL_TIME_LIMIT sends nothing more.
    "crawler.watchdog.WatchdogMiddleware": 55,
    # Each host's download slot: exact delay, shared by IP address (before robots.txt's).
    "crawler.politeness.PolitenessMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,
    # Content-Encoding decoded as Scrapy does; a bomb cut at its size cap is told apart (stage `limit`).
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.size_caps.CappedHttpCompressionMiddleware": 590,
    "crawler.redirect_loops.RedirectLoopMiddleware": 650,  # sees a redirect before Scrapy follows it
    # A page with a delayed or refused meta refresh is still read (crawler/refresh.py).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.refresh.PageKeepingMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    # One cookie jar per portal; the public suffix list bundled with tldextract, never fetched.
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.cookies.PortalCookiesMiddleware": 700,
    "crawler.retry.QuietRobotsTxtMiddleware": 100,
    # Conditional requests for every URL with a known validator; a 304 list page is read
    # from its archived copy.
    "crawler.conditional.ConditionalMiddleware": 940,
    # Firewall challenges passed in the browser (after the capture keeps the challenge page).
    "crawler.challenge.ChallengeMiddleware": 930,
    # Next to the downloader, so every response (redirects and errors too) is captured.
    "crawler.capture.CaptureMiddleware": 950,
}
SPIDER_MIDDLEWARES = {
    "crawler.priority.DepthFirstMiddleware": 950,
}
EXTENSIONS = {
    "crawler.concurrency.AdaptiveConcurrency": 100,
    "crawler.progress.Progress": 110,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 300,
}

# JavaScript-built lists: Chromium through scrapy-playwright, only for requests that ask
# for it (meta "playwright": True); everything else is fetched plainly. The browser and its
# driver start with the first such request (crawler/browser.py), not with every crawl.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DOWNLOAD_HANDLERS = {
    "http": "crawler.browser.LazyPlaywrightDownloadHandler",
    "https": "crawler.browser.LazyPlaywrightDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# Debian's headless shell: no window UI, so no omnibox WebUI renderer beside every page (a page
# cost ~1/3 of the memory and CPU of the full browser's new headless mode, bench part 7).
_chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
# Chromium reaches no address by itself: every name and address it would connect to resolves
# to nothing (--host-resolver-rules), so its speculative connections — the preconnect it opens
# when a page starts a navigation, before any request is routed; <link rel=preconnect> and
# dns-prefetch — go nowhere. Every request a page makes is routed through the gate
# (crawler/gate_browser.py), which has Scrapy's downloader fetch an admitted one (politeness,
# size caps, the address check at connection time: crawler/browser_fetch.py) and aborts the
# rest. Speculation is also switched off where Chromium has a switch for it.
BROWSER_NO_NETWORK_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND", "--dns-prefetch-disable",
                           "--disable-features=NetworkPrediction,LoadingPredictorUseLocalPredictions,"
                           "NavigationPredictor,PreconnectToSearch,SearchEnginePreconnect2,Prerender2,"
                           "NoStatePrefetch,SpeculationRulesPrefetchFuture,LinkPreview,"
                           # and a frame of another site renders in its page's process (memory)
                           "IsolateOrigins,site-per-process", "--disable-site-isolation-trials"]
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-dev-shm-usage",
             # a page's script cannot take gigabytes: its JavaScript heap is bounded (MB)
             "--js-flags=--max-old-space-size=256", *BROWSER_NO_NETWORK_ARGS],
}
if Path(_chromium).exists():  # Debian's Chromium; else Playwright's own (playwright install)
    PLAYWRIGHT_LAUNCH_OPTIONS["executable_path"] = _chromium
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
# Browser pages (each in a context of its own, closed with it) open at once: what
# BROWSER_MEMORY_MB allows at BROWSER_PAGE_MB a page, within a quarter of the memory available
# at start (BROWSER_PAGES > 0: that many). Renders wait in a download slot of their own, not
# their host's, and are not counted against CONCURRENT_REQUESTS (crawler/browser_slot.py).
BROWSER_PAGES = 0
BROWSER_MEMORY_MB = 300
BROWSER_PAGE_MB = 30  # headless shell, 300-host polite bench: 10 pages 1.43× its floor, tree 885 MB PSS (4: 1.98×, 6: 1.71×)
BROWSER_PAGE_SECONDS = 300  # a page still open this long after it was created is closed
DOWNLOADER = "crawler.browser_slot.Downloader"
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 1

# Scrapy runs a callback's output through CONCURRENT_ITEMS asyncio tasks for every response
# (100 by default: ~1 ms of task overhead per page); a report page yields one item, a list
# page some requests.
CONCURRENT_ITEMS = 16

# Scrapy re-parses a generator callback's source for this lint on every response (a bound
# method is never found in its cache): a twentieth of the crawl's CPU. The tests run our callbacks.
WARN_ON_GENERATOR_RETURN_VALUE = False

FEED_EXPORT_ENCODING = "utf-8"
# The spider prints a short per-portal summary at the end instead of Scrapy's stats dump.
STATS_DUMP = False
LOG_LEVEL = "INFO"

# --- Discovery: the browser as the reference (issue 17) ---
# At each full discovery every report column is also rendered in Chromium and its report
# links compared with the static routes'; a column where the browser saw more is rendered on
# re-crawls too. False: the browser only where the static routes find no list.
BROWSER_REFERENCE = True
# Pages rendered per portal at most (columns, shell report pages, challenges); recorded when reached.
BROWSER_PORTAL_RENDERS = 40
# Firewall challenges (crawler/challenge.py): browser passes per portal, seconds to wait for one.
CHALLENGE_PASSES = 3
CHALLENGE_SECONDS = 15
# The cookies a pass earned are kept for the next runs (archive/challenge_cookies.py): until
# their expiry, a session cookie this many hours; refused ones are replaced by a new pass.
CHALLENGE_COOKIES_KEEP_HOURS = 12
# A report split over several pages (第1页 第2页, crawler/report_parts.py): pages read at most
# (the report is the first ones joined; reaching it is recorded, stage `limit`).
REPORT_PAGES_MAX = 20
