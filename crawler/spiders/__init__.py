"""One module per source; each spider is a thin subclass of ``crawler.base.TenderSpider``."""
