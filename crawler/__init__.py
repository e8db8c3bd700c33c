"""Crawler: Scrapy spiders and parsers that turn public tender notices into notice records."""
