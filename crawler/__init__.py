"""The Scrapy project: discover annual reports on portals, fetch, capture, hand to extract/."""
