"""The long-lived crawl: one Scrapy process per crawling host, fed with due runs from the
database, crawling many sources at once with politeness per domain from Scrapy's slots."""
