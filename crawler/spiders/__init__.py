"""One module per source; each spider is a thin subclass of ``crawler.base.TenderSpider``.

``SOURCES`` names them without importing Scrapy, for argument checking where no crawl runs (a test keeps it
equal to the spiders' names).
"""

SOURCES = ("files", "ocds", "ted", "ted_packages", "tenderned")
